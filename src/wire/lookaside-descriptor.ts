// Generated from proto/lookaside/v1/lookaside.proto and the health.proto of grpc-health-check 2.1.0 by
// scripts/generate-wire-descriptors.ts: do not edit. Regenerate with `npm run generate:wire`.
// 25 types reachable from: LoadBalancer, Health.

// protobufjs's JSON form of a namespace (Root.fromJSON), field names as the protos spell them.
export const LOOKASIDE_DESCRIPTOR: Record<string, unknown> = {
 "nested": {
  "lookaside": {
   "nested": {
    "v1": {
     "nested": {
      "LoadBalancer": {
       "methods": {
        "GetServers": {
         "requestType": "GetServersRequest",
         "responseType": "GetServersResponse"
        },
        "WatchServers": {
         "requestType": "WatchServersRequest",
         "responseType": "WatchServersResponse",
         "responseStream": true
        },
        "ReportLoad": {
         "requestType": "ReportLoadRequest",
         "requestStream": true,
         "responseType": "ReportLoadResponse",
         "responseStream": true
        }
       }
      },
      "ServiceRef": {
       "fields": {
        "service": {
         "type": "string",
         "id": 1
        },
        "port": {
         "type": "string",
         "id": 2
        }
       }
      },
      "ClientInfo": {
       "fields": {
        "zone": {
         "type": "string",
         "id": 1
        },
        "node": {
         "type": "string",
         "id": 2
        },
        "client_id": {
         "type": "string",
         "id": 3
        }
       }
      },
      "GetServersRequest": {
       "fields": {
        "target": {
         "type": "ServiceRef",
         "id": 1
        },
        "client": {
         "type": "ClientInfo",
         "id": 2
        }
       }
      },
      "GetServersResponse": {
       "fields": {
        "target": {
         "type": "ServiceRef",
         "id": 1
        },
        "version": {
         "type": "uint64",
         "id": 2
        },
        "exists": {
         "type": "bool",
         "id": 3
        },
        "servers": {
         "rule": "repeated",
         "type": "Server",
         "id": 4
        },
        "route_table": {
         "type": "RouteTable",
         "id": 5
        }
       }
      },
      "WatchServersRequest": {
       "fields": {
        "target": {
         "type": "ServiceRef",
         "id": 1
        },
        "client": {
         "type": "ClientInfo",
         "id": 2
        }
       }
      },
      "WatchServersResponse": {
       "fields": {
        "target": {
         "type": "ServiceRef",
         "id": 1
        },
        "version": {
         "type": "uint64",
         "id": 2
        },
        "exists": {
         "type": "bool",
         "id": 3
        },
        "servers": {
         "rule": "repeated",
         "type": "Server",
         "id": 4
        },
        "route_table": {
         "type": "RouteTable",
         "id": 5
        }
       }
      },
      "Server": {
       "fields": {
        "address": {
         "type": "string",
         "id": 1
        },
        "weight": {
         "type": "uint32",
         "id": 2
        },
        "zone": {
         "type": "string",
         "id": 3
        },
        "metadata": {
         "keyType": "string",
         "type": "string",
         "id": 4
        },
        "priority": {
         "type": "uint32",
         "id": 5
        }
       }
      },
      "RouteTable": {
       "fields": {
        "rules": {
         "rule": "repeated",
         "type": "RouteRule",
         "id": 1
        },
        "routes": {
         "rule": "repeated",
         "type": "string",
         "id": 2
        }
       }
      },
      "RouteRule": {
       "fields": {
        "route": {
         "type": "string",
         "id": 1
        },
        "rule": {
         "type": "uint32",
         "id": 2
        },
        "method": {
         "type": "MethodMatch",
         "id": 3
        },
        "headers": {
         "rule": "repeated",
         "type": "HeaderMatch",
         "id": 4
        },
        "targets": {
         "rule": "repeated",
         "type": "RouteTarget",
         "id": 5
        },
        "unavailable_weight": {
         "type": "uint32",
         "id": 6
        },
        "failure": {
         "type": "string",
         "id": 7
        }
       }
      },
      "MatchType": {
       "values": {
        "MATCH_TYPE_UNSPECIFIED": 0,
        "MATCH_TYPE_EXACT": 1,
        "MATCH_TYPE_REGULAR_EXPRESSION": 2
       }
      },
      "MethodMatch": {
       "fields": {
        "type": {
         "type": "MatchType",
         "id": 1
        },
        "service": {
         "type": "string",
         "id": 2
        },
        "method": {
         "type": "string",
         "id": 3
        }
       }
      },
      "HeaderMatch": {
       "fields": {
        "type": {
         "type": "MatchType",
         "id": 1
        },
        "name": {
         "type": "string",
         "id": 2
        },
        "value": {
         "type": "string",
         "id": 3
        }
       }
      },
      "RouteTarget": {
       "fields": {
        "target": {
         "type": "ServiceRef",
         "id": 1
        },
        "weight": {
         "type": "uint32",
         "id": 2
        }
       }
      },
      "ReportLoadRequest": {
       "fields": {
        "client": {
         "type": "ClientInfo",
         "id": 1
        },
        "targets": {
         "rule": "repeated",
         "type": "TargetLoad",
         "id": 2
        }
       }
      },
      "TargetLoad": {
       "fields": {
        "target": {
         "type": "ServiceRef",
         "id": 1
        },
        "applied": {
         "type": "AppliedServerList",
         "id": 2
        },
        "backends": {
         "rule": "repeated",
         "type": "BackendLoad",
         "id": 3
        }
       }
      },
      "AppliedServerList": {
       "fields": {
        "version": {
         "type": "uint64",
         "id": 1
        },
        "exists": {
         "type": "bool",
         "id": 2
        }
       }
      },
      "BackendLoad": {
       "fields": {
        "address": {
         "type": "string",
         "id": 1
        },
        "succeeded_calls": {
         "type": "uint64",
         "id": 2
        },
        "failed_calls": {
         "type": "uint64",
         "id": 3
        },
        "issued_calls": {
         "type": "uint64",
         "id": 4
        },
        "in_progress_calls": {
         "type": "uint64",
         "id": 5
        }
       }
      },
      "ReportLoadResponse": {
       "fields": {
        "report_interval_ms": {
         "type": "uint32",
         "id": 1
        }
       }
      }
     }
    }
   }
  },
  "grpc": {
   "nested": {
    "health": {
     "nested": {
      "v1": {
       "nested": {
        "HealthListRequest": {
         "fields": {}
        },
        "HealthListResponse": {
         "fields": {
          "statuses": {
           "keyType": "string",
           "type": "HealthCheckResponse",
           "id": 1
          }
         }
        },
        "HealthCheckRequest": {
         "fields": {
          "service": {
           "type": "string",
           "id": 1
          }
         }
        },
        "HealthCheckResponse": {
         "fields": {
          "status": {
           "type": "ServingStatus",
           "id": 1
          }
         },
         "nested": {
          "ServingStatus": {
           "values": {
            "UNKNOWN": 0,
            "SERVING": 1,
            "NOT_SERVING": 2,
            "SERVICE_UNKNOWN": 3
           }
          }
         }
        },
        "Health": {
         "methods": {
          "Check": {
           "requestType": "HealthCheckRequest",
           "responseType": "HealthCheckResponse"
          },
          "Watch": {
           "requestType": "HealthCheckRequest",
           "responseType": "HealthCheckResponse",
           "responseStream": true
          },
          "List": {
           "requestType": "HealthListRequest",
           "responseType": "HealthListResponse"
          }
         }
        }
       }
      }
     }
    }
   }
  }
 }
};

// The .proto file that defines each top-level type, for reflection.
export const LOOKASIDE_FILES: Record<string, string> = {
 "grpc.health.v1.Health": "health/v1/health.proto",
 "grpc.health.v1.HealthCheckRequest": "health/v1/health.proto",
 "grpc.health.v1.HealthCheckResponse": "health/v1/health.proto",
 "grpc.health.v1.HealthListRequest": "health/v1/health.proto",
 "grpc.health.v1.HealthListResponse": "health/v1/health.proto",
 "lookaside.v1.AppliedServerList": "lookaside/v1/lookaside.proto",
 "lookaside.v1.BackendLoad": "lookaside/v1/lookaside.proto",
 "lookaside.v1.ClientInfo": "lookaside/v1/lookaside.proto",
 "lookaside.v1.GetServersRequest": "lookaside/v1/lookaside.proto",
 "lookaside.v1.GetServersResponse": "lookaside/v1/lookaside.proto",
 "lookaside.v1.HeaderMatch": "lookaside/v1/lookaside.proto",
 "lookaside.v1.LoadBalancer": "lookaside/v1/lookaside.proto",
 "lookaside.v1.MatchType": "lookaside/v1/lookaside.proto",
 "lookaside.v1.MethodMatch": "lookaside/v1/lookaside.proto",
 "lookaside.v1.ReportLoadRequest": "lookaside/v1/lookaside.proto",
 "lookaside.v1.ReportLoadResponse": "lookaside/v1/lookaside.proto",
 "lookaside.v1.RouteRule": "lookaside/v1/lookaside.proto",
 "lookaside.v1.RouteTable": "lookaside/v1/lookaside.proto",
 "lookaside.v1.RouteTarget": "lookaside/v1/lookaside.proto",
 "lookaside.v1.Server": "lookaside/v1/lookaside.proto",
 "lookaside.v1.ServiceRef": "lookaside/v1/lookaside.proto",
 "lookaside.v1.TargetLoad": "lookaside/v1/lookaside.proto",
 "lookaside.v1.WatchServersRequest": "lookaside/v1/lookaside.proto",
 "lookaside.v1.WatchServersResponse": "lookaside/v1/lookaside.proto"
};

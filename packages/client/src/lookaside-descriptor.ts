// Generated from proto/lookaside/v1/lookaside.proto by
// packages/client/scripts/generate-lookaside-descriptor.ts: do not edit.
// Regenerate with `npm run generate -w grpc-lookaside-client`.

// protobufjs's JSON form of a namespace (Root.fromJSON). Not typed as its
// INamespace, whose typings demand fields (such as "comment") the JSON leaves out.
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
                "clientId": {
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
                "routeTable": {
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
                "routeTable": {
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
                "unavailableWeight": {
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
                "succeededCalls": {
                  "type": "uint64",
                  "id": 2
                },
                "failedCalls": {
                  "type": "uint64",
                  "id": 3
                },
                "issuedCalls": {
                  "type": "uint64",
                  "id": 4
                },
                "inProgressCalls": {
                  "type": "uint64",
                  "id": 5
                }
              }
            },
            "ReportLoadResponse": {
              "fields": {
                "reportIntervalMs": {
                  "type": "uint32",
                  "id": 1
                }
              }
            }
          }
        }
      }
    }
  }
};

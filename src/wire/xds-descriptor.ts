// Generated from the xDS protos of @grpc/grpc-js-xds 1.14.1 by
// scripts/generate-wire-descriptors.ts: do not edit. Regenerate with `npm run generate:wire`.
// 380 types reachable from: AggregatedDiscoveryService, DiscoveryRequest, DiscoveryResponse, Listener, HttpConnectionManager, Router, RouteConfiguration, Cluster, ClusterLoadAssignment, LoadReportingService, ClientStatusDiscoveryService.

// protobufjs's JSON form of a namespace (Root.fromJSON), field names as the protos spell them.
export const XDS_DESCRIPTOR: Record<string, unknown> = {
 "nested": {
  "envoy": {
   "nested": {
    "service": {
     "nested": {
      "discovery": {
       "nested": {
        "v3": {
         "nested": {
          "AggregatedDiscoveryService": {
           "methods": {
            "StreamAggregatedResources": {
             "requestType": "DiscoveryRequest",
             "requestStream": true,
             "responseType": "DiscoveryResponse",
             "responseStream": true
            },
            "DeltaAggregatedResources": {
             "requestType": "DeltaDiscoveryRequest",
             "requestStream": true,
             "responseType": "DeltaDiscoveryResponse",
             "responseStream": true
            }
           }
          },
          "ResourceLocator": {
           "fields": {
            "name": {
             "type": "string",
             "id": 1
            },
            "dynamic_parameters": {
             "keyType": "string",
             "type": "string",
             "id": 2
            }
           }
          },
          "ResourceName": {
           "fields": {
            "name": {
             "type": "string",
             "id": 1
            },
            "dynamic_parameter_constraints": {
             "type": "DynamicParameterConstraints",
             "id": 2
            }
           }
          },
          "DiscoveryRequest": {
           "fields": {
            "version_info": {
             "type": "string",
             "id": 1
            },
            "node": {
             "type": "config.core.v3.Node",
             "id": 2
            },
            "resource_names": {
             "rule": "repeated",
             "type": "string",
             "id": 3
            },
            "resource_locators": {
             "rule": "repeated",
             "type": "ResourceLocator",
             "id": 7
            },
            "type_url": {
             "type": "string",
             "id": 4
            },
            "response_nonce": {
             "type": "string",
             "id": 5
            },
            "error_detail": {
             "type": "google.rpc.Status",
             "id": 6
            }
           }
          },
          "DiscoveryResponse": {
           "fields": {
            "version_info": {
             "type": "string",
             "id": 1
            },
            "resources": {
             "rule": "repeated",
             "type": "google.protobuf.Any",
             "id": 2
            },
            "canary": {
             "type": "bool",
             "id": 3
            },
            "type_url": {
             "type": "string",
             "id": 4
            },
            "nonce": {
             "type": "string",
             "id": 5
            },
            "control_plane": {
             "type": "config.core.v3.ControlPlane",
             "id": 6
            }
           }
          },
          "DeltaDiscoveryRequest": {
           "fields": {
            "node": {
             "type": "config.core.v3.Node",
             "id": 1
            },
            "type_url": {
             "type": "string",
             "id": 2
            },
            "resource_names_subscribe": {
             "rule": "repeated",
             "type": "string",
             "id": 3
            },
            "resource_names_unsubscribe": {
             "rule": "repeated",
             "type": "string",
             "id": 4
            },
            "resource_locators_subscribe": {
             "rule": "repeated",
             "type": "ResourceLocator",
             "id": 8
            },
            "resource_locators_unsubscribe": {
             "rule": "repeated",
             "type": "ResourceLocator",
             "id": 9
            },
            "initial_resource_versions": {
             "keyType": "string",
             "type": "string",
             "id": 5
            },
            "response_nonce": {
             "type": "string",
             "id": 6
            },
            "error_detail": {
             "type": "google.rpc.Status",
             "id": 7
            }
           }
          },
          "DeltaDiscoveryResponse": {
           "fields": {
            "system_version_info": {
             "type": "string",
             "id": 1
            },
            "resources": {
             "rule": "repeated",
             "type": "Resource",
             "id": 2
            },
            "type_url": {
             "type": "string",
             "id": 4
            },
            "removed_resources": {
             "rule": "repeated",
             "type": "string",
             "id": 6
            },
            "removed_resource_names": {
             "rule": "repeated",
             "type": "ResourceName",
             "id": 8
            },
            "nonce": {
             "type": "string",
             "id": 5
            },
            "control_plane": {
             "type": "config.core.v3.ControlPlane",
             "id": 7
            }
           }
          },
          "DynamicParameterConstraints": {
           "oneofs": {
            "type": {
             "oneof": [
              "constraint",
              "or_constraints",
              "and_constraints",
              "not_constraints"
             ]
            }
           },
           "fields": {
            "constraint": {
             "type": "SingleConstraint",
             "id": 1
            },
            "or_constraints": {
             "type": "ConstraintList",
             "id": 2
            },
            "and_constraints": {
             "type": "ConstraintList",
             "id": 3
            },
            "not_constraints": {
             "type": "DynamicParameterConstraints",
             "id": 4
            }
           },
           "nested": {
            "SingleConstraint": {
             "oneofs": {
              "constraint_type": {
               "oneof": [
                "value",
                "exists"
               ]
              }
             },
             "fields": {
              "key": {
               "type": "string",
               "id": 1
              },
              "value": {
               "type": "string",
               "id": 2
              },
              "exists": {
               "type": "Exists",
               "id": 3
              }
             },
             "nested": {
              "Exists": {
               "fields": {}
              }
             }
            },
            "ConstraintList": {
             "fields": {
              "constraints": {
               "rule": "repeated",
               "type": "DynamicParameterConstraints",
               "id": 1
              }
             }
            }
           }
          },
          "Resource": {
           "fields": {
            "name": {
             "type": "string",
             "id": 3
            },
            "resource_name": {
             "type": "ResourceName",
             "id": 8
            },
            "aliases": {
             "rule": "repeated",
             "type": "string",
             "id": 4
            },
            "version": {
             "type": "string",
             "id": 1
            },
            "resource": {
             "type": "google.protobuf.Any",
             "id": 2
            },
            "ttl": {
             "type": "google.protobuf.Duration",
             "id": 6
            },
            "cache_control": {
             "type": "CacheControl",
             "id": 7
            },
            "metadata": {
             "type": "config.core.v3.Metadata",
             "id": 9
            }
           },
           "nested": {
            "CacheControl": {
             "fields": {
              "do_not_cache": {
               "type": "bool",
               "id": 1
              }
             }
            }
           }
          }
         }
        }
       }
      },
      "load_stats": {
       "nested": {
        "v3": {
         "nested": {
          "LoadReportingService": {
           "methods": {
            "StreamLoadStats": {
             "requestType": "LoadStatsRequest",
             "requestStream": true,
             "responseType": "LoadStatsResponse",
             "responseStream": true
            }
           }
          },
          "LoadStatsRequest": {
           "fields": {
            "node": {
             "type": "config.core.v3.Node",
             "id": 1
            },
            "cluster_stats": {
             "rule": "repeated",
             "type": "config.endpoint.v3.ClusterStats",
             "id": 2
            }
           }
          },
          "LoadStatsResponse": {
           "fields": {
            "clusters": {
             "rule": "repeated",
             "type": "string",
             "id": 1
            },
            "send_all_clusters": {
             "type": "bool",
             "id": 4
            },
            "load_reporting_interval": {
             "type": "google.protobuf.Duration",
             "id": 2
            },
            "report_endpoint_granularity": {
             "type": "bool",
             "id": 3
            }
           }
          }
         }
        }
       }
      },
      "status": {
       "nested": {
        "v3": {
         "nested": {
          "ClientStatusDiscoveryService": {
           "methods": {
            "StreamClientStatus": {
             "requestType": "ClientStatusRequest",
             "requestStream": true,
             "responseType": "ClientStatusResponse",
             "responseStream": true
            },
            "FetchClientStatus": {
             "requestType": "ClientStatusRequest",
             "responseType": "ClientStatusResponse",
             "parsedOptions": [
              {
               "(google.api.http)": {
                "post": "/v3/discovery:client_status",
                "body": "*"
               }
              }
             ]
            }
           }
          },
          "ConfigStatus": {
           "values": {
            "UNKNOWN": 0,
            "SYNCED": 1,
            "NOT_SENT": 2,
            "STALE": 3,
            "ERROR": 4
           }
          },
          "ClientConfigStatus": {
           "values": {
            "CLIENT_UNKNOWN": 0,
            "CLIENT_REQUESTED": 1,
            "CLIENT_ACKED": 2,
            "CLIENT_NACKED": 3
           }
          },
          "ClientStatusRequest": {
           "fields": {
            "node_matchers": {
             "rule": "repeated",
             "type": "type.matcher.v3.NodeMatcher",
             "id": 1
            },
            "node": {
             "type": "config.core.v3.Node",
             "id": 2
            },
            "exclude_resource_contents": {
             "type": "bool",
             "id": 3
            }
           }
          },
          "PerXdsConfig": {
           "oneofs": {
            "per_xds_config": {
             "oneof": [
              "listener_config",
              "cluster_config",
              "route_config",
              "scoped_route_config",
              "endpoint_config"
             ]
            }
           },
           "fields": {
            "status": {
             "type": "ConfigStatus",
             "id": 1
            },
            "client_status": {
             "type": "ClientConfigStatus",
             "id": 7
            },
            "listener_config": {
             "type": "admin.v3.ListenersConfigDump",
             "id": 2
            },
            "cluster_config": {
             "type": "admin.v3.ClustersConfigDump",
             "id": 3
            },
            "route_config": {
             "type": "admin.v3.RoutesConfigDump",
             "id": 4
            },
            "scoped_route_config": {
             "type": "admin.v3.ScopedRoutesConfigDump",
             "id": 5
            },
            "endpoint_config": {
             "type": "admin.v3.EndpointsConfigDump",
             "id": 6
            }
           }
          },
          "ClientConfig": {
           "fields": {
            "node": {
             "type": "config.core.v3.Node",
             "id": 1
            },
            "xds_config": {
             "rule": "repeated",
             "type": "PerXdsConfig",
             "id": 2
            },
            "generic_xds_configs": {
             "rule": "repeated",
             "type": "GenericXdsConfig",
             "id": 3
            },
            "client_scope": {
             "type": "string",
             "id": 4
            }
           },
           "nested": {
            "GenericXdsConfig": {
             "fields": {
              "type_url": {
               "type": "string",
               "id": 1
              },
              "name": {
               "type": "string",
               "id": 2
              },
              "version_info": {
               "type": "string",
               "id": 3
              },
              "xds_config": {
               "type": "google.protobuf.Any",
               "id": 4
              },
              "last_updated": {
               "type": "google.protobuf.Timestamp",
               "id": 5
              },
              "config_status": {
               "type": "ConfigStatus",
               "id": 6
              },
              "client_status": {
               "type": "admin.v3.ClientResourceStatus",
               "id": 7
              },
              "error_state": {
               "type": "admin.v3.UpdateFailureState",
               "id": 8
              },
              "is_static_resource": {
               "type": "bool",
               "id": 9
              }
             }
            }
           }
          },
          "ClientStatusResponse": {
           "fields": {
            "config": {
             "rule": "repeated",
             "type": "ClientConfig",
             "id": 1
            }
           }
          }
         }
        }
       }
      }
     }
    },
    "config": {
     "nested": {
      "core": {
       "nested": {
        "v3": {
         "nested": {
          "RoutingPriority": {
           "values": {
            "DEFAULT": 0,
            "HIGH": 1
           }
          },
          "RequestMethod": {
           "values": {
            "METHOD_UNSPECIFIED": 0,
            "GET": 1,
            "HEAD": 2,
            "POST": 3,
            "PUT": 4,
            "DELETE": 5,
            "CONNECT": 6,
            "OPTIONS": 7,
            "TRACE": 8,
            "PATCH": 9
           }
          },
          "TrafficDirection": {
           "values": {
            "UNSPECIFIED": 0,
            "INBOUND": 1,
            "OUTBOUND": 2
           }
          },
          "Locality": {
           "fields": {
            "region": {
             "type": "string",
             "id": 1
            },
            "zone": {
             "type": "string",
             "id": 2
            },
            "sub_zone": {
             "type": "string",
             "id": 3
            }
           }
          },
          "BuildVersion": {
           "fields": {
            "version": {
             "type": "type.v3.SemanticVersion",
             "id": 1
            },
            "metadata": {
             "type": "google.protobuf.Struct",
             "id": 2
            }
           }
          },
          "Extension": {
           "fields": {
            "name": {
             "type": "string",
             "id": 1
            },
            "category": {
             "type": "string",
             "id": 2
            },
            "type_descriptor": {
             "type": "string",
             "id": 3
            },
            "version": {
             "type": "BuildVersion",
             "id": 4
            },
            "disabled": {
             "type": "bool",
             "id": 5
            },
            "type_urls": {
             "rule": "repeated",
             "type": "string",
             "id": 6
            }
           }
          },
          "Node": {
           "oneofs": {
            "user_agent_version_type": {
             "oneof": [
              "user_agent_version",
              "user_agent_build_version"
             ]
            }
           },
           "fields": {
            "id": {
             "type": "string",
             "id": 1
            },
            "cluster": {
             "type": "string",
             "id": 2
            },
            "metadata": {
             "type": "google.protobuf.Struct",
             "id": 3
            },
            "dynamic_parameters": {
             "keyType": "string",
             "type": "xds.core.v3.ContextParams",
             "id": 12
            },
            "locality": {
             "type": "Locality",
             "id": 4
            },
            "user_agent_name": {
             "type": "string",
             "id": 6
            },
            "user_agent_version": {
             "type": "string",
             "id": 7
            },
            "user_agent_build_version": {
             "type": "BuildVersion",
             "id": 8
            },
            "extensions": {
             "rule": "repeated",
             "type": "Extension",
             "id": 9
            },
            "client_features": {
             "rule": "repeated",
             "type": "string",
             "id": 10
            },
            "listening_addresses": {
             "rule": "repeated",
             "type": "Address",
             "id": 11
            }
           },
           "reserved": [
            [
             5,
             5
            ],
            "build_version"
           ]
          },
          "Metadata": {
           "fields": {
            "filter_metadata": {
             "keyType": "string",
             "type": "google.protobuf.Struct",
             "id": 1
            },
            "typed_filter_metadata": {
             "keyType": "string",
             "type": "google.protobuf.Any",
             "id": 2
            }
           }
          },
          "RuntimeUInt32": {
           "fields": {
            "default_value": {
             "type": "uint32",
             "id": 2
            },
            "runtime_key": {
             "type": "string",
             "id": 3
            }
           }
          },
          "RuntimeDouble": {
           "fields": {
            "default_value": {
             "type": "double",
             "id": 1
            },
            "runtime_key": {
             "type": "string",
             "id": 2
            }
           }
          },
          "RuntimeFeatureFlag": {
           "fields": {
            "default_value": {
             "type": "google.protobuf.BoolValue",
             "id": 1
            },
            "runtime_key": {
             "type": "string",
             "id": 2
            }
           }
          },
          "HeaderValue": {
           "fields": {
            "key": {
             "type": "string",
             "id": 1
            },
            "value": {
             "type": "string",
             "id": 2
            },
            "raw_value": {
             "type": "bytes",
             "id": 3
            }
           }
          },
          "HeaderValueOption": {
           "fields": {
            "header": {
             "type": "HeaderValue",
             "id": 1
            },
            "append": {
             "type": "google.protobuf.BoolValue",
             "id": 2
            },
            "append_action": {
             "type": "HeaderAppendAction",
             "id": 3
            },
            "keep_empty_value": {
             "type": "bool",
             "id": 4
            }
           },
           "nested": {
            "HeaderAppendAction": {
             "values": {
              "APPEND_IF_EXISTS_OR_ADD": 0,
              "ADD_IF_ABSENT": 1,
              "OVERWRITE_IF_EXISTS_OR_ADD": 2,
              "OVERWRITE_IF_EXISTS": 3
             }
            }
           }
          },
          "WatchedDirectory": {
           "fields": {
            "path": {
             "type": "string",
             "id": 1
            }
           }
          },
          "DataSource": {
           "oneofs": {
            "specifier": {
             "oneof": [
              "filename",
              "inline_bytes",
              "inline_string",
              "environment_variable"
             ]
            }
           },
           "fields": {
            "filename": {
             "type": "string",
             "id": 1
            },
            "inline_bytes": {
             "type": "bytes",
             "id": 2
            },
            "inline_string": {
             "type": "string",
             "id": 3
            },
            "environment_variable": {
             "type": "string",
             "id": 4
            },
            "watched_directory": {
             "type": "WatchedDirectory",
             "id": 5
            }
           }
          },
          "RetryPolicy": {
           "fields": {
            "retry_back_off": {
             "type": "BackoffStrategy",
             "id": 1
            },
            "num_retries": {
             "type": "google.protobuf.UInt32Value",
             "id": 2
            },
            "retry_on": {
             "type": "string",
             "id": 3
            },
            "retry_priority": {
             "type": "RetryPriority",
             "id": 4
            },
            "retry_host_predicate": {
             "rule": "repeated",
             "type": "RetryHostPredicate",
             "id": 5
            },
            "host_selection_retry_max_attempts": {
             "type": "int64",
             "id": 6
            }
           },
           "nested": {
            "RetryPriority": {
             "oneofs": {
              "config_type": {
               "oneof": [
                "typed_config"
               ]
              }
             },
             "fields": {
              "name": {
               "type": "string",
               "id": 1
              },
              "typed_config": {
               "type": "google.protobuf.Any",
               "id": 2
              }
             }
            },
            "RetryHostPredicate": {
             "oneofs": {
              "config_type": {
               "oneof": [
                "typed_config"
               ]
              }
             },
             "fields": {
              "name": {
               "type": "string",
               "id": 1
              },
              "typed_config": {
               "type": "google.protobuf.Any",
               "id": 2
              }
             }
            }
           }
          },
          "TransportSocket": {
           "oneofs": {
            "config_type": {
             "oneof": [
              "typed_config"
             ]
            }
           },
           "fields": {
            "name": {
             "type": "string",
             "id": 1
            },
            "typed_config": {
             "type": "google.protobuf.Any",
             "id": 3
            }
           },
           "reserved": [
            [
             2,
             2
            ],
            "config"
           ]
          },
          "RuntimeFractionalPercent": {
           "fields": {
            "default_value": {
             "type": "type.v3.FractionalPercent",
             "id": 1
            },
            "runtime_key": {
             "type": "string",
             "id": 2
            }
           }
          },
          "ControlPlane": {
           "fields": {
            "identifier": {
             "type": "string",
             "id": 1
            }
           }
          },
          "Pipe": {
           "fields": {
            "path": {
             "type": "string",
             "id": 1
            },
            "mode": {
             "type": "uint32",
             "id": 2
            }
           }
          },
          "EnvoyInternalAddress": {
           "oneofs": {
            "address_name_specifier": {
             "oneof": [
              "server_listener_name"
             ]
            }
           },
           "fields": {
            "server_listener_name": {
             "type": "string",
             "id": 1
            },
            "endpoint_id": {
             "type": "string",
             "id": 2
            }
           }
          },
          "SocketAddress": {
           "oneofs": {
            "port_specifier": {
             "oneof": [
              "port_value",
              "named_port"
             ]
            }
           },
           "fields": {
            "protocol": {
             "type": "Protocol",
             "id": 1
            },
            "address": {
             "type": "string",
             "id": 2
            },
            "port_value": {
             "type": "uint32",
             "id": 3
            },
            "named_port": {
             "type": "string",
             "id": 4
            },
            "resolver_name": {
             "type": "string",
             "id": 5
            },
            "ipv4_compat": {
             "type": "bool",
             "id": 6
            }
           },
           "nested": {
            "Protocol": {
             "values": {
              "TCP": 0,
              "UDP": 1
             }
            }
           }
          },
          "TcpKeepalive": {
           "fields": {
            "keepalive_probes": {
             "type": "google.protobuf.UInt32Value",
             "id": 1
            },
            "keepalive_time": {
             "type": "google.protobuf.UInt32Value",
             "id": 2
            },
            "keepalive_interval": {
             "type": "google.protobuf.UInt32Value",
             "id": 3
            }
           }
          },
          "ExtraSourceAddress": {
           "fields": {
            "address": {
             "type": "SocketAddress",
             "id": 1
            },
            "socket_options": {
             "type": "SocketOptionsOverride",
             "id": 2
            }
           }
          },
          "BindConfig": {
           "fields": {
            "source_address": {
             "type": "SocketAddress",
             "id": 1
            },
            "freebind": {
             "type": "google.protobuf.BoolValue",
             "id": 2
            },
            "socket_options": {
             "rule": "repeated",
             "type": "SocketOption",
             "id": 3
            },
            "extra_source_addresses": {
             "rule": "repeated",
             "type": "ExtraSourceAddress",
             "id": 5
            },
            "additional_source_addresses": {
             "rule": "repeated",
             "type": "SocketAddress",
             "id": 4
            },
            "local_address_selector": {
             "type": "TypedExtensionConfig",
             "id": 6
            }
           }
          },
          "Address": {
           "oneofs": {
            "address": {
             "oneof": [
              "socket_address",
              "pipe",
              "envoy_internal_address"
             ]
            }
           },
           "fields": {
            "socket_address": {
             "type": "SocketAddress",
             "id": 1
            },
            "pipe": {
             "type": "Pipe",
             "id": 2
            },
            "envoy_internal_address": {
             "type": "EnvoyInternalAddress",
             "id": 3
            }
           }
          },
          "CidrRange": {
           "fields": {
            "address_prefix": {
             "type": "string",
             "id": 1
            },
            "prefix_len": {
             "type": "google.protobuf.UInt32Value",
             "id": 2
            }
           }
          },
          "TypedExtensionConfig": {
           "fields": {
            "name": {
             "type": "string",
             "id": 1
            },
            "typed_config": {
             "type": "google.protobuf.Any",
             "id": 2
            }
           }
          },
          "SocketOption": {
           "oneofs": {
            "value": {
             "oneof": [
              "int_value",
              "buf_value"
             ]
            }
           },
           "fields": {
            "description": {
             "type": "string",
             "id": 1
            },
            "level": {
             "type": "int64",
             "id": 2
            },
            "name": {
             "type": "int64",
             "id": 3
            },
            "int_value": {
             "type": "int64",
             "id": 4
            },
            "buf_value": {
             "type": "bytes",
             "id": 5
            },
            "state": {
             "type": "SocketState",
             "id": 6
            }
           },
           "nested": {
            "SocketState": {
             "values": {
              "STATE_PREBIND": 0,
              "STATE_BOUND": 1,
              "STATE_LISTENING": 2
             }
            }
           }
          },
          "SocketOptionsOverride": {
           "fields": {
            "socket_options": {
             "rule": "repeated",
             "type": "SocketOption",
             "id": 1
            }
           }
          },
          "BackoffStrategy": {
           "fields": {
            "base_interval": {
             "type": "google.protobuf.Duration",
             "id": 1
            },
            "max_interval": {
             "type": "google.protobuf.Duration",
             "id": 2
            }
           }
          },
          "ProxyProtocolPassThroughTLVs": {
           "fields": {
            "match_type": {
             "type": "PassTLVsMatchType",
             "id": 1
            },
            "tlv_type": {
             "rule": "repeated",
             "type": "uint32",
             "id": 2
            }
           },
           "nested": {
            "PassTLVsMatchType": {
             "values": {
              "INCLUDE_ALL": 0,
              "INCLUDE": 1
             }
            }
           }
          },
          "ProxyProtocolConfig": {
           "fields": {
            "version": {
             "type": "Version",
             "id": 1
            },
            "pass_through_tlvs": {
             "type": "ProxyProtocolPassThroughTLVs",
             "id": 2
            }
           },
           "nested": {
            "Version": {
             "values": {
              "V1": 0,
              "V2": 1
             }
            }
           }
          },
          "ApiVersion": {
           "valuesOptions": {
            "V2": {
             "deprecated": true,
             "(envoy.annotations.deprecated_at_minor_version_enum)": "3.0"
            }
           },
           "values": {
            "AUTO": 0,
            "V2": 1,
            "V3": 2
           }
          },
          "ApiConfigSource": {
           "fields": {
            "api_type": {
             "type": "ApiType",
             "id": 1
            },
            "transport_api_version": {
             "type": "ApiVersion",
             "id": 8
            },
            "cluster_names": {
             "rule": "repeated",
             "type": "string",
             "id": 2
            },
            "grpc_services": {
             "rule": "repeated",
             "type": "GrpcService",
             "id": 4
            },
            "refresh_delay": {
             "type": "google.protobuf.Duration",
             "id": 3
            },
            "request_timeout": {
             "type": "google.protobuf.Duration",
             "id": 5
            },
            "rate_limit_settings": {
             "type": "RateLimitSettings",
             "id": 6
            },
            "set_node_on_first_message_only": {
             "type": "bool",
             "id": 7
            },
            "config_validators": {
             "rule": "repeated",
             "type": "TypedExtensionConfig",
             "id": 9
            }
           },
           "nested": {
            "ApiType": {
             "valuesOptions": {
              "DEPRECATED_AND_UNAVAILABLE_DO_NOT_USE": {
               "deprecated": true,
               "(envoy.annotations.disallowed_by_default_enum)": true
              }
             },
             "values": {
              "DEPRECATED_AND_UNAVAILABLE_DO_NOT_USE": 0,
              "REST": 1,
              "GRPC": 2,
              "DELTA_GRPC": 3,
              "AGGREGATED_GRPC": 5,
              "AGGREGATED_DELTA_GRPC": 6
             }
            }
           }
          },
          "AggregatedConfigSource": {
           "fields": {}
          },
          "SelfConfigSource": {
           "fields": {
            "transport_api_version": {
             "type": "ApiVersion",
             "id": 1
            }
           }
          },
          "RateLimitSettings": {
           "fields": {
            "max_tokens": {
             "type": "google.protobuf.UInt32Value",
             "id": 1
            },
            "fill_rate": {
             "type": "google.protobuf.DoubleValue",
             "id": 2
            }
           }
          },
          "PathConfigSource": {
           "fields": {
            "path": {
             "type": "string",
             "id": 1
            },
            "watched_directory": {
             "type": "WatchedDirectory",
             "id": 2
            }
           }
          },
          "ConfigSource": {
           "oneofs": {
            "config_source_specifier": {
             "oneof": [
              "path",
              "path_config_source",
              "api_config_source",
              "ads",
              "self"
             ]
            }
           },
           "fields": {
            "authorities": {
             "rule": "repeated",
             "type": "xds.core.v3.Authority",
             "id": 7
            },
            "path": {
             "type": "string",
             "id": 1
            },
            "path_config_source": {
             "type": "PathConfigSource",
             "id": 8
            },
            "api_config_source": {
             "type": "ApiConfigSource",
             "id": 2
            },
            "ads": {
             "type": "AggregatedConfigSource",
             "id": 3
            },
            "self": {
             "type": "SelfConfigSource",
             "id": 5
            },
            "initial_fetch_timeout": {
             "type": "google.protobuf.Duration",
             "id": 4
            },
            "resource_api_version": {
             "type": "ApiVersion",
             "id": 6
            }
           }
          },
          "ExtensionConfigSource": {
           "fields": {
            "config_source": {
             "type": "ConfigSource",
             "id": 1
            },
            "default_config": {
             "type": "google.protobuf.Any",
             "id": 2
            },
            "apply_default_config_without_warming": {
             "type": "bool",
             "id": 3
            },
            "type_urls": {
             "rule": "repeated",
             "type": "string",
             "id": 4
            }
           }
          },
          "GrpcService": {
           "oneofs": {
            "target_specifier": {
             "oneof": [
              "envoy_grpc",
              "google_grpc"
             ]
            }
           },
           "fields": {
            "envoy_grpc": {
             "type": "EnvoyGrpc",
             "id": 1
            },
            "google_grpc": {
             "type": "GoogleGrpc",
             "id": 2
            },
            "timeout": {
             "type": "google.protobuf.Duration",
             "id": 3
            },
            "initial_metadata": {
             "rule": "repeated",
             "type": "HeaderValue",
             "id": 5
            },
            "retry_policy": {
             "type": "RetryPolicy",
             "id": 6
            }
           },
           "reserved": [
            [
             4,
             4
            ]
           ],
           "nested": {
            "EnvoyGrpc": {
             "fields": {
              "cluster_name": {
               "type": "string",
               "id": 1
              },
              "authority": {
               "type": "string",
               "id": 2
              },
              "retry_policy": {
               "type": "RetryPolicy",
               "id": 3
              },
              "max_receive_message_length": {
               "type": "google.protobuf.UInt32Value",
               "id": 4
              },
              "skip_envoy_headers": {
               "type": "bool",
               "id": 5
              }
             }
            },
            "GoogleGrpc": {
             "fields": {
              "target_uri": {
               "type": "string",
               "id": 1
              },
              "channel_credentials": {
               "type": "ChannelCredentials",
               "id": 2
              },
              "call_credentials": {
               "rule": "repeated",
               "type": "CallCredentials",
               "id": 3
              },
              "stat_prefix": {
               "type": "string",
               "id": 4
              },
              "credentials_factory_name": {
               "type": "string",
               "id": 5
              },
              "config": {
               "type": "google.protobuf.Struct",
               "id": 6
              },
              "per_stream_buffer_limit_bytes": {
               "type": "google.protobuf.UInt32Value",
               "id": 7
              },
              "channel_args": {
               "type": "ChannelArgs",
               "id": 8
              }
             },
             "nested": {
              "SslCredentials": {
               "fields": {
                "root_certs": {
                 "type": "DataSource",
                 "id": 1
                },
                "private_key": {
                 "type": "DataSource",
                 "id": 2
                },
                "cert_chain": {
                 "type": "DataSource",
                 "id": 3
                }
               }
              },
              "GoogleLocalCredentials": {
               "fields": {}
              },
              "ChannelCredentials": {
               "oneofs": {
                "credential_specifier": {
                 "oneof": [
                  "ssl_credentials",
                  "google_default",
                  "local_credentials"
                 ]
                }
               },
               "fields": {
                "ssl_credentials": {
                 "type": "SslCredentials",
                 "id": 1
                },
                "google_default": {
                 "type": "google.protobuf.Empty",
                 "id": 2
                },
                "local_credentials": {
                 "type": "GoogleLocalCredentials",
                 "id": 3
                }
               }
              },
              "CallCredentials": {
               "oneofs": {
                "credential_specifier": {
                 "oneof": [
                  "access_token",
                  "google_compute_engine",
                  "google_refresh_token",
                  "service_account_jwt_access",
                  "google_iam",
                  "from_plugin",
                  "sts_service"
                 ]
                }
               },
               "fields": {
                "access_token": {
                 "type": "string",
                 "id": 1
                },
                "google_compute_engine": {
                 "type": "google.protobuf.Empty",
                 "id": 2
                },
                "google_refresh_token": {
                 "type": "string",
                 "id": 3
                },
                "service_account_jwt_access": {
                 "type": "ServiceAccountJWTAccessCredentials",
                 "id": 4
                },
                "google_iam": {
                 "type": "GoogleIAMCredentials",
                 "id": 5
                },
                "from_plugin": {
                 "type": "MetadataCredentialsFromPlugin",
                 "id": 6
                },
                "sts_service": {
                 "type": "StsService",
                 "id": 7
                }
               },
               "nested": {
                "ServiceAccountJWTAccessCredentials": {
                 "fields": {
                  "json_key": {
                   "type": "string",
                   "id": 1
                  },
                  "token_lifetime_seconds": {
                   "type": "uint64",
                   "id": 2
                  }
                 }
                },
                "GoogleIAMCredentials": {
                 "fields": {
                  "authorization_token": {
                   "type": "string",
                   "id": 1
                  },
                  "authority_selector": {
                   "type": "string",
                   "id": 2
                  }
                 }
                },
                "MetadataCredentialsFromPlugin": {
                 "oneofs": {
                  "config_type": {
                   "oneof": [
                    "typed_config"
                   ]
                  }
                 },
                 "fields": {
                  "name": {
                   "type": "string",
                   "id": 1
                  },
                  "typed_config": {
                   "type": "google.protobuf.Any",
                   "id": 3
                  }
                 },
                 "reserved": [
                  [
                   2,
                   2
                  ],
                  "config"
                 ]
                },
                "StsService": {
                 "fields": {
                  "token_exchange_service_uri": {
                   "type": "string",
                   "id": 1
                  },
                  "resource": {
                   "type": "string",
                   "id": 2
                  },
                  "audience": {
                   "type": "string",
                   "id": 3
                  },
                  "scope": {
                   "type": "string",
                   "id": 4
                  },
                  "requested_token_type": {
                   "type": "string",
                   "id": 5
                  },
                  "subject_token_path": {
                   "type": "string",
                   "id": 6
                  },
                  "subject_token_type": {
                   "type": "string",
                   "id": 7
                  },
                  "actor_token_path": {
                   "type": "string",
                   "id": 8
                  },
                  "actor_token_type": {
                   "type": "string",
                   "id": 9
                  }
                 }
                }
               }
              },
              "ChannelArgs": {
               "fields": {
                "args": {
                 "keyType": "string",
                 "type": "Value",
                 "id": 1
                }
               },
               "nested": {
                "Value": {
                 "oneofs": {
                  "value_specifier": {
                   "oneof": [
                    "string_value",
                    "int_value"
                   ]
                  }
                 },
                 "fields": {
                  "string_value": {
                   "type": "string",
                   "id": 1
                  },
                  "int_value": {
                   "type": "int64",
                   "id": 2
                  }
                 }
                }
               }
              }
             }
            }
           }
          },
          "UdpSocketConfig": {
           "fields": {
            "max_rx_datagram_size": {
             "type": "google.protobuf.UInt64Value",
             "id": 1
            },
            "prefer_gro": {
             "type": "google.protobuf.BoolValue",
             "id": 2
            }
           }
          },
          "QuicKeepAliveSettings": {
           "fields": {
            "max_interval": {
             "type": "google.protobuf.Duration",
             "id": 1
            },
            "initial_interval": {
             "type": "google.protobuf.Duration",
             "id": 2
            }
           }
          },
          "QuicProtocolOptions": {
           "fields": {
            "max_concurrent_streams": {
             "type": "google.protobuf.UInt32Value",
             "id": 1
            },
            "initial_stream_window_size": {
             "type": "google.protobuf.UInt32Value",
             "id": 2
            },
            "initial_connection_window_size": {
             "type": "google.protobuf.UInt32Value",
             "id": 3
            },
            "num_timeouts_to_trigger_port_migration": {
             "type": "google.protobuf.UInt32Value",
             "id": 4
            },
            "connection_keepalive": {
             "type": "QuicKeepAliveSettings",
             "id": 5
            },
            "connection_options": {
             "type": "string",
             "id": 6
            },
            "client_connection_options": {
             "type": "string",
             "id": 7
            },
            "idle_network_timeout": {
             "type": "google.protobuf.Duration",
             "id": 8
            }
           }
          },
          "UpstreamHttpProtocolOptions": {
           "fields": {
            "auto_sni": {
             "type": "bool",
             "id": 1
            },
            "auto_san_validation": {
             "type": "bool",
             "id": 2
            },
            "override_auto_sni_header": {
             "type": "string",
             "id": 3
            }
           }
          },
          "HttpProtocolOptions": {
           "fields": {
            "idle_timeout": {
             "type": "google.protobuf.Duration",
             "id": 1
            },
            "max_connection_duration": {
             "type": "google.protobuf.Duration",
             "id": 3
            },
            "max_headers_count": {
             "type": "google.protobuf.UInt32Value",
             "id": 2
            },
            "max_stream_duration": {
             "type": "google.protobuf.Duration",
             "id": 4
            },
            "headers_with_underscores_action": {
             "type": "HeadersWithUnderscoresAction",
             "id": 5
            },
            "max_requests_per_connection": {
             "type": "google.protobuf.UInt32Value",
             "id": 6
            }
           },
           "nested": {
            "HeadersWithUnderscoresAction": {
             "values": {
              "ALLOW": 0,
              "REJECT_REQUEST": 1,
              "DROP_HEADER": 2
             }
            }
           }
          },
          "Http1ProtocolOptions": {
           "fields": {
            "allow_absolute_url": {
             "type": "google.protobuf.BoolValue",
             "id": 1
            },
            "accept_http_10": {
             "type": "bool",
             "id": 2
            },
            "default_host_for_http_10": {
             "type": "string",
             "id": 3
            },
            "header_key_format": {
             "type": "HeaderKeyFormat",
             "id": 4
            },
            "enable_trailers": {
             "type": "bool",
             "id": 5
            },
            "allow_chunked_length": {
             "type": "bool",
             "id": 6
            },
            "override_stream_error_on_invalid_http_message": {
             "type": "google.protobuf.BoolValue",
             "id": 7
            },
            "send_fully_qualified_url": {
             "type": "bool",
             "id": 8
            },
            "use_balsa_parser": {
             "type": "google.protobuf.BoolValue",
             "id": 9
            },
            "allow_custom_methods": {
             "type": "bool",
             "id": 10
            }
           },
           "nested": {
            "HeaderKeyFormat": {
             "oneofs": {
              "header_format": {
               "oneof": [
                "proper_case_words",
                "stateful_formatter"
               ]
              }
             },
             "fields": {
              "proper_case_words": {
               "type": "ProperCaseWords",
               "id": 1
              },
              "stateful_formatter": {
               "type": "TypedExtensionConfig",
               "id": 8
              }
             },
             "nested": {
              "ProperCaseWords": {
               "fields": {}
              }
             }
            }
           }
          },
          "KeepaliveSettings": {
           "fields": {
            "interval": {
             "type": "google.protobuf.Duration",
             "id": 1
            },
            "timeout": {
             "type": "google.protobuf.Duration",
             "id": 2
            },
            "interval_jitter": {
             "type": "type.v3.Percent",
             "id": 3
            },
            "connection_idle_interval": {
             "type": "google.protobuf.Duration",
             "id": 4
            }
           }
          },
          "Http2ProtocolOptions": {
           "fields": {
            "hpack_table_size": {
             "type": "google.protobuf.UInt32Value",
             "id": 1
            },
            "max_concurrent_streams": {
             "type": "google.protobuf.UInt32Value",
             "id": 2
            },
            "initial_stream_window_size": {
             "type": "google.protobuf.UInt32Value",
             "id": 3
            },
            "initial_connection_window_size": {
             "type": "google.protobuf.UInt32Value",
             "id": 4
            },
            "allow_connect": {
             "type": "bool",
             "id": 5
            },
            "allow_metadata": {
             "type": "bool",
             "id": 6
            },
            "max_outbound_frames": {
             "type": "google.protobuf.UInt32Value",
             "id": 7
            },
            "max_outbound_control_frames": {
             "type": "google.protobuf.UInt32Value",
             "id": 8
            },
            "max_consecutive_inbound_frames_with_empty_payload": {
             "type": "google.protobuf.UInt32Value",
             "id": 9
            },
            "max_inbound_priority_frames_per_stream": {
             "type": "google.protobuf.UInt32Value",
             "id": 10
            },
            "max_inbound_window_update_frames_per_data_frame_sent": {
             "type": "google.protobuf.UInt32Value",
             "id": 11
            },
            "stream_error_on_invalid_http_messaging": {
             "type": "bool",
             "id": 12
            },
            "override_stream_error_on_invalid_http_message": {
             "type": "google.protobuf.BoolValue",
             "id": 14
            },
            "custom_settings_parameters": {
             "rule": "repeated",
             "type": "SettingsParameter",
             "id": 13
            },
            "connection_keepalive": {
             "type": "KeepaliveSettings",
             "id": 15
            },
            "use_oghttp2_codec": {
             "type": "google.protobuf.BoolValue",
             "id": 16
            }
           },
           "nested": {
            "SettingsParameter": {
             "fields": {
              "identifier": {
               "type": "google.protobuf.UInt32Value",
               "id": 1
              },
              "value": {
               "type": "google.protobuf.UInt32Value",
               "id": 2
              }
             }
            }
           }
          },
          "Http3ProtocolOptions": {
           "fields": {
            "quic_protocol_options": {
             "type": "QuicProtocolOptions",
             "id": 1
            },
            "override_stream_error_on_invalid_http_message": {
             "type": "google.protobuf.BoolValue",
             "id": 2
            },
            "allow_extended_connect": {
             "type": "bool",
             "id": 5
            },
            "allow_metadata": {
             "type": "bool",
             "id": 6
            }
           }
          },
          "SchemeHeaderTransformation": {
           "oneofs": {
            "transformation": {
             "oneof": [
              "scheme_to_overwrite"
             ]
            }
           },
           "fields": {
            "scheme_to_overwrite": {
             "type": "string",
             "id": 1
            },
            "match_upstream": {
             "type": "bool",
             "id": 2
            }
           }
          },
          "HealthStatus": {
           "values": {
            "UNKNOWN": 0,
            "HEALTHY": 1,
            "UNHEALTHY": 2,
            "DRAINING": 3,
            "TIMEOUT": 4,
            "DEGRADED": 5
           }
          },
          "HealthStatusSet": {
           "fields": {
            "statuses": {
             "rule": "repeated",
             "type": "HealthStatus",
             "id": 1
            }
           }
          },
          "HealthCheck": {
           "oneofs": {
            "health_checker": {
             "oneof": [
              "http_health_check",
              "tcp_health_check",
              "grpc_health_check",
              "custom_health_check"
             ]
            }
           },
           "fields": {
            "timeout": {
             "type": "google.protobuf.Duration",
             "id": 1
            },
            "interval": {
             "type": "google.protobuf.Duration",
             "id": 2
            },
            "initial_jitter": {
             "type": "google.protobuf.Duration",
             "id": 20
            },
            "interval_jitter": {
             "type": "google.protobuf.Duration",
             "id": 3
            },
            "interval_jitter_percent": {
             "type": "uint32",
             "id": 18
            },
            "unhealthy_threshold": {
             "type": "google.protobuf.UInt32Value",
             "id": 4
            },
            "healthy_threshold": {
             "type": "google.protobuf.UInt32Value",
             "id": 5
            },
            "alt_port": {
             "type": "google.protobuf.UInt32Value",
             "id": 6
            },
            "reuse_connection": {
             "type": "google.protobuf.BoolValue",
             "id": 7
            },
            "http_health_check": {
             "type": "HttpHealthCheck",
             "id": 8
            },
            "tcp_health_check": {
             "type": "TcpHealthCheck",
             "id": 9
            },
            "grpc_health_check": {
             "type": "GrpcHealthCheck",
             "id": 11
            },
            "custom_health_check": {
             "type": "CustomHealthCheck",
             "id": 13
            },
            "no_traffic_interval": {
             "type": "google.protobuf.Duration",
             "id": 12
            },
            "no_traffic_healthy_interval": {
             "type": "google.protobuf.Duration",
             "id": 24
            },
            "unhealthy_interval": {
             "type": "google.protobuf.Duration",
             "id": 14
            },
            "unhealthy_edge_interval": {
             "type": "google.protobuf.Duration",
             "id": 15
            },
            "healthy_edge_interval": {
             "type": "google.protobuf.Duration",
             "id": 16
            },
            "event_log_path": {
             "type": "string",
             "id": 17
            },
            "event_logger": {
             "rule": "repeated",
             "type": "TypedExtensionConfig",
             "id": 25
            },
            "event_service": {
             "type": "EventServiceConfig",
             "id": 22
            },
            "always_log_health_check_failures": {
             "type": "bool",
             "id": 19
            },
            "always_log_health_check_success": {
             "type": "bool",
             "id": 26
            },
            "tls_options": {
             "type": "TlsOptions",
             "id": 21
            },
            "transport_socket_match_criteria": {
             "type": "google.protobuf.Struct",
             "id": 23
            }
           },
           "reserved": [
            [
             10,
             10
            ]
           ],
           "nested": {
            "Payload": {
             "oneofs": {
              "payload": {
               "oneof": [
                "text",
                "binary"
               ]
              }
             },
             "fields": {
              "text": {
               "type": "string",
               "id": 1
              },
              "binary": {
               "type": "bytes",
               "id": 2
              }
             }
            },
            "HttpHealthCheck": {
             "fields": {
              "host": {
               "type": "string",
               "id": 1
              },
              "path": {
               "type": "string",
               "id": 2
              },
              "send": {
               "type": "Payload",
               "id": 3
              },
              "receive": {
               "rule": "repeated",
               "type": "Payload",
               "id": 4
              },
              "response_buffer_size": {
               "type": "google.protobuf.UInt64Value",
               "id": 14
              },
              "request_headers_to_add": {
               "rule": "repeated",
               "type": "HeaderValueOption",
               "id": 6
              },
              "request_headers_to_remove": {
               "rule": "repeated",
               "type": "string",
               "id": 8
              },
              "expected_statuses": {
               "rule": "repeated",
               "type": "type.v3.Int64Range",
               "id": 9
              },
              "retriable_statuses": {
               "rule": "repeated",
               "type": "type.v3.Int64Range",
               "id": 12
              },
              "codec_client_type": {
               "type": "type.v3.CodecClientType",
               "id": 10
              },
              "service_name_matcher": {
               "type": "type.matcher.v3.StringMatcher",
               "id": 11
              },
              "method": {
               "type": "RequestMethod",
               "id": 13
              }
             },
             "reserved": [
              [
               5,
               5
              ],
              [
               7,
               7
              ],
              "service_name",
              "use_http2"
             ]
            },
            "TcpHealthCheck": {
             "fields": {
              "send": {
               "type": "Payload",
               "id": 1
              },
              "receive": {
               "rule": "repeated",
               "type": "Payload",
               "id": 2
              },
              "proxy_protocol_config": {
               "type": "ProxyProtocolConfig",
               "id": 3
              }
             }
            },
            "GrpcHealthCheck": {
             "fields": {
              "service_name": {
               "type": "string",
               "id": 1
              },
              "authority": {
               "type": "string",
               "id": 2
              },
              "initial_metadata": {
               "rule": "repeated",
               "type": "HeaderValueOption",
               "id": 3
              }
             }
            },
            "CustomHealthCheck": {
             "oneofs": {
              "config_type": {
               "oneof": [
                "typed_config"
               ]
              }
             },
             "fields": {
              "name": {
               "type": "string",
               "id": 1
              },
              "typed_config": {
               "type": "google.protobuf.Any",
               "id": 3
              }
             },
             "reserved": [
              [
               2,
               2
              ],
              "config"
             ]
            },
            "TlsOptions": {
             "fields": {
              "alpn_protocols": {
               "rule": "repeated",
               "type": "string",
               "id": 1
              }
             }
            }
           }
          },
          "EventServiceConfig": {
           "oneofs": {
            "config_source_specifier": {
             "oneof": [
              "grpc_service"
             ]
            }
           },
           "fields": {
            "grpc_service": {
             "type": "GrpcService",
             "id": 1
            }
           }
          },
          "DnsResolverOptions": {
           "fields": {
            "use_tcp_for_dns_lookups": {
             "type": "bool",
             "id": 1
            },
            "no_default_search_domain": {
             "type": "bool",
             "id": 2
            }
           }
          },
          "DnsResolutionConfig": {
           "fields": {
            "resolvers": {
             "rule": "repeated",
             "type": "Address",
             "id": 1
            },
            "dns_resolver_options": {
             "type": "DnsResolverOptions",
             "id": 2
            }
           }
          },
          "JsonFormatOptions": {
           "fields": {
            "sort_properties": {
             "type": "bool",
             "id": 1
            }
           }
          },
          "SubstitutionFormatString": {
           "oneofs": {
            "format": {
             "oneof": [
              "text_format",
              "json_format",
              "text_format_source"
             ]
            }
           },
           "fields": {
            "text_format": {
             "type": "string",
             "id": 1
            },
            "json_format": {
             "type": "google.protobuf.Struct",
             "id": 2
            },
            "text_format_source": {
             "type": "DataSource",
             "id": 5
            },
            "omit_empty_values": {
             "type": "bool",
             "id": 3
            },
            "content_type": {
             "type": "string",
             "id": 4
            },
            "formatters": {
             "rule": "repeated",
             "type": "TypedExtensionConfig",
             "id": 6
            },
            "json_format_options": {
             "type": "JsonFormatOptions",
             "id": 7
            }
           }
          }
         }
        }
       }
      },
      "listener": {
       "nested": {
        "v3": {
         "nested": {
          "AdditionalAddress": {
           "fields": {
            "address": {
             "type": "core.v3.Address",
             "id": 1
            },
            "socket_options": {
             "type": "core.v3.SocketOptionsOverride",
             "id": 2
            }
           }
          },
          "Listener": {
           "oneofs": {
            "listener_specifier": {
             "oneof": [
              "internal_listener"
             ]
            }
           },
           "fields": {
            "name": {
             "type": "string",
             "id": 1
            },
            "address": {
             "type": "core.v3.Address",
             "id": 2
            },
            "additional_addresses": {
             "rule": "repeated",
             "type": "AdditionalAddress",
             "id": 33
            },
            "stat_prefix": {
             "type": "string",
             "id": 28
            },
            "filter_chains": {
             "rule": "repeated",
             "type": "FilterChain",
             "id": 3
            },
            "filter_chain_matcher": {
             "type": "xds.type.matcher.v3.Matcher",
             "id": 32
            },
            "use_original_dst": {
             "type": "google.protobuf.BoolValue",
             "id": 4
            },
            "default_filter_chain": {
             "type": "FilterChain",
             "id": 25
            },
            "per_connection_buffer_limit_bytes": {
             "type": "google.protobuf.UInt32Value",
             "id": 5
            },
            "metadata": {
             "type": "core.v3.Metadata",
             "id": 6
            },
            "deprecated_v1": {
             "type": "DeprecatedV1",
             "id": 7
            },
            "drain_type": {
             "type": "DrainType",
             "id": 8
            },
            "listener_filters": {
             "rule": "repeated",
             "type": "ListenerFilter",
             "id": 9
            },
            "listener_filters_timeout": {
             "type": "google.protobuf.Duration",
             "id": 15
            },
            "continue_on_listener_filters_timeout": {
             "type": "bool",
             "id": 17
            },
            "transparent": {
             "type": "google.protobuf.BoolValue",
             "id": 10
            },
            "freebind": {
             "type": "google.protobuf.BoolValue",
             "id": 11
            },
            "socket_options": {
             "rule": "repeated",
             "type": "core.v3.SocketOption",
             "id": 13
            },
            "tcp_fast_open_queue_length": {
             "type": "google.protobuf.UInt32Value",
             "id": 12
            },
            "traffic_direction": {
             "type": "core.v3.TrafficDirection",
             "id": 16
            },
            "udp_listener_config": {
             "type": "UdpListenerConfig",
             "id": 18
            },
            "api_listener": {
             "type": "ApiListener",
             "id": 19
            },
            "connection_balance_config": {
             "type": "ConnectionBalanceConfig",
             "id": 20
            },
            "reuse_port": {
             "type": "bool",
             "id": 21
            },
            "enable_reuse_port": {
             "type": "google.protobuf.BoolValue",
             "id": 29
            },
            "access_log": {
             "rule": "repeated",
             "type": "accesslog.v3.AccessLog",
             "id": 22
            },
            "tcp_backlog_size": {
             "type": "google.protobuf.UInt32Value",
             "id": 24
            },
            "max_connections_to_accept_per_socket_event": {
             "type": "google.protobuf.UInt32Value",
             "id": 34
            },
            "bind_to_port": {
             "type": "google.protobuf.BoolValue",
             "id": 26
            },
            "internal_listener": {
             "type": "InternalListenerConfig",
             "id": 27
            },
            "enable_mptcp": {
             "type": "bool",
             "id": 30
            },
            "ignore_global_conn_limit": {
             "type": "bool",
             "id": 31
            },
            "bypass_overload_manager": {
             "type": "bool",
             "id": 35
            }
           },
           "reserved": [
            [
             14,
             14
            ],
            [
             23,
             23
            ]
           ],
           "nested": {
            "DrainType": {
             "values": {
              "DEFAULT": 0,
              "MODIFY_ONLY": 1
             }
            },
            "DeprecatedV1": {
             "fields": {
              "bind_to_port": {
               "type": "google.protobuf.BoolValue",
               "id": 1
              }
             }
            },
            "ConnectionBalanceConfig": {
             "oneofs": {
              "balance_type": {
               "oneof": [
                "exact_balance",
                "extend_balance"
               ]
              }
             },
             "fields": {
              "exact_balance": {
               "type": "ExactBalance",
               "id": 1
              },
              "extend_balance": {
               "type": "core.v3.TypedExtensionConfig",
               "id": 2
              }
             },
             "nested": {
              "ExactBalance": {
               "fields": {}
              }
             }
            },
            "InternalListenerConfig": {
             "fields": {}
            }
           }
          },
          "ApiListener": {
           "fields": {
            "api_listener": {
             "type": "google.protobuf.Any",
             "id": 1
            }
           }
          },
          "Filter": {
           "oneofs": {
            "config_type": {
             "oneof": [
              "typed_config",
              "config_discovery"
             ]
            }
           },
           "fields": {
            "name": {
             "type": "string",
             "id": 1
            },
            "typed_config": {
             "type": "google.protobuf.Any",
             "id": 4
            },
            "config_discovery": {
             "type": "core.v3.ExtensionConfigSource",
             "id": 5
            }
           },
           "reserved": [
            [
             3,
             3
            ],
            [
             2,
             2
            ],
            "config"
           ]
          },
          "FilterChainMatch": {
           "fields": {
            "destination_port": {
             "type": "google.protobuf.UInt32Value",
             "id": 8
            },
            "prefix_ranges": {
             "rule": "repeated",
             "type": "core.v3.CidrRange",
             "id": 3
            },
            "address_suffix": {
             "type": "string",
             "id": 4
            },
            "suffix_len": {
             "type": "google.protobuf.UInt32Value",
             "id": 5
            },
            "direct_source_prefix_ranges": {
             "rule": "repeated",
             "type": "core.v3.CidrRange",
             "id": 13
            },
            "source_type": {
             "type": "ConnectionSourceType",
             "id": 12
            },
            "source_prefix_ranges": {
             "rule": "repeated",
             "type": "core.v3.CidrRange",
             "id": 6
            },
            "source_ports": {
             "rule": "repeated",
             "type": "uint32",
             "id": 7
            },
            "server_names": {
             "rule": "repeated",
             "type": "string",
             "id": 11
            },
            "transport_protocol": {
             "type": "string",
             "id": 9
            },
            "application_protocols": {
             "rule": "repeated",
             "type": "string",
             "id": 10
            }
           },
           "reserved": [
            [
             1,
             1
            ]
           ],
           "nested": {
            "ConnectionSourceType": {
             "values": {
              "ANY": 0,
              "SAME_IP_OR_LOOPBACK": 1,
              "EXTERNAL": 2
             }
            }
           }
          },
          "FilterChain": {
           "fields": {
            "filter_chain_match": {
             "type": "FilterChainMatch",
             "id": 1
            },
            "filters": {
             "rule": "repeated",
             "type": "Filter",
             "id": 3
            },
            "use_proxy_proto": {
             "type": "google.protobuf.BoolValue",
             "id": 4
            },
            "metadata": {
             "type": "core.v3.Metadata",
             "id": 5
            },
            "transport_socket": {
             "type": "core.v3.TransportSocket",
             "id": 6
            },
            "transport_socket_connect_timeout": {
             "type": "google.protobuf.Duration",
             "id": 9
            },
            "name": {
             "type": "string",
             "id": 7
            },
            "on_demand_configuration": {
             "type": "OnDemandConfiguration",
             "id": 8
            }
           },
           "reserved": [
            [
             2,
             2
            ],
            "tls_context"
           ],
           "nested": {
            "OnDemandConfiguration": {
             "fields": {
              "rebuild_timeout": {
               "type": "google.protobuf.Duration",
               "id": 1
              }
             }
            }
           }
          },
          "ListenerFilterChainMatchPredicate": {
           "oneofs": {
            "rule": {
             "oneof": [
              "or_match",
              "and_match",
              "not_match",
              "any_match",
              "destination_port_range"
             ]
            }
           },
           "fields": {
            "or_match": {
             "type": "MatchSet",
             "id": 1
            },
            "and_match": {
             "type": "MatchSet",
             "id": 2
            },
            "not_match": {
             "type": "ListenerFilterChainMatchPredicate",
             "id": 3
            },
            "any_match": {
             "type": "bool",
             "id": 4
            },
            "destination_port_range": {
             "type": "type.v3.Int32Range",
             "id": 5
            }
           },
           "nested": {
            "MatchSet": {
             "fields": {
              "rules": {
               "rule": "repeated",
               "type": "ListenerFilterChainMatchPredicate",
               "id": 1
              }
             }
            }
           }
          },
          "ListenerFilter": {
           "oneofs": {
            "config_type": {
             "oneof": [
              "typed_config",
              "config_discovery"
             ]
            }
           },
           "fields": {
            "name": {
             "type": "string",
             "id": 1
            },
            "typed_config": {
             "type": "google.protobuf.Any",
             "id": 3
            },
            "config_discovery": {
             "type": "core.v3.ExtensionConfigSource",
             "id": 5
            },
            "filter_disabled": {
             "type": "ListenerFilterChainMatchPredicate",
             "id": 4
            }
           },
           "reserved": [
            [
             2,
             2
            ],
            "config"
           ]
          },
          "UdpListenerConfig": {
           "fields": {
            "downstream_socket_config": {
             "type": "core.v3.UdpSocketConfig",
             "id": 5
            },
            "quic_options": {
             "type": "QuicProtocolOptions",
             "id": 7
            },
            "udp_packet_packet_writer_config": {
             "type": "core.v3.TypedExtensionConfig",
             "id": 8
            }
           },
           "reserved": [
            [
             1,
             1
            ],
            [
             2,
             2
            ],
            [
             3,
             3
            ],
            [
             4,
             4
            ],
            [
             6,
             6
            ],
            "config"
           ]
          },
          "QuicProtocolOptions": {
           "fields": {
            "quic_protocol_options": {
             "type": "core.v3.QuicProtocolOptions",
             "id": 1
            },
            "idle_timeout": {
             "type": "google.protobuf.Duration",
             "id": 2
            },
            "crypto_handshake_timeout": {
             "type": "google.protobuf.Duration",
             "id": 3
            },
            "enabled": {
             "type": "core.v3.RuntimeFeatureFlag",
             "id": 4
            },
            "packets_to_read_to_connection_count_ratio": {
             "type": "google.protobuf.UInt32Value",
             "id": 5
            },
            "crypto_stream_config": {
             "type": "core.v3.TypedExtensionConfig",
             "id": 6
            },
            "proof_source_config": {
             "type": "core.v3.TypedExtensionConfig",
             "id": 7
            },
            "connection_id_generator_config": {
             "type": "core.v3.TypedExtensionConfig",
             "id": 8
            },
            "server_preferred_address_config": {
             "type": "core.v3.TypedExtensionConfig",
             "id": 9
            },
            "send_disable_active_migration": {
             "type": "google.protobuf.BoolValue",
             "id": 10
            },
            "connection_debug_visitor_config": {
             "type": "core.v3.TypedExtensionConfig",
             "id": 11
            }
           }
          }
         }
        }
       }
      },
      "accesslog": {
       "nested": {
        "v3": {
         "nested": {
          "AccessLog": {
           "oneofs": {
            "config_type": {
             "oneof": [
              "typed_config"
             ]
            }
           },
           "fields": {
            "name": {
             "type": "string",
             "id": 1
            },
            "filter": {
             "type": "AccessLogFilter",
             "id": 2
            },
            "typed_config": {
             "type": "google.protobuf.Any",
             "id": 4
            }
           },
           "reserved": [
            [
             3,
             3
            ],
            "config"
           ]
          },
          "AccessLogFilter": {
           "oneofs": {
            "filter_specifier": {
             "oneof": [
              "status_code_filter",
              "duration_filter",
              "not_health_check_filter",
              "traceable_filter",
              "runtime_filter",
              "and_filter",
              "or_filter",
              "header_filter",
              "response_flag_filter",
              "grpc_status_filter",
              "extension_filter",
              "metadata_filter",
              "log_type_filter"
             ]
            }
           },
           "fields": {
            "status_code_filter": {
             "type": "StatusCodeFilter",
             "id": 1
            },
            "duration_filter": {
             "type": "DurationFilter",
             "id": 2
            },
            "not_health_check_filter": {
             "type": "NotHealthCheckFilter",
             "id": 3
            },
            "traceable_filter": {
             "type": "TraceableFilter",
             "id": 4
            },
            "runtime_filter": {
             "type": "RuntimeFilter",
             "id": 5
            },
            "and_filter": {
             "type": "AndFilter",
             "id": 6
            },
            "or_filter": {
             "type": "OrFilter",
             "id": 7
            },
            "header_filter": {
             "type": "HeaderFilter",
             "id": 8
            },
            "response_flag_filter": {
             "type": "ResponseFlagFilter",
             "id": 9
            },
            "grpc_status_filter": {
             "type": "GrpcStatusFilter",
             "id": 10
            },
            "extension_filter": {
             "type": "ExtensionFilter",
             "id": 11
            },
            "metadata_filter": {
             "type": "MetadataFilter",
             "id": 12
            },
            "log_type_filter": {
             "type": "LogTypeFilter",
             "id": 13
            }
           }
          },
          "ComparisonFilter": {
           "fields": {
            "op": {
             "type": "Op",
             "id": 1
            },
            "value": {
             "type": "core.v3.RuntimeUInt32",
             "id": 2
            }
           },
           "nested": {
            "Op": {
             "values": {
              "EQ": 0,
              "GE": 1,
              "LE": 2
             }
            }
           }
          },
          "StatusCodeFilter": {
           "fields": {
            "comparison": {
             "type": "ComparisonFilter",
             "id": 1
            }
           }
          },
          "DurationFilter": {
           "fields": {
            "comparison": {
             "type": "ComparisonFilter",
             "id": 1
            }
           }
          },
          "NotHealthCheckFilter": {
           "fields": {}
          },
          "TraceableFilter": {
           "fields": {}
          },
          "RuntimeFilter": {
           "fields": {
            "runtime_key": {
             "type": "string",
             "id": 1
            },
            "percent_sampled": {
             "type": "type.v3.FractionalPercent",
             "id": 2
            },
            "use_independent_randomness": {
             "type": "bool",
             "id": 3
            }
           }
          },
          "AndFilter": {
           "fields": {
            "filters": {
             "rule": "repeated",
             "type": "AccessLogFilter",
             "id": 1
            }
           }
          },
          "OrFilter": {
           "fields": {
            "filters": {
             "rule": "repeated",
             "type": "AccessLogFilter",
             "id": 2
            }
           }
          },
          "HeaderFilter": {
           "fields": {
            "header": {
             "type": "route.v3.HeaderMatcher",
             "id": 1
            }
           }
          },
          "ResponseFlagFilter": {
           "fields": {
            "flags": {
             "rule": "repeated",
             "type": "string",
             "id": 1
            }
           }
          },
          "GrpcStatusFilter": {
           "fields": {
            "statuses": {
             "rule": "repeated",
             "type": "Status",
             "id": 1
            },
            "exclude": {
             "type": "bool",
             "id": 2
            }
           },
           "nested": {
            "Status": {
             "values": {
              "OK": 0,
              "CANCELED": 1,
              "UNKNOWN": 2,
              "INVALID_ARGUMENT": 3,
              "DEADLINE_EXCEEDED": 4,
              "NOT_FOUND": 5,
              "ALREADY_EXISTS": 6,
              "PERMISSION_DENIED": 7,
              "RESOURCE_EXHAUSTED": 8,
              "FAILED_PRECONDITION": 9,
              "ABORTED": 10,
              "OUT_OF_RANGE": 11,
              "UNIMPLEMENTED": 12,
              "INTERNAL": 13,
              "UNAVAILABLE": 14,
              "DATA_LOSS": 15,
              "UNAUTHENTICATED": 16
             }
            }
           }
          },
          "MetadataFilter": {
           "fields": {
            "matcher": {
             "type": "type.matcher.v3.MetadataMatcher",
             "id": 1
            },
            "match_if_key_not_found": {
             "type": "google.protobuf.BoolValue",
             "id": 2
            }
           }
          },
          "LogTypeFilter": {
           "fields": {
            "types": {
             "rule": "repeated",
             "type": "data.accesslog.v3.AccessLogType",
             "id": 1
            },
            "exclude": {
             "type": "bool",
             "id": 2
            }
           }
          },
          "ExtensionFilter": {
           "oneofs": {
            "config_type": {
             "oneof": [
              "typed_config"
             ]
            }
           },
           "fields": {
            "name": {
             "type": "string",
             "id": 1
            },
            "typed_config": {
             "type": "google.protobuf.Any",
             "id": 3
            }
           },
           "reserved": [
            [
             2,
             2
            ],
            "config"
           ]
          }
         }
        }
       }
      },
      "route": {
       "nested": {
        "v3": {
         "nested": {
          "VirtualHost": {
           "fields": {
            "name": {
             "type": "string",
             "id": 1
            },
            "domains": {
             "rule": "repeated",
             "type": "string",
             "id": 2
            },
            "routes": {
             "rule": "repeated",
             "type": "Route",
             "id": 3
            },
            "matcher": {
             "type": "xds.type.matcher.v3.Matcher",
             "id": 21
            },
            "require_tls": {
             "type": "TlsRequirementType",
             "id": 4
            },
            "virtual_clusters": {
             "rule": "repeated",
             "type": "VirtualCluster",
             "id": 5
            },
            "rate_limits": {
             "rule": "repeated",
             "type": "RateLimit",
             "id": 6
            },
            "request_headers_to_add": {
             "rule": "repeated",
             "type": "core.v3.HeaderValueOption",
             "id": 7
            },
            "request_headers_to_remove": {
             "rule": "repeated",
             "type": "string",
             "id": 13
            },
            "response_headers_to_add": {
             "rule": "repeated",
             "type": "core.v3.HeaderValueOption",
             "id": 10
            },
            "response_headers_to_remove": {
             "rule": "repeated",
             "type": "string",
             "id": 11
            },
            "cors": {
             "type": "CorsPolicy",
             "id": 8
            },
            "typed_per_filter_config": {
             "keyType": "string",
             "type": "google.protobuf.Any",
             "id": 15
            },
            "include_request_attempt_count": {
             "type": "bool",
             "id": 14
            },
            "include_attempt_count_in_response": {
             "type": "bool",
             "id": 19
            },
            "retry_policy": {
             "type": "RetryPolicy",
             "id": 16
            },
            "retry_policy_typed_config": {
             "type": "google.protobuf.Any",
             "id": 20
            },
            "hedge_policy": {
             "type": "HedgePolicy",
             "id": 17
            },
            "include_is_timeout_retry_header": {
             "type": "bool",
             "id": 23
            },
            "per_request_buffer_limit_bytes": {
             "type": "google.protobuf.UInt32Value",
             "id": 18
            },
            "request_mirror_policies": {
             "rule": "repeated",
             "type": "RouteAction.RequestMirrorPolicy",
             "id": 22
            },
            "metadata": {
             "type": "core.v3.Metadata",
             "id": 24
            }
           },
           "reserved": [
            [
             9,
             9
            ],
            [
             12,
             12
            ],
            "per_filter_config"
           ],
           "nested": {
            "TlsRequirementType": {
             "values": {
              "NONE": 0,
              "EXTERNAL_ONLY": 1,
              "ALL": 2
             }
            }
           }
          },
          "FilterAction": {
           "fields": {
            "action": {
             "type": "google.protobuf.Any",
             "id": 1
            }
           }
          },
          "Route": {
           "oneofs": {
            "action": {
             "oneof": [
              "route",
              "redirect",
              "direct_response",
              "filter_action",
              "non_forwarding_action"
             ]
            }
           },
           "fields": {
            "name": {
             "type": "string",
             "id": 14
            },
            "match": {
             "type": "RouteMatch",
             "id": 1
            },
            "route": {
             "type": "RouteAction",
             "id": 2
            },
            "redirect": {
             "type": "RedirectAction",
             "id": 3
            },
            "direct_response": {
             "type": "DirectResponseAction",
             "id": 7
            },
            "filter_action": {
             "type": "FilterAction",
             "id": 17
            },
            "non_forwarding_action": {
             "type": "NonForwardingAction",
             "id": 18
            },
            "metadata": {
             "type": "core.v3.Metadata",
             "id": 4
            },
            "decorator": {
             "type": "Decorator",
             "id": 5
            },
            "typed_per_filter_config": {
             "keyType": "string",
             "type": "google.protobuf.Any",
             "id": 13
            },
            "request_headers_to_add": {
             "rule": "repeated",
             "type": "core.v3.HeaderValueOption",
             "id": 9
            },
            "request_headers_to_remove": {
             "rule": "repeated",
             "type": "string",
             "id": 12
            },
            "response_headers_to_add": {
             "rule": "repeated",
             "type": "core.v3.HeaderValueOption",
             "id": 10
            },
            "response_headers_to_remove": {
             "rule": "repeated",
             "type": "string",
             "id": 11
            },
            "tracing": {
             "type": "Tracing",
             "id": 15
            },
            "per_request_buffer_limit_bytes": {
             "type": "google.protobuf.UInt32Value",
             "id": 16
            },
            "stat_prefix": {
             "type": "string",
             "id": 19
            }
           },
           "reserved": [
            [
             6,
             6
            ],
            [
             8,
             8
            ],
            "per_filter_config"
           ]
          },
          "WeightedCluster": {
           "oneofs": {
            "random_value_specifier": {
             "oneof": [
              "header_name"
             ]
            }
           },
           "fields": {
            "clusters": {
             "rule": "repeated",
             "type": "ClusterWeight",
             "id": 1
            },
            "total_weight": {
             "type": "google.protobuf.UInt32Value",
             "id": 3
            },
            "runtime_key_prefix": {
             "type": "string",
             "id": 2
            },
            "header_name": {
             "type": "string",
             "id": 4
            }
           },
           "nested": {
            "ClusterWeight": {
             "oneofs": {
              "host_rewrite_specifier": {
               "oneof": [
                "host_rewrite_literal"
               ]
              }
             },
             "fields": {
              "name": {
               "type": "string",
               "id": 1
              },
              "cluster_header": {
               "type": "string",
               "id": 12
              },
              "weight": {
               "type": "google.protobuf.UInt32Value",
               "id": 2
              },
              "metadata_match": {
               "type": "core.v3.Metadata",
               "id": 3
              },
              "request_headers_to_add": {
               "rule": "repeated",
               "type": "core.v3.HeaderValueOption",
               "id": 4
              },
              "request_headers_to_remove": {
               "rule": "repeated",
               "type": "string",
               "id": 9
              },
              "response_headers_to_add": {
               "rule": "repeated",
               "type": "core.v3.HeaderValueOption",
               "id": 5
              },
              "response_headers_to_remove": {
               "rule": "repeated",
               "type": "string",
               "id": 6
              },
              "typed_per_filter_config": {
               "keyType": "string",
               "type": "google.protobuf.Any",
               "id": 10
              },
              "host_rewrite_literal": {
               "type": "string",
               "id": 11
              }
             },
             "reserved": [
              [
               7,
               7
              ],
              [
               8,
               8
              ],
              "per_filter_config"
             ]
            }
           }
          },
          "ClusterSpecifierPlugin": {
           "fields": {
            "extension": {
             "type": "core.v3.TypedExtensionConfig",
             "id": 1
            },
            "is_optional": {
             "type": "bool",
             "id": 2
            }
           }
          },
          "RouteMatch": {
           "oneofs": {
            "path_specifier": {
             "oneof": [
              "prefix",
              "path",
              "safe_regex",
              "connect_matcher",
              "path_separated_prefix",
              "path_match_policy"
             ]
            }
           },
           "fields": {
            "prefix": {
             "type": "string",
             "id": 1
            },
            "path": {
             "type": "string",
             "id": 2
            },
            "safe_regex": {
             "type": "type.matcher.v3.RegexMatcher",
             "id": 10
            },
            "connect_matcher": {
             "type": "ConnectMatcher",
             "id": 12
            },
            "path_separated_prefix": {
             "type": "string",
             "id": 14
            },
            "path_match_policy": {
             "type": "core.v3.TypedExtensionConfig",
             "id": 15
            },
            "case_sensitive": {
             "type": "google.protobuf.BoolValue",
             "id": 4
            },
            "runtime_fraction": {
             "type": "core.v3.RuntimeFractionalPercent",
             "id": 9
            },
            "headers": {
             "rule": "repeated",
             "type": "HeaderMatcher",
             "id": 6
            },
            "query_parameters": {
             "rule": "repeated",
             "type": "QueryParameterMatcher",
             "id": 7
            },
            "grpc": {
             "type": "GrpcRouteMatchOptions",
             "id": 8
            },
            "tls_context": {
             "type": "TlsContextMatchOptions",
             "id": 11
            },
            "dynamic_metadata": {
             "rule": "repeated",
             "type": "type.matcher.v3.MetadataMatcher",
             "id": 13
            }
           },
           "reserved": [
            [
             5,
             5
            ],
            [
             3,
             3
            ],
            "regex"
           ],
           "nested": {
            "GrpcRouteMatchOptions": {
             "fields": {}
            },
            "TlsContextMatchOptions": {
             "fields": {
              "presented": {
               "type": "google.protobuf.BoolValue",
               "id": 1
              },
              "validated": {
               "type": "google.protobuf.BoolValue",
               "id": 2
              }
             }
            },
            "ConnectMatcher": {
             "fields": {}
            }
           }
          },
          "CorsPolicy": {
           "oneofs": {
            "enabled_specifier": {
             "oneof": [
              "filter_enabled"
             ]
            }
           },
           "fields": {
            "allow_origin_string_match": {
             "rule": "repeated",
             "type": "type.matcher.v3.StringMatcher",
             "id": 11
            },
            "allow_methods": {
             "type": "string",
             "id": 2
            },
            "allow_headers": {
             "type": "string",
             "id": 3
            },
            "expose_headers": {
             "type": "string",
             "id": 4
            },
            "max_age": {
             "type": "string",
             "id": 5
            },
            "allow_credentials": {
             "type": "google.protobuf.BoolValue",
             "id": 6
            },
            "filter_enabled": {
             "type": "core.v3.RuntimeFractionalPercent",
             "id": 9
            },
            "shadow_enabled": {
             "type": "core.v3.RuntimeFractionalPercent",
             "id": 10
            },
            "allow_private_network_access": {
             "type": "google.protobuf.BoolValue",
             "id": 12
            },
            "forward_not_matching_preflights": {
             "type": "google.protobuf.BoolValue",
             "id": 13
            }
           },
           "reserved": [
            [
             1,
             1
            ],
            [
             8,
             8
            ],
            [
             7,
             7
            ],
            "allow_origin",
            "allow_origin_regex",
            "enabled"
           ]
          },
          "RouteAction": {
           "oneofs": {
            "cluster_specifier": {
             "oneof": [
              "cluster",
              "cluster_header",
              "weighted_clusters",
              "cluster_specifier_plugin",
              "inline_cluster_specifier_plugin"
             ]
            },
            "host_rewrite_specifier": {
             "oneof": [
              "host_rewrite_literal",
              "auto_host_rewrite",
              "host_rewrite_header",
              "host_rewrite_path_regex"
             ]
            }
           },
           "fields": {
            "cluster": {
             "type": "string",
             "id": 1
            },
            "cluster_header": {
             "type": "string",
             "id": 2
            },
            "weighted_clusters": {
             "type": "WeightedCluster",
             "id": 3
            },
            "cluster_specifier_plugin": {
             "type": "string",
             "id": 37
            },
            "inline_cluster_specifier_plugin": {
             "type": "ClusterSpecifierPlugin",
             "id": 39
            },
            "cluster_not_found_response_code": {
             "type": "ClusterNotFoundResponseCode",
             "id": 20
            },
            "metadata_match": {
             "type": "core.v3.Metadata",
             "id": 4
            },
            "prefix_rewrite": {
             "type": "string",
             "id": 5
            },
            "regex_rewrite": {
             "type": "type.matcher.v3.RegexMatchAndSubstitute",
             "id": 32
            },
            "path_rewrite_policy": {
             "type": "core.v3.TypedExtensionConfig",
             "id": 41
            },
            "host_rewrite_literal": {
             "type": "string",
             "id": 6
            },
            "auto_host_rewrite": {
             "type": "google.protobuf.BoolValue",
             "id": 7
            },
            "host_rewrite_header": {
             "type": "string",
             "id": 29
            },
            "host_rewrite_path_regex": {
             "type": "type.matcher.v3.RegexMatchAndSubstitute",
             "id": 35
            },
            "append_x_forwarded_host": {
             "type": "bool",
             "id": 38
            },
            "timeout": {
             "type": "google.protobuf.Duration",
             "id": 8
            },
            "idle_timeout": {
             "type": "google.protobuf.Duration",
             "id": 24
            },
            "early_data_policy": {
             "type": "core.v3.TypedExtensionConfig",
             "id": 40
            },
            "retry_policy": {
             "type": "RetryPolicy",
             "id": 9
            },
            "retry_policy_typed_config": {
             "type": "google.protobuf.Any",
             "id": 33
            },
            "request_mirror_policies": {
             "rule": "repeated",
             "type": "RequestMirrorPolicy",
             "id": 30
            },
            "priority": {
             "type": "core.v3.RoutingPriority",
             "id": 11
            },
            "rate_limits": {
             "rule": "repeated",
             "type": "RateLimit",
             "id": 13
            },
            "include_vh_rate_limits": {
             "type": "google.protobuf.BoolValue",
             "id": 14
            },
            "hash_policy": {
             "rule": "repeated",
             "type": "HashPolicy",
             "id": 15
            },
            "cors": {
             "type": "CorsPolicy",
             "id": 17
            },
            "max_grpc_timeout": {
             "type": "google.protobuf.Duration",
             "id": 23
            },
            "grpc_timeout_offset": {
             "type": "google.protobuf.Duration",
             "id": 28
            },
            "upgrade_configs": {
             "rule": "repeated",
             "type": "UpgradeConfig",
             "id": 25
            },
            "internal_redirect_policy": {
             "type": "InternalRedirectPolicy",
             "id": 34
            },
            "internal_redirect_action": {
             "type": "InternalRedirectAction",
             "id": 26
            },
            "max_internal_redirects": {
             "type": "google.protobuf.UInt32Value",
             "id": 31
            },
            "hedge_policy": {
             "type": "HedgePolicy",
             "id": 27
            },
            "max_stream_duration": {
             "type": "MaxStreamDuration",
             "id": 36
            }
           },
           "reserved": [
            [
             12,
             12
            ],
            [
             18,
             18
            ],
            [
             19,
             19
            ],
            [
             16,
             16
            ],
            [
             22,
             22
            ],
            [
             21,
             21
            ],
            [
             10,
             10
            ],
            "request_mirror_policy"
           ],
           "nested": {
            "ClusterNotFoundResponseCode": {
             "values": {
              "SERVICE_UNAVAILABLE": 0,
              "NOT_FOUND": 1,
              "INTERNAL_SERVER_ERROR": 2
             }
            },
            "InternalRedirectAction": {
             "values": {
              "PASS_THROUGH_INTERNAL_REDIRECT": 0,
              "HANDLE_INTERNAL_REDIRECT": 1
             }
            },
            "RequestMirrorPolicy": {
             "fields": {
              "cluster": {
               "type": "string",
               "id": 1
              },
              "cluster_header": {
               "type": "string",
               "id": 5
              },
              "runtime_fraction": {
               "type": "core.v3.RuntimeFractionalPercent",
               "id": 3
              },
              "trace_sampled": {
               "type": "google.protobuf.BoolValue",
               "id": 4
              },
              "disable_shadow_host_suffix_append": {
               "type": "bool",
               "id": 6
              }
             },
             "reserved": [
              [
               2,
               2
              ],
              "runtime_key"
             ]
            },
            "HashPolicy": {
             "oneofs": {
              "policy_specifier": {
               "oneof": [
                "header",
                "cookie",
                "connection_properties",
                "query_parameter",
                "filter_state"
               ]
              }
             },
             "fields": {
              "header": {
               "type": "Header",
               "id": 1
              },
              "cookie": {
               "type": "Cookie",
               "id": 2
              },
              "connection_properties": {
               "type": "ConnectionProperties",
               "id": 3
              },
              "query_parameter": {
               "type": "QueryParameter",
               "id": 5
              },
              "filter_state": {
               "type": "FilterState",
               "id": 6
              },
              "terminal": {
               "type": "bool",
               "id": 4
              }
             },
             "nested": {
              "Header": {
               "fields": {
                "header_name": {
                 "type": "string",
                 "id": 1
                },
                "regex_rewrite": {
                 "type": "type.matcher.v3.RegexMatchAndSubstitute",
                 "id": 2
                }
               }
              },
              "CookieAttribute": {
               "fields": {
                "name": {
                 "type": "string",
                 "id": 1
                },
                "value": {
                 "type": "string",
                 "id": 2
                }
               }
              },
              "Cookie": {
               "fields": {
                "name": {
                 "type": "string",
                 "id": 1
                },
                "ttl": {
                 "type": "google.protobuf.Duration",
                 "id": 2
                },
                "path": {
                 "type": "string",
                 "id": 3
                },
                "attributes": {
                 "rule": "repeated",
                 "type": "CookieAttribute",
                 "id": 4
                }
               }
              },
              "ConnectionProperties": {
               "fields": {
                "source_ip": {
                 "type": "bool",
                 "id": 1
                }
               }
              },
              "QueryParameter": {
               "fields": {
                "name": {
                 "type": "string",
                 "id": 1
                }
               }
              },
              "FilterState": {
               "fields": {
                "key": {
                 "type": "string",
                 "id": 1
                }
               }
              }
             }
            },
            "UpgradeConfig": {
             "fields": {
              "upgrade_type": {
               "type": "string",
               "id": 1
              },
              "enabled": {
               "type": "google.protobuf.BoolValue",
               "id": 2
              },
              "connect_config": {
               "type": "ConnectConfig",
               "id": 3
              }
             },
             "nested": {
              "ConnectConfig": {
               "fields": {
                "proxy_protocol_config": {
                 "type": "core.v3.ProxyProtocolConfig",
                 "id": 1
                },
                "allow_post": {
                 "type": "bool",
                 "id": 2
                }
               }
              }
             }
            },
            "MaxStreamDuration": {
             "fields": {
              "max_stream_duration": {
               "type": "google.protobuf.Duration",
               "id": 1
              },
              "grpc_timeout_header_max": {
               "type": "google.protobuf.Duration",
               "id": 2
              },
              "grpc_timeout_header_offset": {
               "type": "google.protobuf.Duration",
               "id": 3
              }
             }
            }
           }
          },
          "RetryPolicy": {
           "fields": {
            "retry_on": {
             "type": "string",
             "id": 1
            },
            "num_retries": {
             "type": "google.protobuf.UInt32Value",
             "id": 2
            },
            "per_try_timeout": {
             "type": "google.protobuf.Duration",
             "id": 3
            },
            "per_try_idle_timeout": {
             "type": "google.protobuf.Duration",
             "id": 13
            },
            "retry_priority": {
             "type": "RetryPriority",
             "id": 4
            },
            "retry_host_predicate": {
             "rule": "repeated",
             "type": "RetryHostPredicate",
             "id": 5
            },
            "retry_options_predicates": {
             "rule": "repeated",
             "type": "core.v3.TypedExtensionConfig",
             "id": 12
            },
            "host_selection_retry_max_attempts": {
             "type": "int64",
             "id": 6
            },
            "retriable_status_codes": {
             "rule": "repeated",
             "type": "uint32",
             "id": 7
            },
            "retry_back_off": {
             "type": "RetryBackOff",
             "id": 8
            },
            "rate_limited_retry_back_off": {
             "type": "RateLimitedRetryBackOff",
             "id": 11
            },
            "retriable_headers": {
             "rule": "repeated",
             "type": "HeaderMatcher",
             "id": 9
            },
            "retriable_request_headers": {
             "rule": "repeated",
             "type": "HeaderMatcher",
             "id": 10
            }
           },
           "nested": {
            "ResetHeaderFormat": {
             "values": {
              "SECONDS": 0,
              "UNIX_TIMESTAMP": 1
             }
            },
            "RetryPriority": {
             "oneofs": {
              "config_type": {
               "oneof": [
                "typed_config"
               ]
              }
             },
             "fields": {
              "name": {
               "type": "string",
               "id": 1
              },
              "typed_config": {
               "type": "google.protobuf.Any",
               "id": 3
              }
             },
             "reserved": [
              [
               2,
               2
              ],
              "config"
             ]
            },
            "RetryHostPredicate": {
             "oneofs": {
              "config_type": {
               "oneof": [
                "typed_config"
               ]
              }
             },
             "fields": {
              "name": {
               "type": "string",
               "id": 1
              },
              "typed_config": {
               "type": "google.protobuf.Any",
               "id": 3
              }
             },
             "reserved": [
              [
               2,
               2
              ],
              "config"
             ]
            },
            "RetryBackOff": {
             "fields": {
              "base_interval": {
               "type": "google.protobuf.Duration",
               "id": 1
              },
              "max_interval": {
               "type": "google.protobuf.Duration",
               "id": 2
              }
             }
            },
            "ResetHeader": {
             "fields": {
              "name": {
               "type": "string",
               "id": 1
              },
              "format": {
               "type": "ResetHeaderFormat",
               "id": 2
              }
             }
            },
            "RateLimitedRetryBackOff": {
             "fields": {
              "reset_headers": {
               "rule": "repeated",
               "type": "ResetHeader",
               "id": 1
              },
              "max_interval": {
               "type": "google.protobuf.Duration",
               "id": 2
              }
             }
            }
           }
          },
          "HedgePolicy": {
           "fields": {
            "initial_requests": {
             "type": "google.protobuf.UInt32Value",
             "id": 1
            },
            "additional_request_chance": {
             "type": "type.v3.FractionalPercent",
             "id": 2
            },
            "hedge_on_per_try_timeout": {
             "type": "bool",
             "id": 3
            }
           }
          },
          "RedirectAction": {
           "oneofs": {
            "scheme_rewrite_specifier": {
             "oneof": [
              "https_redirect",
              "scheme_redirect"
             ]
            },
            "path_rewrite_specifier": {
             "oneof": [
              "path_redirect",
              "prefix_rewrite",
              "regex_rewrite"
             ]
            }
           },
           "fields": {
            "https_redirect": {
             "type": "bool",
             "id": 4
            },
            "scheme_redirect": {
             "type": "string",
             "id": 7
            },
            "host_redirect": {
             "type": "string",
             "id": 1
            },
            "port_redirect": {
             "type": "uint32",
             "id": 8
            },
            "path_redirect": {
             "type": "string",
             "id": 2
            },
            "prefix_rewrite": {
             "type": "string",
             "id": 5
            },
            "regex_rewrite": {
             "type": "type.matcher.v3.RegexMatchAndSubstitute",
             "id": 9
            },
            "response_code": {
             "type": "RedirectResponseCode",
             "id": 3
            },
            "strip_query": {
             "type": "bool",
             "id": 6
            }
           },
           "nested": {
            "RedirectResponseCode": {
             "values": {
              "MOVED_PERMANENTLY": 0,
              "FOUND": 1,
              "SEE_OTHER": 2,
              "TEMPORARY_REDIRECT": 3,
              "PERMANENT_REDIRECT": 4
             }
            }
           }
          },
          "DirectResponseAction": {
           "fields": {
            "status": {
             "type": "uint32",
             "id": 1
            },
            "body": {
             "type": "core.v3.DataSource",
             "id": 2
            }
           }
          },
          "NonForwardingAction": {
           "fields": {}
          },
          "Decorator": {
           "fields": {
            "operation": {
             "type": "string",
             "id": 1
            },
            "propagate": {
             "type": "google.protobuf.BoolValue",
             "id": 2
            }
           }
          },
          "Tracing": {
           "fields": {
            "client_sampling": {
             "type": "type.v3.FractionalPercent",
             "id": 1
            },
            "random_sampling": {
             "type": "type.v3.FractionalPercent",
             "id": 2
            },
            "overall_sampling": {
             "type": "type.v3.FractionalPercent",
             "id": 3
            },
            "custom_tags": {
             "rule": "repeated",
             "type": "type.tracing.v3.CustomTag",
             "id": 4
            }
           }
          },
          "VirtualCluster": {
           "fields": {
            "headers": {
             "rule": "repeated",
             "type": "HeaderMatcher",
             "id": 4
            },
            "name": {
             "type": "string",
             "id": 2
            }
           },
           "reserved": [
            [
             1,
             1
            ],
            [
             3,
             3
            ],
            "pattern",
            "method"
           ]
          },
          "RateLimit": {
           "fields": {
            "stage": {
             "type": "google.protobuf.UInt32Value",
             "id": 1
            },
            "disable_key": {
             "type": "string",
             "id": 2
            },
            "actions": {
             "rule": "repeated",
             "type": "Action",
             "id": 3
            },
            "limit": {
             "type": "Override",
             "id": 4
            }
           },
           "nested": {
            "Action": {
             "oneofs": {
              "action_specifier": {
               "oneof": [
                "source_cluster",
                "destination_cluster",
                "request_headers",
                "remote_address",
                "generic_key",
                "header_value_match",
                "dynamic_metadata",
                "metadata",
                "extension",
                "masked_remote_address",
                "query_parameter_value_match"
               ]
              }
             },
             "fields": {
              "source_cluster": {
               "type": "SourceCluster",
               "id": 1
              },
              "destination_cluster": {
               "type": "DestinationCluster",
               "id": 2
              },
              "request_headers": {
               "type": "RequestHeaders",
               "id": 3
              },
              "remote_address": {
               "type": "RemoteAddress",
               "id": 4
              },
              "generic_key": {
               "type": "GenericKey",
               "id": 5
              },
              "header_value_match": {
               "type": "HeaderValueMatch",
               "id": 6
              },
              "dynamic_metadata": {
               "type": "DynamicMetaData",
               "id": 7
              },
              "metadata": {
               "type": "MetaData",
               "id": 8
              },
              "extension": {
               "type": "core.v3.TypedExtensionConfig",
               "id": 9
              },
              "masked_remote_address": {
               "type": "MaskedRemoteAddress",
               "id": 10
              },
              "query_parameter_value_match": {
               "type": "QueryParameterValueMatch",
               "id": 11
              }
             },
             "nested": {
              "SourceCluster": {
               "fields": {}
              },
              "DestinationCluster": {
               "fields": {}
              },
              "RequestHeaders": {
               "fields": {
                "header_name": {
                 "type": "string",
                 "id": 1
                },
                "descriptor_key": {
                 "type": "string",
                 "id": 2
                },
                "skip_if_absent": {
                 "type": "bool",
                 "id": 3
                }
               }
              },
              "RemoteAddress": {
               "fields": {}
              },
              "MaskedRemoteAddress": {
               "fields": {
                "v4_prefix_mask_len": {
                 "type": "google.protobuf.UInt32Value",
                 "id": 1
                },
                "v6_prefix_mask_len": {
                 "type": "google.protobuf.UInt32Value",
                 "id": 2
                }
               }
              },
              "GenericKey": {
               "fields": {
                "descriptor_value": {
                 "type": "string",
                 "id": 1
                },
                "descriptor_key": {
                 "type": "string",
                 "id": 2
                }
               }
              },
              "HeaderValueMatch": {
               "fields": {
                "descriptor_key": {
                 "type": "string",
                 "id": 4
                },
                "descriptor_value": {
                 "type": "string",
                 "id": 1
                },
                "expect_match": {
                 "type": "google.protobuf.BoolValue",
                 "id": 2
                },
                "headers": {
                 "rule": "repeated",
                 "type": "HeaderMatcher",
                 "id": 3
                }
               }
              },
              "DynamicMetaData": {
               "fields": {
                "descriptor_key": {
                 "type": "string",
                 "id": 1
                },
                "metadata_key": {
                 "type": "type.metadata.v3.MetadataKey",
                 "id": 2
                },
                "default_value": {
                 "type": "string",
                 "id": 3
                }
               }
              },
              "MetaData": {
               "fields": {
                "descriptor_key": {
                 "type": "string",
                 "id": 1
                },
                "metadata_key": {
                 "type": "type.metadata.v3.MetadataKey",
                 "id": 2
                },
                "default_value": {
                 "type": "string",
                 "id": 3
                },
                "source": {
                 "type": "Source",
                 "id": 4
                },
                "skip_if_absent": {
                 "type": "bool",
                 "id": 5
                }
               },
               "nested": {
                "Source": {
                 "values": {
                  "DYNAMIC": 0,
                  "ROUTE_ENTRY": 1
                 }
                }
               }
              },
              "QueryParameterValueMatch": {
               "fields": {
                "descriptor_key": {
                 "type": "string",
                 "id": 4
                },
                "descriptor_value": {
                 "type": "string",
                 "id": 1
                },
                "expect_match": {
                 "type": "google.protobuf.BoolValue",
                 "id": 2
                },
                "query_parameters": {
                 "rule": "repeated",
                 "type": "QueryParameterMatcher",
                 "id": 3
                }
               }
              }
             }
            },
            "Override": {
             "oneofs": {
              "override_specifier": {
               "oneof": [
                "dynamic_metadata"
               ]
              }
             },
             "fields": {
              "dynamic_metadata": {
               "type": "DynamicMetadata",
               "id": 1
              }
             },
             "nested": {
              "DynamicMetadata": {
               "fields": {
                "metadata_key": {
                 "type": "type.metadata.v3.MetadataKey",
                 "id": 1
                }
               }
              }
             }
            }
           }
          },
          "HeaderMatcher": {
           "oneofs": {
            "header_match_specifier": {
             "oneof": [
              "exact_match",
              "safe_regex_match",
              "range_match",
              "present_match",
              "prefix_match",
              "suffix_match",
              "contains_match",
              "string_match"
             ]
            }
           },
           "fields": {
            "name": {
             "type": "string",
             "id": 1
            },
            "exact_match": {
             "type": "string",
             "id": 4
            },
            "safe_regex_match": {
             "type": "type.matcher.v3.RegexMatcher",
             "id": 11
            },
            "range_match": {
             "type": "type.v3.Int64Range",
             "id": 6
            },
            "present_match": {
             "type": "bool",
             "id": 7
            },
            "prefix_match": {
             "type": "string",
             "id": 9
            },
            "suffix_match": {
             "type": "string",
             "id": 10
            },
            "contains_match": {
             "type": "string",
             "id": 12
            },
            "string_match": {
             "type": "type.matcher.v3.StringMatcher",
             "id": 13
            },
            "invert_match": {
             "type": "bool",
             "id": 8
            },
            "treat_missing_header_as_empty": {
             "type": "bool",
             "id": 14
            }
           },
           "reserved": [
            [
             2,
             2
            ],
            [
             3,
             3
            ],
            [
             5,
             5
            ],
            "regex_match"
           ]
          },
          "QueryParameterMatcher": {
           "oneofs": {
            "query_parameter_match_specifier": {
             "oneof": [
              "string_match",
              "present_match"
             ]
            }
           },
           "fields": {
            "name": {
             "type": "string",
             "id": 1
            },
            "string_match": {
             "type": "type.matcher.v3.StringMatcher",
             "id": 5
            },
            "present_match": {
             "type": "bool",
             "id": 6
            }
           },
           "reserved": [
            [
             3,
             3
            ],
            [
             4,
             4
            ],
            "value",
            "regex"
           ]
          },
          "InternalRedirectPolicy": {
           "fields": {
            "max_internal_redirects": {
             "type": "google.protobuf.UInt32Value",
             "id": 1
            },
            "redirect_response_codes": {
             "rule": "repeated",
             "type": "uint32",
             "id": 2
            },
            "predicates": {
             "rule": "repeated",
             "type": "core.v3.TypedExtensionConfig",
             "id": 3
            },
            "allow_cross_scheme_redirect": {
             "type": "bool",
             "id": 4
            },
            "response_headers_to_copy": {
             "rule": "repeated",
             "type": "string",
             "id": 5
            }
           }
          },
          "RouteConfiguration": {
           "fields": {
            "name": {
             "type": "string",
             "id": 1
            },
            "virtual_hosts": {
             "rule": "repeated",
             "type": "VirtualHost",
             "id": 2
            },
            "vhds": {
             "type": "Vhds",
             "id": 9
            },
            "internal_only_headers": {
             "rule": "repeated",
             "type": "string",
             "id": 3
            },
            "response_headers_to_add": {
             "rule": "repeated",
             "type": "core.v3.HeaderValueOption",
             "id": 4
            },
            "response_headers_to_remove": {
             "rule": "repeated",
             "type": "string",
             "id": 5
            },
            "request_headers_to_add": {
             "rule": "repeated",
             "type": "core.v3.HeaderValueOption",
             "id": 6
            },
            "request_headers_to_remove": {
             "rule": "repeated",
             "type": "string",
             "id": 8
            },
            "most_specific_header_mutations_wins": {
             "type": "bool",
             "id": 10
            },
            "validate_clusters": {
             "type": "google.protobuf.BoolValue",
             "id": 7
            },
            "max_direct_response_body_size_bytes": {
             "type": "google.protobuf.UInt32Value",
             "id": 11
            },
            "cluster_specifier_plugins": {
             "rule": "repeated",
             "type": "ClusterSpecifierPlugin",
             "id": 12
            },
            "request_mirror_policies": {
             "rule": "repeated",
             "type": "RouteAction.RequestMirrorPolicy",
             "id": 13
            },
            "ignore_port_in_host_matching": {
             "type": "bool",
             "id": 14
            },
            "ignore_path_parameters_in_path_matching": {
             "type": "bool",
             "id": 15
            },
            "typed_per_filter_config": {
             "keyType": "string",
             "type": "google.protobuf.Any",
             "id": 16
            },
            "metadata": {
             "type": "core.v3.Metadata",
             "id": 17
            }
           }
          },
          "Vhds": {
           "fields": {
            "config_source": {
             "type": "core.v3.ConfigSource",
             "id": 1
            }
           }
          },
          "ScopedRouteConfiguration": {
           "fields": {
            "on_demand": {
             "type": "bool",
             "id": 4
            },
            "name": {
             "type": "string",
             "id": 1
            },
            "route_configuration_name": {
             "type": "string",
             "id": 2
            },
            "route_configuration": {
             "type": "RouteConfiguration",
             "id": 5
            },
            "key": {
             "type": "Key",
             "id": 3
            }
           },
           "nested": {
            "Key": {
             "fields": {
              "fragments": {
               "rule": "repeated",
               "type": "Fragment",
               "id": 1
              }
             },
             "nested": {
              "Fragment": {
               "oneofs": {
                "type": {
                 "oneof": [
                  "string_key"
                 ]
                }
               },
               "fields": {
                "string_key": {
                 "type": "string",
                 "id": 1
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
      },
      "cluster": {
       "nested": {
        "v3": {
         "nested": {
          "Cluster": {
           "oneofs": {
            "cluster_discovery_type": {
             "oneof": [
              "type",
              "cluster_type"
             ]
            },
            "lb_config": {
             "oneof": [
              "ring_hash_lb_config",
              "maglev_lb_config",
              "original_dst_lb_config",
              "least_request_lb_config",
              "round_robin_lb_config"
             ]
            }
           },
           "fields": {
            "transport_socket_matches": {
             "rule": "repeated",
             "type": "TransportSocketMatch",
             "id": 43
            },
            "name": {
             "type": "string",
             "id": 1
            },
            "alt_stat_name": {
             "type": "string",
             "id": 28
            },
            "type": {
             "type": "DiscoveryType",
             "id": 2
            },
            "cluster_type": {
             "type": "CustomClusterType",
             "id": 38
            },
            "eds_cluster_config": {
             "type": "EdsClusterConfig",
             "id": 3
            },
            "connect_timeout": {
             "type": "google.protobuf.Duration",
             "id": 4
            },
            "per_connection_buffer_limit_bytes": {
             "type": "google.protobuf.UInt32Value",
             "id": 5
            },
            "lb_policy": {
             "type": "LbPolicy",
             "id": 6
            },
            "load_assignment": {
             "type": "endpoint.v3.ClusterLoadAssignment",
             "id": 33
            },
            "health_checks": {
             "rule": "repeated",
             "type": "core.v3.HealthCheck",
             "id": 8
            },
            "max_requests_per_connection": {
             "type": "google.protobuf.UInt32Value",
             "id": 9
            },
            "circuit_breakers": {
             "type": "CircuitBreakers",
             "id": 10
            },
            "upstream_http_protocol_options": {
             "type": "core.v3.UpstreamHttpProtocolOptions",
             "id": 46
            },
            "common_http_protocol_options": {
             "type": "core.v3.HttpProtocolOptions",
             "id": 29
            },
            "http_protocol_options": {
             "type": "core.v3.Http1ProtocolOptions",
             "id": 13
            },
            "http2_protocol_options": {
             "type": "core.v3.Http2ProtocolOptions",
             "id": 14
            },
            "typed_extension_protocol_options": {
             "keyType": "string",
             "type": "google.protobuf.Any",
             "id": 36
            },
            "dns_refresh_rate": {
             "type": "google.protobuf.Duration",
             "id": 16
            },
            "dns_failure_refresh_rate": {
             "type": "RefreshRate",
             "id": 44
            },
            "respect_dns_ttl": {
             "type": "bool",
             "id": 39
            },
            "dns_lookup_family": {
             "type": "DnsLookupFamily",
             "id": 17
            },
            "dns_resolvers": {
             "rule": "repeated",
             "type": "core.v3.Address",
             "id": 18
            },
            "use_tcp_for_dns_lookups": {
             "type": "bool",
             "id": 45
            },
            "dns_resolution_config": {
             "type": "core.v3.DnsResolutionConfig",
             "id": 53
            },
            "typed_dns_resolver_config": {
             "type": "core.v3.TypedExtensionConfig",
             "id": 55
            },
            "wait_for_warm_on_init": {
             "type": "google.protobuf.BoolValue",
             "id": 54
            },
            "outlier_detection": {
             "type": "OutlierDetection",
             "id": 19
            },
            "cleanup_interval": {
             "type": "google.protobuf.Duration",
             "id": 20
            },
            "upstream_bind_config": {
             "type": "core.v3.BindConfig",
             "id": 21
            },
            "lb_subset_config": {
             "type": "LbSubsetConfig",
             "id": 22
            },
            "ring_hash_lb_config": {
             "type": "RingHashLbConfig",
             "id": 23
            },
            "maglev_lb_config": {
             "type": "MaglevLbConfig",
             "id": 52
            },
            "original_dst_lb_config": {
             "type": "OriginalDstLbConfig",
             "id": 34
            },
            "least_request_lb_config": {
             "type": "LeastRequestLbConfig",
             "id": 37
            },
            "round_robin_lb_config": {
             "type": "RoundRobinLbConfig",
             "id": 56
            },
            "common_lb_config": {
             "type": "CommonLbConfig",
             "id": 27
            },
            "transport_socket": {
             "type": "core.v3.TransportSocket",
             "id": 24
            },
            "metadata": {
             "type": "core.v3.Metadata",
             "id": 25
            },
            "protocol_selection": {
             "type": "ClusterProtocolSelection",
             "id": 26
            },
            "upstream_connection_options": {
             "type": "UpstreamConnectionOptions",
             "id": 30
            },
            "close_connections_on_host_health_failure": {
             "type": "bool",
             "id": 31
            },
            "ignore_health_on_host_removal": {
             "type": "bool",
             "id": 32
            },
            "filters": {
             "rule": "repeated",
             "type": "Filter",
             "id": 40
            },
            "load_balancing_policy": {
             "type": "LoadBalancingPolicy",
             "id": 41
            },
            "lrs_server": {
             "type": "core.v3.ConfigSource",
             "id": 42
            },
            "lrs_report_endpoint_metrics": {
             "rule": "repeated",
             "type": "string",
             "id": 57
            },
            "track_timeout_budgets": {
             "type": "bool",
             "id": 47
            },
            "upstream_config": {
             "type": "core.v3.TypedExtensionConfig",
             "id": 48
            },
            "track_cluster_stats": {
             "type": "TrackClusterStats",
             "id": 49
            },
            "preconnect_policy": {
             "type": "PreconnectPolicy",
             "id": 50
            },
            "connection_pool_per_downstream_connection": {
             "type": "bool",
             "id": 51
            }
           },
           "reserved": [
            [
             12,
             12
            ],
            [
             15,
             15
            ],
            [
             7,
             7
            ],
            [
             11,
             11
            ],
            [
             35,
             35
            ],
            "hosts",
            "tls_context",
            "extension_protocol_options"
           ],
           "nested": {
            "DiscoveryType": {
             "values": {
              "STATIC": 0,
              "STRICT_DNS": 1,
              "LOGICAL_DNS": 2,
              "EDS": 3,
              "ORIGINAL_DST": 4
             }
            },
            "LbPolicy": {
             "values": {
              "ROUND_ROBIN": 0,
              "LEAST_REQUEST": 1,
              "RING_HASH": 2,
              "RANDOM": 3,
              "MAGLEV": 5,
              "CLUSTER_PROVIDED": 6,
              "LOAD_BALANCING_POLICY_CONFIG": 7
             },
             "reserved": [
              [
               4,
               4
              ],
              "ORIGINAL_DST_LB"
             ]
            },
            "DnsLookupFamily": {
             "values": {
              "AUTO": 0,
              "V4_ONLY": 1,
              "V6_ONLY": 2,
              "V4_PREFERRED": 3,
              "ALL": 4
             }
            },
            "ClusterProtocolSelection": {
             "values": {
              "USE_CONFIGURED_PROTOCOL": 0,
              "USE_DOWNSTREAM_PROTOCOL": 1
             }
            },
            "TransportSocketMatch": {
             "fields": {
              "name": {
               "type": "string",
               "id": 1
              },
              "match": {
               "type": "google.protobuf.Struct",
               "id": 2
              },
              "transport_socket": {
               "type": "core.v3.TransportSocket",
               "id": 3
              }
             }
            },
            "CustomClusterType": {
             "fields": {
              "name": {
               "type": "string",
               "id": 1
              },
              "typed_config": {
               "type": "google.protobuf.Any",
               "id": 2
              }
             }
            },
            "EdsClusterConfig": {
             "fields": {
              "eds_config": {
               "type": "core.v3.ConfigSource",
               "id": 1
              },
              "service_name": {
               "type": "string",
               "id": 2
              }
             }
            },
            "LbSubsetConfig": {
             "fields": {
              "fallback_policy": {
               "type": "LbSubsetFallbackPolicy",
               "id": 1
              },
              "default_subset": {
               "type": "google.protobuf.Struct",
               "id": 2
              },
              "subset_selectors": {
               "rule": "repeated",
               "type": "LbSubsetSelector",
               "id": 3
              },
              "locality_weight_aware": {
               "type": "bool",
               "id": 4
              },
              "scale_locality_weight": {
               "type": "bool",
               "id": 5
              },
              "panic_mode_any": {
               "type": "bool",
               "id": 6
              },
              "list_as_any": {
               "type": "bool",
               "id": 7
              },
              "metadata_fallback_policy": {
               "type": "LbSubsetMetadataFallbackPolicy",
               "id": 8
              }
             },
             "nested": {
              "LbSubsetFallbackPolicy": {
               "values": {
                "NO_FALLBACK": 0,
                "ANY_ENDPOINT": 1,
                "DEFAULT_SUBSET": 2
               }
              },
              "LbSubsetMetadataFallbackPolicy": {
               "values": {
                "METADATA_NO_FALLBACK": 0,
                "FALLBACK_LIST": 1
               }
              },
              "LbSubsetSelector": {
               "fields": {
                "keys": {
                 "rule": "repeated",
                 "type": "string",
                 "id": 1
                },
                "single_host_per_subset": {
                 "type": "bool",
                 "id": 4
                },
                "fallback_policy": {
                 "type": "LbSubsetSelectorFallbackPolicy",
                 "id": 2
                },
                "fallback_keys_subset": {
                 "rule": "repeated",
                 "type": "string",
                 "id": 3
                }
               },
               "nested": {
                "LbSubsetSelectorFallbackPolicy": {
                 "values": {
                  "NOT_DEFINED": 0,
                  "NO_FALLBACK": 1,
                  "ANY_ENDPOINT": 2,
                  "DEFAULT_SUBSET": 3,
                  "KEYS_SUBSET": 4
                 }
                }
               }
              }
             }
            },
            "SlowStartConfig": {
             "fields": {
              "slow_start_window": {
               "type": "google.protobuf.Duration",
               "id": 1
              },
              "aggression": {
               "type": "core.v3.RuntimeDouble",
               "id": 2
              },
              "min_weight_percent": {
               "type": "type.v3.Percent",
               "id": 3
              }
             }
            },
            "RoundRobinLbConfig": {
             "fields": {
              "slow_start_config": {
               "type": "SlowStartConfig",
               "id": 1
              }
             }
            },
            "LeastRequestLbConfig": {
             "fields": {
              "choice_count": {
               "type": "google.protobuf.UInt32Value",
               "id": 1
              },
              "active_request_bias": {
               "type": "core.v3.RuntimeDouble",
               "id": 2
              },
              "slow_start_config": {
               "type": "SlowStartConfig",
               "id": 3
              }
             }
            },
            "RingHashLbConfig": {
             "fields": {
              "minimum_ring_size": {
               "type": "google.protobuf.UInt64Value",
               "id": 1
              },
              "hash_function": {
               "type": "HashFunction",
               "id": 3
              },
              "maximum_ring_size": {
               "type": "google.protobuf.UInt64Value",
               "id": 4
              }
             },
             "reserved": [
              [
               2,
               2
              ]
             ],
             "nested": {
              "HashFunction": {
               "values": {
                "XX_HASH": 0,
                "MURMUR_HASH_2": 1
               }
              }
             }
            },
            "MaglevLbConfig": {
             "fields": {
              "table_size": {
               "type": "google.protobuf.UInt64Value",
               "id": 1
              }
             }
            },
            "OriginalDstLbConfig": {
             "fields": {
              "use_http_header": {
               "type": "bool",
               "id": 1
              },
              "http_header_name": {
               "type": "string",
               "id": 2
              },
              "upstream_port_override": {
               "type": "google.protobuf.UInt32Value",
               "id": 3
              },
              "metadata_key": {
               "type": "type.metadata.v3.MetadataKey",
               "id": 4
              }
             }
            },
            "CommonLbConfig": {
             "oneofs": {
              "locality_config_specifier": {
               "oneof": [
                "zone_aware_lb_config",
                "locality_weighted_lb_config"
               ]
              }
             },
             "fields": {
              "healthy_panic_threshold": {
               "type": "type.v3.Percent",
               "id": 1
              },
              "zone_aware_lb_config": {
               "type": "ZoneAwareLbConfig",
               "id": 2
              },
              "locality_weighted_lb_config": {
               "type": "LocalityWeightedLbConfig",
               "id": 3
              },
              "update_merge_window": {
               "type": "google.protobuf.Duration",
               "id": 4
              },
              "ignore_new_hosts_until_first_hc": {
               "type": "bool",
               "id": 5
              },
              "close_connections_on_host_set_change": {
               "type": "bool",
               "id": 6
              },
              "consistent_hashing_lb_config": {
               "type": "ConsistentHashingLbConfig",
               "id": 7
              },
              "override_host_status": {
               "type": "core.v3.HealthStatusSet",
               "id": 8
              }
             },
             "nested": {
              "ZoneAwareLbConfig": {
               "fields": {
                "routing_enabled": {
                 "type": "type.v3.Percent",
                 "id": 1
                },
                "min_cluster_size": {
                 "type": "google.protobuf.UInt64Value",
                 "id": 2
                },
                "fail_traffic_on_panic": {
                 "type": "bool",
                 "id": 3
                }
               }
              },
              "LocalityWeightedLbConfig": {
               "fields": {}
              },
              "ConsistentHashingLbConfig": {
               "fields": {
                "use_hostname_for_hashing": {
                 "type": "bool",
                 "id": 1
                },
                "hash_balance_factor": {
                 "type": "google.protobuf.UInt32Value",
                 "id": 2
                }
               }
              }
             }
            },
            "RefreshRate": {
             "fields": {
              "base_interval": {
               "type": "google.protobuf.Duration",
               "id": 1
              },
              "max_interval": {
               "type": "google.protobuf.Duration",
               "id": 2
              }
             }
            },
            "PreconnectPolicy": {
             "fields": {
              "per_upstream_preconnect_ratio": {
               "type": "google.protobuf.DoubleValue",
               "id": 1
              },
              "predictive_preconnect_ratio": {
               "type": "google.protobuf.DoubleValue",
               "id": 2
              }
             }
            }
           }
          },
          "LoadBalancingPolicy": {
           "fields": {
            "policies": {
             "rule": "repeated",
             "type": "Policy",
             "id": 1
            }
           },
           "nested": {
            "Policy": {
             "fields": {
              "typed_extension_config": {
               "type": "core.v3.TypedExtensionConfig",
               "id": 4
              }
             },
             "reserved": [
              [
               2,
               2
              ],
              [
               1,
               1
              ],
              [
               3,
               3
              ],
              "config",
              "name",
              "typed_config"
             ]
            }
           }
          },
          "UpstreamConnectionOptions": {
           "fields": {
            "tcp_keepalive": {
             "type": "core.v3.TcpKeepalive",
             "id": 1
            },
            "set_local_interface_name_on_upstream_connections": {
             "type": "bool",
             "id": 2
            },
            "happy_eyeballs_config": {
             "type": "HappyEyeballsConfig",
             "id": 3
            }
           },
           "nested": {
            "FirstAddressFamilyVersion": {
             "values": {
              "DEFAULT": 0,
              "V4": 1,
              "V6": 2
             }
            },
            "HappyEyeballsConfig": {
             "fields": {
              "first_address_family_version": {
               "type": "FirstAddressFamilyVersion",
               "id": 1
              },
              "first_address_family_count": {
               "type": "google.protobuf.UInt32Value",
               "id": 2
              }
             }
            }
           }
          },
          "TrackClusterStats": {
           "fields": {
            "timeout_budgets": {
             "type": "bool",
             "id": 1
            },
            "request_response_sizes": {
             "type": "bool",
             "id": 2
            },
            "per_endpoint_stats": {
             "type": "bool",
             "id": 3
            }
           }
          },
          "CircuitBreakers": {
           "fields": {
            "thresholds": {
             "rule": "repeated",
             "type": "Thresholds",
             "id": 1
            },
            "per_host_thresholds": {
             "rule": "repeated",
             "type": "Thresholds",
             "id": 2
            }
           },
           "nested": {
            "Thresholds": {
             "fields": {
              "priority": {
               "type": "core.v3.RoutingPriority",
               "id": 1
              },
              "max_connections": {
               "type": "google.protobuf.UInt32Value",
               "id": 2
              },
              "max_pending_requests": {
               "type": "google.protobuf.UInt32Value",
               "id": 3
              },
              "max_requests": {
               "type": "google.protobuf.UInt32Value",
               "id": 4
              },
              "max_retries": {
               "type": "google.protobuf.UInt32Value",
               "id": 5
              },
              "retry_budget": {
               "type": "RetryBudget",
               "id": 8
              },
              "track_remaining": {
               "type": "bool",
               "id": 6
              },
              "max_connection_pools": {
               "type": "google.protobuf.UInt32Value",
               "id": 7
              }
             },
             "nested": {
              "RetryBudget": {
               "fields": {
                "budget_percent": {
                 "type": "type.v3.Percent",
                 "id": 1
                },
                "min_retry_concurrency": {
                 "type": "google.protobuf.UInt32Value",
                 "id": 2
                }
               }
              }
             }
            }
           }
          },
          "Filter": {
           "fields": {
            "name": {
             "type": "string",
             "id": 1
            },
            "typed_config": {
             "type": "google.protobuf.Any",
             "id": 2
            },
            "config_discovery": {
             "type": "core.v3.ExtensionConfigSource",
             "id": 3
            }
           }
          },
          "OutlierDetection": {
           "fields": {
            "consecutive_5xx": {
             "type": "google.protobuf.UInt32Value",
             "id": 1
            },
            "interval": {
             "type": "google.protobuf.Duration",
             "id": 2
            },
            "base_ejection_time": {
             "type": "google.protobuf.Duration",
             "id": 3
            },
            "max_ejection_percent": {
             "type": "google.protobuf.UInt32Value",
             "id": 4
            },
            "enforcing_consecutive_5xx": {
             "type": "google.protobuf.UInt32Value",
             "id": 5
            },
            "enforcing_success_rate": {
             "type": "google.protobuf.UInt32Value",
             "id": 6
            },
            "success_rate_minimum_hosts": {
             "type": "google.protobuf.UInt32Value",
             "id": 7
            },
            "success_rate_request_volume": {
             "type": "google.protobuf.UInt32Value",
             "id": 8
            },
            "success_rate_stdev_factor": {
             "type": "google.protobuf.UInt32Value",
             "id": 9
            },
            "consecutive_gateway_failure": {
             "type": "google.protobuf.UInt32Value",
             "id": 10
            },
            "enforcing_consecutive_gateway_failure": {
             "type": "google.protobuf.UInt32Value",
             "id": 11
            },
            "split_external_local_origin_errors": {
             "type": "bool",
             "id": 12
            },
            "consecutive_local_origin_failure": {
             "type": "google.protobuf.UInt32Value",
             "id": 13
            },
            "enforcing_consecutive_local_origin_failure": {
             "type": "google.protobuf.UInt32Value",
             "id": 14
            },
            "enforcing_local_origin_success_rate": {
             "type": "google.protobuf.UInt32Value",
             "id": 15
            },
            "failure_percentage_threshold": {
             "type": "google.protobuf.UInt32Value",
             "id": 16
            },
            "enforcing_failure_percentage": {
             "type": "google.protobuf.UInt32Value",
             "id": 17
            },
            "enforcing_failure_percentage_local_origin": {
             "type": "google.protobuf.UInt32Value",
             "id": 18
            },
            "failure_percentage_minimum_hosts": {
             "type": "google.protobuf.UInt32Value",
             "id": 19
            },
            "failure_percentage_request_volume": {
             "type": "google.protobuf.UInt32Value",
             "id": 20
            },
            "max_ejection_time": {
             "type": "google.protobuf.Duration",
             "id": 21
            },
            "max_ejection_time_jitter": {
             "type": "google.protobuf.Duration",
             "id": 22
            },
            "successful_active_health_check_uneject_host": {
             "type": "google.protobuf.BoolValue",
             "id": 23
            },
            "monitors": {
             "rule": "repeated",
             "type": "core.v3.TypedExtensionConfig",
             "id": 24
            },
            "always_eject_one_host": {
             "type": "google.protobuf.BoolValue",
             "id": 25
            }
           }
          }
         }
        }
       }
      },
      "endpoint": {
       "nested": {
        "v3": {
         "nested": {
          "ClusterLoadAssignment": {
           "fields": {
            "cluster_name": {
             "type": "string",
             "id": 1
            },
            "endpoints": {
             "rule": "repeated",
             "type": "LocalityLbEndpoints",
             "id": 2
            },
            "named_endpoints": {
             "keyType": "string",
             "type": "Endpoint",
             "id": 5
            },
            "policy": {
             "type": "Policy",
             "id": 4
            }
           },
           "nested": {
            "Policy": {
             "fields": {
              "drop_overloads": {
               "rule": "repeated",
               "type": "DropOverload",
               "id": 2
              },
              "overprovisioning_factor": {
               "type": "google.protobuf.UInt32Value",
               "id": 3
              },
              "endpoint_stale_after": {
               "type": "google.protobuf.Duration",
               "id": 4
              },
              "weighted_priority_health": {
               "type": "bool",
               "id": 6
              }
             },
             "reserved": [
              [
               1,
               1
              ],
              [
               5,
               5
              ],
              "disable_overprovisioning"
             ],
             "nested": {
              "DropOverload": {
               "fields": {
                "category": {
                 "type": "string",
                 "id": 1
                },
                "drop_percentage": {
                 "type": "type.v3.FractionalPercent",
                 "id": 2
                }
               }
              }
             }
            }
           }
          },
          "Endpoint": {
           "fields": {
            "address": {
             "type": "core.v3.Address",
             "id": 1
            },
            "health_check_config": {
             "type": "HealthCheckConfig",
             "id": 2
            },
            "hostname": {
             "type": "string",
             "id": 3
            },
            "additional_addresses": {
             "rule": "repeated",
             "type": "AdditionalAddress",
             "id": 4
            }
           },
           "nested": {
            "HealthCheckConfig": {
             "fields": {
              "port_value": {
               "type": "uint32",
               "id": 1
              },
              "hostname": {
               "type": "string",
               "id": 2
              },
              "address": {
               "type": "core.v3.Address",
               "id": 3
              },
              "disable_active_health_check": {
               "type": "bool",
               "id": 4
              }
             }
            },
            "AdditionalAddress": {
             "fields": {
              "address": {
               "type": "core.v3.Address",
               "id": 1
              }
             }
            }
           }
          },
          "LbEndpoint": {
           "oneofs": {
            "host_identifier": {
             "oneof": [
              "endpoint",
              "endpoint_name"
             ]
            }
           },
           "fields": {
            "endpoint": {
             "type": "Endpoint",
             "id": 1
            },
            "endpoint_name": {
             "type": "string",
             "id": 5
            },
            "health_status": {
             "type": "core.v3.HealthStatus",
             "id": 2
            },
            "metadata": {
             "type": "core.v3.Metadata",
             "id": 3
            },
            "load_balancing_weight": {
             "type": "google.protobuf.UInt32Value",
             "id": 4
            }
           }
          },
          "LedsClusterLocalityConfig": {
           "fields": {
            "leds_config": {
             "type": "core.v3.ConfigSource",
             "id": 1
            },
            "leds_collection_name": {
             "type": "string",
             "id": 2
            }
           }
          },
          "LocalityLbEndpoints": {
           "oneofs": {
            "lb_config": {
             "oneof": [
              "load_balancer_endpoints",
              "leds_cluster_locality_config"
             ]
            }
           },
           "fields": {
            "locality": {
             "type": "core.v3.Locality",
             "id": 1
            },
            "metadata": {
             "type": "core.v3.Metadata",
             "id": 9
            },
            "lb_endpoints": {
             "rule": "repeated",
             "type": "LbEndpoint",
             "id": 2
            },
            "load_balancer_endpoints": {
             "type": "LbEndpointList",
             "id": 7
            },
            "leds_cluster_locality_config": {
             "type": "LedsClusterLocalityConfig",
             "id": 8
            },
            "load_balancing_weight": {
             "type": "google.protobuf.UInt32Value",
             "id": 3
            },
            "priority": {
             "type": "uint32",
             "id": 5
            },
            "proximity": {
             "type": "google.protobuf.UInt32Value",
             "id": 6
            }
           },
           "nested": {
            "LbEndpointList": {
             "fields": {
              "lb_endpoints": {
               "rule": "repeated",
               "type": "LbEndpoint",
               "id": 1
              }
             }
            }
           }
          },
          "UpstreamLocalityStats": {
           "fields": {
            "locality": {
             "type": "core.v3.Locality",
             "id": 1
            },
            "total_successful_requests": {
             "type": "uint64",
             "id": 2
            },
            "total_requests_in_progress": {
             "type": "uint64",
             "id": 3
            },
            "total_error_requests": {
             "type": "uint64",
             "id": 4
            },
            "total_issued_requests": {
             "type": "uint64",
             "id": 8
            },
            "total_active_connections": {
             "type": "uint64",
             "id": 9
            },
            "total_new_connections": {
             "type": "uint64",
             "id": 10
            },
            "total_fail_connections": {
             "type": "uint64",
             "id": 11
            },
            "cpu_utilization": {
             "type": "UnnamedEndpointLoadMetricStats",
             "id": 12
            },
            "mem_utilization": {
             "type": "UnnamedEndpointLoadMetricStats",
             "id": 13
            },
            "application_utilization": {
             "type": "UnnamedEndpointLoadMetricStats",
             "id": 14
            },
            "load_metric_stats": {
             "rule": "repeated",
             "type": "EndpointLoadMetricStats",
             "id": 5
            },
            "upstream_endpoint_stats": {
             "rule": "repeated",
             "type": "UpstreamEndpointStats",
             "id": 7
            },
            "priority": {
             "type": "uint32",
             "id": 6
            }
           }
          },
          "UpstreamEndpointStats": {
           "fields": {
            "address": {
             "type": "core.v3.Address",
             "id": 1
            },
            "metadata": {
             "type": "google.protobuf.Struct",
             "id": 6
            },
            "total_successful_requests": {
             "type": "uint64",
             "id": 2
            },
            "total_requests_in_progress": {
             "type": "uint64",
             "id": 3
            },
            "total_error_requests": {
             "type": "uint64",
             "id": 4
            },
            "total_issued_requests": {
             "type": "uint64",
             "id": 7
            },
            "load_metric_stats": {
             "rule": "repeated",
             "type": "EndpointLoadMetricStats",
             "id": 5
            }
           }
          },
          "EndpointLoadMetricStats": {
           "fields": {
            "metric_name": {
             "type": "string",
             "id": 1
            },
            "num_requests_finished_with_metric": {
             "type": "uint64",
             "id": 2
            },
            "total_metric_value": {
             "type": "double",
             "id": 3
            }
           }
          },
          "UnnamedEndpointLoadMetricStats": {
           "fields": {
            "num_requests_finished_with_metric": {
             "type": "uint64",
             "id": 1
            },
            "total_metric_value": {
             "type": "double",
             "id": 2
            }
           }
          },
          "ClusterStats": {
           "fields": {
            "cluster_name": {
             "type": "string",
             "id": 1
            },
            "cluster_service_name": {
             "type": "string",
             "id": 6
            },
            "upstream_locality_stats": {
             "rule": "repeated",
             "type": "UpstreamLocalityStats",
             "id": 2
            },
            "total_dropped_requests": {
             "type": "uint64",
             "id": 3
            },
            "dropped_requests": {
             "rule": "repeated",
             "type": "DroppedRequests",
             "id": 5
            },
            "load_report_interval": {
             "type": "google.protobuf.Duration",
             "id": 4
            }
           },
           "nested": {
            "DroppedRequests": {
             "fields": {
              "category": {
               "type": "string",
               "id": 1
              },
              "dropped_count": {
               "type": "uint64",
               "id": 2
              }
             }
            }
           }
          }
         }
        }
       }
      },
      "trace": {
       "nested": {
        "v3": {
         "nested": {
          "Tracing": {
           "fields": {
            "http": {
             "type": "Http",
             "id": 1
            }
           },
           "nested": {
            "Http": {
             "oneofs": {
              "config_type": {
               "oneof": [
                "typed_config"
               ]
              }
             },
             "fields": {
              "name": {
               "type": "string",
               "id": 1
              },
              "typed_config": {
               "type": "google.protobuf.Any",
               "id": 3
              }
             },
             "reserved": [
              [
               2,
               2
              ],
              "config"
             ]
            }
           }
          }
         }
        }
       }
      }
     }
    },
    "type": {
     "nested": {
      "v3": {
       "nested": {
        "Percent": {
         "fields": {
          "value": {
           "type": "double",
           "id": 1
          }
         }
        },
        "FractionalPercent": {
         "fields": {
          "numerator": {
           "type": "uint32",
           "id": 1
          },
          "denominator": {
           "type": "DenominatorType",
           "id": 2
          }
         },
         "nested": {
          "DenominatorType": {
           "values": {
            "HUNDRED": 0,
            "TEN_THOUSAND": 1,
            "MILLION": 2
           }
          }
         }
        },
        "SemanticVersion": {
         "fields": {
          "major_number": {
           "type": "uint32",
           "id": 1
          },
          "minor_number": {
           "type": "uint32",
           "id": 2
          },
          "patch": {
           "type": "uint32",
           "id": 3
          }
         }
        },
        "Int64Range": {
         "fields": {
          "start": {
           "type": "int64",
           "id": 1
          },
          "end": {
           "type": "int64",
           "id": 2
          }
         }
        },
        "Int32Range": {
         "fields": {
          "start": {
           "type": "int32",
           "id": 1
          },
          "end": {
           "type": "int32",
           "id": 2
          }
         }
        },
        "DoubleRange": {
         "fields": {
          "start": {
           "type": "double",
           "id": 1
          },
          "end": {
           "type": "double",
           "id": 2
          }
         }
        },
        "CodecClientType": {
         "values": {
          "HTTP1": 0,
          "HTTP2": 1,
          "HTTP3": 2
         }
        }
       }
      },
      "matcher": {
       "nested": {
        "v3": {
         "nested": {
          "MetadataMatcher": {
           "fields": {
            "filter": {
             "type": "string",
             "id": 1
            },
            "path": {
             "rule": "repeated",
             "type": "PathSegment",
             "id": 2
            },
            "value": {
             "type": "ValueMatcher",
             "id": 3
            },
            "invert": {
             "type": "bool",
             "id": 4
            }
           },
           "nested": {
            "PathSegment": {
             "oneofs": {
              "segment": {
               "oneof": [
                "key"
               ]
              }
             },
             "fields": {
              "key": {
               "type": "string",
               "id": 1
              }
             }
            }
           }
          },
          "ValueMatcher": {
           "oneofs": {
            "match_pattern": {
             "oneof": [
              "null_match",
              "double_match",
              "string_match",
              "bool_match",
              "present_match",
              "list_match",
              "or_match"
             ]
            }
           },
           "fields": {
            "null_match": {
             "type": "NullMatch",
             "id": 1
            },
            "double_match": {
             "type": "DoubleMatcher",
             "id": 2
            },
            "string_match": {
             "type": "StringMatcher",
             "id": 3
            },
            "bool_match": {
             "type": "bool",
             "id": 4
            },
            "present_match": {
             "type": "bool",
             "id": 5
            },
            "list_match": {
             "type": "ListMatcher",
             "id": 6
            },
            "or_match": {
             "type": "OrMatcher",
             "id": 7
            }
           },
           "nested": {
            "NullMatch": {
             "fields": {}
            }
           }
          },
          "ListMatcher": {
           "oneofs": {
            "match_pattern": {
             "oneof": [
              "one_of"
             ]
            }
           },
           "fields": {
            "one_of": {
             "type": "ValueMatcher",
             "id": 1
            }
           }
          },
          "OrMatcher": {
           "fields": {
            "value_matchers": {
             "rule": "repeated",
             "type": "ValueMatcher",
             "id": 1
            }
           }
          },
          "DoubleMatcher": {
           "oneofs": {
            "match_pattern": {
             "oneof": [
              "range",
              "exact"
             ]
            }
           },
           "fields": {
            "range": {
             "type": "type.v3.DoubleRange",
             "id": 1
            },
            "exact": {
             "type": "double",
             "id": 2
            }
           }
          },
          "StringMatcher": {
           "oneofs": {
            "match_pattern": {
             "oneof": [
              "exact",
              "prefix",
              "suffix",
              "safe_regex",
              "contains",
              "custom"
             ]
            }
           },
           "fields": {
            "exact": {
             "type": "string",
             "id": 1
            },
            "prefix": {
             "type": "string",
             "id": 2
            },
            "suffix": {
             "type": "string",
             "id": 3
            },
            "safe_regex": {
             "type": "RegexMatcher",
             "id": 5
            },
            "contains": {
             "type": "string",
             "id": 7
            },
            "custom": {
             "type": "xds.core.v3.TypedExtensionConfig",
             "id": 8
            },
            "ignore_case": {
             "type": "bool",
             "id": 6
            }
           },
           "reserved": [
            [
             4,
             4
            ],
            "regex"
           ]
          },
          "RegexMatcher": {
           "oneofs": {
            "engine_type": {
             "oneof": [
              "google_re2"
             ]
            }
           },
           "fields": {
            "google_re2": {
             "type": "GoogleRE2",
             "id": 1
            },
            "regex": {
             "type": "string",
             "id": 2
            }
           },
           "nested": {
            "GoogleRE2": {
             "fields": {
              "max_program_size": {
               "type": "google.protobuf.UInt32Value",
               "id": 1
              }
             }
            }
           }
          },
          "RegexMatchAndSubstitute": {
           "fields": {
            "pattern": {
             "type": "RegexMatcher",
             "id": 1
            },
            "substitution": {
             "type": "string",
             "id": 2
            }
           }
          },
          "NodeMatcher": {
           "fields": {
            "node_id": {
             "type": "StringMatcher",
             "id": 1
            },
            "node_metadatas": {
             "rule": "repeated",
             "type": "StructMatcher",
             "id": 2
            }
           }
          },
          "StructMatcher": {
           "fields": {
            "path": {
             "rule": "repeated",
             "type": "PathSegment",
             "id": 2
            },
            "value": {
             "type": "ValueMatcher",
             "id": 3
            }
           },
           "nested": {
            "PathSegment": {
             "oneofs": {
              "segment": {
               "oneof": [
                "key"
               ]
              }
             },
             "fields": {
              "key": {
               "type": "string",
               "id": 1
              }
             }
            }
           }
          }
         }
        }
       }
      },
      "metadata": {
       "nested": {
        "v3": {
         "nested": {
          "MetadataKey": {
           "fields": {
            "key": {
             "type": "string",
             "id": 1
            },
            "path": {
             "rule": "repeated",
             "type": "PathSegment",
             "id": 2
            }
           },
           "nested": {
            "PathSegment": {
             "oneofs": {
              "segment": {
               "oneof": [
                "key"
               ]
              }
             },
             "fields": {
              "key": {
               "type": "string",
               "id": 1
              }
             }
            }
           }
          },
          "MetadataKind": {
           "oneofs": {
            "kind": {
             "oneof": [
              "request",
              "route",
              "cluster",
              "host"
             ]
            }
           },
           "fields": {
            "request": {
             "type": "Request",
             "id": 1
            },
            "route": {
             "type": "Route",
             "id": 2
            },
            "cluster": {
             "type": "Cluster",
             "id": 3
            },
            "host": {
             "type": "Host",
             "id": 4
            }
           },
           "nested": {
            "Request": {
             "fields": {}
            },
            "Route": {
             "fields": {}
            },
            "Cluster": {
             "fields": {}
            },
            "Host": {
             "fields": {}
            }
           }
          }
         }
        }
       }
      },
      "tracing": {
       "nested": {
        "v3": {
         "nested": {
          "CustomTag": {
           "oneofs": {
            "type": {
             "oneof": [
              "literal",
              "environment",
              "request_header",
              "metadata"
             ]
            }
           },
           "fields": {
            "tag": {
             "type": "string",
             "id": 1
            },
            "literal": {
             "type": "Literal",
             "id": 2
            },
            "environment": {
             "type": "Environment",
             "id": 3
            },
            "request_header": {
             "type": "Header",
             "id": 4
            },
            "metadata": {
             "type": "Metadata",
             "id": 5
            }
           },
           "nested": {
            "Literal": {
             "fields": {
              "value": {
               "type": "string",
               "id": 1
              }
             }
            },
            "Environment": {
             "fields": {
              "name": {
               "type": "string",
               "id": 1
              },
              "default_value": {
               "type": "string",
               "id": 2
              }
             }
            },
            "Header": {
             "fields": {
              "name": {
               "type": "string",
               "id": 1
              },
              "default_value": {
               "type": "string",
               "id": 2
              }
             }
            },
            "Metadata": {
             "fields": {
              "kind": {
               "type": "metadata.v3.MetadataKind",
               "id": 1
              },
              "metadata_key": {
               "type": "metadata.v3.MetadataKey",
               "id": 2
              },
              "default_value": {
               "type": "string",
               "id": 3
              }
             }
            }
           }
          }
         }
        }
       }
      },
      "http": {
       "nested": {
        "v3": {
         "nested": {
          "PathTransformation": {
           "fields": {
            "operations": {
             "rule": "repeated",
             "type": "Operation",
             "id": 1
            }
           },
           "nested": {
            "Operation": {
             "oneofs": {
              "operation_specifier": {
               "oneof": [
                "normalize_path_rfc_3986",
                "merge_slashes"
               ]
              }
             },
             "fields": {
              "normalize_path_rfc_3986": {
               "type": "NormalizePathRFC3986",
               "id": 2
              },
              "merge_slashes": {
               "type": "MergeSlashes",
               "id": 3
              }
             },
             "nested": {
              "NormalizePathRFC3986": {
               "fields": {}
              },
              "MergeSlashes": {
               "fields": {}
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
    },
    "data": {
     "nested": {
      "accesslog": {
       "nested": {
        "v3": {
         "nested": {
          "AccessLogType": {
           "values": {
            "NotSet": 0,
            "TcpUpstreamConnected": 1,
            "TcpPeriodic": 2,
            "TcpConnectionEnd": 3,
            "DownstreamStart": 4,
            "DownstreamPeriodic": 5,
            "DownstreamEnd": 6,
            "UpstreamPoolReady": 7,
            "UpstreamPeriodic": 8,
            "UpstreamEnd": 9,
            "DownstreamTunnelSuccessfullyEstablished": 10,
            "UdpTunnelUpstreamConnected": 11,
            "UdpPeriodic": 12,
            "UdpSessionEnd": 13
           }
          }
         }
        }
       }
      }
     }
    },
    "extensions": {
     "nested": {
      "filters": {
       "nested": {
        "network": {
         "nested": {
          "http_connection_manager": {
           "nested": {
            "v3": {
             "nested": {
              "HttpConnectionManager": {
               "oneofs": {
                "route_specifier": {
                 "oneof": [
                  "rds",
                  "route_config",
                  "scoped_routes"
                 ]
                },
                "strip_port_mode": {
                 "oneof": [
                  "strip_any_host_port"
                 ]
                }
               },
               "fields": {
                "codec_type": {
                 "type": "CodecType",
                 "id": 1
                },
                "stat_prefix": {
                 "type": "string",
                 "id": 2
                },
                "rds": {
                 "type": "Rds",
                 "id": 3
                },
                "route_config": {
                 "type": "config.route.v3.RouteConfiguration",
                 "id": 4
                },
                "scoped_routes": {
                 "type": "ScopedRoutes",
                 "id": 31
                },
                "http_filters": {
                 "rule": "repeated",
                 "type": "HttpFilter",
                 "id": 5
                },
                "add_user_agent": {
                 "type": "google.protobuf.BoolValue",
                 "id": 6
                },
                "tracing": {
                 "type": "Tracing",
                 "id": 7
                },
                "common_http_protocol_options": {
                 "type": "config.core.v3.HttpProtocolOptions",
                 "id": 35
                },
                "http_protocol_options": {
                 "type": "config.core.v3.Http1ProtocolOptions",
                 "id": 8
                },
                "http2_protocol_options": {
                 "type": "config.core.v3.Http2ProtocolOptions",
                 "id": 9
                },
                "http3_protocol_options": {
                 "type": "config.core.v3.Http3ProtocolOptions",
                 "id": 44
                },
                "server_name": {
                 "type": "string",
                 "id": 10
                },
                "server_header_transformation": {
                 "type": "ServerHeaderTransformation",
                 "id": 34
                },
                "scheme_header_transformation": {
                 "type": "config.core.v3.SchemeHeaderTransformation",
                 "id": 48
                },
                "max_request_headers_kb": {
                 "type": "google.protobuf.UInt32Value",
                 "id": 29
                },
                "stream_idle_timeout": {
                 "type": "google.protobuf.Duration",
                 "id": 24
                },
                "request_timeout": {
                 "type": "google.protobuf.Duration",
                 "id": 28
                },
                "request_headers_timeout": {
                 "type": "google.protobuf.Duration",
                 "id": 41
                },
                "drain_timeout": {
                 "type": "google.protobuf.Duration",
                 "id": 12
                },
                "delayed_close_timeout": {
                 "type": "google.protobuf.Duration",
                 "id": 26
                },
                "access_log": {
                 "rule": "repeated",
                 "type": "config.accesslog.v3.AccessLog",
                 "id": 13
                },
                "access_log_flush_interval": {
                 "type": "google.protobuf.Duration",
                 "id": 54
                },
                "flush_access_log_on_new_request": {
                 "type": "bool",
                 "id": 55
                },
                "access_log_options": {
                 "type": "HcmAccessLogOptions",
                 "id": 56
                },
                "use_remote_address": {
                 "type": "google.protobuf.BoolValue",
                 "id": 14
                },
                "xff_num_trusted_hops": {
                 "type": "uint32",
                 "id": 19
                },
                "original_ip_detection_extensions": {
                 "rule": "repeated",
                 "type": "config.core.v3.TypedExtensionConfig",
                 "id": 46
                },
                "early_header_mutation_extensions": {
                 "rule": "repeated",
                 "type": "config.core.v3.TypedExtensionConfig",
                 "id": 52
                },
                "internal_address_config": {
                 "type": "InternalAddressConfig",
                 "id": 25
                },
                "skip_xff_append": {
                 "type": "bool",
                 "id": 21
                },
                "via": {
                 "type": "string",
                 "id": 22
                },
                "generate_request_id": {
                 "type": "google.protobuf.BoolValue",
                 "id": 15
                },
                "preserve_external_request_id": {
                 "type": "bool",
                 "id": 32
                },
                "always_set_request_id_in_response": {
                 "type": "bool",
                 "id": 37
                },
                "forward_client_cert_details": {
                 "type": "ForwardClientCertDetails",
                 "id": 16
                },
                "set_current_client_cert_details": {
                 "type": "SetCurrentClientCertDetails",
                 "id": 17
                },
                "proxy_100_continue": {
                 "type": "bool",
                 "id": 18
                },
                "represent_ipv4_remote_address_as_ipv4_mapped_ipv6": {
                 "type": "bool",
                 "id": 20
                },
                "upgrade_configs": {
                 "rule": "repeated",
                 "type": "UpgradeConfig",
                 "id": 23
                },
                "normalize_path": {
                 "type": "google.protobuf.BoolValue",
                 "id": 30
                },
                "merge_slashes": {
                 "type": "bool",
                 "id": 33
                },
                "path_with_escaped_slashes_action": {
                 "type": "PathWithEscapedSlashesAction",
                 "id": 45
                },
                "request_id_extension": {
                 "type": "RequestIDExtension",
                 "id": 36
                },
                "local_reply_config": {
                 "type": "LocalReplyConfig",
                 "id": 38
                },
                "strip_matching_host_port": {
                 "type": "bool",
                 "id": 39
                },
                "strip_any_host_port": {
                 "type": "bool",
                 "id": 42
                },
                "stream_error_on_invalid_http_message": {
                 "type": "google.protobuf.BoolValue",
                 "id": 40
                },
                "path_normalization_options": {
                 "type": "PathNormalizationOptions",
                 "id": 43
                },
                "strip_trailing_host_dot": {
                 "type": "bool",
                 "id": 47
                },
                "proxy_status_config": {
                 "type": "ProxyStatusConfig",
                 "id": 49
                },
                "typed_header_validation_config": {
                 "type": "config.core.v3.TypedExtensionConfig",
                 "id": 50
                },
                "append_x_forwarded_port": {
                 "type": "bool",
                 "id": 51
                },
                "append_local_overload": {
                 "type": "bool",
                 "id": 57
                },
                "add_proxy_protocol_connection_state": {
                 "type": "google.protobuf.BoolValue",
                 "id": 53
                }
               },
               "reserved": [
                [
                 27,
                 27
                ],
                [
                 11,
                 11
                ],
                "idle_timeout"
               ],
               "nested": {
                "CodecType": {
                 "values": {
                  "AUTO": 0,
                  "HTTP1": 1,
                  "HTTP2": 2,
                  "HTTP3": 3
                 }
                },
                "ServerHeaderTransformation": {
                 "values": {
                  "OVERWRITE": 0,
                  "APPEND_IF_ABSENT": 1,
                  "PASS_THROUGH": 2
                 }
                },
                "ForwardClientCertDetails": {
                 "values": {
                  "SANITIZE": 0,
                  "FORWARD_ONLY": 1,
                  "APPEND_FORWARD": 2,
                  "SANITIZE_SET": 3,
                  "ALWAYS_FORWARD_ONLY": 4
                 }
                },
                "PathWithEscapedSlashesAction": {
                 "values": {
                  "IMPLEMENTATION_SPECIFIC_DEFAULT": 0,
                  "KEEP_UNCHANGED": 1,
                  "REJECT_REQUEST": 2,
                  "UNESCAPE_AND_REDIRECT": 3,
                  "UNESCAPE_AND_FORWARD": 4
                 }
                },
                "Tracing": {
                 "fields": {
                  "client_sampling": {
                   "type": "type.v3.Percent",
                   "id": 3
                  },
                  "random_sampling": {
                   "type": "type.v3.Percent",
                   "id": 4
                  },
                  "overall_sampling": {
                   "type": "type.v3.Percent",
                   "id": 5
                  },
                  "verbose": {
                   "type": "bool",
                   "id": 6
                  },
                  "max_path_tag_length": {
                   "type": "google.protobuf.UInt32Value",
                   "id": 7
                  },
                  "custom_tags": {
                   "rule": "repeated",
                   "type": "type.tracing.v3.CustomTag",
                   "id": 8
                  },
                  "provider": {
                   "type": "config.trace.v3.Tracing.Http",
                   "id": 9
                  },
                  "spawn_upstream_span": {
                   "type": "google.protobuf.BoolValue",
                   "id": 10
                  }
                 },
                 "reserved": [
                  [
                   1,
                   1
                  ],
                  [
                   2,
                   2
                  ],
                  "operation_name",
                  "request_headers_for_tags"
                 ]
                },
                "InternalAddressConfig": {
                 "fields": {
                  "unix_sockets": {
                   "type": "bool",
                   "id": 1
                  },
                  "cidr_ranges": {
                   "rule": "repeated",
                   "type": "config.core.v3.CidrRange",
                   "id": 2
                  }
                 }
                },
                "SetCurrentClientCertDetails": {
                 "fields": {
                  "subject": {
                   "type": "google.protobuf.BoolValue",
                   "id": 1
                  },
                  "cert": {
                   "type": "bool",
                   "id": 3
                  },
                  "chain": {
                   "type": "bool",
                   "id": 6
                  },
                  "dns": {
                   "type": "bool",
                   "id": 4
                  },
                  "uri": {
                   "type": "bool",
                   "id": 5
                  }
                 },
                 "reserved": [
                  [
                   2,
                   2
                  ]
                 ]
                },
                "UpgradeConfig": {
                 "fields": {
                  "upgrade_type": {
                   "type": "string",
                   "id": 1
                  },
                  "filters": {
                   "rule": "repeated",
                   "type": "HttpFilter",
                   "id": 2
                  },
                  "enabled": {
                   "type": "google.protobuf.BoolValue",
                   "id": 3
                  }
                 }
                },
                "PathNormalizationOptions": {
                 "fields": {
                  "forwarding_transformation": {
                   "type": "type.http.v3.PathTransformation",
                   "id": 1
                  },
                  "http_filter_transformation": {
                   "type": "type.http.v3.PathTransformation",
                   "id": 2
                  }
                 }
                },
                "ProxyStatusConfig": {
                 "oneofs": {
                  "proxy_name": {
                   "oneof": [
                    "use_node_id",
                    "literal_proxy_name"
                   ]
                  }
                 },
                 "fields": {
                  "remove_details": {
                   "type": "bool",
                   "id": 1
                  },
                  "remove_connection_termination_details": {
                   "type": "bool",
                   "id": 2
                  },
                  "remove_response_flags": {
                   "type": "bool",
                   "id": 3
                  },
                  "set_recommended_response_code": {
                   "type": "bool",
                   "id": 4
                  },
                  "use_node_id": {
                   "type": "bool",
                   "id": 5
                  },
                  "literal_proxy_name": {
                   "type": "string",
                   "id": 6
                  }
                 }
                },
                "HcmAccessLogOptions": {
                 "fields": {
                  "access_log_flush_interval": {
                   "type": "google.protobuf.Duration",
                   "id": 1
                  },
                  "flush_access_log_on_new_request": {
                   "type": "bool",
                   "id": 2
                  },
                  "flush_log_on_tunnel_successfully_established": {
                   "type": "bool",
                   "id": 3
                  }
                 }
                }
               }
              },
              "LocalReplyConfig": {
               "fields": {
                "mappers": {
                 "rule": "repeated",
                 "type": "ResponseMapper",
                 "id": 1
                },
                "body_format": {
                 "type": "config.core.v3.SubstitutionFormatString",
                 "id": 2
                }
               }
              },
              "ResponseMapper": {
               "fields": {
                "filter": {
                 "type": "config.accesslog.v3.AccessLogFilter",
                 "id": 1
                },
                "status_code": {
                 "type": "google.protobuf.UInt32Value",
                 "id": 2
                },
                "body": {
                 "type": "config.core.v3.DataSource",
                 "id": 3
                },
                "body_format_override": {
                 "type": "config.core.v3.SubstitutionFormatString",
                 "id": 4
                },
                "headers_to_add": {
                 "rule": "repeated",
                 "type": "config.core.v3.HeaderValueOption",
                 "id": 5
                }
               }
              },
              "Rds": {
               "fields": {
                "config_source": {
                 "type": "config.core.v3.ConfigSource",
                 "id": 1
                },
                "route_config_name": {
                 "type": "string",
                 "id": 2
                }
               }
              },
              "ScopedRouteConfigurationsList": {
               "fields": {
                "scoped_route_configurations": {
                 "rule": "repeated",
                 "type": "config.route.v3.ScopedRouteConfiguration",
                 "id": 1
                }
               }
              },
              "ScopedRoutes": {
               "oneofs": {
                "config_specifier": {
                 "oneof": [
                  "scoped_route_configurations_list",
                  "scoped_rds"
                 ]
                }
               },
               "fields": {
                "name": {
                 "type": "string",
                 "id": 1
                },
                "scope_key_builder": {
                 "type": "ScopeKeyBuilder",
                 "id": 2
                },
                "rds_config_source": {
                 "type": "config.core.v3.ConfigSource",
                 "id": 3
                },
                "scoped_route_configurations_list": {
                 "type": "ScopedRouteConfigurationsList",
                 "id": 4
                },
                "scoped_rds": {
                 "type": "ScopedRds",
                 "id": 5
                }
               },
               "nested": {
                "ScopeKeyBuilder": {
                 "fields": {
                  "fragments": {
                   "rule": "repeated",
                   "type": "FragmentBuilder",
                   "id": 1
                  }
                 },
                 "nested": {
                  "FragmentBuilder": {
                   "oneofs": {
                    "type": {
                     "oneof": [
                      "header_value_extractor"
                     ]
                    }
                   },
                   "fields": {
                    "header_value_extractor": {
                     "type": "HeaderValueExtractor",
                     "id": 1
                    }
                   },
                   "nested": {
                    "HeaderValueExtractor": {
                     "oneofs": {
                      "extract_type": {
                       "oneof": [
                        "index",
                        "element"
                       ]
                      }
                     },
                     "fields": {
                      "name": {
                       "type": "string",
                       "id": 1
                      },
                      "element_separator": {
                       "type": "string",
                       "id": 2
                      },
                      "index": {
                       "type": "uint32",
                       "id": 3
                      },
                      "element": {
                       "type": "KvElement",
                       "id": 4
                      }
                     },
                     "nested": {
                      "KvElement": {
                       "fields": {
                        "separator": {
                         "type": "string",
                         "id": 1
                        },
                        "key": {
                         "type": "string",
                         "id": 2
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
              },
              "ScopedRds": {
               "fields": {
                "scoped_rds_config_source": {
                 "type": "config.core.v3.ConfigSource",
                 "id": 1
                },
                "srds_resources_locator": {
                 "type": "string",
                 "id": 2
                }
               }
              },
              "HttpFilter": {
               "oneofs": {
                "config_type": {
                 "oneof": [
                  "typed_config",
                  "config_discovery"
                 ]
                }
               },
               "fields": {
                "name": {
                 "type": "string",
                 "id": 1
                },
                "typed_config": {
                 "type": "google.protobuf.Any",
                 "id": 4
                },
                "config_discovery": {
                 "type": "config.core.v3.ExtensionConfigSource",
                 "id": 5
                },
                "is_optional": {
                 "type": "bool",
                 "id": 6
                },
                "disabled": {
                 "type": "bool",
                 "id": 7
                }
               },
               "reserved": [
                [
                 3,
                 3
                ],
                [
                 2,
                 2
                ],
                "config"
               ]
              },
              "RequestIDExtension": {
               "fields": {
                "typed_config": {
                 "type": "google.protobuf.Any",
                 "id": 1
                }
               }
              }
             }
            }
           }
          }
         }
        },
        "http": {
         "nested": {
          "router": {
           "nested": {
            "v3": {
             "nested": {
              "Router": {
               "fields": {
                "dynamic_stats": {
                 "type": "google.protobuf.BoolValue",
                 "id": 1
                },
                "start_child_span": {
                 "type": "bool",
                 "id": 2
                },
                "upstream_log": {
                 "rule": "repeated",
                 "type": "config.accesslog.v3.AccessLog",
                 "id": 3
                },
                "upstream_log_options": {
                 "type": "UpstreamAccessLogOptions",
                 "id": 9
                },
                "suppress_envoy_headers": {
                 "type": "bool",
                 "id": 4
                },
                "strict_check_headers": {
                 "rule": "repeated",
                 "type": "string",
                 "id": 5
                },
                "respect_expected_rq_timeout": {
                 "type": "bool",
                 "id": 6
                },
                "suppress_grpc_request_failure_code_stats": {
                 "type": "bool",
                 "id": 7
                },
                "upstream_http_filters": {
                 "rule": "repeated",
                 "type": "network.http_connection_manager.v3.HttpFilter",
                 "id": 8
                }
               },
               "nested": {
                "UpstreamAccessLogOptions": {
                 "fields": {
                  "flush_upstream_log_on_upstream_stream": {
                   "type": "bool",
                   "id": 1
                  },
                  "upstream_log_flush_interval": {
                   "type": "google.protobuf.Duration",
                   "id": 2
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
        }
       }
      }
     }
    },
    "admin": {
     "nested": {
      "v3": {
       "nested": {
        "ClientResourceStatus": {
         "values": {
          "UNKNOWN": 0,
          "REQUESTED": 1,
          "DOES_NOT_EXIST": 2,
          "ACKED": 3,
          "NACKED": 4
         }
        },
        "UpdateFailureState": {
         "fields": {
          "failed_configuration": {
           "type": "google.protobuf.Any",
           "id": 1
          },
          "last_update_attempt": {
           "type": "google.protobuf.Timestamp",
           "id": 2
          },
          "details": {
           "type": "string",
           "id": 3
          },
          "version_info": {
           "type": "string",
           "id": 4
          }
         }
        },
        "ListenersConfigDump": {
         "fields": {
          "version_info": {
           "type": "string",
           "id": 1
          },
          "static_listeners": {
           "rule": "repeated",
           "type": "StaticListener",
           "id": 2
          },
          "dynamic_listeners": {
           "rule": "repeated",
           "type": "DynamicListener",
           "id": 3
          }
         },
         "nested": {
          "StaticListener": {
           "fields": {
            "listener": {
             "type": "google.protobuf.Any",
             "id": 1
            },
            "last_updated": {
             "type": "google.protobuf.Timestamp",
             "id": 2
            }
           }
          },
          "DynamicListenerState": {
           "fields": {
            "version_info": {
             "type": "string",
             "id": 1
            },
            "listener": {
             "type": "google.protobuf.Any",
             "id": 2
            },
            "last_updated": {
             "type": "google.protobuf.Timestamp",
             "id": 3
            }
           }
          },
          "DynamicListener": {
           "fields": {
            "name": {
             "type": "string",
             "id": 1
            },
            "active_state": {
             "type": "DynamicListenerState",
             "id": 2
            },
            "warming_state": {
             "type": "DynamicListenerState",
             "id": 3
            },
            "draining_state": {
             "type": "DynamicListenerState",
             "id": 4
            },
            "error_state": {
             "type": "UpdateFailureState",
             "id": 5
            },
            "client_status": {
             "type": "ClientResourceStatus",
             "id": 6
            }
           }
          }
         }
        },
        "ClustersConfigDump": {
         "fields": {
          "version_info": {
           "type": "string",
           "id": 1
          },
          "static_clusters": {
           "rule": "repeated",
           "type": "StaticCluster",
           "id": 2
          },
          "dynamic_active_clusters": {
           "rule": "repeated",
           "type": "DynamicCluster",
           "id": 3
          },
          "dynamic_warming_clusters": {
           "rule": "repeated",
           "type": "DynamicCluster",
           "id": 4
          }
         },
         "nested": {
          "StaticCluster": {
           "fields": {
            "cluster": {
             "type": "google.protobuf.Any",
             "id": 1
            },
            "last_updated": {
             "type": "google.protobuf.Timestamp",
             "id": 2
            }
           }
          },
          "DynamicCluster": {
           "fields": {
            "version_info": {
             "type": "string",
             "id": 1
            },
            "cluster": {
             "type": "google.protobuf.Any",
             "id": 2
            },
            "last_updated": {
             "type": "google.protobuf.Timestamp",
             "id": 3
            },
            "error_state": {
             "type": "UpdateFailureState",
             "id": 4
            },
            "client_status": {
             "type": "ClientResourceStatus",
             "id": 5
            }
           }
          }
         }
        },
        "RoutesConfigDump": {
         "fields": {
          "static_route_configs": {
           "rule": "repeated",
           "type": "StaticRouteConfig",
           "id": 2
          },
          "dynamic_route_configs": {
           "rule": "repeated",
           "type": "DynamicRouteConfig",
           "id": 3
          }
         },
         "nested": {
          "StaticRouteConfig": {
           "fields": {
            "route_config": {
             "type": "google.protobuf.Any",
             "id": 1
            },
            "last_updated": {
             "type": "google.protobuf.Timestamp",
             "id": 2
            }
           }
          },
          "DynamicRouteConfig": {
           "fields": {
            "version_info": {
             "type": "string",
             "id": 1
            },
            "route_config": {
             "type": "google.protobuf.Any",
             "id": 2
            },
            "last_updated": {
             "type": "google.protobuf.Timestamp",
             "id": 3
            },
            "error_state": {
             "type": "UpdateFailureState",
             "id": 4
            },
            "client_status": {
             "type": "ClientResourceStatus",
             "id": 5
            }
           }
          }
         }
        },
        "ScopedRoutesConfigDump": {
         "fields": {
          "inline_scoped_route_configs": {
           "rule": "repeated",
           "type": "InlineScopedRouteConfigs",
           "id": 1
          },
          "dynamic_scoped_route_configs": {
           "rule": "repeated",
           "type": "DynamicScopedRouteConfigs",
           "id": 2
          }
         },
         "nested": {
          "InlineScopedRouteConfigs": {
           "fields": {
            "name": {
             "type": "string",
             "id": 1
            },
            "scoped_route_configs": {
             "rule": "repeated",
             "type": "google.protobuf.Any",
             "id": 2
            },
            "last_updated": {
             "type": "google.protobuf.Timestamp",
             "id": 3
            }
           }
          },
          "DynamicScopedRouteConfigs": {
           "fields": {
            "name": {
             "type": "string",
             "id": 1
            },
            "version_info": {
             "type": "string",
             "id": 2
            },
            "scoped_route_configs": {
             "rule": "repeated",
             "type": "google.protobuf.Any",
             "id": 3
            },
            "last_updated": {
             "type": "google.protobuf.Timestamp",
             "id": 4
            },
            "error_state": {
             "type": "UpdateFailureState",
             "id": 5
            },
            "client_status": {
             "type": "ClientResourceStatus",
             "id": 6
            }
           }
          }
         }
        },
        "EndpointsConfigDump": {
         "fields": {
          "static_endpoint_configs": {
           "rule": "repeated",
           "type": "StaticEndpointConfig",
           "id": 2
          },
          "dynamic_endpoint_configs": {
           "rule": "repeated",
           "type": "DynamicEndpointConfig",
           "id": 3
          }
         },
         "nested": {
          "StaticEndpointConfig": {
           "fields": {
            "endpoint_config": {
             "type": "google.protobuf.Any",
             "id": 1
            },
            "last_updated": {
             "type": "google.protobuf.Timestamp",
             "id": 2
            }
           }
          },
          "DynamicEndpointConfig": {
           "fields": {
            "version_info": {
             "type": "string",
             "id": 1
            },
            "endpoint_config": {
             "type": "google.protobuf.Any",
             "id": 2
            },
            "last_updated": {
             "type": "google.protobuf.Timestamp",
             "id": 3
            },
            "error_state": {
             "type": "UpdateFailureState",
             "id": 4
            },
            "client_status": {
             "type": "ClientResourceStatus",
             "id": 5
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
  },
  "xds": {
   "nested": {
    "core": {
     "nested": {
      "v3": {
       "nested": {
        "ContextParams": {
         "fields": {
          "params": {
           "keyType": "string",
           "type": "string",
           "id": 1
          }
         }
        },
        "TypedExtensionConfig": {
         "fields": {
          "name": {
           "type": "string",
           "id": 1
          },
          "typed_config": {
           "type": "google.protobuf.Any",
           "id": 2
          }
         }
        },
        "Authority": {
         "fields": {
          "name": {
           "type": "string",
           "id": 1
          }
         }
        }
       }
      }
     }
    },
    "type": {
     "nested": {
      "matcher": {
       "nested": {
        "v3": {
         "nested": {
          "Matcher": {
           "oneofs": {
            "matcher_type": {
             "oneof": [
              "matcher_list",
              "matcher_tree"
             ]
            }
           },
           "fields": {
            "matcher_list": {
             "type": "MatcherList",
             "id": 1
            },
            "matcher_tree": {
             "type": "MatcherTree",
             "id": 2
            },
            "on_no_match": {
             "type": "OnMatch",
             "id": 3
            }
           },
           "nested": {
            "OnMatch": {
             "oneofs": {
              "on_match": {
               "oneof": [
                "matcher",
                "action"
               ]
              }
             },
             "fields": {
              "matcher": {
               "type": "Matcher",
               "id": 1
              },
              "action": {
               "type": "core.v3.TypedExtensionConfig",
               "id": 2
              }
             }
            },
            "MatcherList": {
             "fields": {
              "matchers": {
               "rule": "repeated",
               "type": "FieldMatcher",
               "id": 1
              }
             },
             "nested": {
              "Predicate": {
               "oneofs": {
                "match_type": {
                 "oneof": [
                  "single_predicate",
                  "or_matcher",
                  "and_matcher",
                  "not_matcher"
                 ]
                }
               },
               "fields": {
                "single_predicate": {
                 "type": "SinglePredicate",
                 "id": 1
                },
                "or_matcher": {
                 "type": "PredicateList",
                 "id": 2
                },
                "and_matcher": {
                 "type": "PredicateList",
                 "id": 3
                },
                "not_matcher": {
                 "type": "Predicate",
                 "id": 4
                }
               },
               "nested": {
                "SinglePredicate": {
                 "oneofs": {
                  "matcher": {
                   "oneof": [
                    "value_match",
                    "custom_match"
                   ]
                  }
                 },
                 "fields": {
                  "input": {
                   "type": "core.v3.TypedExtensionConfig",
                   "id": 1
                  },
                  "value_match": {
                   "type": "type.matcher.v3.StringMatcher",
                   "id": 2
                  },
                  "custom_match": {
                   "type": "core.v3.TypedExtensionConfig",
                   "id": 3
                  }
                 }
                },
                "PredicateList": {
                 "fields": {
                  "predicate": {
                   "rule": "repeated",
                   "type": "Predicate",
                   "id": 1
                  }
                 }
                }
               }
              },
              "FieldMatcher": {
               "fields": {
                "predicate": {
                 "type": "Predicate",
                 "id": 1
                },
                "on_match": {
                 "type": "OnMatch",
                 "id": 2
                }
               }
              }
             }
            },
            "MatcherTree": {
             "oneofs": {
              "tree_type": {
               "oneof": [
                "exact_match_map",
                "prefix_match_map",
                "custom_match"
               ]
              }
             },
             "fields": {
              "input": {
               "type": "core.v3.TypedExtensionConfig",
               "id": 1
              },
              "exact_match_map": {
               "type": "MatchMap",
               "id": 2
              },
              "prefix_match_map": {
               "type": "MatchMap",
               "id": 3
              },
              "custom_match": {
               "type": "core.v3.TypedExtensionConfig",
               "id": 4
              }
             },
             "nested": {
              "MatchMap": {
               "fields": {
                "map": {
                 "keyType": "string",
                 "type": "OnMatch",
                 "id": 1
                }
               }
              }
             }
            }
           }
          },
          "StringMatcher": {
           "oneofs": {
            "match_pattern": {
             "oneof": [
              "exact",
              "prefix",
              "suffix",
              "safe_regex",
              "contains"
             ]
            }
           },
           "fields": {
            "exact": {
             "type": "string",
             "id": 1
            },
            "prefix": {
             "type": "string",
             "id": 2
            },
            "suffix": {
             "type": "string",
             "id": 3
            },
            "safe_regex": {
             "type": "RegexMatcher",
             "id": 5
            },
            "contains": {
             "type": "string",
             "id": 7
            },
            "ignore_case": {
             "type": "bool",
             "id": 6
            }
           }
          },
          "RegexMatcher": {
           "oneofs": {
            "engine_type": {
             "oneof": [
              "google_re2"
             ]
            }
           },
           "fields": {
            "google_re2": {
             "type": "GoogleRE2",
             "id": 1
            },
            "regex": {
             "type": "string",
             "id": 2
            }
           },
           "nested": {
            "GoogleRE2": {
             "fields": {}
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
  },
  "google": {
   "nested": {
    "protobuf": {
     "nested": {
      "Any": {
       "fields": {
        "type_url": {
         "type": "string",
         "id": 1
        },
        "value": {
         "type": "bytes",
         "id": 2
        }
       }
      },
      "Duration": {
       "fields": {
        "seconds": {
         "type": "int64",
         "id": 1
        },
        "nanos": {
         "type": "int32",
         "id": 2
        }
       }
      },
      "Timestamp": {
       "fields": {
        "seconds": {
         "type": "int64",
         "id": 1
        },
        "nanos": {
         "type": "int32",
         "id": 2
        }
       }
      },
      "DoubleValue": {
       "fields": {
        "value": {
         "type": "double",
         "id": 1
        }
       }
      },
      "UInt64Value": {
       "fields": {
        "value": {
         "type": "uint64",
         "id": 1
        }
       }
      },
      "UInt32Value": {
       "fields": {
        "value": {
         "type": "uint32",
         "id": 1
        }
       }
      },
      "BoolValue": {
       "fields": {
        "value": {
         "type": "bool",
         "id": 1
        }
       }
      },
      "Struct": {
       "fields": {
        "fields": {
         "keyType": "string",
         "type": "Value",
         "id": 1
        }
       }
      },
      "Value": {
       "oneofs": {
        "kind": {
         "oneof": [
          "null_value",
          "number_value",
          "string_value",
          "bool_value",
          "struct_value",
          "list_value"
         ]
        }
       },
       "fields": {
        "null_value": {
         "type": "NullValue",
         "id": 1
        },
        "number_value": {
         "type": "double",
         "id": 2
        },
        "string_value": {
         "type": "string",
         "id": 3
        },
        "bool_value": {
         "type": "bool",
         "id": 4
        },
        "struct_value": {
         "type": "Struct",
         "id": 5
        },
        "list_value": {
         "type": "ListValue",
         "id": 6
        }
       }
      },
      "NullValue": {
       "values": {
        "NULL_VALUE": 0
       }
      },
      "ListValue": {
       "fields": {
        "values": {
         "rule": "repeated",
         "type": "Value",
         "id": 1
        }
       }
      },
      "Empty": {
       "fields": {}
      }
     }
    },
    "rpc": {
     "nested": {
      "Status": {
       "fields": {
        "code": {
         "type": "int32",
         "id": 1
        },
        "message": {
         "type": "string",
         "id": 2
        },
        "details": {
         "rule": "repeated",
         "type": "google.protobuf.Any",
         "id": 3
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
export const XDS_FILES: Record<string, string> = {
 "envoy.admin.v3.ClientResourceStatus": "envoy/admin/v3/config_dump_shared.proto",
 "envoy.admin.v3.ClustersConfigDump": "envoy/admin/v3/config_dump_shared.proto",
 "envoy.admin.v3.EndpointsConfigDump": "envoy/admin/v3/config_dump_shared.proto",
 "envoy.admin.v3.ListenersConfigDump": "envoy/admin/v3/config_dump_shared.proto",
 "envoy.admin.v3.RoutesConfigDump": "envoy/admin/v3/config_dump_shared.proto",
 "envoy.admin.v3.ScopedRoutesConfigDump": "envoy/admin/v3/config_dump_shared.proto",
 "envoy.admin.v3.UpdateFailureState": "envoy/admin/v3/config_dump_shared.proto",
 "envoy.config.accesslog.v3.AccessLog": "envoy/config/accesslog/v3/accesslog.proto",
 "envoy.config.accesslog.v3.AccessLogFilter": "envoy/config/accesslog/v3/accesslog.proto",
 "envoy.config.accesslog.v3.AndFilter": "envoy/config/accesslog/v3/accesslog.proto",
 "envoy.config.accesslog.v3.ComparisonFilter": "envoy/config/accesslog/v3/accesslog.proto",
 "envoy.config.accesslog.v3.DurationFilter": "envoy/config/accesslog/v3/accesslog.proto",
 "envoy.config.accesslog.v3.ExtensionFilter": "envoy/config/accesslog/v3/accesslog.proto",
 "envoy.config.accesslog.v3.GrpcStatusFilter": "envoy/config/accesslog/v3/accesslog.proto",
 "envoy.config.accesslog.v3.HeaderFilter": "envoy/config/accesslog/v3/accesslog.proto",
 "envoy.config.accesslog.v3.LogTypeFilter": "envoy/config/accesslog/v3/accesslog.proto",
 "envoy.config.accesslog.v3.MetadataFilter": "envoy/config/accesslog/v3/accesslog.proto",
 "envoy.config.accesslog.v3.NotHealthCheckFilter": "envoy/config/accesslog/v3/accesslog.proto",
 "envoy.config.accesslog.v3.OrFilter": "envoy/config/accesslog/v3/accesslog.proto",
 "envoy.config.accesslog.v3.ResponseFlagFilter": "envoy/config/accesslog/v3/accesslog.proto",
 "envoy.config.accesslog.v3.RuntimeFilter": "envoy/config/accesslog/v3/accesslog.proto",
 "envoy.config.accesslog.v3.StatusCodeFilter": "envoy/config/accesslog/v3/accesslog.proto",
 "envoy.config.accesslog.v3.TraceableFilter": "envoy/config/accesslog/v3/accesslog.proto",
 "envoy.config.cluster.v3.CircuitBreakers": "envoy/config/cluster/v3/circuit_breaker.proto",
 "envoy.config.cluster.v3.Cluster": "envoy/config/cluster/v3/cluster.proto",
 "envoy.config.cluster.v3.Filter": "envoy/config/cluster/v3/filter.proto",
 "envoy.config.cluster.v3.LoadBalancingPolicy": "envoy/config/cluster/v3/cluster.proto",
 "envoy.config.cluster.v3.OutlierDetection": "envoy/config/cluster/v3/outlier_detection.proto",
 "envoy.config.cluster.v3.TrackClusterStats": "envoy/config/cluster/v3/cluster.proto",
 "envoy.config.cluster.v3.UpstreamConnectionOptions": "envoy/config/cluster/v3/cluster.proto",
 "envoy.config.core.v3.Address": "envoy/config/core/v3/address.proto",
 "envoy.config.core.v3.AggregatedConfigSource": "envoy/config/core/v3/config_source.proto",
 "envoy.config.core.v3.ApiConfigSource": "envoy/config/core/v3/config_source.proto",
 "envoy.config.core.v3.ApiVersion": "envoy/config/core/v3/config_source.proto",
 "envoy.config.core.v3.BackoffStrategy": "envoy/config/core/v3/backoff.proto",
 "envoy.config.core.v3.BindConfig": "envoy/config/core/v3/address.proto",
 "envoy.config.core.v3.BuildVersion": "envoy/config/core/v3/base.proto",
 "envoy.config.core.v3.CidrRange": "envoy/config/core/v3/address.proto",
 "envoy.config.core.v3.ConfigSource": "envoy/config/core/v3/config_source.proto",
 "envoy.config.core.v3.ControlPlane": "envoy/config/core/v3/base.proto",
 "envoy.config.core.v3.DataSource": "envoy/config/core/v3/base.proto",
 "envoy.config.core.v3.DnsResolutionConfig": "envoy/config/core/v3/resolver.proto",
 "envoy.config.core.v3.DnsResolverOptions": "envoy/config/core/v3/resolver.proto",
 "envoy.config.core.v3.EnvoyInternalAddress": "envoy/config/core/v3/address.proto",
 "envoy.config.core.v3.EventServiceConfig": "envoy/config/core/v3/event_service_config.proto",
 "envoy.config.core.v3.Extension": "envoy/config/core/v3/base.proto",
 "envoy.config.core.v3.ExtensionConfigSource": "envoy/config/core/v3/config_source.proto",
 "envoy.config.core.v3.ExtraSourceAddress": "envoy/config/core/v3/address.proto",
 "envoy.config.core.v3.GrpcService": "envoy/config/core/v3/grpc_service.proto",
 "envoy.config.core.v3.HeaderValue": "envoy/config/core/v3/base.proto",
 "envoy.config.core.v3.HeaderValueOption": "envoy/config/core/v3/base.proto",
 "envoy.config.core.v3.HealthCheck": "envoy/config/core/v3/health_check.proto",
 "envoy.config.core.v3.HealthStatus": "envoy/config/core/v3/health_check.proto",
 "envoy.config.core.v3.HealthStatusSet": "envoy/config/core/v3/health_check.proto",
 "envoy.config.core.v3.Http1ProtocolOptions": "envoy/config/core/v3/protocol.proto",
 "envoy.config.core.v3.Http2ProtocolOptions": "envoy/config/core/v3/protocol.proto",
 "envoy.config.core.v3.Http3ProtocolOptions": "envoy/config/core/v3/protocol.proto",
 "envoy.config.core.v3.HttpProtocolOptions": "envoy/config/core/v3/protocol.proto",
 "envoy.config.core.v3.JsonFormatOptions": "envoy/config/core/v3/substitution_format_string.proto",
 "envoy.config.core.v3.KeepaliveSettings": "envoy/config/core/v3/protocol.proto",
 "envoy.config.core.v3.Locality": "envoy/config/core/v3/base.proto",
 "envoy.config.core.v3.Metadata": "envoy/config/core/v3/base.proto",
 "envoy.config.core.v3.Node": "envoy/config/core/v3/base.proto",
 "envoy.config.core.v3.PathConfigSource": "envoy/config/core/v3/config_source.proto",
 "envoy.config.core.v3.Pipe": "envoy/config/core/v3/address.proto",
 "envoy.config.core.v3.ProxyProtocolConfig": "envoy/config/core/v3/proxy_protocol.proto",
 "envoy.config.core.v3.ProxyProtocolPassThroughTLVs": "envoy/config/core/v3/proxy_protocol.proto",
 "envoy.config.core.v3.QuicKeepAliveSettings": "envoy/config/core/v3/protocol.proto",
 "envoy.config.core.v3.QuicProtocolOptions": "envoy/config/core/v3/protocol.proto",
 "envoy.config.core.v3.RateLimitSettings": "envoy/config/core/v3/config_source.proto",
 "envoy.config.core.v3.RequestMethod": "envoy/config/core/v3/base.proto",
 "envoy.config.core.v3.RetryPolicy": "envoy/config/core/v3/base.proto",
 "envoy.config.core.v3.RoutingPriority": "envoy/config/core/v3/base.proto",
 "envoy.config.core.v3.RuntimeDouble": "envoy/config/core/v3/base.proto",
 "envoy.config.core.v3.RuntimeFeatureFlag": "envoy/config/core/v3/base.proto",
 "envoy.config.core.v3.RuntimeFractionalPercent": "envoy/config/core/v3/base.proto",
 "envoy.config.core.v3.RuntimeUInt32": "envoy/config/core/v3/base.proto",
 "envoy.config.core.v3.SchemeHeaderTransformation": "envoy/config/core/v3/protocol.proto",
 "envoy.config.core.v3.SelfConfigSource": "envoy/config/core/v3/config_source.proto",
 "envoy.config.core.v3.SocketAddress": "envoy/config/core/v3/address.proto",
 "envoy.config.core.v3.SocketOption": "envoy/config/core/v3/socket_option.proto",
 "envoy.config.core.v3.SocketOptionsOverride": "envoy/config/core/v3/socket_option.proto",
 "envoy.config.core.v3.SubstitutionFormatString": "envoy/config/core/v3/substitution_format_string.proto",
 "envoy.config.core.v3.TcpKeepalive": "envoy/config/core/v3/address.proto",
 "envoy.config.core.v3.TrafficDirection": "envoy/config/core/v3/base.proto",
 "envoy.config.core.v3.TransportSocket": "envoy/config/core/v3/base.proto",
 "envoy.config.core.v3.TypedExtensionConfig": "envoy/config/core/v3/extension.proto",
 "envoy.config.core.v3.UdpSocketConfig": "envoy/config/core/v3/udp_socket_config.proto",
 "envoy.config.core.v3.UpstreamHttpProtocolOptions": "envoy/config/core/v3/protocol.proto",
 "envoy.config.core.v3.WatchedDirectory": "envoy/config/core/v3/base.proto",
 "envoy.config.endpoint.v3.ClusterLoadAssignment": "envoy/config/endpoint/v3/endpoint.proto",
 "envoy.config.endpoint.v3.ClusterStats": "envoy/config/endpoint/v3/load_report.proto",
 "envoy.config.endpoint.v3.Endpoint": "envoy/config/endpoint/v3/endpoint_components.proto",
 "envoy.config.endpoint.v3.EndpointLoadMetricStats": "envoy/config/endpoint/v3/load_report.proto",
 "envoy.config.endpoint.v3.LbEndpoint": "envoy/config/endpoint/v3/endpoint_components.proto",
 "envoy.config.endpoint.v3.LedsClusterLocalityConfig": "envoy/config/endpoint/v3/endpoint_components.proto",
 "envoy.config.endpoint.v3.LocalityLbEndpoints": "envoy/config/endpoint/v3/endpoint_components.proto",
 "envoy.config.endpoint.v3.UnnamedEndpointLoadMetricStats": "envoy/config/endpoint/v3/load_report.proto",
 "envoy.config.endpoint.v3.UpstreamEndpointStats": "envoy/config/endpoint/v3/load_report.proto",
 "envoy.config.endpoint.v3.UpstreamLocalityStats": "envoy/config/endpoint/v3/load_report.proto",
 "envoy.config.listener.v3.AdditionalAddress": "envoy/config/listener/v3/listener.proto",
 "envoy.config.listener.v3.ApiListener": "envoy/config/listener/v3/api_listener.proto",
 "envoy.config.listener.v3.Filter": "envoy/config/listener/v3/listener_components.proto",
 "envoy.config.listener.v3.FilterChain": "envoy/config/listener/v3/listener_components.proto",
 "envoy.config.listener.v3.FilterChainMatch": "envoy/config/listener/v3/listener_components.proto",
 "envoy.config.listener.v3.Listener": "envoy/config/listener/v3/listener.proto",
 "envoy.config.listener.v3.ListenerFilter": "envoy/config/listener/v3/listener_components.proto",
 "envoy.config.listener.v3.ListenerFilterChainMatchPredicate": "envoy/config/listener/v3/listener_components.proto",
 "envoy.config.listener.v3.QuicProtocolOptions": "envoy/config/listener/v3/quic_config.proto",
 "envoy.config.listener.v3.UdpListenerConfig": "envoy/config/listener/v3/udp_listener_config.proto",
 "envoy.config.route.v3.ClusterSpecifierPlugin": "envoy/config/route/v3/route_components.proto",
 "envoy.config.route.v3.CorsPolicy": "envoy/config/route/v3/route_components.proto",
 "envoy.config.route.v3.Decorator": "envoy/config/route/v3/route_components.proto",
 "envoy.config.route.v3.DirectResponseAction": "envoy/config/route/v3/route_components.proto",
 "envoy.config.route.v3.FilterAction": "envoy/config/route/v3/route_components.proto",
 "envoy.config.route.v3.HeaderMatcher": "envoy/config/route/v3/route_components.proto",
 "envoy.config.route.v3.HedgePolicy": "envoy/config/route/v3/route_components.proto",
 "envoy.config.route.v3.InternalRedirectPolicy": "envoy/config/route/v3/route_components.proto",
 "envoy.config.route.v3.NonForwardingAction": "envoy/config/route/v3/route_components.proto",
 "envoy.config.route.v3.QueryParameterMatcher": "envoy/config/route/v3/route_components.proto",
 "envoy.config.route.v3.RateLimit": "envoy/config/route/v3/route_components.proto",
 "envoy.config.route.v3.RedirectAction": "envoy/config/route/v3/route_components.proto",
 "envoy.config.route.v3.RetryPolicy": "envoy/config/route/v3/route_components.proto",
 "envoy.config.route.v3.Route": "envoy/config/route/v3/route_components.proto",
 "envoy.config.route.v3.RouteAction": "envoy/config/route/v3/route_components.proto",
 "envoy.config.route.v3.RouteConfiguration": "envoy/config/route/v3/route.proto",
 "envoy.config.route.v3.RouteMatch": "envoy/config/route/v3/route_components.proto",
 "envoy.config.route.v3.ScopedRouteConfiguration": "envoy/config/route/v3/scoped_route.proto",
 "envoy.config.route.v3.Tracing": "envoy/config/route/v3/route_components.proto",
 "envoy.config.route.v3.Vhds": "envoy/config/route/v3/route.proto",
 "envoy.config.route.v3.VirtualCluster": "envoy/config/route/v3/route_components.proto",
 "envoy.config.route.v3.VirtualHost": "envoy/config/route/v3/route_components.proto",
 "envoy.config.route.v3.WeightedCluster": "envoy/config/route/v3/route_components.proto",
 "envoy.config.trace.v3.Tracing": "envoy/config/trace/v3/http_tracer.proto",
 "envoy.data.accesslog.v3.AccessLogType": "envoy/data/accesslog/v3/accesslog.proto",
 "envoy.extensions.filters.http.router.v3.Router": "envoy/extensions/filters/http/router/v3/router.proto",
 "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager": "envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto",
 "envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter": "envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto",
 "envoy.extensions.filters.network.http_connection_manager.v3.LocalReplyConfig": "envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto",
 "envoy.extensions.filters.network.http_connection_manager.v3.Rds": "envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto",
 "envoy.extensions.filters.network.http_connection_manager.v3.RequestIDExtension": "envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto",
 "envoy.extensions.filters.network.http_connection_manager.v3.ResponseMapper": "envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto",
 "envoy.extensions.filters.network.http_connection_manager.v3.ScopedRds": "envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto",
 "envoy.extensions.filters.network.http_connection_manager.v3.ScopedRouteConfigurationsList": "envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto",
 "envoy.extensions.filters.network.http_connection_manager.v3.ScopedRoutes": "envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto",
 "envoy.service.discovery.v3.AggregatedDiscoveryService": "envoy/service/discovery/v3/ads.proto",
 "envoy.service.discovery.v3.DeltaDiscoveryRequest": "envoy/service/discovery/v3/discovery.proto",
 "envoy.service.discovery.v3.DeltaDiscoveryResponse": "envoy/service/discovery/v3/discovery.proto",
 "envoy.service.discovery.v3.DiscoveryRequest": "envoy/service/discovery/v3/discovery.proto",
 "envoy.service.discovery.v3.DiscoveryResponse": "envoy/service/discovery/v3/discovery.proto",
 "envoy.service.discovery.v3.DynamicParameterConstraints": "envoy/service/discovery/v3/discovery.proto",
 "envoy.service.discovery.v3.Resource": "envoy/service/discovery/v3/discovery.proto",
 "envoy.service.discovery.v3.ResourceLocator": "envoy/service/discovery/v3/discovery.proto",
 "envoy.service.discovery.v3.ResourceName": "envoy/service/discovery/v3/discovery.proto",
 "envoy.service.load_stats.v3.LoadReportingService": "envoy/service/load_stats/v3/lrs.proto",
 "envoy.service.load_stats.v3.LoadStatsRequest": "envoy/service/load_stats/v3/lrs.proto",
 "envoy.service.load_stats.v3.LoadStatsResponse": "envoy/service/load_stats/v3/lrs.proto",
 "envoy.service.status.v3.ClientConfig": "envoy/service/status/v3/csds.proto",
 "envoy.service.status.v3.ClientConfigStatus": "envoy/service/status/v3/csds.proto",
 "envoy.service.status.v3.ClientStatusDiscoveryService": "envoy/service/status/v3/csds.proto",
 "envoy.service.status.v3.ClientStatusRequest": "envoy/service/status/v3/csds.proto",
 "envoy.service.status.v3.ClientStatusResponse": "envoy/service/status/v3/csds.proto",
 "envoy.service.status.v3.ConfigStatus": "envoy/service/status/v3/csds.proto",
 "envoy.service.status.v3.PerXdsConfig": "envoy/service/status/v3/csds.proto",
 "envoy.type.http.v3.PathTransformation": "envoy/type/http/v3/path_transformation.proto",
 "envoy.type.matcher.v3.DoubleMatcher": "envoy/type/matcher/v3/number.proto",
 "envoy.type.matcher.v3.ListMatcher": "envoy/type/matcher/v3/value.proto",
 "envoy.type.matcher.v3.MetadataMatcher": "envoy/type/matcher/v3/metadata.proto",
 "envoy.type.matcher.v3.NodeMatcher": "envoy/type/matcher/v3/node.proto",
 "envoy.type.matcher.v3.OrMatcher": "envoy/type/matcher/v3/value.proto",
 "envoy.type.matcher.v3.RegexMatchAndSubstitute": "envoy/type/matcher/v3/regex.proto",
 "envoy.type.matcher.v3.RegexMatcher": "envoy/type/matcher/v3/regex.proto",
 "envoy.type.matcher.v3.StringMatcher": "envoy/type/matcher/v3/string.proto",
 "envoy.type.matcher.v3.StructMatcher": "envoy/type/matcher/v3/struct.proto",
 "envoy.type.matcher.v3.ValueMatcher": "envoy/type/matcher/v3/value.proto",
 "envoy.type.metadata.v3.MetadataKey": "envoy/type/metadata/v3/metadata.proto",
 "envoy.type.metadata.v3.MetadataKind": "envoy/type/metadata/v3/metadata.proto",
 "envoy.type.tracing.v3.CustomTag": "envoy/type/tracing/v3/custom_tag.proto",
 "envoy.type.v3.CodecClientType": "envoy/type/v3/http.proto",
 "envoy.type.v3.DoubleRange": "envoy/type/v3/range.proto",
 "envoy.type.v3.FractionalPercent": "envoy/type/v3/percent.proto",
 "envoy.type.v3.Int32Range": "envoy/type/v3/range.proto",
 "envoy.type.v3.Int64Range": "envoy/type/v3/range.proto",
 "envoy.type.v3.Percent": "envoy/type/v3/percent.proto",
 "envoy.type.v3.SemanticVersion": "envoy/type/v3/semantic_version.proto",
 "google.protobuf.Any": "google/protobuf/any.proto",
 "google.protobuf.BoolValue": "google/protobuf/wrappers.proto",
 "google.protobuf.DoubleValue": "google/protobuf/wrappers.proto",
 "google.protobuf.Duration": "google/protobuf/duration.proto",
 "google.protobuf.Empty": "google/protobuf/empty.proto",
 "google.protobuf.ListValue": "google/protobuf/struct.proto",
 "google.protobuf.NullValue": "google/protobuf/struct.proto",
 "google.protobuf.Struct": "google/protobuf/struct.proto",
 "google.protobuf.Timestamp": "google/protobuf/timestamp.proto",
 "google.protobuf.UInt32Value": "google/protobuf/wrappers.proto",
 "google.protobuf.UInt64Value": "google/protobuf/wrappers.proto",
 "google.protobuf.Value": "google/protobuf/struct.proto",
 "google.rpc.Status": "google/rpc/status.proto",
 "xds.core.v3.Authority": "xds/core/v3/authority.proto",
 "xds.core.v3.ContextParams": "xds/core/v3/context_params.proto",
 "xds.core.v3.TypedExtensionConfig": "xds/core/v3/extension.proto",
 "xds.type.matcher.v3.Matcher": "xds/type/matcher/v3/matcher.proto",
 "xds.type.matcher.v3.RegexMatcher": "xds/type/matcher/v3/regex.proto",
 "xds.type.matcher.v3.StringMatcher": "xds/type/matcher/v3/string.proto"
};

// The public entry of the client package (grpc-lookaside-client): register
// once, then target "lookaside:///name.namespace:port" with any grpc-js client.
//
//   import * as grpc from '@grpc/grpc-js';
//   import { registerLookaside } from 'grpc-lookaside-client';
//   const lookaside = registerLookaside({ grpc, controlPlane: 'lookaside.lookaside.svc:50051' });
//   const client = new GreeterClient('lookaside:///greeter.default:grpc', grpc.credentials.createInsecure());
//   ...
//   lookaside.close();

export {
  registerLookaside,
  registerLookasidePolicies,
  LookasideOptionsError,
  CONTROL_PLANE_ENV,
  NODE_NAME_ENV,
  ZONE_ENV,
  DEFAULT_CONTROL_PLANE,
  DEFAULT_START_TIMEOUT_MS,
  type LookasideOptions,
  type LookasideRegistration,
} from './register.js';
export { DEFAULT_SERVICE_CONFIG, DEFAULT_KEEPALIVE_OPTIONS, mergeServiceConfig, lookasideChannelOptions, type ServiceConfigJson } from './resolver/service-config.js';
export { ServiceConfigError, validateServiceConfig } from './resolver/service-config-validation.js';
export { SUPPORTED_GRPC_RANGE } from './grpc/grpc-copies.js';
export type { GrpcModule } from './grpc/grpc-module.js';
export { LOOKASIDE_SCHEME, LookasideTargetError, parseLookasideTargetString, type LookasideTarget } from './resolver/target-parser.js';
export type { FallbackTarget } from './resolver/lookaside-resolver.js';
export { WEIGHTED_ROUND_ROBIN_POLICY } from './policies/load-balancer-weighted-round-robin.js';
export { LEAST_REQUEST_POLICY, DEFAULT_CHOICE_COUNT, MAX_CHOICE_COUNT } from './policies/load-balancer-least-request.js';
export { DEFAULT_RECONNECT_BACKOFF, type ReconnectBackoffOptions } from './control-plane/reconnect-backoff.js';
export type { LookasideLogEntry, LookasideLogFunction, LookasideLogLevel } from './lookaside-logger.js';
export { DEFAULT_WEIGHT } from './policies/weighted-endpoint.js';
export type { PickEvent, PickObserver } from './pick-observer.js';
export { LoadBalancerStub, type ServerEntry, type ServersUpdate, type ServersQuery, type StubCallOptions } from './control-plane/load-balancer-stub.js';
export { TOKEN_FILE_ENV, CallerTokenError, readCallerTokenFile } from './control-plane/caller-token-file.js';
export { LOAD_REPORT_TRAILER, encodeLoadReport, decodeLoadReport, type LoadReport } from './policies/load-report-weights.js';

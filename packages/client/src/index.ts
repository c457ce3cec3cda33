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
export { DEFAULT_SERVICE_CONFIG, DEFAULT_KEEPALIVE_OPTIONS, mergeServiceConfig, lookasideChannelOptions, type ServiceConfigJson } from './service-config.js';
export { ServiceConfigError, validateServiceConfig } from './service-config-validation.js';
export { SUPPORTED_GRPC_RANGE } from './grpc-copies.js';
export type { GrpcModule } from './grpc-module.js';
export { LOOKASIDE_SCHEME, LookasideTargetError, parseLookasideTargetString, type LookasideTarget } from './target-parser.js';
export type { FallbackTarget } from './lookaside-resolver.js';
export { WEIGHTED_ROUND_ROBIN_POLICY } from './load-balancer-weighted-round-robin.js';
export { LEAST_REQUEST_POLICY, DEFAULT_CHOICE_COUNT, MAX_CHOICE_COUNT } from './load-balancer-least-request.js';
export { DEFAULT_RECONNECT_BACKOFF, type ReconnectBackoffOptions } from './reconnect-backoff.js';
export type { LookasideLogEntry, LookasideLogFunction, LookasideLogLevel } from './lookaside-logger.js';
export { DEFAULT_WEIGHT } from './weighted-endpoint.js';
export type { PickEvent, PickObserver } from './pick-observer.js';
export { LoadBalancerStub, type ServerEntry, type ServersUpdate, type ServersQuery, type StubCallOptions } from './load-balancer-stub.js';
export { TOKEN_FILE_ENV, CallerTokenError, readCallerTokenFile } from './caller-token-file.js';
export { LOAD_REPORT_TRAILER, encodeLoadReport, decodeLoadReport, type LoadReport } from './load-report-weights.js';

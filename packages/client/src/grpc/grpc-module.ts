// The grpc-js module this package works through. Every value the package
// uses from grpc-js (classes, the experimental resolver and policy API,
// credentials) comes from the module a registration was given, never from a
// static import: an application whose channels use another copy of grpc-js
// than the one this package would resolve passes its own, and everything
// (resolver, policies, control-plane stub) lands in that copy.
//
// Numbers that the gRPC specification fixes (status codes, connectivity
// states, pick results) are spelled out here, so reading them needs no copy
// of grpc-js at all; test/client/grpc-constants.test.ts checks them against grpc-js.

import type * as GrpcJs from '@grpc/grpc-js';

/** The `@grpc/grpc-js` module: `import * as grpc from '@grpc/grpc-js'` or `require('@grpc/grpc-js')`. */
export type GrpcModule = typeof GrpcJs;

/** gRPC status codes (https://grpc.github.io/grpc/core/md_doc_statuscodes.html). */
export const Status = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const satisfies Record<keyof typeof GrpcJs.status, GrpcJs.status>;

const STATUS_NAMES = new Map<number, string>(Object.entries(Status).map(([name, code]) => [code, name]));

/** "UNAVAILABLE" for 14; the number itself for a code gRPC does not define. */
export function statusName(code: number): string {
  return STATUS_NAMES.get(code) ?? String(code);
}

/** Channel connectivity states (gRPC's connectivity-semantics document). */
export const ConnectivityState = {
  IDLE: 0,
  CONNECTING: 1,
  READY: 2,
  TRANSIENT_FAILURE: 3,
  SHUTDOWN: 4,
} as const satisfies Record<keyof typeof GrpcJs.connectivityState, GrpcJs.connectivityState>;

/** grpc-js's pick result types. */
export const PickResultType = {
  COMPLETE: 0,
  QUEUE: 1,
  TRANSIENT_FAILURE: 2,
  DROP: 3,
} as const satisfies Record<keyof typeof GrpcJs.experimental.PickResultType, GrpcJs.experimental.PickResultType>;

/** Whether `value` looks like the grpc-js module (what registerLookaside's `grpc` option must be). */
export function isGrpcModule(value: unknown): value is GrpcModule {
  const candidate = value as Partial<GrpcModule> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.experimental?.registerResolver === 'function' &&
    typeof candidate.experimental?.registerLoadBalancerType === 'function' &&
    typeof candidate.makeGenericClientConstructor === 'function'
  );
}

/**
 * Whether `grpc` has the resolver and policy API of grpc-js 1.14, which this
 * package is written against: 1.14.0 changed the resolver listener into one
 * function taking StatusOr values and gave policies the same.
 */
export function supportsLookaside(grpc: GrpcModule): boolean {
  return typeof grpc.experimental.statusOrFromValue === 'function' && typeof grpc.experimental.LeafLoadBalancer === 'function';
}

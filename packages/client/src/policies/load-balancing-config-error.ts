// Errors for load-balancing configs that cannot be used. grpc-js reports them
// as an invalid service config; the message names the policy, the field and
// what is allowed.

import { DURATION_FORMS, durationMs, readDuration } from '../grpc/grpc-duration.js';
import type { GrpcModule } from '../grpc/grpc-module.js';

export class LoadBalancingConfigError extends Error {
  constructor(policy: string, field: string | undefined, rule: string) {
    super(`${policy} config${field ? ` field "${field}"` : ''}: ${rule}`);
    this.name = 'LoadBalancingConfigError';
  }
}

/** Checks that `json` is a plain object with no fields other than `allowed`. */
export function checkConfigObject(policy: string, json: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (json === undefined || json === null) return {};
  if (typeof json !== 'object' || Array.isArray(json)) {
    throw new LoadBalancingConfigError(policy, undefined, `must be an object${allowed.length ? ` with optional fields ${allowed.map((f) => `"${f}"`).join(', ')}` : ' and takes no fields: {}'}`);
  }
  const unknown = Object.keys(json).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    throw new LoadBalancingConfigError(
      policy,
      unknown[0],
      `is not a field of this policy; ${allowed.length ? `allowed: ${allowed.map((f) => `"${f}"`).join(', ')}` : 'it takes no fields: {}'}`,
    );
  }
  return json as Record<string, unknown>;
}

/**
 * A duration field ("10s", "0.5s", read by grpc-js's parseDuration) in ms:
 * `fallback` when absent, else an error naming the field unless it is at
 * least `minimumMs`.
 */
export function parseDurationMs(grpc: GrpcModule, policy: string, field: string, value: unknown, fallback: number, minimumMs: number): number {
  if (value === undefined) return fallback;
  const duration = readDuration(grpc, value);
  const ms = duration ? durationMs(duration) : NaN;
  if (!Number.isFinite(ms) || ms < minimumMs) {
    throw new LoadBalancingConfigError(policy, field, `must be ${DURATION_FORMS}, at least ${minimumMs / 1_000}s (got ${JSON.stringify(value)})`);
  }
  return ms;
}

/**
 * How long the first calls of a cold channel may wait for the backends
 * still making their first connection, so that they spread over every
 * backend that comes up together instead of all going to the first
 * (see WeightedEndpointBalancer). "0s" turns the wait off.
 */
export const DEFAULT_COLD_START_WAIT_MS = 250;
/** More than this would hold a channel's first calls longer than a deadline typically allows. */
export const MAX_COLD_START_WAIT_MS = 60_000;

/** Parses the "coldStartWait" field both lookaside policies take. */
export function parseColdStartWait(grpc: GrpcModule, policy: string, value: unknown): number {
  const ms = parseDurationMs(grpc, policy, 'coldStartWait', value, DEFAULT_COLD_START_WAIT_MS, 0);
  if (ms > MAX_COLD_START_WAIT_MS) throw new LoadBalancingConfigError(policy, 'coldStartWait', `must be at most ${MAX_COLD_START_WAIT_MS / 1_000}s (got ${JSON.stringify(value)})`);
  return ms;
}

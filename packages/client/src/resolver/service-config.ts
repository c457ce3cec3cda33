// The service config of lookaside channels: a documented default (the
// weighted round robin policy, retries on UNAVAILABLE) merged with the
// channel's own "grpc.service_config". A resolver that reports a service
// config replaces the channel option entirely, so the lookaside resolver
// reports the merge of both, never the default alone.

import type { ChannelOptions, ServiceConfig } from '@grpc/grpc-js';
import { defaultGrpc } from '../grpc/default-grpc.js';
import type { GrpcModule } from '../grpc/grpc-module.js';
import { WEIGHTED_ROUND_ROBIN_POLICY } from '../policies/load-balancer-weighted-round-robin.js';
import { ServiceConfigError, validateServiceConfig } from './service-config-validation.js';

/** A service config as JSON, as in the "grpc.service_config" channel option. */
export interface ServiceConfigJson {
  loadBalancingPolicy?: string;
  loadBalancingConfig?: Record<string, unknown>[];
  methodConfig?: { name?: { service?: string; method?: string }[]; [field: string]: unknown }[];
  retryThrottling?: { maxTokens: number; tokenRatio: number };
  [field: string]: unknown;
}

/**
 * The default service config of lookaside channels:
 * - load balancing: lookaside_weighted_round_robin;
 * - every method: up to 4 attempts on UNAVAILABLE (a backend that went away
 *   between the pick and the call, a connection closed by a rollout), with
 *   backoff from 50 ms to 1 s. UNAVAILABLE means the call was not processed
 *   as far as gRPC can tell, so retrying it is safe for most methods; name a
 *   method without a retryPolicy in your own config to turn it off there.
 * - retry throttling: retries stop while more than half of 100 tokens are
 *   spent (each failure costs 1, each success returns 0.1), so an outage does
 *   not multiply the load on the backends.
 */
export const DEFAULT_SERVICE_CONFIG: Readonly<ServiceConfigJson> = Object.freeze({
  loadBalancingConfig: [{ [WEIGHTED_ROUND_ROBIN_POLICY]: {} }],
  methodConfig: [
    {
      name: [{}],
      retryPolicy: {
        maxAttempts: 4,
        initialBackoff: '0.05s',
        maxBackoff: '1s',
        backoffMultiplier: 2,
        retryableStatusCodes: ['UNAVAILABLE'],
      },
    },
  ],
  retryThrottling: { maxTokens: 100, tokenRatio: 0.1 },
});

/**
 * Keepalive for channels to backends: a ping after 60 s without activity,
 * and the connection is dropped if the answer takes over 20 s, so a backend
 * that vanished without closing its connections (a node lost) is noticed.
 * Servers must allow pings this often (grpc-go's default enforcement
 * requires at least 5 minutes: set its EnforcementPolicy.MinTime to 60 s or less).
 */
export const DEFAULT_KEEPALIVE_OPTIONS: Readonly<ChannelOptions> = Object.freeze({
  'grpc.keepalive_time_ms': 60_000,
  'grpc.keepalive_timeout_ms': 20_000,
});

function parseUserConfig(value: unknown): ServiceConfigJson | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') {
    try {
      return JSON.parse(value) as ServiceConfigJson;
    } catch (error) {
      throw new ServiceConfigError('grpc.service_config', `is not JSON: ${(error as Error).message}`);
    }
  }
  if (typeof value === 'object') return value as ServiceConfigJson;
  throw new ServiceConfigError('grpc.service_config', `must be a JSON string or an object, got ${typeof value}`);
}

function nameKey(name: { service?: string; method?: string }): string {
  return `${name.service ?? ''}/${name.method ?? ''}`;
}

/**
 * Merges a user's service config over a base (DEFAULT_SERVICE_CONFIG unless
 * given): the user's load-balancing choice wins if it makes one; the user's
 * method configs come first and the base's are kept for the names the user
 * does not configure; the user's retry throttling wins if set. Other fields
 * come from the user, then the base. Returns JSON; throws if `user` is a
 * string that is not JSON.
 */
export function mergeServiceConfig(user: string | ServiceConfigJson | undefined, base: Readonly<ServiceConfigJson> = DEFAULT_SERVICE_CONFIG): ServiceConfigJson {
  const own = parseUserConfig(user);
  if (!own) return structuredClone(base) as ServiceConfigJson;
  const merged: ServiceConfigJson = { ...structuredClone(base), ...structuredClone(own) };
  const ownLb = own.loadBalancingConfig?.length ? own.loadBalancingConfig : own.loadBalancingPolicy ? [{ [own.loadBalancingPolicy]: {} }] : undefined;
  merged.loadBalancingConfig = structuredClone(ownLb ?? base.loadBalancingConfig ?? []);
  delete merged.loadBalancingPolicy;
  const ownMethods = own.methodConfig ?? [];
  const claimed = new Set(ownMethods.flatMap((m) => (m.name ?? []).map(nameKey)));
  const baseMethods = (base.methodConfig ?? [])
    .map((m) => ({ ...m, name: (m.name ?? []).filter((n) => !claimed.has(nameKey(n))) }))
    .filter((m) => m.name.length > 0);
  merged.methodConfig = structuredClone([...ownMethods, ...baseMethods]);
  const throttling = own.retryThrottling ?? base.retryThrottling;
  if (throttling) merged.retryThrottling = structuredClone(throttling);
  return merged;
}

/**
 * The service config a lookaside resolver reports for a channel: the merge
 * of `base` and the channel's "grpc.service_config", validated. Throws a
 * ServiceConfigError naming the bad field.
 */
export function resolveServiceConfig(channelOptions: ChannelOptions, base: Readonly<ServiceConfigJson>, grpc: GrpcModule): ServiceConfig {
  return validateServiceConfig(mergeServiceConfig(channelOptions['grpc.service_config'] as string | undefined, base), grpc);
}

/**
 * Channel options for a client of a lookaside target: the default keepalive
 * (the caller's own keepalive options win) and the caller's service config
 * merged with `base` (see mergeServiceConfig). Passing these is optional: the
 * resolver merges service configs by itself; this also applies keepalive.
 * Throws a ServiceConfigError naming the field when the merged config cannot
 * be used (an unknown policy, a bad policy field), rather than letting
 * grpc-js fall back to pick_first. `grpc` is the module whose registered
 * policies count; default: the one this package resolves.
 */
export function lookasideChannelOptions(options: ChannelOptions = {}, base: Readonly<ServiceConfigJson> = DEFAULT_SERVICE_CONFIG, grpc: GrpcModule = defaultGrpc): ChannelOptions {
  const merged = mergeServiceConfig(options['grpc.service_config'] as string | undefined, base);
  validateServiceConfig(merged, grpc);
  return {
    ...DEFAULT_KEEPALIVE_OPTIONS,
    ...options,
    'grpc.service_config': JSON.stringify(merged),
  };
}

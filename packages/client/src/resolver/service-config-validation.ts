// Validates a service config as JSON and turns it into the form grpc-js's
// channel takes from a resolver (timeouts as {seconds, nanos}), following the
// service config spec (gRFC A2, grpc/doc/service_config.md).
//
// Stricter than grpc-js on purpose: grpc-js skips a load-balancing config it
// cannot parse and falls back to the next one, or to pick_first, without a
// word. For a lookaside channel that turns a typo into the very symptom the
// package exists to remove (every call on one backend). Here every
// load-balancing config must name a registered policy and parse, nested
// child policies included, and unknown fields are errors; each message names
// the field and what is allowed.

import type { ServiceConfig } from '@grpc/grpc-js';
import type { GrpcModule } from '../grpc/grpc-module.js';
import { DURATION_FORMS, readDuration } from '../grpc/grpc-duration.js';
import { Status } from '../grpc/grpc-module.js';
import { LeastRequestLoadBalancingConfig, LEAST_REQUEST_POLICY } from '../policies/load-balancer-least-request.js';
import { WeightedRoundRobinLoadBalancingConfig, WEIGHTED_ROUND_ROBIN_POLICY } from '../policies/load-balancer-weighted-round-robin.js';

type MethodConfig = ServiceConfig['methodConfig'][number];

/** A service config that cannot be used; `field` is its path, such as "methodConfig[0].timeout". */
export class ServiceConfigError extends Error {
  constructor(
    readonly field: string,
    rule: string,
  ) {
    super(`invalid service config: "${field}" ${rule}`);
    this.name = 'ServiceConfigError';
  }
}

/** This package's policies, parsed with their own config classes even before they are registered. */
const OWN_POLICIES: Record<string, (json: unknown, grpc: GrpcModule) => unknown> = {
  [WEIGHTED_ROUND_ROBIN_POLICY]: (json, grpc) => WeightedRoundRobinLoadBalancingConfig.fromJson(json, grpc),
  [LEAST_REQUEST_POLICY]: (json, grpc) => LeastRequestLoadBalancingConfig.fromJson(json, grpc),
};

const TOP_LEVEL_FIELDS = ['loadBalancingConfig', 'loadBalancingPolicy', 'methodConfig', 'retryThrottling', 'healthCheckConfig'];
const METHOD_FIELDS = ['name', 'waitForReady', 'timeout', 'maxRequestBytes', 'maxResponseBytes', 'retryPolicy', 'hedgingPolicy'];
const RETRY_FIELDS = ['maxAttempts', 'initialBackoff', 'maxBackoff', 'backoffMultiplier', 'retryableStatusCodes'];
const HEDGING_FIELDS = ['maxAttempts', 'hedgingDelay', 'nonFatalStatusCodes'];

function list(names: readonly string[]): string {
  return names.map((n) => `"${n}"`).join(', ');
}

function objectAt(field: string, value: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ServiceConfigError(field || '(the whole config)', `must be an object, got ${JSON.stringify(value)}`);
  const unknown = Object.keys(value).find((key) => !allowed.includes(key));
  if (unknown !== undefined) throw new ServiceConfigError(`${field ? `${field}.` : ''}${unknown}`, `is not a field here; allowed: ${list(allowed)}`);
  return value as Record<string, unknown>;
}

function arrayAt(field: string, value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new ServiceConfigError(field, `must be an array, got ${JSON.stringify(value)}`);
  return value;
}

/** A duration as grpc-js reads one (grpc-duration.ts): timeouts become {seconds, nanos}, as the channel takes them. */
function durationAt(field: string, value: unknown, grpc: GrpcModule): { seconds: number; nanos: number } {
  const duration = readDuration(grpc, value);
  if (!duration) throw new ServiceConfigError(field, `must be ${DURATION_FORMS}, got ${JSON.stringify(value)}`);
  return { seconds: duration.seconds, nanos: duration.nanos };
}

function statusCodesAt(field: string, value: unknown, required: boolean): (number | string)[] {
  const codes = arrayAt(field, value);
  if (required && codes.length === 0) throw new ServiceConfigError(field, 'must name at least one status code');
  codes.forEach((code, i) => {
    const known = typeof code === 'number' ? Object.values(Status).includes(code as never) : typeof code === 'string' && code.toUpperCase() in Status;
    if (!known) throw new ServiceConfigError(`${field}[${i}]`, `must be a gRPC status code name such as "UNAVAILABLE" or its number, got ${JSON.stringify(code)}`);
  });
  return codes as (number | string)[];
}

function integerAt(field: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) throw new ServiceConfigError(field, `must be a whole number of at least ${min}, got ${JSON.stringify(value)}`);
  return value;
}

function methodConfigAt(field: string, value: unknown, grpc: GrpcModule): MethodConfig {
  const raw = objectAt(field, value, METHOD_FIELDS);
  const names = arrayAt(`${field}.name`, raw.name).map((entry, i) => {
    const name = objectAt(`${field}.name[${i}]`, entry, ['service', 'method']);
    for (const part of ['service', 'method'] as const) {
      if (name[part] !== undefined && typeof name[part] !== 'string') throw new ServiceConfigError(`${field}.name[${i}].${part}`, `must be a string, got ${JSON.stringify(name[part])}`);
    }
    const service = (name.service as string | undefined) ?? '';
    const method = (name.method as string | undefined) ?? '';
    if (!service && method) throw new ServiceConfigError(`${field}.name[${i}].method`, 'needs a "service": a method name alone matches nothing');
    return { ...(service && { service }), ...(service && method && { method }) };
  });
  const result: MethodConfig = { name: names };
  if (raw.waitForReady !== undefined) {
    if (typeof raw.waitForReady !== 'boolean') throw new ServiceConfigError(`${field}.waitForReady`, `must be true or false, got ${JSON.stringify(raw.waitForReady)}`);
    result.waitForReady = raw.waitForReady;
  }
  if (raw.timeout !== undefined) result.timeout = durationAt(`${field}.timeout`, raw.timeout, grpc);
  for (const limit of ['maxRequestBytes', 'maxResponseBytes'] as const) {
    if (raw[limit] !== undefined) result[limit] = integerAt(`${field}.${limit}`, raw[limit], 0);
  }
  if (raw.retryPolicy !== undefined && raw.hedgingPolicy !== undefined) {
    throw new ServiceConfigError(`${field}.hedgingPolicy`, 'cannot be set together with "retryPolicy": choose one');
  }
  if (raw.retryPolicy !== undefined) {
    const at = `${field}.retryPolicy`;
    const retry = objectAt(at, raw.retryPolicy, RETRY_FIELDS);
    durationAt(`${at}.initialBackoff`, retry.initialBackoff, grpc);
    durationAt(`${at}.maxBackoff`, retry.maxBackoff, grpc);
    if (typeof retry.backoffMultiplier !== 'number' || !(retry.backoffMultiplier > 0)) {
      throw new ServiceConfigError(`${at}.backoffMultiplier`, `must be a number above 0, got ${JSON.stringify(retry.backoffMultiplier)}`);
    }
    result.retryPolicy = {
      maxAttempts: integerAt(`${at}.maxAttempts`, retry.maxAttempts, 2),
      initialBackoff: retry.initialBackoff as string,
      maxBackoff: retry.maxBackoff as string,
      backoffMultiplier: retry.backoffMultiplier,
      retryableStatusCodes: statusCodesAt(`${at}.retryableStatusCodes`, retry.retryableStatusCodes, true),
    };
  }
  if (raw.hedgingPolicy !== undefined) {
    const at = `${field}.hedgingPolicy`;
    const hedging = objectAt(at, raw.hedgingPolicy, HEDGING_FIELDS);
    result.hedgingPolicy = { maxAttempts: integerAt(`${at}.maxAttempts`, hedging.maxAttempts, 2) };
    if (hedging.hedgingDelay !== undefined) {
      durationAt(`${at}.hedgingDelay`, hedging.hedgingDelay, grpc);
      result.hedgingPolicy.hedgingDelay = hedging.hedgingDelay as string;
    }
    if (hedging.nonFatalStatusCodes !== undefined) result.hedgingPolicy.nonFatalStatusCodes = statusCodesAt(`${at}.nonFatalStatusCodes`, hedging.nonFatalStatusCodes, false);
  }
  return result;
}

/**
 * Checks one load-balancing config ({"policy_name": {...}}) and, through
 * "child_policy" lists, every policy nested in it.
 */
function loadBalancingConfigAt(field: string, value: unknown, grpc: GrpcModule): Record<string, object> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.keys(value).length !== 1) {
    throw new ServiceConfigError(field, `must be an object with exactly one key, the policy's name, such as {"${WEIGHTED_ROUND_ROBIN_POLICY}": {}}; got ${JSON.stringify(value)}`);
  }
  const [name, config] = Object.entries(value)[0]!;
  const own = OWN_POLICIES[name];
  if (!own && !grpc.experimental.isLoadBalancerNameRegistered(name)) {
    const known = [...Object.keys(OWN_POLICIES), 'round_robin', 'pick_first', 'weighted_round_robin', 'outlier_detection'];
    throw new ServiceConfigError(`${field}.${name}`, `is not a registered load-balancing policy; this package's are ${list(Object.keys(OWN_POLICIES))}, grpc-js's include ${list(known.slice(2))} (a typo here would silently mean pick_first)`);
  }
  // Children first: a wrapper such as outlier_detection skips a child it
  // cannot parse, so only the child's own check can name what is wrong.
  const children = (config as { child_policy?: unknown } | null)?.child_policy;
  if (Array.isArray(children)) children.forEach((child, i) => loadBalancingConfigAt(`${field}.${name}.child_policy[${i}]`, child, grpc));
  try {
    if (own) own(config, grpc);
    else grpc.experimental.parseLoadBalancingConfig(value as Record<string, object>);
  } catch (error) {
    const message = (error as Error).message;
    const camel = config && typeof config === 'object' ? Object.keys(config).find((key) => /[A-Z]/.test(key)) : undefined;
    const hint = !own && camel ? ` (grpc-js's policy configs spell fields in snake_case: "${camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}", not "${camel}")` : '';
    throw new ServiceConfigError(`${field}.${name}`, `cannot be used: ${message}${hint}`);
  }
  return value as Record<string, object>;
}

/**
 * Validates `json` (a parsed service config) and returns it as grpc-js's
 * ServiceConfig. Throws a ServiceConfigError naming the first bad field.
 * Load-balancing policies are looked up in `grpc`'s registry.
 */
export function validateServiceConfig(json: unknown, grpc: GrpcModule): ServiceConfig {
  const raw = objectAt('', json, TOP_LEVEL_FIELDS);
  const result: ServiceConfig = { loadBalancingConfig: [], methodConfig: [] };
  if (raw.loadBalancingPolicy !== undefined) {
    if (typeof raw.loadBalancingPolicy !== 'string') throw new ServiceConfigError('loadBalancingPolicy', `must be a policy name, got ${JSON.stringify(raw.loadBalancingPolicy)}`);
    loadBalancingConfigAt('loadBalancingPolicy', { [raw.loadBalancingPolicy]: {} }, grpc);
    result.loadBalancingPolicy = raw.loadBalancingPolicy;
  }
  if (raw.loadBalancingConfig !== undefined) {
    result.loadBalancingConfig = arrayAt('loadBalancingConfig', raw.loadBalancingConfig).map((entry, i) => loadBalancingConfigAt(`loadBalancingConfig[${i}]`, entry, grpc));
  }
  if (raw.methodConfig !== undefined) {
    result.methodConfig = arrayAt('methodConfig', raw.methodConfig).map((entry, i) => methodConfigAt(`methodConfig[${i}]`, entry, grpc));
    const seen = new Set<string>();
    result.methodConfig.forEach((method, i) =>
      method.name.forEach((name, j) => {
        const key = `${name.service ?? ''}/${name.method ?? ''}`;
        if (seen.has(key)) throw new ServiceConfigError(`methodConfig[${i}].name[${j}]`, `repeats the name ${JSON.stringify(name)}: each service/method may appear once`);
        seen.add(key);
      }),
    );
  }
  if (raw.retryThrottling !== undefined) {
    const throttling = objectAt('retryThrottling', raw.retryThrottling, ['maxTokens', 'tokenRatio']);
    if (typeof throttling.maxTokens !== 'number' || !(throttling.maxTokens > 0 && throttling.maxTokens <= 1000)) {
      throw new ServiceConfigError('retryThrottling.maxTokens', `must be a number above 0 and at most 1000, got ${JSON.stringify(throttling.maxTokens)}`);
    }
    if (typeof throttling.tokenRatio !== 'number' || !(throttling.tokenRatio > 0)) {
      throw new ServiceConfigError('retryThrottling.tokenRatio', `must be a number above 0, got ${JSON.stringify(throttling.tokenRatio)}`);
    }
    result.retryThrottling = { maxTokens: +throttling.maxTokens.toFixed(3), tokenRatio: +throttling.tokenRatio.toFixed(3) };
  }
  return result;
}

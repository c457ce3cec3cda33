// registerLookaside: the one call an application makes. It registers the
// "lookaside" scheme and the two weighted policies with grpc-js's
// experimental API; every channel created afterwards with a
// "lookaside:///name.namespace:port" target balances its calls across that
// service port's current backends.

import { hostname } from 'node:os';
import { ChannelCredentials, experimental, type ChannelOptions } from '@grpc/grpc-js';
import { LeastRequestLoadBalancer, LeastRequestLoadBalancingConfig, LEAST_REQUEST_POLICY } from './load-balancer-least-request.js';
import { WeightedRoundRobinLoadBalancer, WeightedRoundRobinLoadBalancingConfig, WEIGHTED_ROUND_ROBIN_POLICY } from './load-balancer-weighted-round-robin.js';
import { createLookasideLogger, type LookasideLogFunction } from './lookaside-logger.js';
import { setPickObserver, type PickObserver } from './pick-observer.js';
import { createLookasideResolverClass, type FallbackTarget } from './lookaside-resolver.js';
import { DEFAULT_RECONNECT_BACKOFF, type ReconnectBackoffOptions } from './reconnect-backoff.js';
import { ServerListWatchPool } from './server-list-watch-pool.js';
import { DEFAULT_SERVICE_CONFIG, mergeServiceConfig, validateServiceConfig, type ServiceConfigJson } from './service-config.js';
import { LOOKASIDE_SCHEME, type LookasideTarget } from './target-parser.js';

/** The environment variable that names the control plane when the options do not. */
export const CONTROL_PLANE_ENV = 'LOOKASIDE_CONTROL_PLANE';
/** The control plane when neither the options nor LOOKASIDE_CONTROL_PLANE name one: the CLI's default too. */
export const DEFAULT_CONTROL_PLANE = 'localhost:50051';
/** How long a new target waits for its first server list before failing calls or using the fallback. */
export const DEFAULT_START_TIMEOUT_MS = 5_000;

export interface LookasideOptions {
  /**
   * The control plane as a gRPC target ("host:port", "dns:///name:port").
   * Default: $LOOKASIDE_CONTROL_PLANE, else "localhost:50051".
   */
  readonly controlPlane?: string;
  /** Credentials for the control-plane channel. Default: insecure. */
  readonly credentials?: ChannelCredentials;
  /** Extra options of the control-plane channel (over its keepalive defaults). */
  readonly controlPlaneChannelOptions?: ChannelOptions;
  /**
   * How long a target waits for its first server list before its calls fail
   * with UNAVAILABLE, or the fallback target is used. Default 5000 ms.
   */
  readonly startTimeoutMs?: number;
  /**
   * The target to resolve while the control plane has not answered within
   * startTimeoutMs, as a template or a function. In a template, {name},
   * {namespace}, {service} ("name.namespace") and {port} (as written in the
   * lookaside target) are replaced, for example
   * "dns:///{name}.{namespace}.svc.cluster.local:{port}". A named port cannot
   * be resolved by DNS: use numeric ports in targets or pass a function. As
   * soon as the control plane answers, the channel switches to its list.
   */
  readonly fallbackTarget?: string | FallbackTarget;
  /** Backoff between WatchServers attempts. Default 250 ms growing ×1.6 to 10 s, ±20% jitter. */
  readonly reconnectBackoff?: Partial<ReconnectBackoffOptions>;
  /**
   * The base service config of lookaside channels, instead of
   * DEFAULT_SERVICE_CONFIG. A channel's own "grpc.service_config" is merged
   * over it either way.
   */
  readonly serviceConfig?: ServiceConfigJson;
  /** Who this client is, sent to the control plane for its logs. Default clientId: the host name. */
  readonly client?: { readonly zone?: string; readonly node?: string; readonly clientId?: string };
  /** Receives the client's log entries. Default: grpc-js tracing (GRPC_TRACE=lookaside). */
  readonly logger?: LookasideLogFunction;
  /**
   * Told of every pick the lookaside policies make (service port and backend
   * address), to count calls per backend: see PickObserver. Default: none.
   */
  readonly onPick?: PickObserver;
}

/** A registration: what registerLookaside set up. */
export interface LookasideRegistration {
  /** The control plane in use. */
  readonly controlPlane: string;
  /** Open WatchServers streams: one per service port some open channel targets. */
  readonly watchCount: number;
}

/** An option that cannot be used; the message names it and what is allowed. */
export class LookasideOptionsError extends TypeError {
  constructor(field: string, rule: string) {
    super(`registerLookaside: option "${field}" ${rule}`);
    this.name = 'LookasideOptionsError';
  }
}

function positiveNumber(field: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new LookasideOptionsError(field, `must be a positive number of milliseconds, got ${JSON.stringify(value)}`);
  return value;
}

function templateFallback(template: string): FallbackTarget {
  return (target: LookasideTarget) =>
    template.replace(/\{(name|namespace|service|port)\}/g, (_match, key: 'name' | 'namespace' | 'service' | 'port') => target[key]);
}

/** Validated here, so a bad base config fails the registration rather than every call. */
function checkServiceConfig(config: ServiceConfigJson): ServiceConfigJson {
  const copy = mergeServiceConfig(undefined, config);
  try {
    validateServiceConfig(copy);
  } catch (error) {
    throw new LookasideOptionsError('serviceConfig', `is not a valid service config: ${(error as Error).message}`);
  }
  return copy;
}

interface ResolvedOptions {
  controlPlane: string;
  credentials: ChannelCredentials | undefined;
  startTimeoutMs: number;
  fallback: FallbackTarget | undefined;
  backoff: ReconnectBackoffOptions;
  serviceConfig: ServiceConfigJson;
}

/** Validates untyped options (JavaScript callers) with a message per field. */
function resolveOptions(options: LookasideOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw new LookasideOptionsError('options', 'must be an object');
  const fromEnv = process.env[CONTROL_PLANE_ENV]?.trim();
  const controlPlane = options.controlPlane ?? (fromEnv || DEFAULT_CONTROL_PLANE);
  if (typeof controlPlane !== 'string' || controlPlane.trim() === '') {
    throw new LookasideOptionsError('controlPlane', `must be a non-empty gRPC target such as "lookaside.lookaside-system.svc:50051" (or set ${CONTROL_PLANE_ENV})`);
  }
  if (controlPlane.startsWith(`${LOOKASIDE_SCHEME}:`)) throw new LookasideOptionsError('controlPlane', 'cannot itself be a lookaside target');
  if (options.credentials !== undefined && !(options.credentials instanceof ChannelCredentials)) {
    throw new LookasideOptionsError('credentials', 'must be grpc-js ChannelCredentials, for example credentials.createSsl()');
  }
  const fallbackOption: unknown = options.fallbackTarget;
  let fallback: FallbackTarget | undefined;
  if (typeof fallbackOption === 'string') {
    if (fallbackOption.trim() === '') throw new LookasideOptionsError('fallbackTarget', 'must not be empty; leave it out for no fallback');
    if (fallbackOption.startsWith(`${LOOKASIDE_SCHEME}:`)) throw new LookasideOptionsError('fallbackTarget', 'cannot be a lookaside target');
    fallback = templateFallback(fallbackOption);
  } else if (typeof fallbackOption === 'function') {
    fallback = fallbackOption as FallbackTarget;
  } else if (fallbackOption !== undefined) {
    throw new LookasideOptionsError('fallbackTarget', 'must be a target template string such as "dns:///{name}.{namespace}.svc.cluster.local:{port}" or a function of the target');
  }
  const backoffOption = options.reconnectBackoff ?? {};
  const backoff: ReconnectBackoffOptions = {
    initialMs: positiveNumber('reconnectBackoff.initialMs', backoffOption.initialMs, DEFAULT_RECONNECT_BACKOFF.initialMs),
    maxMs: positiveNumber('reconnectBackoff.maxMs', backoffOption.maxMs, DEFAULT_RECONNECT_BACKOFF.maxMs),
    multiplier: positiveNumber('reconnectBackoff.multiplier', backoffOption.multiplier, DEFAULT_RECONNECT_BACKOFF.multiplier),
    jitter: backoffOption.jitter ?? DEFAULT_RECONNECT_BACKOFF.jitter,
  };
  if (typeof backoff.jitter !== 'number' || !(backoff.jitter >= 0 && backoff.jitter <= 1)) throw new LookasideOptionsError('reconnectBackoff.jitter', `must be a number from 0 to 1, got ${JSON.stringify(backoff.jitter)}`);
  if (backoff.maxMs < backoff.initialMs) throw new LookasideOptionsError('reconnectBackoff.maxMs', `(${backoff.maxMs}) must not be below reconnectBackoff.initialMs (${backoff.initialMs})`);
  if (backoff.multiplier < 1) throw new LookasideOptionsError('reconnectBackoff.multiplier', `must be at least 1, got ${backoff.multiplier}`);
  if (options.serviceConfig !== undefined && (typeof options.serviceConfig !== 'object' || options.serviceConfig === null)) {
    throw new LookasideOptionsError('serviceConfig', 'must be a service config object (JSON), like DEFAULT_SERVICE_CONFIG');
  }
  if (options.logger !== undefined && typeof options.logger !== 'function') throw new LookasideOptionsError('logger', 'must be a function receiving { level, message, fields }');
  return {
    controlPlane: controlPlane.trim(),
    credentials: options.credentials,
    startTimeoutMs: positiveNumber('startTimeoutMs', options.startTimeoutMs, DEFAULT_START_TIMEOUT_MS),
    fallback,
    backoff,
    serviceConfig: checkServiceConfig(options.serviceConfig ?? DEFAULT_SERVICE_CONFIG),
  };
}

/** Registers the two policies. Safe to call more than once. */
export function registerLookasidePolicies(): void {
  experimental.registerLoadBalancerType(WEIGHTED_ROUND_ROBIN_POLICY, WeightedRoundRobinLoadBalancer, WeightedRoundRobinLoadBalancingConfig);
  experimental.registerLoadBalancerType(LEAST_REQUEST_POLICY, LeastRequestLoadBalancer, LeastRequestLoadBalancingConfig);
}

/**
 * Registers the "lookaside" scheme and the lookaside_weighted_round_robin and
 * lookaside_least_request policies with grpc-js. Call it before creating
 * clients: a channel created before it would take "lookaside:" for a DNS name.
 * A later call replaces the settings for channels created after it.
 * Throws a LookasideOptionsError naming the first bad option.
 */
export function registerLookaside(options: LookasideOptions = {}): LookasideRegistration {
  const resolved = resolveOptions(options);
  if (options.onPick !== undefined && typeof options.onPick !== 'function') throw new LookasideOptionsError('onPick', `must be a function, got ${typeof options.onPick}`);
  setPickObserver(options.onPick);
  const logger = createLookasideLogger(options.logger);
  const pool = new ServerListWatchPool({
    controlPlane: resolved.controlPlane,
    ...(resolved.credentials && { credentials: resolved.credentials }),
    ...(options.controlPlaneChannelOptions && { channelOptions: options.controlPlaneChannelOptions }),
    startTimeoutMs: resolved.startTimeoutMs,
    backoff: resolved.backoff,
    client: { clientId: hostname(), ...options.client },
    logger,
  });
  registerLookasidePolicies();
  experimental.registerResolver(
    LOOKASIDE_SCHEME,
    createLookasideResolverClass({ pool, controlPlane: resolved.controlPlane, fallback: resolved.fallback, serviceConfig: resolved.serviceConfig, logger }),
  );
  logger.info('lookaside registered', { controlPlane: resolved.controlPlane, startTimeoutMs: resolved.startTimeoutMs });
  return {
    controlPlane: resolved.controlPlane,
    get watchCount() {
      return pool.size;
    },
  };
}

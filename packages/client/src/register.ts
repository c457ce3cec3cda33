// registerLookaside: the one call an application makes. It registers a
// target scheme ("lookaside" by default) and the two weighted policies with
// grpc-js's experimental API; every channel created afterwards with a
// "lookaside:///name.namespace:port" target balances its calls across that
// service port's current backends. A registration is an object: it owns its
// watches, its logger and its pick observer, and close() undoes it. Nothing
// here is process-wide but the table that stops two live registrations from
// claiming one scheme of one grpc-js.

import { ROUTING_POLICY, RoutingLoadBalancer, routingConfigClass } from './policies/load-balancer-routing.js';
import { hostname } from 'node:os';
import type { ChannelCredentials, ChannelOptions, experimental } from '@grpc/grpc-js';
import { defaultGrpc } from './grpc/default-grpc.js';
import { guardOtherGrpcCopies, SUPPORTED_GRPC_RANGE } from './grpc/grpc-copies.js';
import { isGrpcModule, supportsLookaside, type GrpcModule } from './grpc/grpc-module.js';
import { leastRequestConfigClass, LeastRequestLoadBalancer, LEAST_REQUEST_POLICY } from './policies/load-balancer-least-request.js';
import { WeightedRoundRobinLoadBalancer, weightedRoundRobinConfigClass, WEIGHTED_ROUND_ROBIN_POLICY } from './policies/load-balancer-weighted-round-robin.js';
import { createLookasideLogger, type LookasideLogFunction } from './lookaside-logger.js';
import type { PickObserver } from './pick-observer.js';
import { createLookasideResolverClass, type FallbackTarget } from './resolver/lookaside-resolver.js';
import { DEFAULT_RECONNECT_BACKOFF, type ReconnectBackoffOptions } from './control-plane/reconnect-backoff.js';
import { ServerListWatchPool } from './control-plane/server-list-watch-pool.js';
import { DEFAULT_SERVICE_CONFIG, mergeServiceConfig, type ServiceConfigJson } from './resolver/service-config.js';
import { validateServiceConfig } from './resolver/service-config-validation.js';
import { LOOKASIDE_SCHEME, type LookasideTarget } from './resolver/target-parser.js';
import { readCallerTokenFile, TOKEN_FILE_ENV } from './control-plane/caller-token-file.js';
import { CONTROL_PLANE_FORMS, controlPlaneTargetProblem } from './control-plane/control-plane-target.js';
import { CallLoadCounters } from './control-plane/call-load-counters.js';
import { LoadReportSender } from './control-plane/load-report-sender.js';

/** The environment variable that names the control plane when the options do not. */
export const CONTROL_PLANE_ENV = 'LOOKASIDE_CONTROL_PLANE';
/** The caller's zone (topology.kubernetes.io/zone), for zone-aware answers. */
export const ZONE_ENV = 'LOOKASIDE_ZONE';
/** The caller's Kubernetes node, as the downward API's spec.nodeName names it. */
export const NODE_NAME_ENV = 'NODE_NAME';
/** The control plane when neither the options nor LOOKASIDE_CONTROL_PLANE name one: the CLI's default too. */
export const DEFAULT_CONTROL_PLANE = 'localhost:50051';
/** How long a new target waits for its first server list before failing calls or using the fallback. */
export const DEFAULT_START_TIMEOUT_MS = 5_000;

export interface LookasideOptions {
  /**
   * The application's grpc-js module (`import * as grpc from '@grpc/grpc-js'`
   * or `require('@grpc/grpc-js')`). Default: the copy this package resolves
   * as its peer dependency. Pass it when the application's channels may use
   * another copy (a monorepo, a bundler, an install that nested one): the
   * scheme and policies are registered in the module given, and credentials
   * must come from it too.
   */
  readonly grpc?: GrpcModule;
  /**
   * The target scheme to serve. Default "lookaside". Give a second
   * registration in one process its own scheme (for example
   * "lookaside-eu" for another control plane); channels then target
   * "lookaside-eu:///name.namespace:port".
   */
  readonly scheme?: string;
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
  /**
   * Who this client is. The zone and node decide zone-aware answers (a
   * Service with trafficDistribution PreferSameZone sends the caller's own
   * zone first); clientId is for the control plane's logs. Defaults: zone
   * from LOOKASIDE_ZONE, node from NODE_NAME (the downward API's
   * spec.nodeName), clientId the host name.
   */
  readonly client?: { readonly zone?: string; readonly node?: string; readonly clientId?: string };
  /** Receives the client's log entries. Default: grpc-js tracing (GRPC_TRACE=lookaside). */
  readonly logger?: LookasideLogFunction;
  /**
   * Told of every pick the lookaside policies make (service port and backend
   * address), to count calls per backend: see PickObserver. Default: none.
   */
  readonly onPick?: PickObserver;
  /**
   * The token this client presents to a control plane that authorizes its
   * callers (`lookaside serve --caller-auth kubernetes`): a file holding a
   * projected ServiceAccount token, such as /var/run/secrets/lookaside/token,
   * sent as "authorization: Bearer <token>" on every WatchServers stream.
   * The file is read again each time a stream opens, so a rotated token is
   * used from the next reconnect on. Default: $LOOKASIDE_TOKEN_FILE, else no token.
   */
  readonly callerToken?: { readonly file: string };
  /**
   * Whether this client sends load reports to the control plane (lookaside.v1
   * ReportLoad, on the channel its watches use): per service port, the server
   * list it applied and its calls per backend (succeeded, failed, in
   * progress), at the interval the control plane asks for. The control plane
   * shows them in `lookaside status`, its metrics and its live page, and
   * tells from them whether this client is in sync. Default true; false
   * counts nothing and opens no report stream. A control plane that does
   * not take reports turns them off by itself.
   */
  readonly loadReports?: boolean;
}

/** A registration: what registerLookaside set up, and the way to undo it. */
export interface LookasideRegistration {
  /** The control plane in use. */
  readonly controlPlane: string;
  /** The target scheme it serves: channels target "<scheme>:///name.namespace:port". */
  readonly scheme: string;
  /** Open WatchServers streams: one per service port some open channel targets. */
  readonly watchCount: number;
  /** Whether close() was called. */
  readonly closed: boolean;
  /**
   * Ends every watch stream and the control-plane channel. Channels already
   * open keep the backends they last had (as they do while the control plane
   * is unreachable) but follow no more changes; grpc-js cannot unregister a
   * scheme, so a channel that resolves afresh on this scheme fails its calls
   * with UNAVAILABLE saying the registration was closed, until a new
   * registerLookaside() serves the scheme again. Idempotent.
   */
  close(): void;
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
function checkServiceConfig(config: ServiceConfigJson, grpc: GrpcModule): ServiceConfigJson {
  const copy = mergeServiceConfig(undefined, config);
  try {
    validateServiceConfig(copy, grpc);
  } catch (error) {
    throw new LookasideOptionsError('serviceConfig', `is not a valid service config: ${(error as Error).message}`);
  }
  return copy;
}

interface ResolvedOptions {
  grpc: GrpcModule;
  scheme: string;
  controlPlane: string;
  credentials: ChannelCredentials | undefined;
  startTimeoutMs: number;
  fallback: FallbackTarget | undefined;
  backoff: ReconnectBackoffOptions;
  serviceConfig: ServiceConfigJson;
  tokenFile: string | undefined;
}

/** Validates untyped options (JavaScript callers) with a message per field. */
/** Schemes grpc-js or gRPC itself give a meaning to: taking one would break ordinary channels. */
const RESERVED_SCHEMES = new Set(['dns', 'ipv4', 'ipv6', 'unix', 'unix-abstract', 'vsock', 'xds', 'google-c2p', 'http', 'https']);
const SCHEME_PATTERN = /^[a-z][a-z0-9+.-]*$/;

function resolveOptions(options: LookasideOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw new LookasideOptionsError('options', 'must be an object');
  const grpc = options.grpc ?? defaultGrpc;
  if (!isGrpcModule(grpc)) throw new LookasideOptionsError('grpc', "must be the @grpc/grpc-js module itself (import * as grpc from '@grpc/grpc-js', or require('@grpc/grpc-js'))");
  if (!supportsLookaside(grpc)) {
    throw new LookasideOptionsError(
      'grpc',
      `is a @grpc/grpc-js older than 1.14 (its resolver API has no experimental.statusOrFromValue); grpc-lookaside-client works with @grpc/grpc-js ${SUPPORTED_GRPC_RANGE}: npm install @grpc/grpc-js@~1.14`,
    );
  }
  const scheme = options.scheme ?? LOOKASIDE_SCHEME;
  if (typeof scheme !== 'string' || !SCHEME_PATTERN.test(scheme)) {
    throw new LookasideOptionsError('scheme', `must be a URI scheme: a lower-case letter, then letters, digits, "+", "-" or "."; got ${JSON.stringify(scheme)}`);
  }
  if (RESERVED_SCHEMES.has(scheme)) throw new LookasideOptionsError('scheme', `"${scheme}" belongs to gRPC itself; choose another, such as "lookaside-eu"`);
  const fromEnv = process.env[CONTROL_PLANE_ENV]?.trim();
  const controlPlane = options.controlPlane ?? (fromEnv || DEFAULT_CONTROL_PLANE);
  if (typeof controlPlane !== 'string' || controlPlane.trim() === '') {
    throw new LookasideOptionsError('controlPlane', `must be a non-empty gRPC target such as "lookaside.lookaside.svc:50051" (or set ${CONTROL_PLANE_ENV})`);
  }
  if (controlPlane.startsWith(`${scheme}:`)) throw new LookasideOptionsError('controlPlane', `cannot itself be a ${scheme}: target`);
  const targetProblem = controlPlaneTargetProblem(grpc, controlPlane.trim());
  if (targetProblem) throw new LookasideOptionsError('controlPlane', `${JSON.stringify(controlPlane)} cannot be used: ${targetProblem}. The control plane's address is ${CONTROL_PLANE_FORMS}${options.controlPlane === undefined ? ` (it came from ${CONTROL_PLANE_ENV})` : ''}`);
  if (options.credentials !== undefined && !(options.credentials instanceof grpc.ChannelCredentials)) {
    throw new LookasideOptionsError(
      'credentials',
      'must be ChannelCredentials of the grpc-js module registered in (the "grpc" option, else the @grpc/grpc-js this package resolves), for example grpc.credentials.createSsl(); credentials of another copy of grpc-js do not work with it',
    );
  }
  const fallbackOption: unknown = options.fallbackTarget;
  let fallback: FallbackTarget | undefined;
  if (typeof fallbackOption === 'string') {
    if (fallbackOption.trim() === '') throw new LookasideOptionsError('fallbackTarget', 'must not be empty; leave it out for no fallback');
    if (fallbackOption.startsWith(`${scheme}:`)) throw new LookasideOptionsError('fallbackTarget', `cannot be a ${scheme}: target`);
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
  const tokenOption: unknown = options.callerToken;
  if (tokenOption !== undefined && (typeof tokenOption !== 'object' || tokenOption === null || typeof (tokenOption as { file?: unknown }).file !== 'string' || (tokenOption as { file: string }).file.trim() === '')) {
    throw new LookasideOptionsError('callerToken', 'must be { file: "<path of a token file>" }, for example { file: "/var/run/secrets/lookaside/token" }');
  }
  const tokenFile = (tokenOption as { file: string } | undefined)?.file.trim() ?? (process.env[TOKEN_FILE_ENV]?.trim() || undefined);
  return {
    grpc,
    scheme,
    controlPlane: controlPlane.trim(),
    credentials: options.credentials,
    startTimeoutMs: positiveNumber('startTimeoutMs', options.startTimeoutMs, DEFAULT_START_TIMEOUT_MS),
    fallback,
    backoff,
    serviceConfig: checkServiceConfig(options.serviceConfig ?? DEFAULT_SERVICE_CONFIG, grpc),
    tokenFile,
  };
}

/**
 * Per grpc-js copy, keyed by its `experimental` object: the same object
 * whether the module came from `import * as`, a default import or require().
 */
const policiesRegistered = new WeakSet<object>();

/**
 * Registers the lookaside_weighted_round_robin and lookaside_least_request
 * policies in `grpc` (default: the copy this package resolves), for channels
 * that use them with another resolver. registerLookaside() does this itself.
 * Safe to call more than once.
 */
export function registerLookasidePolicies(grpc: GrpcModule = defaultGrpc): void {
  if (policiesRegistered.has(grpc.experimental)) return;
  // grpc-js constructs policies with the helper alone: these subclasses bind
  // them to the module they are registered in.
  type Helper = experimental.ChannelControlHelper;
  grpc.experimental.registerLoadBalancerType(
    WEIGHTED_ROUND_ROBIN_POLICY,
    class extends WeightedRoundRobinLoadBalancer {
      constructor(helper: Helper) {
        super(helper, grpc);
      }
    },
    weightedRoundRobinConfigClass(grpc),
  );
  grpc.experimental.registerLoadBalancerType(
    LEAST_REQUEST_POLICY,
    class extends LeastRequestLoadBalancer {
      constructor(helper: Helper) {
        super(helper, grpc);
      }
    },
    leastRequestConfigClass(grpc),
  );
  grpc.experimental.registerLoadBalancerType(
    ROUTING_POLICY,
    class extends RoutingLoadBalancer {
      constructor(helper: Helper) {
        super(helper, grpc);
      }
    },
    routingConfigClass(grpc),
  );
  policiesRegistered.add(grpc.experimental);
}

/**
 * The live registrations, per grpc-js copy (its `experimental` object) and
 * scheme: only to refuse a second claim on one scheme. Kept on globalThis
 * under a registered symbol, so that this package's ESM and CommonJS builds,
 * loaded side by side, share one table.
 */
const TABLE_KEY = Symbol.for('grpc-lookaside-client.live-registrations');
const liveRegistrations: WeakMap<object, Map<string, LookasideRegistration>> = ((globalThis as Record<symbol, unknown>)[TABLE_KEY] ??= new WeakMap()) as WeakMap<
  object,
  Map<string, LookasideRegistration>
>;

/** Whether a live registration serves `scheme` in the grpc-js copy `grpc`. */
export function hasLiveRegistration(grpc: GrpcModule, scheme: string): boolean {
  return liveRegistrations.get(grpc.experimental)?.has(scheme) ?? false;
}

/**
 * Registers a target scheme ("lookaside" unless `options.scheme` says
 * otherwise) and the lookaside_weighted_round_robin and
 * lookaside_least_request policies with grpc-js. Call it before creating
 * clients: a channel created before it would take "lookaside:" for a DNS name.
 * Returns the registration; close() it to end its watches.
 *
 * Throws a LookasideOptionsError naming the first bad option, or when
 * another live registration already serves the scheme in the same grpc-js
 * (close that one first, or give this one another scheme).
 */
export function registerLookaside(options: LookasideOptions = {}): LookasideRegistration {
  const resolved = resolveOptions(options);
  if (options.onPick !== undefined && typeof options.onPick !== 'function') throw new LookasideOptionsError('onPick', `must be a function, got ${typeof options.onPick}`);
  const { grpc, scheme } = resolved;
  const schemes = liveRegistrations.get(grpc.experimental) ?? new Map<string, LookasideRegistration>();
  liveRegistrations.set(grpc.experimental, schemes);
  const holder = schemes.get(scheme);
  if (holder) {
    throw new LookasideOptionsError(
      'scheme',
      `"${scheme}" is already served by the registration for the control plane at ${holder.controlPlane}; close() that registration first, or give this one its own scheme (for example { scheme: "${scheme}-2" }) and target "${scheme}-2:///name.namespace:port"`,
    );
  }
  if (options.loadReports !== undefined && typeof options.loadReports !== 'boolean') throw new LookasideOptionsError('loadReports', `must be true or false, got ${JSON.stringify(options.loadReports)}`);
  const logger = createLookasideLogger(grpc, options.logger);
  const client = {
    clientId: hostname(),
    ...(process.env[ZONE_ENV] && { zone: process.env[ZONE_ENV] }),
    ...(process.env[NODE_NAME_ENV] && { node: process.env[NODE_NAME_ENV] }),
    ...options.client,
  };
  const callerToken = resolved.tokenFile !== undefined ? () => readCallerTokenFile(resolved.tokenFile!) : undefined;
  const callLoads = options.loadReports === false ? undefined : new CallLoadCounters();
  let reports: LoadReportSender | undefined;
  const pool = new ServerListWatchPool({
    grpc,
    controlPlane: resolved.controlPlane,
    ...(resolved.credentials && { credentials: resolved.credentials }),
    ...(options.controlPlaneChannelOptions && { channelOptions: options.controlPlaneChannelOptions }),
    startTimeoutMs: resolved.startTimeoutMs,
    backoff: resolved.backoff,
    client,
    logger,
    ...(callerToken && { callerToken }),
    ...(callLoads && { onChannel: (stub) => reports?.connect(stub), onApplied: () => reports?.applied() }),
  });
  if (callLoads) {
    reports = new LoadReportSender({
      counters: callLoads,
      watches: () => pool.openWatches(),
      client,
      backoff: resolved.backoff,
      logger,
      controlPlane: resolved.controlPlane,
      ...(callerToken && { callerToken }),
    });
  }
  let closed = false;
  registerLookasidePolicies(grpc);
  grpc.experimental.registerResolver(
    scheme,
    createLookasideResolverClass({
      grpc,
      scheme,
      pool,
      controlPlane: resolved.controlPlane,
      fallback: resolved.fallback,
      serviceConfig: resolved.serviceConfig,
      logger,
      onPick: options.onPick,
      ...(callLoads && { callLoads }),
      isClosed: () => closed,
    }),
  );
  const registration: LookasideRegistration = {
    controlPlane: resolved.controlPlane,
    scheme,
    get watchCount() {
      return pool.size;
    },
    get closed() {
      return closed;
    },
    close() {
      if (closed) return;
      closed = true;
      reports?.close();
      pool.close();
      if (schemes.get(scheme) === registration) schemes.delete(scheme);
      logger.info('lookaside registration closed', { scheme, controlPlane: resolved.controlPlane });
    },
  };
  schemes.set(scheme, registration);
  logger.info('lookaside registered', { scheme, controlPlane: resolved.controlPlane, startTimeoutMs: resolved.startTimeoutMs, ...(resolved.tokenFile !== undefined && { tokenFile: resolved.tokenFile }) });
  guardOtherGrpcCopies(grpc, scheme, logger, (copy) => hasLiveRegistration(copy, scheme));
  return registration;
}

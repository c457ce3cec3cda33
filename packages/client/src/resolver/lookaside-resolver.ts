// The resolver behind "lookaside:///name.namespace:port". It subscribes the
// channel to the target's shared watch and reports each list to the channel
// with weights on the endpoint objects, constant attributes and a constant
// service config: nothing in an update but the endpoints can change, so a
// weight-only update opens or closes no connection. While the control plane
// has not answered within the start wait, it reports an error, or resolves
// the configured fallback target instead.

import type { ChannelOptions, experimental, ServiceConfig } from '@grpc/grpc-js';
import { Status, type GrpcModule } from '../grpc/grpc-module.js';
import type { LookasideLogger } from '../lookaside-logger.js';
import type { PickObserver } from '../pick-observer.js';
import { resolverContextAttributes } from '../policies/resolver-context.js';
import type { CallLoadCounters } from '../control-plane/call-load-counters.js';
import type { ServerListState, ServerListWatch } from '../control-plane/server-list-watch.js';
import type { ServerListSubscription, ServerListWatchPool } from '../control-plane/server-list-watch-pool.js';
import { resolveServiceConfig, type ServiceConfigJson } from './service-config.js';
import { ROUTE_PICK_KEY, ROUTE_TARGETS_OPTION, ROUTING_POLICY } from '../policies/load-balancer-routing.js';
import { CompiledRouteTable, routeTargets } from '../policies/route-table.js';
import { LookasideTargetError, parseLookasideTarget, type LookasideTarget } from './target-parser.js';

type GrpcUri = experimental.GrpcUri;
type ResolverListener = experimental.ResolverListener;
type Endpoint = experimental.Endpoint;
type StatusOr<T> = experimental.StatusOr<T>;

/** Chooses the target to resolve while the control plane cannot be reached; undefined for none. */
export type FallbackTarget = (target: LookasideTarget) => string | undefined;

/** What the resolvers of one registration share. */
export interface LookasideResolverContext {
  readonly grpc: GrpcModule;
  /** The scheme this registration serves ("lookaside" unless chosen). */
  readonly scheme: string;
  readonly pool: ServerListWatchPool;
  readonly controlPlane: string;
  readonly fallback: FallbackTarget | undefined;
  readonly serviceConfig: Readonly<ServiceConfigJson>;
  readonly logger: LookasideLogger;
  readonly onPick: PickObserver | undefined;
  /** Where the channels count their calls for load reports; undefined with reports off. */
  readonly callLoads?: CallLoadCounters;
  /** Set once the registration is closed: its resolvers then fail every resolution, saying so. */
  readonly isClosed: () => boolean;
}

/** grpc-js's URI grammar: scheme, "//authority/", path. */
const URI_PATTERN = /^(?:([A-Za-z0-9+.-]+):)?(?:\/\/([^/]*)\/)?(.+)$/;

function parseFallbackUri(target: string, ownScheme: string): GrpcUri {
  const match = URI_PATTERN.exec(target);
  if (!match) throw new Error(`the fallback target "${target}" is not a gRPC target URI`);
  // A target without a scheme is a DNS name, as grpc-js reads it.
  const scheme = match[1] ?? 'dns';
  if (scheme === ownScheme) throw new Error(`the fallback target "${target}" cannot itself be a ${ownScheme}: target`);
  return { scheme, ...(match[2] !== undefined && { authority: match[2] }), path: match[3]! };
}

export type ResolverConstructor = Parameters<typeof experimental.registerResolver>[1];

/** Builds the resolver class for one registration's context. */
export function createLookasideResolverClass(context: LookasideResolverContext): ResolverConstructor {
  // grpc-js constructs a resolver with the target and listener alone: this
  // subclass binds the registration's context.
  return class extends LookasideResolver {
    constructor(uri: GrpcUri, listener: ResolverListener, channelOptions: ChannelOptions) {
      super(context, uri, listener, channelOptions);
    }

    /**
     * The channel's default authority: "name.namespace.svc", the name
     * Kubernetes gives the Service inside the cluster (and what its TLS
     * certificates usually carry). Override with "grpc.default_authority".
     * Throws a LookasideTargetError for a malformed target, which makes the
     * client's constructor throw it.
     */
    static getDefaultAuthority(uri: GrpcUri): string {
      const target = parseLookasideTarget(uri, targetText(context.scheme, uri));
      return `${target.name}.${target.namespace}.svc`;
    }
  };
}

/** The target as the application wrote it, for messages. */
function targetText(scheme: string, uri: GrpcUri): string {
  return `${scheme}://${uri.authority ?? ''}/${uri.path}`;
}

/**
 * The service config every resolution of a channel carries: the channel's
 * own merged over the registration's, with lookaside_routing on top, always:
 * a route added or removed changes the policy's children, never the
 * channel's policy, so connections stay (load-balancer-routing.ts).
 */
function channelServiceConfig(context: LookasideResolverContext, channelOptions: ChannelOptions): StatusOr<ServiceConfig> {
  const resolved = resolveServiceConfig(channelOptions, context.serviceConfig, context.grpc);
  const childPolicy = resolved.loadBalancingConfig ?? [];
  return context.grpc.experimental.statusOrFromValue(childPolicy.length === 0 ? resolved : { ...resolved, loadBalancingConfig: [{ [ROUTING_POLICY]: { childPolicy } }] });
}

/** What a resolution says of a list, for the channel's logs and errors. */
function listNote(target: LookasideTarget, state: ServerListState & { kind: 'list' }, controlPlane: string): string {
  if (!state.exists) {
    return `lookaside: ${target.service} port ${target.port} is unknown to the control plane at ${controlPlane} (no such Service or port; check the target's name, namespace and port)`;
  }
  if (state.endpoints.length === 0) return `lookaside: ${target.service} port ${target.port} has no ready endpoints (control plane ${controlPlane}, version ${state.version})`;
  return `lookaside: ${target.key} from ${controlPlane}, version ${state.version}`;
}

/** A watch of one Service port a route table names, and its last state. */
interface RouteTargetWatch {
  subscription: ServerListSubscription;
  state?: ServerListState;
}

/** Each route target's endpoints as the routing policy takes them; a target with no answer yet is left out: its calls wait for it. */
function routeTargetEndpoints(grpc: GrpcModule, targets: ReadonlyMap<string, RouteTargetWatch>): Map<string, StatusOr<Endpoint[]>> {
  const api = grpc.experimental;
  const endpoints = new Map<string, StatusOr<Endpoint[]>>();
  for (const [key, { state }] of targets) {
    if (state?.kind === 'list') endpoints.set(key, state.exists ? api.statusOrFromValue([...state.endpoints] as Endpoint[]) : api.statusOrFromError({ code: Status.UNAVAILABLE, details: `lookaside: the route target ${key} is unknown to the control plane` }));
    else if (state?.kind === 'unreachable') endpoints.set(key, api.statusOrFromError({ code: Status.UNAVAILABLE, details: `lookaside: cannot resolve the route target ${key}: ${state.reason}` }));
  }
  return endpoints;
}

/** The config selector of a routed channel: each call's target by the route table, its method config as grpc-js would pick it. */
function routeSelector(grpc: GrpcModule, table: CompiledRouteTable, methodConfigs: readonly MethodConfig[]): experimental.ConfigSelector {
  return {
    invoke: (path, metadata): ReturnType<experimental.ConfigSelector['invoke']> => {
      const choice = table.choose(path, metadata);
      const methodConfig = methodConfigFor(methodConfigs, path);
      if ('failure' in choice) return { methodConfig, pickInformation: {}, status: grpc.status.UNAVAILABLE, dynamicFilterFactories: [] };
      return { methodConfig, pickInformation: { [ROUTE_PICK_KEY]: choice.target }, status: grpc.status.OK, dynamicFilterFactories: [] };
    },
    unref: () => {},
  };
}

/**
 * One channel's resolver: follows the target's shared watch (and, for a
 * routed Service port, a watch of each route target), or the fallback
 * target while the control plane cannot be reached.
 */
class LookasideResolver implements experimental.Resolver {
  private readonly api: GrpcModule['experimental'];
  private readonly target: LookasideTarget | undefined;
  private readonly targetError: LookasideTargetError | undefined;
  private readonly serviceConfig: StatusOr<ServiceConfig>;
  /** Constant, so subchannel options never change between updates. */
  private readonly attributes: Record<string, unknown>;
  private subscription: ServerListSubscription | undefined;
  private fallback: { target: string; resolver: experimental.Resolver } | undefined;
  private pendingReport: NodeJS.Immediate | undefined;
  private destroyed = false;
  /** With GRPCRoutes: the route table, and a watch of each Service port it names (route-table.ts). */
  private routing: { table: CompiledRouteTable; own: ServerListState & { kind: 'list' }; targets: Map<string, RouteTargetWatch> } | undefined;

  constructor(
    private readonly context: LookasideResolverContext,
    uri: GrpcUri,
    private readonly listener: ResolverListener,
    private readonly channelOptions: ChannelOptions,
  ) {
    this.api = context.grpc.experimental;
    try {
      this.target = parseLookasideTarget(uri, targetText(context.scheme, uri));
    } catch (error) {
      if (!(error instanceof LookasideTargetError)) throw error;
      this.targetError = error;
    }
    try {
      this.serviceConfig = channelServiceConfig(context, channelOptions);
    } catch (error) {
      // Thrown here, the error reaches the application from the client's
      // constructor: a bad policy config must not quietly become pick_first.
      context.logger.error('the channel\'s service config cannot be used', { target: this.target?.key, err: error });
      throw error;
    }
    this.attributes = resolverContextAttributes(context.grpc, { service: this.target?.key ?? 'the service', onPick: context.onPick, ...(context.callLoads && { callLoads: context.callLoads }) });
  }

  updateResolution(): void {
    const context = this.context;
    if (this.destroyed) this.destroyed = false;
    const failure = context.isClosed()
      ? `${context.scheme}: the registration that served "${context.scheme}:" targets was closed; create the channel after a new registerLookaside()`
      : this.targetError?.message;
    if (failure) {
      this.subscription?.unsubscribe();
      this.subscription = undefined;
      this.stopFallback();
      this.later(() => this.listener(this.api.statusOrFromError({ code: Status.UNAVAILABLE, details: failure }), {}, null, failure));
      return;
    }
    if (!this.subscription) {
      // The pool delivers the current state, if any, on a later tick.
      this.subscription = context.pool.subscribe(this.target!, (state) => this.onState(state));
      return;
    }
    this.fallback?.resolver.updateResolution();
  }

  destroy(): void {
    this.destroyed = true;
    if (this.pendingReport) clearImmediate(this.pendingReport);
    this.pendingReport = undefined;
    this.subscription?.unsubscribe();
    this.subscription = undefined;
    this.stopRouting();
    this.stopFallback();
  }

  /** For tests and debugging: the shared watch this resolver follows. */
  get watch(): ServerListWatch | undefined {
    return this.subscription?.watch;
  }

  private later(report: () => void): void {
    if (this.pendingReport) clearImmediate(this.pendingReport);
    this.pendingReport = setImmediate(() => {
      this.pendingReport = undefined;
      if (!this.destroyed) report();
    });
  }

  private onState(state: ServerListState): void {
    if (this.destroyed || this.context.isClosed()) return;
    const target = this.target!;
    if (state.kind === 'unreachable') return this.onUnreachable(target, state.reason);
    if (this.fallback) {
      this.context.logger.info('control plane answered; leaving the fallback target', { target: target.key, fallback: this.fallback.target });
      this.stopFallback();
    }
    const note = listNote(target, state, this.context.controlPlane);
    if (state.routeTable && state.exists) return this.route(state, note);
    this.stopRouting();
    // A copy of the array per channel; the endpoint objects themselves are shared.
    this.report(this.api.statusOrFromValue([...state.endpoints] as Endpoint[]), note);
  }

  private onUnreachable(target: LookasideTarget, reason: string): void {
    const { logger } = this.context;
    let fallbackTarget: string | undefined;
    try {
      fallbackTarget = this.context.fallback?.(target);
    } catch (error) {
      logger.error('the fallback function threw', { target: target.key, err: error });
    }
    if (fallbackTarget && !this.fallback) {
      try {
        this.startFallback(target, fallbackTarget, reason);
        return;
      } catch (error) {
        logger.error('cannot resolve the fallback target', { target: target.key, fallback: fallbackTarget, err: error });
      }
    }
    if (this.fallback) return;
    const details = `lookaside: cannot resolve ${target.key}: ${reason}; calls fail until it answers (configure a fallback target to use meanwhile)`;
    this.report(this.api.statusOrFromError({ code: Status.UNAVAILABLE, details }), details);
  }

  private startFallback(target: LookasideTarget, fallbackTarget: string, reason: string): void {
    const uri = parseFallbackUri(fallbackTarget, this.context.scheme);
    this.context.logger.warn('control plane unreachable; resolving the fallback target', { target: target.key, fallback: fallbackTarget, reason });
    const forward: ResolverListener = (endpoints, _attributes, _serviceConfig, note) => {
      if (this.destroyed || this.fallback?.resolver !== resolver) return false;
      // The fallback's endpoints carry no weights: every backend counts the same.
      return this.listener(endpoints, this.attributes, this.serviceConfig, `lookaside: ${target.key} via fallback ${fallbackTarget} (${reason}): ${note}`);
    };
    const resolver = this.api.createResolver(uri, forward, this.channelOptions);
    this.fallback = { target: fallbackTarget, resolver };
    resolver.updateResolution();
  }

  /**
   * A routed Service port: follows each Service port the route table
   * names (a shared watch of its own, as if a channel targeted it) and
   * reports them all, with a config selector that picks each call's
   * target by the table; lookaside_routing sends the call there.
   */
  private route(own: ServerListState & { kind: 'list' }, note: string): void {
    const table = own.routeTable!;
    const targets = this.routing?.targets ?? new Map<string, RouteTargetWatch>();
    const wanted = routeTargets(table);
    for (const [key, entry] of targets) {
      if (wanted.has(key)) continue;
      entry.subscription.unsubscribe();
      targets.delete(key);
    }
    for (const [key, { service, port }] of wanted) {
      if (targets.has(key)) continue;
      const dot = service.indexOf('.');
      const entry: RouteTargetWatch = { subscription: undefined as unknown as ServerListSubscription };
      targets.set(key, entry);
      entry.subscription = this.context.pool.subscribe({ name: service.slice(0, dot), namespace: service.slice(dot + 1), service, port, key }, (state) => {
        if (this.destroyed || targets.get(key) !== entry) return;
        entry.state = state;
        if (this.routing) this.reportRouted(`${note}; routed by ${this.routing.table.table.routes.join(', ')}`);
      });
    }
    this.routing = { table: new CompiledRouteTable(table), own, targets };
    this.reportRouted(`${note}; routed by ${table.routes.join(', ')}`);
  }

  private reportRouted(note: string): void {
    const routing = this.routing!;
    const methodConfigs = this.serviceConfig.ok ? this.serviceConfig.value.methodConfig : [];
    const attributes = {
      ...this.attributes,
      [this.api.CHANNEL_ARGS_CONFIG_SELECTOR_KEY]: routeSelector(this.context.grpc, routing.table, methodConfigs),
      [ROUTE_TARGETS_OPTION]: routeTargetEndpoints(this.context.grpc, routing.targets),
    };
    try {
      this.listener(this.api.statusOrFromValue([...routing.own.endpoints] as Endpoint[]), attributes, this.serviceConfig, note);
    } catch (error) {
      this.context.logger.error('reporting a resolution threw', { target: this.target?.key, err: error });
    }
  }

  private stopRouting(): void {
    for (const { subscription } of this.routing?.targets.values() ?? []) subscription.unsubscribe();
    this.routing = undefined;
  }

  private stopFallback(): void {
    const fallback = this.fallback;
    this.fallback = undefined;
    fallback?.resolver.destroy();
  }

  private report(endpoints: StatusOr<Endpoint[]>, note: string): void {
    try {
      const accepted = this.listener(endpoints, this.attributes, this.serviceConfig, note);
      if (!accepted) this.context.logger.warn('the channel rejected a resolution', { target: this.target?.key, note });
    } catch (error) {
      this.context.logger.error('reporting a resolution threw', { target: this.target?.key, err: error });
    }
  }
}

type MethodConfig = ServiceConfig['methodConfig'][number];

/** The method config of a call, as grpc-js picks one without a config selector: method, then service, then the default. */
function methodConfigFor(configs: readonly MethodConfig[], path: string): MethodConfig {
  const slash = path.lastIndexOf('/');
  const service = path.slice(1, slash);
  const method = path.slice(slash + 1);
  const find = (test: (name: { service?: string; method?: string }) => boolean) => configs.find((config) => config.name.some(test));
  return (
    find((name) => name.service === service && name.method === method) ??
    find((name) => name.service === service && !name.method) ??
    find((name) => !name.service && !name.method) ?? { name: [] }
  );
}

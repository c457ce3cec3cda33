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
  const api = context.grpc.experimental;
  return class LookasideResolver implements experimental.Resolver {
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
    private routing: { table: CompiledRouteTable; own: ServerListState & { kind: 'list' }; targets: Map<string, { subscription: ServerListSubscription; state?: ServerListState }> } | undefined;

    constructor(
      uri: GrpcUri,
      private readonly listener: ResolverListener,
      private readonly channelOptions: ChannelOptions,
    ) {
      try {
        this.target = parseLookasideTarget(uri, `${context.scheme}://${uri.authority ?? ''}/${uri.path}`);
      } catch (error) {
        if (!(error instanceof LookasideTargetError)) throw error;
        this.targetError = error;
      }
      try {
        const resolved = resolveServiceConfig(channelOptions, context.serviceConfig, context.grpc);
        // lookaside_routing on top, always: a route added or removed changes
        // the policy's children, never the channel's policy, so connections
        // stay (load-balancer-routing.ts).
        const childPolicy = resolved.loadBalancingConfig ?? [];
        this.serviceConfig = api.statusOrFromValue(childPolicy.length === 0 ? resolved : { ...resolved, loadBalancingConfig: [{ [ROUTING_POLICY]: { childPolicy } }] });
      } catch (error) {
        // Thrown here, the error reaches the application from the client's
        // constructor: a bad policy config must not quietly become pick_first.
        context.logger.error('the channel\'s service config cannot be used', { target: this.target?.key, err: error });
        throw error;
      }
      this.attributes = resolverContextAttributes(context.grpc, { service: this.target?.key ?? 'the service', onPick: context.onPick, ...(context.callLoads && { callLoads: context.callLoads }) });
    }

    /**
     * The channel's default authority: "name.namespace.svc", the name
     * Kubernetes gives the Service inside the cluster (and what its TLS
     * certificates usually carry). Override with "grpc.default_authority".
     * Throws a LookasideTargetError for a malformed target, which makes the
     * client's constructor throw it.
     */
    static getDefaultAuthority(uri: GrpcUri): string {
      const target = parseLookasideTarget(uri, `${context.scheme}://${uri.authority ?? ''}/${uri.path}`);
      return `${target.name}.${target.namespace}.svc`;
    }

    updateResolution(): void {
      if (this.destroyed) this.destroyed = false;
      const failure = context.isClosed()
        ? `${context.scheme}: the registration that served "${context.scheme}:" targets was closed; create the channel after a new registerLookaside()`
        : this.targetError?.message;
      if (failure) {
        this.subscription?.unsubscribe();
        this.subscription = undefined;
        this.stopFallback();
        this.later(() => this.listener(api.statusOrFromError({ code: Status.UNAVAILABLE, details: failure }), {}, null, failure));
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
      if (this.destroyed || context.isClosed()) return;
      const target = this.target!;
      if (state.kind === 'list') {
        if (this.fallback) {
          context.logger.info('control plane answered; leaving the fallback target', { target: target.key, fallback: this.fallback.target });
          this.stopFallback();
        }
        const note = !state.exists
          ? `lookaside: ${target.service} port ${target.port} is unknown to the control plane at ${context.controlPlane} (no such Service or port; check the target's name, namespace and port)`
          : state.endpoints.length === 0
            ? `lookaside: ${target.service} port ${target.port} has no ready endpoints (control plane ${context.controlPlane}, version ${state.version})`
            : `lookaside: ${target.key} from ${context.controlPlane}, version ${state.version}`;
        if (state.routeTable && state.exists) return this.route(state, note);
        this.stopRouting();
        // A copy of the array per channel; the endpoint objects themselves are shared.
        this.report(api.statusOrFromValue([...state.endpoints] as Endpoint[]), note);
        return;
      }
      this.onUnreachable(target, state.reason);
    }

    private onUnreachable(target: LookasideTarget, reason: string): void {
      let fallbackTarget: string | undefined;
      try {
        fallbackTarget = context.fallback?.(target);
      } catch (error) {
        context.logger.error('the fallback function threw', { target: target.key, err: error });
      }
      if (fallbackTarget && !this.fallback) {
        try {
          this.startFallback(target, fallbackTarget, reason);
          return;
        } catch (error) {
          context.logger.error('cannot resolve the fallback target', { target: target.key, fallback: fallbackTarget, err: error });
        }
      }
      if (this.fallback) return;
      const details = `lookaside: cannot resolve ${target.key}: ${reason}; calls fail until it answers (configure a fallback target to use meanwhile)`;
      this.report(api.statusOrFromError({ code: Status.UNAVAILABLE, details }), details);
    }

    private startFallback(target: LookasideTarget, fallbackTarget: string, reason: string): void {
      const uri = parseFallbackUri(fallbackTarget, context.scheme);
      context.logger.warn('control plane unreachable; resolving the fallback target', { target: target.key, fallback: fallbackTarget, reason });
      const forward: ResolverListener = (endpoints, _attributes, _serviceConfig, note) => {
        if (this.destroyed || this.fallback?.resolver !== resolver) return false;
        // The fallback's endpoints carry no weights: every backend counts the same.
        return this.listener(endpoints, this.attributes, this.serviceConfig, `lookaside: ${target.key} via fallback ${fallbackTarget} (${reason}): ${note}`);
      };
      const resolver = api.createResolver(uri, forward, this.channelOptions);
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
      const targets = this.routing?.targets ?? new Map<string, { subscription: ServerListSubscription; state?: ServerListState }>();
      const wanted = routeTargets(table);
      for (const [key, entry] of targets) {
        if (wanted.has(key)) continue;
        entry.subscription.unsubscribe();
        targets.delete(key);
      }
      for (const [key, { service, port }] of wanted) {
        if (targets.has(key)) continue;
        const dot = service.indexOf('.');
        const entry: { subscription: ServerListSubscription; state?: ServerListState } = { subscription: undefined as unknown as ServerListSubscription };
        targets.set(key, entry);
        entry.subscription = context.pool.subscribe({ name: service.slice(0, dot), namespace: service.slice(dot + 1), service, port, key }, (state) => {
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
      const targetEndpoints = new Map<string, StatusOr<Endpoint[]>>();
      for (const [key, { state }] of routing.targets) {
        // A target with no answer yet is left out: its calls wait for it.
        if (state?.kind === 'list') targetEndpoints.set(key, state.exists ? api.statusOrFromValue([...state.endpoints] as Endpoint[]) : api.statusOrFromError({ code: Status.UNAVAILABLE, details: `lookaside: the route target ${key} is unknown to the control plane` }));
        else if (state?.kind === 'unreachable') targetEndpoints.set(key, api.statusOrFromError({ code: Status.UNAVAILABLE, details: `lookaside: cannot resolve the route target ${key}: ${state.reason}` }));
      }
      const table = routing.table;
      const methodConfigs = this.serviceConfig.ok ? this.serviceConfig.value.methodConfig : [];
      const selector: experimental.ConfigSelector = {
        invoke: (path, metadata): ReturnType<experimental.ConfigSelector['invoke']> => {
          const choice = table.choose(path, metadata);
          const methodConfig = methodConfigFor(methodConfigs, path);
          if ('failure' in choice) return { methodConfig, pickInformation: {}, status: context.grpc.status.UNAVAILABLE, dynamicFilterFactories: [] };
          return { methodConfig, pickInformation: { [ROUTE_PICK_KEY]: choice.target }, status: context.grpc.status.OK, dynamicFilterFactories: [] };
        },
        unref: () => {},
      };
      const attributes = { ...this.attributes, [api.CHANNEL_ARGS_CONFIG_SELECTOR_KEY]: selector, [ROUTE_TARGETS_OPTION]: targetEndpoints };
      try {
        this.listener(api.statusOrFromValue([...routing.own.endpoints] as Endpoint[]), attributes, this.serviceConfig, note);
      } catch (error) {
        context.logger.error('reporting a resolution threw', { target: this.target?.key, err: error });
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
        if (!accepted) context.logger.warn('the channel rejected a resolution', { target: this.target?.key, note });
      } catch (error) {
        context.logger.error('reporting a resolution threw', { target: this.target?.key, err: error });
      }
    }
  };
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

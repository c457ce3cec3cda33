// The resolver behind "lookaside:///name.namespace:port". It subscribes the
// channel to the target's shared watch and reports each list to the channel
// with weights on the endpoint objects, constant attributes and a constant
// service config: nothing in an update but the endpoints can change, so a
// weight-only update opens or closes no connection. While the control plane
// has not answered within the start wait, it reports an error, or resolves
// the configured fallback target instead.

import { experimental, status, type ChannelOptions, type ServiceConfig } from '@grpc/grpc-js';
import type { LookasideLogger } from './lookaside-logger.js';
import type { ServerListState, ServerListWatch } from './server-list-watch.js';
import type { ServerListSubscription, ServerListWatchPool } from './server-list-watch-pool.js';
import { resolveServiceConfig, type ServiceConfigJson } from './service-config.js';
import { LOOKASIDE_SCHEME, LookasideTargetError, parseLookasideTarget, type LookasideTarget } from './target-parser.js';
import { SERVICE_LABEL_OPTION } from './weighted-endpoint-balancer.js';

type GrpcUri = experimental.GrpcUri;
type ResolverListener = experimental.ResolverListener;
type Endpoint = experimental.Endpoint;
type StatusOr<T> = experimental.StatusOr<T>;

/** Chooses the target to resolve while the control plane cannot be reached; undefined for none. */
export type FallbackTarget = (target: LookasideTarget) => string | undefined;

/** What the resolvers of one registration share. */
export interface LookasideResolverContext {
  readonly pool: ServerListWatchPool;
  readonly controlPlane: string;
  readonly fallback: FallbackTarget | undefined;
  readonly serviceConfig: Readonly<ServiceConfigJson>;
  readonly logger: LookasideLogger;
}

/** grpc-js's URI grammar: scheme, "//authority/", path. */
const URI_PATTERN = /^(?:([A-Za-z0-9+.-]+):)?(?:\/\/([^/]*)\/)?(.+)$/;

function parseFallbackUri(target: string): GrpcUri {
  const match = URI_PATTERN.exec(target);
  if (!match) throw new Error(`the fallback target "${target}" is not a gRPC target URI`);
  // A target without a scheme is a DNS name, as grpc-js reads it.
  const scheme = match[1] ?? 'dns';
  if (scheme === LOOKASIDE_SCHEME) throw new Error(`the fallback target "${target}" cannot itself be a lookaside target`);
  return { scheme, ...(match[2] !== undefined && { authority: match[2] }), path: match[3]! };
}

export type ResolverConstructor = Parameters<typeof experimental.registerResolver>[1];

/** Builds the resolver class for one registration's context. */
export function createLookasideResolverClass(context: LookasideResolverContext): ResolverConstructor {
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

    constructor(
      uri: GrpcUri,
      private readonly listener: ResolverListener,
      private readonly channelOptions: ChannelOptions,
    ) {
      try {
        this.target = parseLookasideTarget(uri);
      } catch (error) {
        if (!(error instanceof LookasideTargetError)) throw error;
        this.targetError = error;
      }
      this.serviceConfig = resolveServiceConfig(channelOptions, context.serviceConfig);
      if (!this.serviceConfig.ok) context.logger.error('invalid service config; calls will fail', { details: this.serviceConfig.error.details });
      this.attributes = { [SERVICE_LABEL_OPTION]: this.target?.key ?? '' };
    }

    /**
     * The channel's default authority: "name.namespace.svc", the name
     * Kubernetes gives the Service inside the cluster (and what its TLS
     * certificates usually carry). Override with "grpc.default_authority".
     * Throws a LookasideTargetError for a malformed target, which makes the
     * client's constructor throw it.
     */
    static getDefaultAuthority(uri: GrpcUri): string {
      const target = parseLookasideTarget(uri);
      return `${target.name}.${target.namespace}.svc`;
    }

    updateResolution(): void {
      if (this.destroyed) this.destroyed = false;
      if (this.targetError) {
        const details = this.targetError.message;
        this.later(() => this.listener(experimental.statusOrFromError({ code: status.UNAVAILABLE, details }), {}, null, details));
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
      if (this.destroyed) return;
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
        // A copy of the array per channel; the endpoint objects themselves are shared.
        this.report(experimental.statusOrFromValue([...state.endpoints] as Endpoint[]), note);
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
      this.report(experimental.statusOrFromError({ code: status.UNAVAILABLE, details }), details);
    }

    private startFallback(target: LookasideTarget, fallbackTarget: string, reason: string): void {
      const uri = parseFallbackUri(fallbackTarget);
      context.logger.warn('control plane unreachable; resolving the fallback target', { target: target.key, fallback: fallbackTarget, reason });
      const forward: ResolverListener = (endpoints, _attributes, _serviceConfig, note) => {
        if (this.destroyed || this.fallback?.resolver !== resolver) return false;
        // The fallback's endpoints carry no weights: every backend counts the same.
        return this.listener(endpoints, this.attributes, this.serviceConfig, `lookaside: ${target.key} via fallback ${fallbackTarget} (${reason}): ${note}`);
      };
      const resolver = experimental.createResolver(uri, forward, this.channelOptions);
      this.fallback = { target: fallbackTarget, resolver };
      resolver.updateResolution();
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

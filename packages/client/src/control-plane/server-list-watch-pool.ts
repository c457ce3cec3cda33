// The shared watches of one registration: one ServerListWatch per service
// port, however many channels target it, and one channel to the control
// plane for all of them. A watch is closed when its last subscriber leaves,
// and the control-plane channel when its last watch closes, so a process
// whose lookaside clients are all closed has nothing left open and exits.

import type { ChannelCredentials, ChannelOptions } from '@grpc/grpc-js';
import type { GrpcModule } from '../grpc/grpc-module.js';
import { LoadBalancerStub, type ServersQuery } from './load-balancer-stub.js';
import type { LookasideLogger } from '../lookaside-logger.js';
import type { ReconnectBackoffOptions } from './reconnect-backoff.js';
import { ServerListWatch, type ServerListListener } from './server-list-watch.js';
import type { LookasideTarget } from '../resolver/target-parser.js';

export interface ServerListWatchPoolOptions {
  /** The grpc-js module the control-plane channel is made with. */
  readonly grpc: GrpcModule;
  readonly controlPlane: string;
  readonly credentials?: ChannelCredentials;
  /** Options of the control-plane channel, over the pool's own keepalive defaults. */
  readonly channelOptions?: ChannelOptions;
  readonly startTimeoutMs: number;
  readonly backoff: ReconnectBackoffOptions;
  readonly client?: ServersQuery['client'];
  readonly logger: LookasideLogger;
  /** Reads the caller token each WatchServers stream sends; see ServerListWatchOptions. */
  readonly callerToken?: () => string;
  /**
   * Told when the control-plane channel opens (its stub) and just before it
   * closes (undefined): the load report stream lives on it.
   */
  readonly onChannel?: (stub: LoadBalancerStub | undefined) => void;
  /** Told when a watch applies a server list of a new version (see ServerListWatchOptions.onApplied). */
  readonly onApplied?: () => void;
}

/** A subscriber's hold on a shared watch. */
export interface ServerListSubscription {
  readonly watch: ServerListWatch;
  /** Stops delivery; closes the watch if this was its last subscriber. Idempotent. */
  unsubscribe(): void;
}

/**
 * Keepalive of the control-plane channel: the WatchServers stream has no
 * deadline (it lives as long as the channels), so pings are what notice a
 * control plane that vanished without closing the connection. The control
 * plane pings every 30 s by default and allows clients the same.
 */
export const CONTROL_PLANE_KEEPALIVE: Readonly<ChannelOptions> = Object.freeze({
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
  'grpc.keepalive_permit_without_calls': 1,
});

export class ServerListWatchPool {
  private readonly watches = new Map<string, ServerListWatch>();
  private stub: LoadBalancerStub | undefined;

  constructor(private readonly options: ServerListWatchPoolOptions) {}

  /** Number of open watches (one per service port in use). */
  get size(): number {
    return this.watches.size;
  }

  /** The open watches. */
  openWatches(): IterableIterator<ServerListWatch> {
    return this.watches.values();
  }

  /** The open watch for a target, if any. */
  get(target: LookasideTarget): ServerListWatch | undefined {
    return this.watches.get(target.key);
  }

  /**
   * Subscribes to the target's shared watch, opening it if needed. If the
   * watch already has a state, the listener receives it on a later tick
   * (never synchronously: grpc-js forbids a resolver from reporting inside
   * updateResolution()).
   */
  subscribe(target: LookasideTarget, listener: ServerListListener): ServerListSubscription {
    let watch = this.watches.get(target.key);
    if (!watch) {
      watch = new ServerListWatch({
        grpc: this.options.grpc,
        target,
        stub: this.getStub(),
        controlPlane: this.options.controlPlane,
        startTimeoutMs: this.options.startTimeoutMs,
        backoff: this.options.backoff,
        logger: this.options.logger,
        ...(this.options.client && { client: this.options.client }),
        ...(this.options.callerToken && { callerToken: this.options.callerToken }),
        ...(this.options.onApplied && { onApplied: this.options.onApplied }),
        // Declared by ChannelCredentials itself: whether the channel speaks TLS.
        usesTls: this.options.credentials?._isSecure() ?? false,
      });
      this.watches.set(target.key, watch);
      watch.start();
      this.options.logger.debug('watch opened', { target: target.key, watches: this.watches.size });
    }
    const owner = watch;
    let active = true;
    const guarded: ServerListListener = (state) => {
      if (active) listener(state);
    };
    const unsubscribeListener = owner.subscribe(guarded);
    process.nextTick(() => {
      const state = owner.state;
      if (active && state) guarded(state);
    });
    return {
      watch: owner,
      unsubscribe: () => {
        if (!active) return;
        active = false;
        unsubscribeListener();
        if (owner.listenerCount === 0) this.closeWatch(target.key, owner);
      },
    };
  }

  /** Closes every watch and the control-plane channel. */
  close(): void {
    for (const [key, watch] of this.watches) this.closeWatch(key, watch);
  }

  private closeWatch(key: string, watch: ServerListWatch): void {
    watch.close();
    if (this.watches.get(key) === watch) this.watches.delete(key);
    this.options.logger.debug('watch closed', { target: key, watches: this.watches.size });
    if (this.watches.size === 0 && this.stub) {
      this.options.onChannel?.(undefined);
      this.stub.close();
      this.stub = undefined;
    }
  }

  private getStub(): LoadBalancerStub {
    this.stub ??= new LoadBalancerStub(this.options.controlPlane, this.options.credentials ?? this.options.grpc.credentials.createInsecure(), {
      ...CONTROL_PLANE_KEEPALIVE,
      // Reconnect to a returning control plane no slower than the watch's own backoff.
      'grpc.initial_reconnect_backoff_ms': this.options.backoff.initialMs,
      'grpc.max_reconnect_backoff_ms': this.options.backoff.maxMs,
      // Its own connection, closed with it: not shared with application channels.
      'grpc.use_local_subchannel_pool': 1,
      ...this.options.channelOptions,
    }, this.options.grpc);
    this.options.onChannel?.(this.stub);
    return this.stub;
  }
}

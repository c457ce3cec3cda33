// One WatchServers stream for one service port, shared by every channel that
// targets it. It keeps the last good list while the control plane is away
// (static stability, invariant 8 of docs/design.md), re-opens the stream with capped, jittered
// backoff, and tells its subscribers only about real changes: a reconnect
// that brings back the same servers changes nothing in any channel.

import type { ClientReadableStream, StatusObject } from '@grpc/grpc-js';
import { Status, statusName, type GrpcModule } from '../grpc/grpc-module.js';
import type { LookasideLogger } from '../lookaside-logger.js';
import type { LoadBalancerStub, ServersQuery, ServersUpdate } from './load-balancer-stub.js';
import { ReconnectBackoff, type ReconnectBackoffOptions } from './reconnect-backoff.js';
import type { RouteTable } from '../policies/route-table.js';
import type { LookasideTarget } from '../resolver/target-parser.js';
import { explainControlPlaneFailure } from './control-plane-failure.js';
import { serverListSignature, toWeightedEndpoints, type WeightedEndpoint } from '../policies/weighted-endpoint.js';

/** What a watch knows about its service port. */
export type ServerListState =
  | {
      readonly kind: 'list';
      /** False when the control plane knows no such service or port. */
      readonly exists: boolean;
      readonly version: number;
      /** Shared by every subscriber: never mutate. */
      readonly endpoints: readonly WeightedEndpoint[];
      /** Set when GRPCRoutes route this Service port: where its calls go (route-table.ts). */
      readonly routeTable?: RouteTable;
    }
  | {
      /** No list has arrived within the start wait. */
      readonly kind: 'unreachable';
      readonly reason: string;
    };

export type ServerListListener = (state: ServerListState) => void;

/** Status codes after which the stream is re-opened at once (after the first backoff step). */
export const RETRYABLE_CODES: ReadonlySet<number> = new Set([Status.UNAVAILABLE, Status.CANCELLED]);

export interface ServerListWatchOptions {
  /** The grpc-js module of the registration: its splitHostPort reads the servers' addresses. */
  readonly grpc: GrpcModule;
  readonly target: LookasideTarget;
  readonly stub: LoadBalancerStub;
  /** For messages: where the control plane is. */
  readonly controlPlane: string;
  /** How long to wait for the first list before reporting the control plane unreachable. */
  readonly startTimeoutMs: number;
  readonly backoff: ReconnectBackoffOptions;
  readonly client?: ServersQuery['client'];
  readonly logger: LookasideLogger;
  /**
   * The caller token to send, read when each stream opens (a rotated token
   * file is used from the next reconnect on); throws when it cannot be read.
   */
  readonly callerToken?: () => string;
  /** Told when a list of a new version (or exists) was received and applied, also one that changed nothing: load reports say so. */
  readonly onApplied?: () => void;
  /** Whether the control-plane channel uses TLS credentials: said in errors, which a TLS mismatch otherwise leaves unexplained. */
  readonly usesTls?: boolean;
}

const NO_ANSWER_YET = 'no answer yet';

/** How long the start-wait diagnosis (one GetServers without waitForReady) may take. */
const DIAGNOSIS_TIMEOUT_MS = 1_000;

export class ServerListWatch {
  private readonly listeners = new Set<ServerListListener>();
  private current: ServerListState | undefined;
  private signature = '';
  private call: ClientReadableStream<ServersUpdate> | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private startTimer: NodeJS.Timeout | undefined;
  private readonly backoff: ReconnectBackoff;
  private lastError = NO_ANSWER_YET;
  private closed = false;
  private appliedList: { readonly version: number; readonly exists: boolean } | undefined;

  constructor(private readonly options: ServerListWatchOptions) {
    this.backoff = new ReconnectBackoff(options.backoff);
  }

  /** The last state, if any: a list, or the news that none came in time. */
  get state(): ServerListState | undefined {
    return this.current;
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  /** The service port this watch follows. */
  get target(): LookasideTarget {
    return this.options.target;
  }

  /**
   * The version (and exists) of the last list received and applied: also of
   * one that changed nothing, as after a reconnect to a restarted control
   * plane, whose versions start afresh. What load reports say was applied.
   */
  get applied(): { readonly version: number; readonly exists: boolean } | undefined {
    return this.appliedList;
  }

  /** Opens the stream and starts the start-wait timer. Called once. */
  start(): void {
    this.startTimer = setTimeout(() => {
      this.startTimer = undefined;
      if (this.current || this.closed) return;
      void this.diagnose().then(() => {
        if (this.current || this.closed) return;
        this.options.logger.warn('no server list within the start wait', { target: this.options.target.key, controlPlane: this.options.controlPlane, waitMs: this.options.startTimeoutMs, lastError: this.lastError });
        this.publish({ kind: 'unreachable', reason: `the control plane at ${this.options.controlPlane} sent no server list within ${this.options.startTimeoutMs} ms (${this.lastError})` });
      });
    }, this.options.startTimeoutMs);
    this.startTimer.unref();
    this.open();
  }

  /**
   * Learns why no list came: the stream waits for the control plane and so
   * reports nothing, while one GetServers call that does not wait fails with
   * the channel's connection error (a TLS mismatch, a refused port).
   */
  private async diagnose(): Promise<void> {
    // A stream that ended has said why already (a status from the control plane).
    if (this.lastError !== NO_ANSWER_YET) return;
    const { target, stub, controlPlane, usesTls = false } = this.options;
    try {
      const token = this.options.callerToken?.();
      await stub.getServers({ service: target.service, port: target.port, ...(this.options.client && { client: this.options.client }) }, DIAGNOSIS_TIMEOUT_MS, token !== undefined ? { token } : {});
      this.lastError = `GetServers answers, but WatchServers sent nothing (${this.lastError})`;
    } catch (error) {
      const { code, details } = error as { code?: number; details?: string };
      if (code === undefined) this.lastError = (error as Error).message;
      else if (code === Status.UNAVAILABLE) this.lastError = `${statusName(code)}: ${explainControlPlaneFailure(details ?? '', controlPlane, usesTls)}`;
      else if (code !== Status.DEADLINE_EXCEEDED) this.lastError = `GetServers ended with ${statusName(code)}: ${details ?? ''}`;
    }
  }

  subscribe(listener: ServerListListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Cancels the stream and every timer. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.startTimer);
    clearTimeout(this.reconnectTimer);
    this.listeners.clear();
    const call = this.call;
    this.call = undefined;
    call?.cancel();
  }

  private open(): void {
    if (this.closed) return;
    const { target } = this.options;
    let call: ClientReadableStream<ServersUpdate>;
    try {
      // No deadline: this stream lives as long as the channels that use it;
      // keepalive on the control-plane channel detects a dead peer.
      // waitForReady: while the control plane is down the call waits for it
      // rather than failing in a tight loop.
      const token = this.options.callerToken?.();
      call = this.options.stub.watchServers(
        { service: target.service, port: target.port, ...(this.options.client && { client: this.options.client }) },
        { waitForReady: true, ...(token !== undefined && { token }) },
      );
    } catch (error) {
      this.lastError = (error as Error).message;
      this.options.logger.error('cannot open WatchServers', { target: target.key, err: error });
      this.scheduleReconnect(false);
      return;
    }
    this.call = call;
    let received = false;
    call.on('data', (update: ServersUpdate) => {
      if (this.call !== call) return;
      try {
        if (!received) {
          received = true;
          this.backoff.reset();
        }
        this.accept(update);
      } catch (error) {
        // Invariant 9 (docs/design.md): a bad message or a throwing subscriber must not stop the watch.
        this.options.logger.error('failed to apply a server list', { target: target.key, err: error });
      }
    });
    // Errors arrive again as 'status'; this listener only keeps an error
    // event from being thrown as unhandled.
    call.on('error', () => {});
    call.on('status', (statusObject: StatusObject) => {
      if (this.call !== call) return;
      this.call = undefined;
      try {
        this.onStreamEnd(statusObject);
      } catch (error) {
        this.options.logger.error('failed to handle the end of WatchServers', { target: target.key, err: error });
      }
    });
  }

  private onStreamEnd(statusObject: StatusObject): void {
    if (this.closed) return;
    const codeName = statusName(statusObject.code);
    this.lastError = `WatchServers ended with ${codeName}: ${statusObject.details}`;
    // OK (the server ended the stream) is as good as a disconnect: re-open.
    const retryable = RETRYABLE_CODES.has(statusObject.code) || statusObject.code === Status.OK;
    this.options.logger[retryable ? 'info' : 'warn']('WatchServers stream ended; keeping the last server list and reconnecting', {
      target: this.options.target.key,
      code: codeName,
      details: statusObject.details,
      haveList: this.current?.kind === 'list',
    });
    this.scheduleReconnect(retryable);
  }

  private scheduleReconnect(retryable: boolean): void {
    if (this.closed) return;
    // A non-retryable answer (a bug, a permission problem) is retried too,
    // but only at the slowest pace: the operator may fix it.
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = this.backoff.schedule(retryable, () => {
      this.reconnectTimer = undefined;
      this.open();
    });
  }

  private accept(update: ServersUpdate): void {
    const { endpoints, rejected } = toWeightedEndpoints(this.options.grpc, update.servers);
    if (rejected.length > 0) {
      this.options.logger.warn('skipping server addresses that cannot be dialled', { target: this.options.target.key, addresses: rejected });
    }
    // Versions restart with a restarted control plane, so compare content:
    // all of it that the policies read, so that a change of ranks or zones
    // alone reaches them.
    const signature = serverListSignature(update.exists, endpoints) + (update.routeTable ? `\nroutes ${JSON.stringify(update.routeTable)}` : '');
    const newVersion = this.appliedList?.version !== update.version || this.appliedList.exists !== update.exists;
    this.appliedList = { version: update.version, exists: update.exists };
    if (newVersion) this.options.onApplied?.();
    if (this.current?.kind === 'list' && signature === this.signature) return;
    this.signature = signature;
    clearTimeout(this.startTimer);
    this.options.logger.debug('server list', { target: this.options.target.key, version: update.version, exists: update.exists, servers: endpoints.length });
    this.publish({ kind: 'list', exists: update.exists, version: update.version, endpoints: Object.freeze(endpoints), ...(update.routeTable && { routeTable: update.routeTable }) });
  }

  private publish(state: ServerListState): void {
    this.current = state;
    for (const listener of [...this.listeners]) {
      try {
        listener(state);
      } catch (error) {
        this.options.logger.error('a server list subscriber threw', { target: this.options.target.key, err: error });
      }
    }
  }
}

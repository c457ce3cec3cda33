// What both lookaside policies share: one LeafLoadBalancer (a pick_first over
// one address) per endpoint, kept across updates by the endpoint's address,
// so an update that changes only weights (or failover ranks) opens or closes
// no connection (invariant 8, docs/design.md); every backend kept connected; the channel's
// state derived from the backends'; and a fresh immutable picker on every
// change. Calls go to the READY backends of the lowest failover rank
// (priority) that has any: with zone-aware answers, the caller's own zone
// while any of it is READY, the other zones the moment none is, with no
// failed call, since those connections are already up. The policies differ
// only in the picker they build.
//
// A cold channel (one whose policy has not served a call yet) holds its
// first calls for a moment once the first backend is READY, until every
// backend of the ranks in use has finished its first connection attempt
// (READY or failed) or coldStartWait has passed: a burst fired at a new
// channel then spreads over every backend that came up together, where it
// would all go to the first one to connect (as with grpc-js round_robin).

import type { ChannelOptions, connectivityState, experimental } from '@grpc/grpc-js';
import { ConnectivityState, Status, type GrpcModule } from '../grpc/grpc-module.js';
import { priorityOf, weightOf } from './weighted-endpoint.js';
import { ObservedPicker, type PickObserver } from '../pick-observer.js';
import { readResolverContext } from './resolver-context.js';
import type { PickableBackend } from './weighted-picker.js';
import type { LoadReportWeights } from './load-report-weights.js';

type Endpoint = experimental.Endpoint;
type Picker = experimental.Picker;
type ChannelControlHelper = experimental.ChannelControlHelper;
type TypedLoadBalancingConfig = experimental.TypedLoadBalancingConfig;
type LoadBalancer = experimental.LoadBalancer;
type StatusOr<T> = experimental.StatusOr<T>;
type ConnectivityStateValue = connectivityState;

interface Backend {
  readonly key: string;
  endpoint: Endpoint;
  /** Made when the backend starts connecting (see startPending). */
  leaf: experimental.LeafLoadBalancer | undefined;
  weight: number;
  /** The failover rank: calls go to the lowest rank with a READY backend. */
  priority: number;
  /** Calls in flight on this backend; the same object across pickers. */
  readonly inFlight: { count: number };
  /** Whether the backend is READY now; the same object across pickers, so a picker never sends a call to a backend that left READY. */
  readonly connection: { ready: boolean };
  /** The state this policy last saw the leaf in (IDLE until it starts). */
  seenState: ConnectivityStateValue;
  /** Until the backend's first connection attempt ends (READY or TRANSIENT_FAILURE). */
  firstAttempt: boolean;
}

/** What the policies' configs share. */
export interface ColdStartConfig extends TypedLoadBalancingConfig {
  /** How long a cold channel's first calls may wait for backends still on their first connection attempt; 0: no wait. */
  readonly coldStartWaitMs: number;
}

/**
 * How long one turn of the event loop may spend starting connections. A
 * list of tens of thousands of backends is started over many turns, so the
 * application stays responsive (timers, I/O, signals) meanwhile; grpc-js
 * makes each new subchannel in time that grows with the subchannels the
 * channel already has, which no policy can change.
 */
const START_BUDGET_MS = 8;

export abstract class WeightedEndpointBalancer<Config extends ColdStartConfig> implements LoadBalancer {
  private backends = new Map<string, Backend>();
  /**
   * What the channel's state and picker are computed from, kept up to date
   * as each backend changes state, so that a change costs O(1) here and one
   * picker is built per event-loop turn (O(ready backends)), not per change.
   */
  private readonly readyByRank = new Map<number, Set<Backend>>();
  /** Backends IDLE or CONNECTING, counting those not started yet. */
  private waiting = 0;
  /** Per rank, the backends still on their first connection attempt (counting those not started yet). */
  private readonly firstAttemptsByRank = new Map<number, number>();
  /** Set once the policy has reported READY: from then on calls never wait for backends still connecting. */
  private warm = false;
  /** While cold: when the wait for backends still connecting ends (set at the first READY backend). */
  private coldStartDeadline: number | undefined;
  private coldStartTimer: NodeJS.Timeout | undefined;
  /** Backends that went IDLE (GOAWAY, max connection age): reconnected on the next flush. */
  private readonly idle = new Set<Backend>();
  /** Backends not started yet, in the order they are started (lowest rank first). */
  private pending: Backend[] = [];
  private pendingIndex = 0;
  private startTimer: NodeJS.Immediate | undefined;
  private flushTimer: NodeJS.Immediate | undefined;
  private currentState: ConnectivityStateValue = ConnectivityState.IDLE;
  private destroyed = false;
  private resolutionNote = '';
  private serviceLabel = 'the service';
  private onPick: PickObserver | undefined;
  private lastConnectionError: string | null = null;
  private channelOptions: ChannelOptions = {};
  protected config: Config | undefined;

  /**
   * @param grpc the grpc-js module the policy was registered in: the leaves
   *     and pickers it makes must be that copy's own.
   */
  constructor(
    private readonly helper: ChannelControlHelper,
    private readonly grpc: GrpcModule,
  ) {}

  /** Whether `config` is this policy's config class. */
  protected abstract isOwnConfig(config: TypedLoadBalancingConfig): config is Config;
  /** Builds the picker over the READY backends (at least one). */
  protected abstract createPicker(ready: readonly PickableBackend[], config: Config): Picker;
  /** The load-report weights the config asks for (ORCA); undefined: the control plane's weights alone. */
  protected loadReportWeights(_config: Config): LoadReportWeights | undefined {
    return undefined;
  }
  /** Rebuilds the picker every weight update period while load reports count. */
  private loadTimer: NodeJS.Timeout | undefined;
  /** The settings the load timer runs for. */
  private loadTimerSettings: LoadReportWeights['settings'] | undefined;
  abstract getTypeName(): string;

  updateAddressList(endpointList: StatusOr<Endpoint[]>, lbConfig: TypedLoadBalancingConfig, options: ChannelOptions, resolutionNote: string): boolean {
    if (!this.isOwnConfig(lbConfig)) return false;
    this.config = lbConfig;
    this.scheduleLoadUpdates();
    this.resolutionNote = resolutionNote;
    this.channelOptions = options;
    // Set by the lookaside resolver; absent when the policy is used with another resolver.
    const context = readResolverContext(this.grpc, options);
    if (context) {
      this.serviceLabel = context.service;
      this.onPick = context.onPick;
    }
    if (!endpointList.ok) {
      // Keep serving from the backends we have (static stability); only a
      // policy with nothing to serve from reports the resolver's error.
      if (this.backends.size === 0) {
        const details = endpointList.error.details;
        this.updateState(ConnectivityState.TRANSIENT_FAILURE, new this.grpc.experimental.UnavailablePicker({ code: Status.UNAVAILABLE, details, metadata: new this.grpc.Metadata() }), details);
      }
      return true;
    }
    // One pass over the list, one over the old backends: linear in the update.
    const next = new Map<string, Backend>();
    const added: Backend[] = [];
    for (const endpoint of endpointList.value) {
      const key = this.grpc.experimental.endpointToString(endpoint);
      if (next.has(key)) continue;
      const existing = this.backends.get(key);
      if (existing) {
        // Same address: keep the leaf and its connection; only the weight and rank move.
        existing.weight = weightOf(endpoint);
        existing.endpoint = endpoint;
        this.setPriority(existing, priorityOf(endpoint));
        next.set(key, existing);
        continue;
      }
      const backend: Backend = { key, endpoint, leaf: undefined, weight: weightOf(endpoint), priority: priorityOf(endpoint), inFlight: { count: 0 }, connection: { ready: false }, seenState: ConnectivityState.IDLE, firstAttempt: true };
      this.waiting++;
      this.countFirstAttempt(backend.priority, 1);
      next.set(key, backend);
      added.push(backend);
    }
    const previous = this.backends;
    this.backends = next;
    for (const [key, backend] of previous) {
      if (!next.has(key)) this.remove(backend);
    }
    if (added.length > 0) {
      // Lowest rank first: the backends calls go to are connected first.
      added.sort((a, b) => a.priority - b.priority);
      this.pending = [...this.pending.slice(this.pendingIndex).filter((b) => this.backends.get(b.key) === b), ...added];
      this.pendingIndex = 0;
      this.startPending();
    }
    this.flush();
    return true;
  }

  /** Starts connecting pending backends for up to START_BUDGET_MS, then yields a turn to the application. */
  private startPending(): void {
    if (this.startTimer) clearImmediate(this.startTimer);
    this.startTimer = undefined;
    const until = performance.now() + START_BUDGET_MS;
    while (this.pendingIndex < this.pending.length && !this.destroyed) {
      const backend = this.pending[this.pendingIndex++]!;
      if (this.backends.get(backend.key) !== backend) continue;
      this.start(backend);
      if (performance.now() >= until) break;
    }
    if (this.pendingIndex < this.pending.length && !this.destroyed) {
      this.startTimer = setImmediate(() => this.startPending());
    } else {
      this.pending = [];
      this.pendingIndex = 0;
    }
  }

  private start(backend: Backend): void {
    const leafHelper = this.grpc.experimental.createChildChannelControlHelper(this.helper, {
      updateState: (state, _picker, errorMessage) => {
        if (errorMessage) this.lastConnectionError = errorMessage;
        this.onLeafState(backend, state);
      },
    });
    backend.leaf = new this.grpc.experimental.LeafLoadBalancer(backend.endpoint, leafHelper, this.channelOptions, this.resolutionNote);
    backend.leaf.startConnecting();
  }

  /** A leaf's new state: O(1) bookkeeping, and a new picker on the next flush. */
  private onLeafState(backend: Backend, state: ConnectivityStateValue): void {
    if (this.destroyed || this.backends.get(backend.key) !== backend) return;
    const previous = backend.seenState;
    if (previous === ConnectivityState.READY && state !== ConnectivityState.READY) {
      // A connection went away (GOAWAY, max age, backend gone): ask for
      // fresh data, as round_robin does. The lookaside resolver answers
      // from its stream, so this is cheap.
      this.helper.requestReresolution();
    }
    this.leaveState(backend);
    backend.seenState = state;
    this.enterState(backend);
    if (backend.firstAttempt && (state === ConnectivityState.READY || state === ConnectivityState.TRANSIENT_FAILURE)) {
      backend.firstAttempt = false;
      this.countFirstAttempt(backend.priority, -1);
    }
    this.scheduleFlush();
  }

  private enterState(backend: Backend): void {
    const state = backend.seenState;
    if (state === ConnectivityState.READY) {
      backend.connection.ready = true;
      let rank = this.readyByRank.get(backend.priority);
      if (!rank) this.readyByRank.set(backend.priority, (rank = new Set()));
      rank.add(backend);
    } else if (state === ConnectivityState.IDLE || state === ConnectivityState.CONNECTING) {
      this.waiting++;
      if (state === ConnectivityState.IDLE && backend.leaf) this.idle.add(backend);
    }
  }

  private leaveState(backend: Backend): void {
    const state = backend.seenState;
    if (state === ConnectivityState.READY) {
      // Pickers that still hold this backend stop sending it calls at once.
      backend.connection.ready = false;
      const rank = this.readyByRank.get(backend.priority);
      rank?.delete(backend);
      if (rank?.size === 0) this.readyByRank.delete(backend.priority);
    } else if (state === ConnectivityState.IDLE || state === ConnectivityState.CONNECTING) {
      this.waiting--;
      this.idle.delete(backend);
    }
  }

  private setPriority(backend: Backend, priority: number): void {
    if (backend.priority === priority) return;
    this.leaveState(backend);
    if (backend.firstAttempt) this.countFirstAttempt(backend.priority, -1);
    backend.priority = priority;
    if (backend.firstAttempt) this.countFirstAttempt(backend.priority, 1);
    this.enterState(backend);
  }

  private remove(backend: Backend): void {
    this.leaveState(backend);
    if (backend.firstAttempt) this.countFirstAttempt(backend.priority, -1);
    backend.leaf?.destroy();
  }

  private countFirstAttempt(rank: number, delta: number): void {
    const count = (this.firstAttemptsByRank.get(rank) ?? 0) + delta;
    if (count > 0) this.firstAttemptsByRank.set(rank, count);
    else this.firstAttemptsByRank.delete(rank);
  }

  /**
   * Whether a cold channel's calls should still wait: some backend of rank
   * `rank` or better is on its first connection attempt, and the wait that
   * began with the first READY backend has not run out. Arms a timer that
   * ends the wait.
   */
  private holdColdStart(rank: number): boolean {
    if (this.warm) return false;
    const waitMs = this.config?.coldStartWaitMs ?? 0;
    let connecting = 0;
    for (const [r, count] of this.firstAttemptsByRank) if (r <= rank) connecting += count;
    const now = performance.now();
    this.coldStartDeadline ??= now + waitMs;
    if (waitMs <= 0 || connecting === 0 || now >= this.coldStartDeadline) {
      this.warm = true;
      clearTimeout(this.coldStartTimer);
      this.coldStartTimer = undefined;
      return false;
    }
    if (!this.coldStartTimer) {
      this.coldStartTimer = setTimeout(() => {
        this.coldStartTimer = undefined;
        this.flush();
      }, this.coldStartDeadline - now);
      this.coldStartTimer.unref?.();
    }
    return true;
  }

  private scheduleFlush(): void {
    if (this.flushTimer || this.destroyed) return;
    // Every state change of one turn (a burst of connections completing
    // together) is folded into one picker.
    this.flushTimer = setImmediate(() => {
      this.flushTimer = undefined;
      this.flush();
    });
  }

  /** Reports the channel's state and a fresh picker: O(number of ranks + READY backends of the best rank). */
  private flush(): void {
    if (this.flushTimer) clearImmediate(this.flushTimer);
    this.flushTimer = undefined;
    if (this.destroyed) return;
    const total = this.backends.size;
    if (total === 0) {
      const details = this.resolutionNote || `lookaside: ${this.serviceLabel} has no ready endpoints`;
      this.updateState(ConnectivityState.TRANSIENT_FAILURE, new this.grpc.experimental.UnavailablePicker({ code: Status.UNAVAILABLE, details, metadata: new this.grpc.Metadata() }), details);
      return;
    }
    let best: Set<Backend> | undefined;
    let bestRank = Infinity;
    for (const [rank, backends] of this.readyByRank) {
      if (rank < bestRank) {
        bestRank = rank;
        best = backends;
      }
    }
    if (best && this.holdColdStart(bestRank)) {
      if (this.currentState !== ConnectivityState.CONNECTING) this.updateState(ConnectivityState.CONNECTING, new this.grpc.experimental.QueuePicker(this), null);
    } else if (best) {
      const ready = [...best];
      // Snapshot the leaves' pickers now: the picker must not change under a call.
      const loads = this.config ? this.loadReportWeights(this.config) : undefined;
      const multipliers = loads?.multipliers(ready.map((b) => b.key));
      const snapshot: PickableBackend[] = ready.map((b) => ({
        picker: b.leaf!.getPicker(),
        weight: b.weight * (multipliers?.get(b.key) ?? 1),
        inFlight: b.inFlight,
        connection: b.connection,
        ...(loads && { onLoadReport: (report) => loads.record(b.key, report) }),
      }));
      const picker = this.createPicker(snapshot, this.config!);
      this.updateState(ConnectivityState.READY, this.onPick ? new ObservedPicker(picker, this.serviceLabel, this.onPick) : picker, null);
    } else if (this.waiting > 0) {
      if (this.currentState !== ConnectivityState.CONNECTING) this.updateState(ConnectivityState.CONNECTING, new this.grpc.experimental.QueuePicker(this), null);
    } else {
      const details = `lookaside: none of the ${total} backend${total === 1 ? '' : 's'} of ${this.serviceLabel} is reachable; last error: ${this.lastConnectionError ?? 'none reported'}`;
      this.updateState(ConnectivityState.TRANSIENT_FAILURE, new this.grpc.experimental.UnavailablePicker({ code: Status.UNAVAILABLE, details, metadata: new this.grpc.Metadata() }), details);
    }
    // Keep every backend connected: a backend that went IDLE (GOAWAY, max
    // connection age) reconnects now rather than on some later pick.
    this.exitIdle();
  }

  private updateState(state: ConnectivityStateValue, picker: Picker, errorMessage: string | null): void {
    this.currentState = state;
    this.helper.updateState(state, picker, errorMessage);
  }

  exitIdle(): void {
    const idle = [...this.idle];
    this.idle.clear();
    for (const backend of idle) backend.leaf?.exitIdle();
  }

  resetBackoff(): void {
    // Each leaf's pick_first has no backoff of its own to reset.
  }

  /**
   * While load reports count, the picker is rebuilt every update period with
   * the newest weights (A58). A config with other settings restarts the
   * timer with its period.
   */
  private scheduleLoadUpdates(): void {
    const loads = this.config ? this.loadReportWeights(this.config) : undefined;
    if (loads && this.loadTimer && this.loadTimerSettings === loads.settings) return;
    if (this.loadTimer) clearInterval(this.loadTimer);
    this.loadTimer = undefined;
    this.loadTimerSettings = loads?.settings;
    if (!loads) return;
    this.loadTimer = setInterval(() => {
      // The weights of the config in force now, not of the one that set the timer.
      const current = this.config ? this.loadReportWeights(this.config) : undefined;
      current?.retain(new Set(this.backends.keys()));
      this.flush();
    }, loads.settings.weightUpdatePeriodMs);
    // A timer must not keep a process alive that has nothing else to do.
    this.loadTimer.unref?.();
  }

  destroy(): void {
    if (this.loadTimer) clearInterval(this.loadTimer);
    this.loadTimer = undefined;
    if (this.startTimer) clearImmediate(this.startTimer);
    if (this.flushTimer) clearImmediate(this.flushTimer);
    this.startTimer = this.flushTimer = undefined;
    clearTimeout(this.coldStartTimer);
    this.coldStartTimer = undefined;
    this.destroyed = true;
    for (const backend of this.backends.values()) backend.leaf?.destroy();
    this.backends.clear();
    this.readyByRank.clear();
    this.idle.clear();
    this.pending = [];
    this.waiting = 0;
    this.firstAttemptsByRank.clear();
  }

  /** For tests and debugging: the state this policy last reported. */
  get state(): ConnectivityStateValue {
    return this.currentState;
  }
}

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

import type { ChannelOptions, connectivityState, experimental } from '@grpc/grpc-js';
import { ConnectivityState, Status, type GrpcModule } from './grpc-module.js';
import { priorityOf, weightOf } from './weighted-endpoint.js';
import { ObservedPicker, type PickObserver } from './pick-observer.js';
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
  leaf: experimental.LeafLoadBalancer;
  weight: number;
  /** The failover rank: calls go to the lowest rank with a READY backend. */
  priority: number;
  /** Calls in flight on this backend; the same object across pickers. */
  readonly inFlight: { count: number };
  /** The state this policy last saw the leaf in, to notice a READY backend leaving READY. */
  seenState: ConnectivityStateValue;
}

export abstract class WeightedEndpointBalancer<Config extends TypedLoadBalancingConfig> implements LoadBalancer {
  private backends = new Map<string, Backend>();
  private currentState: ConnectivityStateValue = ConnectivityState.IDLE;
  private updatesPaused = false;
  private destroyed = false;
  private resolutionNote = '';
  private serviceLabel = 'the service';
  private onPick: PickObserver | undefined;
  private lastConnectionError: string | null = null;
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
  abstract getTypeName(): string;

  updateAddressList(endpointList: StatusOr<Endpoint[]>, lbConfig: TypedLoadBalancingConfig, options: ChannelOptions, resolutionNote: string): boolean {
    if (!this.isOwnConfig(lbConfig)) return false;
    this.config = lbConfig;
    this.scheduleLoadUpdates();
    this.resolutionNote = resolutionNote;
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
    const next = new Map<string, Backend>();
    const added: Backend[] = [];
    this.updatesPaused = true;
    for (const endpoint of endpointList.value) {
      const key = this.grpc.experimental.endpointToString(endpoint);
      if (next.has(key)) continue;
      const existing = this.backends.get(key);
      if (existing) {
        // Same address: keep the leaf and its connection; only the weight moves.
        existing.weight = weightOf(endpoint);
        existing.priority = priorityOf(endpoint);
        next.set(key, existing);
        continue;
      }
      const backend = this.createBackend(key, endpoint, options, resolutionNote);
      next.set(key, backend);
      added.push(backend);
    }
    const previous = this.backends;
    this.backends = next;
    for (const [key, backend] of previous) {
      if (!next.has(key)) backend.leaf.destroy();
    }
    for (const backend of added) backend.leaf.startConnecting();
    this.updatesPaused = false;
    this.calculateAndUpdateState();
    return true;
  }

  private createBackend(key: string, endpoint: Endpoint, options: ChannelOptions, resolutionNote: string): Backend {
    const backend = { key, weight: weightOf(endpoint), priority: priorityOf(endpoint), inFlight: { count: 0 }, seenState: ConnectivityState.IDLE } as Backend;
    const leafHelper = this.grpc.experimental.createChildChannelControlHelper(this.helper, {
      updateState: (state, _picker, errorMessage) => {
        if (this.destroyed || this.backends.get(key) !== backend) return;
        if (backend.seenState === ConnectivityState.READY && state !== ConnectivityState.READY) {
          // A connection went away (GOAWAY, max age, backend gone): ask for
          // fresh data, as round_robin does. The lookaside resolver answers
          // from its stream, so this is cheap.
          this.helper.requestReresolution();
        }
        backend.seenState = state;
        if (errorMessage) this.lastConnectionError = errorMessage;
        this.calculateAndUpdateState();
      },
    });
    backend.leaf = new this.grpc.experimental.LeafLoadBalancer(endpoint, leafHelper, options, resolutionNote);
    return backend;
  }

  private calculateAndUpdateState(): void {
    if (this.updatesPaused || this.destroyed) return;
    const all = [...this.backends.values()];
    if (all.length === 0) {
      const details = this.resolutionNote || `lookaside: ${this.serviceLabel} has no ready endpoints`;
      this.updateState(ConnectivityState.TRANSIENT_FAILURE, new this.grpc.experimental.UnavailablePicker({ code: Status.UNAVAILABLE, details, metadata: new this.grpc.Metadata() }), details);
      return;
    }
    const allReady = all.filter((b) => b.leaf.getConnectivityState() === ConnectivityState.READY);
    const rank = Math.min(...allReady.map((b) => b.priority));
    const ready = allReady.filter((b) => b.priority === rank);
    if (ready.length > 0) {
      // Snapshot the leaves' pickers now: the picker must not change under a call.
      const loads = this.config ? this.loadReportWeights(this.config) : undefined;
      const multipliers = loads?.multipliers(ready.map((b) => b.key));
      const snapshot: PickableBackend[] = ready.map((b) => ({
        picker: b.leaf.getPicker(),
        weight: b.weight * (multipliers?.get(b.key) ?? 1),
        inFlight: b.inFlight,
        ...(loads && { onLoadReport: (report) => loads.record(b.key, report) }),
      }));
      const picker = this.createPicker(snapshot, this.config!);
      this.updateState(ConnectivityState.READY, this.onPick ? new ObservedPicker(picker, this.serviceLabel, this.onPick) : picker, null);
    } else if (all.some((b) => [ConnectivityState.CONNECTING, ConnectivityState.IDLE].some((state) => state === b.leaf.getConnectivityState()))) {
      this.updateState(ConnectivityState.CONNECTING, new this.grpc.experimental.QueuePicker(this), null);
    } else {
      const details = `lookaside: none of the ${all.length} backend${all.length === 1 ? '' : 's'} of ${this.serviceLabel} is reachable; last error: ${this.lastConnectionError ?? 'none reported'}`;
      this.updateState(ConnectivityState.TRANSIENT_FAILURE, new this.grpc.experimental.UnavailablePicker({ code: Status.UNAVAILABLE, details, metadata: new this.grpc.Metadata() }), details);
    }
    // Keep every backend connected: a backend that went IDLE (GOAWAY, max
    // connection age) reconnects now rather than on some later pick.
    for (const backend of all) {
      if (backend.leaf.getConnectivityState() === ConnectivityState.IDLE) backend.leaf.exitIdle();
    }
  }

  private updateState(state: ConnectivityStateValue, picker: Picker, errorMessage: string | null): void {
    this.currentState = state;
    this.helper.updateState(state, picker, errorMessage);
  }

  exitIdle(): void {
    for (const backend of this.backends.values()) {
      if (backend.leaf.getConnectivityState() === ConnectivityState.IDLE) backend.leaf.exitIdle();
    }
  }

  resetBackoff(): void {
    // Each leaf's pick_first has no backoff of its own to reset.
  }

  /** While load reports count, the picker is rebuilt every update period with the newest weights (A58). */
  private scheduleLoadUpdates(): void {
    const loads = this.config ? this.loadReportWeights(this.config) : undefined;
    if (!loads) {
      if (this.loadTimer) clearInterval(this.loadTimer);
      this.loadTimer = undefined;
      return;
    }
    if (this.loadTimer) return;
    this.loadTimer = setInterval(() => {
      loads.retain(new Set(this.backends.keys()));
      this.calculateAndUpdateState();
    }, loads.settings.weightUpdatePeriodMs);
    // A timer must not keep a process alive that has nothing else to do.
    this.loadTimer.unref?.();
  }

  destroy(): void {
    if (this.loadTimer) clearInterval(this.loadTimer);
    this.loadTimer = undefined;
    this.destroyed = true;
    for (const backend of this.backends.values()) backend.leaf.destroy();
    this.backends.clear();
  }

  /** For tests and debugging: the state this policy last reported. */
  get state(): ConnectivityStateValue {
    return this.currentState;
  }
}

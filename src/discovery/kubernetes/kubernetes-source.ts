// The Kubernetes discovery source: watches v1 Services and
// discovery.k8s.io/v1 EndpointSlices (in all namespaces, or in a list of
// them) and keeps the registry equal to what they describe.
//
// This module imports @kubernetes/client-node, which cannot even be loaded
// on Node 20: whoever selects this source loads it with a dynamic import().
//
// How state flows:
//   informer events ──▶ ServiceEndpointsIndex (views, dirty set)
//                    ──▶ flush, paced by FlushPacer ──▶ registry.upsert / delete
// Nothing is written to the registry until every watcher has applied its
// first list; then the whole state is written and registry.markSynced() is
// called, which turns health SERVING (invariant 1, docs/design.md). After that only dirty
// services are rebuilt, each from its complete set of slices, so a relist or
// reconnect re-publishes identical specs that the registry ignores, and no
// partial or empty state is ever written (invariant 2, docs/design.md).

import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Registry } from '../../registry/registry.js';
import { checkNamespace } from '../../registry/service-ref.js';
import type { DiscoverySource } from '../source.js';
import type { IpFamilyPreference } from './endpoint-slice-merger.js';
import { FlushPacer } from './flush-pacer.js';
import { collectionPath } from './api-request.js';
import { DEFAULT_INFORMER_TIMING, InformerSupervisor, type CachedObject, type InformerHandlers, type InformerSupervisorOptions, type InformerTiming } from './informer-supervisor.js';
import { loadKubeConfig } from './kube-config-loader.js';
import { toNodeView, toPodView, toServiceView, toSliceView, type NodeView, type PodView, type RawEndpointSlice, type RawService, type ServiceView, type SliceView } from './kubernetes-objects.js';
import { BackendWeights } from './backend-weights.js';
import { RAMP_STEP_MS, SlowStart } from './slow-start.js';
import { SYSTEM_SOURCE_CLOCK, SYSTEM_TIMERS, type SourceClock, type SourceTimers } from './source-clock.js';
import { ServiceEndpointsIndex } from './service-endpoints-index.js';
import { GatewayRouteWatcher } from './gateway-route-watcher.js';
import { RouteStatusWriter, type RouteParentStatusInput } from './route-status-writer.js';

export type { IpFamilyPreference } from './endpoint-slice-merger.js';
export type { InformerTiming } from './informer-supervisor.js';
export type { SourceClock, SourceTimers } from './source-clock.js';

export interface KubernetesSourceOptions {
  readonly registry: Registry;
  readonly logger: Logger;
  /** A kubeconfig file (--kubeconfig). Without it: $KUBECONFIG, ~/.kube/config, then in-cluster. */
  readonly kubeconfig?: string;
  /** A context of the kubeconfig (--context). */
  readonly context?: string;
  /** A ready KubeConfig; when given, kubeconfig and context are ignored. */
  readonly kubeConfig?: KubeConfig;
  /** Namespaces to watch (--namespaces); empty or absent: all namespaces. */
  readonly namespaces?: readonly string[];
  /** Which family of a dual-stack Service to publish (--ip-family). Default IPv4. */
  readonly ipFamily?: IpFamilyPreference;
  /**
   * Read each backend's weight from its Pod's lookaside.dev/weight
   * annotation (--pod-weights). Needs list/watch on pods (the pod-weights
   * RBAC overlay); the source syncs only once the pods have been listed, so
   * the first weights published are the annotated ones.
   */
  readonly podWeights?: boolean;
  /** Slow start for every Service without its own lookaside.dev/slow-start annotation (--slow-start); 0 or absent: off. */
  readonly slowStartMs?: number;
  /**
   * The least time between two writes to the registry (see FlushPacer): a
   * change after a quiet period is written at once, and the changes of a
   * burst (a rolling update rewriting slices) are gathered into one write per
   * interval. Default 100 ms.
   */
  readonly minFlushIntervalMs?: number;
  /** Items per list page (limit/continue). Default 500. */
  readonly listPageSize?: number;
  /** Watch timeouts and backoff; tests make them short. */
  readonly timing?: Partial<InformerTiming>;
  /** Told of every restart of a list/watch: the resource and why (for metrics). */
  readonly onWatchRestart?: (resource: string, reason: string) => void;
  /** Told how late each watch event arrived after its object's last change (for metrics). */
  readonly onEventLag?: (resource: string, seconds: number) => void;
  /**
   * The status of every route in the registry (RouteTranslator.statuses()):
   * with it, the source writes status.parents of the GRPCRoutes it acts on
   * (needs patch on grpcroutes/status); without it, routes are read only.
   */
  readonly routeStatuses?: () => readonly RouteParentStatusInput[];
  /** The timers of the Gateway API CRD re-check and of status writes; tests pass a clock they advance. */
  readonly timers?: SourceTimers;
  /** The clock of slow-start ramps and of the pacing of registry writes; tests pass one they advance. */
  readonly clock?: SourceClock;
  /** The clock of the watches: quiet-watch timeouts, request deadlines, reconnect and restart delays. */
  readonly watchClock?: SourceClock;
  /** How often API discovery is asked again for Gateway API CRDs that are not installed. Default 30 s. */
  readonly crdRecheckMs?: number;
  /** Milliseconds since the epoch, for the lastTransitionTime of route conditions. */
  readonly wallClock?: () => number;
}

export const DEFAULT_MIN_FLUSH_INTERVAL_MS = 100;

/** Builds the source; nothing happens until start(). */
export function createKubernetesSource(options: KubernetesSourceOptions): DiscoverySource {
  return new KubernetesSource(options);
}

const SERVICES = { group: '', version: 'v1', resource: 'services' } as const;
const ENDPOINT_SLICES = { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' } as const;
const NODES = { group: '', version: 'v1', resource: 'nodes' } as const;
const PODS = { group: '', version: 'v1', resource: 'pods' } as const;

/** One kind of object the source lists and watches, and what it does with each. */
interface WatchedKind<V> {
  readonly resource: { readonly group: string; readonly version: string; readonly resource: string };
  /** Objects have no namespace (Nodes). */
  readonly clusterScoped?: boolean;
  /** Only metadata is read (PartialObjectMetadata). */
  readonly metadataOnly?: boolean;
  readonly toView: (raw: unknown) => V | undefined;
  readonly handlers: InformerHandlers<V>;
}

/** A kind of object, typed by its view where it is written, kept among the others. */
function watchedKind<V>(kind: WatchedKind<V>): WatchedKind<unknown> {
  return kind;
}

/** What every list/watch of the source shares. */
type WatchSettings = Pick<InformerSupervisorOptions<unknown>, 'kubeConfig' | 'logger' | 'timing' | 'clock' | 'listPageSize'>;

export class KubernetesSource implements DiscoverySource {
  readonly kind = 'kubernetes';
  private readonly log: Logger;
  private readonly index: ServiceEndpointsIndex;
  private readonly supervisors: InformerSupervisor<unknown>[] = [];
  private readonly weights: BackendWeights;
  private readonly slowStart: SlowStart;
  /** Services whose ramp is due to move on, with their timers. */
  private readonly ramps = new Map<string, { cancel(): void }>();
  /**
   * Nodes' zones, for callers that name only their node. Not part of the
   * sync: without it (no RBAC on nodes, or a namespaced install) answers
   * are simply not zone-aware for those callers.
   */
  private nodes: InformerSupervisor<NodeView> | undefined;
  /** GRPCRoutes and ReferenceGrants (when their CRDs are installed) into registry.routes. */
  private routeWatcher: GatewayRouteWatcher | undefined;
  private statusWriter: RouteStatusWriter | undefined;
  private readonly unsubscribe: (() => void)[] = [];
  private readonly pacer: FlushPacer;
  private readonly clock: SourceClock;
  private synced = false;
  private startedAt = 0;
  private stopped = false;

  constructor(private readonly options: KubernetesSourceOptions) {
    this.log = options.logger.child({ component: 'kubernetes-source' });
    this.weights = new BackendWeights(this.log);
    this.clock = options.clock ?? SYSTEM_SOURCE_CLOCK;
    this.slowStart = new SlowStart(this.log, options.slowStartMs ?? 0, () => this.clock.now());
    this.index = new ServiceEndpointsIndex(options.ipFamily ?? 'IPv4', this.weights);
    this.pacer = new FlushPacer(options.minFlushIntervalMs ?? DEFAULT_MIN_FLUSH_INTERVAL_MS, () => this.flush(), this.clock);
  }

  /**
   * Loads the configuration and starts the watchers; resolves at once. It
   * rejects only for a configuration that cannot work (no kubeconfig, an
   * unknown context, an invalid namespace). API errors, 403 included, are
   * retried in the background and logged.
   */
  async start(): Promise<void> {
    const namespaces = [...new Set(this.options.namespaces ?? [])];
    for (const namespace of namespaces) checkNamespace(namespace, 'namespaces');
    const { kubeConfig, description } = this.kubeConfig();
    const watch: WatchSettings = {
      kubeConfig,
      logger: this.options.logger,
      timing: { ...DEFAULT_INFORMER_TIMING, ...this.options.timing },
      ...(this.options.watchClock && { clock: this.options.watchClock }),
      ...(this.options.listPageSize !== undefined && { listPageSize: this.options.listPageSize }),
    };
    for (const namespace of namespaces.length > 0 ? namespaces : [undefined]) {
      for (const kind of this.namespacedKinds()) this.supervisors.push(this.supervise(kind, namespace, watch));
    }
    // Nodes are cluster-scoped: watched only when the whole cluster is (a
    // namespaced install has no cluster-wide rights). They are not part of
    // the sync: without them answers are only not zone-aware.
    if (namespaces.length === 0) this.nodes = this.supervise(this.nodeKind(), undefined, watch);
    const timers = this.options.timers ?? SYSTEM_TIMERS;
    this.routeWatcher = new GatewayRouteWatcher({
      ...watch,
      ...(this.options.watchClock && { watchClock: this.options.watchClock }),
      namespaces,
      routes: this.options.registry.routes,
      timers,
      ...(this.options.crdRecheckMs !== undefined && { crdRecheckMs: this.options.crdRecheckMs }),
      metricHooks: (resource) => this.metricHooks(resource),
      onSynced: () => this.onListApplied(),
      onRouteObjectChange: () => this.statusWriter?.request(),
    });
    this.startStatusWriter(kubeConfig, this.routeWatcher, timers);
    this.log.info(
      { namespaces: namespaces.length > 0 ? namespaces : 'all', ipFamily: this.options.ipFamily ?? 'IPv4', config: description },
      `watching Services and EndpointSlices in ${namespaces.length > 0 ? `namespaces ${namespaces.join(', ')}` : 'all namespaces'} (${description}); not serving until both have synced`,
    );
    this.startedAt = performance.now();
    for (const supervisor of this.supervisors) supervisor.start();
    this.nodes?.start();
    this.routeWatcher.start();
  }

  /** The KubeConfig given, or the one loaded from --kubeconfig, --context or the defaults. */
  private kubeConfig(): { kubeConfig: KubeConfig; description: string } {
    if (this.options.kubeConfig) return { kubeConfig: this.options.kubeConfig, description: 'the given KubeConfig' };
    return loadKubeConfig({
      ...(this.options.kubeconfig !== undefined && { kubeconfig: this.options.kubeconfig }),
      ...(this.options.context !== undefined && { context: this.options.context }),
    });
  }

  /** What is watched in each namespace (or cluster-wide): Services, EndpointSlices, and Pods for --pod-weights. */
  private namespacedKinds(): WatchedKind<unknown>[] {
    const onListApplied = () => this.onListApplied();
    const kinds = [
      watchedKind<ServiceView>({
        resource: SERVICES,
        toView: (raw) => toServiceView(raw as RawService),
        handlers: { onUpsert: (object) => this.onServiceUpsert(object), onDelete: (object) => this.onServiceDelete(object), onListApplied },
      }),
      watchedKind<SliceView>({
        resource: ENDPOINT_SLICES,
        toView: (raw) => toSliceView(raw as RawEndpointSlice),
        handlers: { onUpsert: (object) => this.onSliceUpsert(object), onDelete: (object) => this.onSliceDelete(object), onListApplied },
      }),
    ];
    if (this.options.podWeights) {
      // Each Pod is read at the edge down to its weight annotation, from its metadata alone.
      kinds.push(
        watchedKind<PodView>({
          resource: PODS,
          metadataOnly: true,
          toView: (raw) => toPodView(raw as { metadata?: { annotations?: Record<string, string> } }),
          handlers: {
            onUpsert: ({ metadata, view }) => this.onPodWeight(metadata.namespace, this.weights.setPod(metadata.namespace, metadata.name, view?.weightAnnotation)),
            onDelete: ({ metadata }) => this.onPodWeight(metadata.namespace, this.weights.deletePod(metadata.namespace, metadata.name)),
            onListApplied,
          },
        }),
      );
    }
    return kinds;
  }

  /** Nodes, read at the edge down to their zone label from their metadata: a name and a zone per node. */
  private nodeKind(): WatchedKind<NodeView> {
    const registry = this.options.registry;
    return {
      resource: NODES,
      clusterScoped: true,
      metadataOnly: true,
      toView: (raw) => toNodeView(raw as { metadata?: { labels?: Record<string, string> } }),
      handlers: {
        onUpsert: (object) => registry.setNodeZone(object.metadata.name, object.view?.zone),
        onDelete: (object) => registry.setNodeZone(object.metadata.name, undefined),
        onListApplied: () => {},
      },
    };
  }

  /** One list/watch of a kind of object, in a namespace or (namespace undefined) the whole cluster. */
  private supervise<V>(kind: WatchedKind<V>, namespace: string | undefined, watch: WatchSettings): InformerSupervisor<V> {
    const { group, version, resource } = kind.resource;
    return new InformerSupervisor<V>({
      ...watch,
      path: collectionPath(group, version, resource, namespace),
      ...(kind.clusterScoped && { clusterScoped: true }),
      ...(kind.metadataOnly && { metadataOnly: true }),
      toView: kind.toView,
      resource: { group, resource, namespace },
      handlers: kind.handlers,
      ...this.metricHooks(resource),
    });
  }

  /** With routeStatuses, writes the status of the GRPCRoutes the source acts on. */
  private startStatusWriter(kubeConfig: KubeConfig, watcher: GatewayRouteWatcher, timers: SourceTimers): void {
    const { routeStatuses, registry } = this.options;
    if (!routeStatuses) return;
    const writer = new RouteStatusWriter({
      kubeConfig,
      logger: this.options.logger,
      statuses: routeStatuses,
      objects: () => watcher.routeObjects(),
      ready: () => this.synced,
      onWritten: (previous, object) => watcher.recordWritten(previous, object),
      timers,
      ...(this.options.wallClock && { wallClock: this.options.wallClock }),
    });
    this.statusWriter = writer;
    // A status depends on the routes, the grants, and which Services and ports exist.
    this.unsubscribe.push(
      registry.onChange(() => writer.request()),
      registry.routes.onChange(() => writer.request()),
      registry.onSynced(() => writer.request()),
    );
  }

  /** The writer of GRPCRoute status, when routeStatuses was given. */
  get routeStatusWriter(): RouteStatusWriter | undefined {
    return this.statusWriter;
  }

  /** The supervisor callbacks that feed the source's metrics, for one resource. */
  private metricHooks(resource: string): { onRestart?: (reason: string) => void; onEventLag?: (seconds: number) => void } {
    const { onWatchRestart, onEventLag } = this.options;
    return {
      ...(onWatchRestart && { onRestart: (reason: string) => onWatchRestart(resource, reason) }),
      ...(onEventLag && { onEventLag: (seconds: number) => onEventLag(resource, seconds) }),
    };
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.pacer.cancel();
    for (const timer of this.ramps.values()) timer.cancel();
    this.ramps.clear();
    this.statusWriter?.stop();
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    await Promise.all([...this.supervisors, ...(this.nodes ? [this.nodes] : [])].map((s) => s.stop()).concat(this.routeWatcher ? [this.routeWatcher.stop()] : []));
  }

  private onServiceUpsert(object: CachedObject<ServiceView>): void {
    // An object that could not be read counts as absent: serving a stale
    // version of it could send traffic to pods it no longer selects.
    if (object.view) this.index.setService(object.view);
    else this.index.deleteService(object.metadata.namespace, object.metadata.name);
    this.scheduleFlush();
  }

  private onServiceDelete(object: CachedObject<ServiceView>): void {
    this.index.deleteService(object.metadata.namespace, object.metadata.name);
    this.scheduleFlush();
  }

  private onSliceUpsert(object: CachedObject<SliceView>): void {
    if (object.view) this.index.setSlice(object.view);
    else this.index.deleteSlice(object.metadata.namespace, object.metadata.name);
    this.scheduleFlush();
  }

  private onSliceDelete(object: CachedObject<SliceView>): void {
    this.index.deleteSlice(object.metadata.namespace, object.metadata.name);
    this.scheduleFlush();
  }

  /** A pod's weight changed: its namespace's services are rebuilt (weight-only updates). */
  private onPodWeight(namespace: string, changed: boolean): void {
    if (!changed) return;
    this.index.markNamespaceDirty(namespace);
    this.scheduleFlush();
  }

  private onListApplied(): void {
    // Routes that exist are in the registry before the first answer (the
    // route watcher never holds this up for a missing CRD or RBAC rule).
    if (!this.synced && this.supervisors.every((s) => s.synced) && this.routeWatcher?.synced) {
      // The first complete state: write it all at once, then serve.
      this.index.markAllDirty();
      this.pacer.flushNow();
      // From now on a backend that becomes ready is new: it ramps (slow start).
      this.slowStart.startRamping();
      this.synced = true;
      this.options.registry.markSynced();
      const stats = this.options.registry.stats();
      this.log.info({ services: stats.services, backends: stats.backends, ms: Math.round(performance.now() - this.startedAt) }, 'Services and EndpointSlices synced; serving');
      return;
    }
    this.scheduleFlush();
  }

  /** Rebuilds a ramping service in RAMP_STEP_MS: at most one version per second per ramp. */
  private scheduleRampStep(key: string): void {
    if (this.ramps.has(key) || this.stopped) return;
    const timer = this.clock.setTimer(() => {
      this.ramps.delete(key);
      this.index.markDirty(key);
      this.scheduleFlush();
    }, RAMP_STEP_MS);
    this.ramps.set(key, timer);
  }

  private scheduleFlush(): void {
    // Before the first sync nothing is written: onListApplied writes it all.
    if (!this.synced || this.stopped) return;
    this.pacer.request();
  }

  /** Writes every dirty service to the registry, each from its complete state. */
  private flush(): void {
    const registry = this.options.registry;
    for (const key of this.index.takeDirty()) {
      try {
        const result = this.index.build(key);
        if (!result) {
          this.slowStart.forget(key);
          if (registry.delete(key)) this.log.debug({ service: key }, 'service removed');
          continue;
        }
        const window = this.slowStart.windowOf(key, this.index.serviceOf(key)?.slowStartAnnotation);
        const { spec, ramping } = this.slowStart.apply(key, result.spec, window);
        if (ramping) this.scheduleRampStep(key);
        if (result.skippedSlices.length > 0) {
          this.log.debug({ service: key, slices: result.skippedSlices }, 'ignoring FQDN EndpointSlices: they name no pod and are deprecated');
        }
        if (registry.upsert(spec)) {
          this.log.debug({ service: key, backends: spec.ports.map((p) => `${p.name || p.port}:${p.backends.length}`) }, 'service updated');
        }
      } catch (error) {
        // Invariant 9 (docs/design.md): one service that cannot be written costs that service.
        this.log.error({ err: error, service: key }, 'publishing a service failed; the others carry on');
      }
    }
  }
}

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

import { CoreV1Api, DiscoveryV1Api, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Registry } from '../../registry/registry.js';
import { checkNamespace } from '../../registry/service-ref.js';
import type { DiscoverySource } from '../source.js';
import type { IpFamilyPreference } from './endpoint-slice-merger.js';
import { FlushPacer } from './flush-pacer.js';
import { DEFAULT_INFORMER_TIMING, InformerSupervisor, type CachedObject, type InformerTiming } from './informer-supervisor.js';
import { loadKubeConfig } from './kube-config-loader.js';
import { toNodeView, toPodView, toServiceView, toSliceView, type NodeView, type PodView, type RawEndpointSlice, type RawService, type ServiceView, type SliceView } from './kubernetes-objects.js';
import { BackendWeights } from './backend-weights.js';
import { RAMP_STEP_MS, SlowStart } from './slow-start.js';
import { SYSTEM_SOURCE_CLOCK, type SourceClock } from './source-clock.js';
import { ServiceEndpointsIndex } from './service-endpoints-index.js';
import { GatewayRouteWatcher, SYSTEM_TIMERS, type SourceTimers } from './gateway-route-watcher.js';
import { RouteStatusWriter, type RouteParentStatusInput } from './route-status-writer.js';

export type { IpFamilyPreference } from './endpoint-slice-merger.js';
export type { InformerTiming } from './informer-supervisor.js';
export type { SourceTimers } from './gateway-route-watcher.js';
export type { SourceClock } from './source-clock.js';

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

const SERVICES = { group: '', resource: 'services' } as const;
const ENDPOINT_SLICES = { group: 'discovery.k8s.io', resource: 'endpointslices' } as const;
const NODES = { group: '', resource: 'nodes', namespace: undefined } as const;
const PODS = { group: '', resource: 'pods' } as const;

/**
 * Pods and Nodes are read as metadata only (PartialObjectMetadata, as
 * client-go's metadata client asks), with plain JSON as the fallback an API
 * server without it answers with: only their labels and annotations are
 * used, and a Pod's or Node's status is most of its size.
 */
export const PARTIAL_OBJECT_METADATA_LIST_ACCEPT = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';
export const PARTIAL_OBJECT_METADATA_ACCEPT = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';
const METADATA_LIST_OPTIONS = setHeaderOptions('Accept', PARTIAL_OBJECT_METADATA_LIST_ACCEPT);

export class KubernetesSource implements DiscoverySource {
  readonly kind = 'kubernetes';
  private readonly log: Logger;
  private readonly index: ServiceEndpointsIndex;
  private readonly supervisors: (InformerSupervisor<ServiceView> | InformerSupervisor<SliceView> | InformerSupervisor<PodView>)[] = [];
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
    let kubeConfig = this.options.kubeConfig;
    let description = 'the given KubeConfig';
    if (!kubeConfig) {
      const loaded = loadKubeConfig({
        ...(this.options.kubeconfig !== undefined && { kubeconfig: this.options.kubeconfig }),
        ...(this.options.context !== undefined && { context: this.options.context }),
      });
      kubeConfig = loaded.kubeConfig;
      description = loaded.description;
    }
    const timing: InformerTiming = { ...DEFAULT_INFORMER_TIMING, ...this.options.timing };
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const discovery = kubeConfig.makeApiClient(DiscoveryV1Api);
    const scopes: (string | undefined)[] = namespaces.length > 0 ? namespaces : [undefined];
    const common = { kubeConfig, logger: this.options.logger, timing, ...(this.options.listPageSize !== undefined && { listPageSize: this.options.listPageSize }) };
    for (const namespace of scopes) {
      this.supervisors.push(
        new InformerSupervisor<ServiceView>({
          ...common,
          path: namespace ? `/api/v1/namespaces/${namespace}/services` : '/api/v1/services',
          listPage: (page) => (namespace ? core.listNamespacedService({ namespace, ...page }) : core.listServiceForAllNamespaces(page)),
          toView: (raw) => toServiceView(raw as RawService),
          resource: { ...SERVICES, namespace },
          ...this.metricHooks('services'),
          handlers: {
            onUpsert: (object) => this.onServiceUpsert(object),
            onDelete: (object) => this.onServiceDelete(object),
            onListApplied: () => this.onListApplied(),
          },
        }),
        new InformerSupervisor<SliceView>({
          ...common,
          path: namespace ? `/apis/discovery.k8s.io/v1/namespaces/${namespace}/endpointslices` : '/apis/discovery.k8s.io/v1/endpointslices',
          listPage: (page) => (namespace ? discovery.listNamespacedEndpointSlice({ namespace, ...page }) : discovery.listEndpointSliceForAllNamespaces(page)),
          toView: (raw) => toSliceView(raw as RawEndpointSlice),
          resource: { ...ENDPOINT_SLICES, namespace },
          ...this.metricHooks('endpointslices'),
          handlers: {
            onUpsert: (object) => this.onSliceUpsert(object),
            onDelete: (object) => this.onSliceDelete(object),
            onListApplied: () => this.onListApplied(),
          },
        }),
      );
      if (this.options.podWeights) {
        // Each Pod is read at the edge down to its weight annotation.
        this.supervisors.push(
          new InformerSupervisor<PodView>({
            ...common,
            path: namespace ? `/api/v1/namespaces/${namespace}/pods` : '/api/v1/pods',
            listPage: (page) => (namespace ? core.listNamespacedPod({ namespace, ...page }, METADATA_LIST_OPTIONS) : core.listPodForAllNamespaces(page, METADATA_LIST_OPTIONS)),
            watchAccept: PARTIAL_OBJECT_METADATA_ACCEPT,
            toView: (raw) => toPodView(raw as { metadata?: { annotations?: Record<string, string> } }),
            resource: { ...PODS, namespace },
            ...this.metricHooks('pods'),
            handlers: {
              onUpsert: (object) => this.onPodWeight(object.metadata.namespace, this.weights.setPod(object.metadata.namespace, object.metadata.name, object.view?.weightAnnotation)),
              onDelete: (object) => this.onPodWeight(object.metadata.namespace, this.weights.deletePod(object.metadata.namespace, object.metadata.name)),
              onListApplied: () => this.onListApplied(),
            },
          }),
        );
      }
    }
    // Nodes are cluster-scoped: watched only when the whole cluster is (a
    // namespaced install has no cluster-wide rights). The object is read at
    // the edge down to its zone label, so memory is a name and a zone per node.
    if (namespaces.length === 0) {
      this.nodes = new InformerSupervisor<NodeView>({
        ...common,
        path: '/api/v1/nodes',
        clusterScoped: true,
        listPage: (page) => core.listNode(page, METADATA_LIST_OPTIONS),
        watchAccept: PARTIAL_OBJECT_METADATA_ACCEPT,
        toView: (raw) => toNodeView(raw as { metadata?: { labels?: Record<string, string> } }),
        resource: NODES,
        ...this.metricHooks('nodes'),
        handlers: {
          onUpsert: (object) => this.options.registry.setNodeZone(object.metadata.name, object.view?.zone),
          onDelete: (object) => this.options.registry.setNodeZone(object.metadata.name, undefined),
          onListApplied: () => {},
        },
      });
    }
    const timers = this.options.timers ?? SYSTEM_TIMERS;
    const registry = this.options.registry;
    this.routeWatcher = new GatewayRouteWatcher({
      ...common,
      namespaces,
      routes: registry.routes,
      timers,
      ...(this.options.crdRecheckMs !== undefined && { crdRecheckMs: this.options.crdRecheckMs }),
      metricHooks: (resource) => this.metricHooks(resource),
      onSynced: () => this.onListApplied(),
      onRouteObjectChange: () => this.statusWriter?.request(),
    });
    const routeStatuses = this.options.routeStatuses;
    if (routeStatuses) {
      const watcher = this.routeWatcher;
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
    this.log.info(
      { namespaces: namespaces.length > 0 ? namespaces : 'all', ipFamily: this.options.ipFamily ?? 'IPv4', config: description },
      `watching Services and EndpointSlices in ${namespaces.length > 0 ? `namespaces ${namespaces.join(', ')}` : 'all namespaces'} (${description}); not serving until both have synced`,
    );
    this.startedAt = performance.now();
    for (const supervisor of this.supervisors) supervisor.start();
    this.nodes?.start();
    this.routeWatcher.start();
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

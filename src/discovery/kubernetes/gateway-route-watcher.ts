// Watches Gateway API GRPCRoutes (gateway.networking.k8s.io/v1) and
// ReferenceGrants (v1beta1: every release of the standard channel serves it,
// v1 only the newest) and keeps registry.routes equal to them.
//
// The CRDs may be absent. Whether each is installed is asked of API
// discovery (GET /apis/gateway.networking.k8s.io/<version>), which every
// authenticated client may read (the built-in system:discovery role), so
// the check needs no RBAC; a CRD watch would need cluster-wide list/watch on
// customresourcedefinitions, which a namespaced install cannot have and
// which would let the control plane read every CRD's schema. A missing CRD
// is said once at info level; the control plane serves as without routes,
// and asks discovery again every crdRecheckMs (30 s: one small request)
// until the CRD appears, then watches it.
//
// Each object is read at the edge down to what routing needs: metadata
// (name, namespace, generation, creationTimestamp) and the spec, checked by
// the CRD's own rules (grpc-route-schema.ts), plus a GRPCRoute's
// status.parents, which the status writer compares against and preserves.
// An object that fails the checks is reported (naming it, the field and
// the rule) and does not reach the registry: a route keeps its last valid
// version, so nothing known is lost to one bad edit.
//
// A CRD deleted while watched (its objects are deleted first, so their
// routes are gone by then) makes the list answer 404: discovery is asked
// to confirm, the watch is stopped, that is said once at info, and the
// re-check takes over until the CRD is back.

import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { grpcRouteSpecSchema, referenceGrantSpecSchema, toGrpcRouteSpec, toReferenceGrant } from '../grpc-route-schema.js';
import { GATEWAY_GROUP, routeKey, type ReferenceGrantSource, type RouteSource } from '../../registry/route-spec.js';
import type { RouteStore } from '../../registry/route-store.js';
import { explainFailure, httpStatusOf } from './api-failure.js';
import { withDeadline } from './api-deadline.js';
import { collectionPath } from './api-request.js';
import { InformerSupervisor, type CachedObject, type InformerTiming } from './informer-supervisor.js';
import type { SourceClock, SourceTimers } from './source-clock.js';

export const GRPC_ROUTE_VERSION = 'v1';
export const REFERENCE_GRANT_VERSION = 'v1beta1';
/** How often discovery is asked again for a CRD that is not installed. */
export const DEFAULT_CRD_RECHECK_MS = 30_000;
/** The deadline of each API discovery request and status write (list pages: InformerTiming.listPageTimeoutMs). */
export const DEFAULT_API_TIMEOUT_MS = 10_000;

export { SYSTEM_TIMERS, type SourceTimers } from './source-clock.js';

type GatewayResource = 'grpcroutes' | 'referencegrants';

const RESOURCES: Record<GatewayResource, { readonly version: string; readonly kind: string }> = {
  grpcroutes: { version: GRPC_ROUTE_VERSION, kind: 'GRPCRoute' },
  referencegrants: { version: REFERENCE_GRANT_VERSION, kind: 'ReferenceGrant' },
};

/** A GRPCRoute object as the API holds it: what the status writer compares and preserves. */
export interface RouteObjectState {
  readonly name: string;
  readonly namespace: string;
  readonly resourceVersion: string;
  readonly generation: number;
  /** status.parents as stored, every controller's entries. */
  readonly parents: readonly unknown[];
}

interface RouteView {
  readonly state: RouteObjectState;
  readonly route?: RouteSource;
  readonly problem?: string;
}

interface GrantView {
  readonly grant?: ReferenceGrantSource;
  readonly generation: number;
  readonly problem?: string;
}

export interface GatewayRouteWatcherOptions {
  readonly kubeConfig: KubeConfig;
  readonly logger: Logger;
  readonly timing: InformerTiming;
  /** The clock of the watches' timeouts, deadlines and delays; default the process's. */
  readonly watchClock?: SourceClock;
  readonly listPageSize?: number;
  /** Namespaces to watch; empty: all. */
  readonly namespaces: readonly string[];
  readonly routes: RouteStore;
  readonly timers: SourceTimers;
  readonly crdRecheckMs?: number;
  readonly apiTimeoutMs?: number;
  readonly metricHooks: (resource: string) => { onRestart?: (reason: string) => void; onEventLag?: (seconds: number) => void };
  /** The watcher's part of the first sync is done (see `synced`). */
  readonly onSynced: () => void;
  /** A GRPCRoute object changed (its spec or its status): status may need writing. */
  readonly onRouteObjectChange: () => void;
}

export class GatewayRouteWatcher {
  private readonly log: Logger;
  private readonly api: CustomObjectsApi;
  private readonly supervisors = new Map<GatewayResource, InformerSupervisor<RouteView | GrantView>[]>();
  /** Resources whose absence has been said (once). */
  private readonly reportedAbsent = new Set<GatewayResource>();
  /** Watches that may not list (403) or find nothing (404) before their first list: they do not hold up serving. */
  private readonly blocked = new Set<InformerSupervisor<RouteView | GrantView>>();
  private readonly objectStates = new Map<string, RouteObjectState>();
  /** The last problem reported per object, so a bad object is reported once per generation. */
  private readonly reported = new Map<string, string>();
  /** ReferenceGrants known, by "namespace/name" (to forget them if their CRD goes). */
  private readonly grantKeys = new Set<string>();
  /** Resources whose watch hit 404 and whose CRD is being looked up. */
  private readonly confirming = new Set<GatewayResource>();
  private recheck: { cancel(): void } | undefined;
  private probed = false;
  private stopped = false;

  constructor(private readonly options: GatewayRouteWatcherOptions) {
    this.log = options.logger.child({ component: 'gateway-route-watcher' });
    this.api = options.kubeConfig.makeApiClient(CustomObjectsApi);
  }

  /**
   * True once discovery has answered (or failed) and every watch it
   * started has applied its first list or cannot (403, 404): routes that
   * exist are in the registry before the first answer is served, and a
   * missing CRD or RBAC rule never holds serving up.
   */
  get synced(): boolean {
    if (!this.probed) return false;
    for (const list of this.supervisors.values()) for (const s of list) if (!s.synced && !this.blocked.has(s)) return false;
    return true;
  }

  /** The GRPCRoute objects known, by "namespace/name". */
  routeObjects(): ReadonlyMap<string, RouteObjectState> {
    return this.objectStates;
  }

  /**
   * Records an object the API server returned for a write of ours, when no
   * newer event has been seen since the version written over: the next
   * status check compares against what was written, without waiting for
   * the watch to bring it.
   */
  recordWritten(previousResourceVersion: string, raw: unknown): void {
    const state = readRouteState(raw);
    if (!state) return;
    const key = routeKey(state);
    if (this.objectStates.get(key)?.resourceVersion === previousResourceVersion) this.objectStates.set(key, state);
  }

  start(): void {
    void this.probe();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.recheck?.cancel();
    await Promise.all([...this.supervisors.values()].flat().map((s) => s.stop()));
  }

  /** Asks discovery which CRDs are installed; watches the new ones; checks again later while one is missing. */
  private async probe(): Promise<void> {
    // Said once: only CRDs found missing for the first time.
    const missing: GatewayResource[] = [];
    for (const resource of Object.keys(RESOURCES) as GatewayResource[]) {
      if (this.supervisors.has(resource) || this.stopped) continue;
      const installed = await this.isInstalled(resource);
      if (this.stopped) return;
      if (installed === true) this.watch(resource);
      else if (installed === false && !this.reportedAbsent.has(resource)) {
        this.reportedAbsent.add(resource);
        missing.push(resource);
      }
    }
    if (missing.length > 0) {
      const crds = missing.map((r) => `${RESOURCES[r].kind} (${r}.${GATEWAY_GROUP}/${RESOURCES[r].version})`).join(' and ');
      this.log.info(
        { missing: missing.map((r) => `${r}.${GATEWAY_GROUP}`), recheckSeconds: this.recheckMs / 1000 },
        `the Gateway API ${missing.length > 1 ? 'CRDs' : 'CRD'} of ${crds} ${missing.length > 1 ? 'are' : 'is'} not installed: routing from ${missing.map((r) => `${RESOURCES[r].kind}s`).join(' and ')} is off and Services are served as without them; checking again every ${this.recheckMs / 1000} s`,
      );
    }
    const first = !this.probed;
    this.probed = true;
    if (first) this.options.onSynced();
    this.scheduleProbe();
  }

  private scheduleProbe(): void {
    if (this.recheck || this.stopped || this.supervisors.size === Object.keys(RESOURCES).length) return;
    this.recheck = this.options.timers.setTimer(() => {
      this.recheck = undefined;
      void this.probe();
    }, this.recheckMs);
  }

  /** A watch answered 404: if discovery agrees the CRD is gone, stop watching it and check again later. */
  private async confirmGone(resource: GatewayResource): Promise<void> {
    if (this.confirming.has(resource) || !this.supervisors.has(resource)) return;
    this.confirming.add(resource);
    try {
      if ((await this.isInstalled(resource)) !== false || this.stopped) return;
      const supervisors = this.supervisors.get(resource) ?? [];
      this.supervisors.delete(resource);
      for (const supervisor of supervisors) this.blocked.delete(supervisor);
      await Promise.all(supervisors.map((s) => s.stop()));
      // Its objects were deleted with it; anything not yet seen deleted goes now.
      if (resource === 'grpcroutes') {
        for (const state of [...this.objectStates.values()]) this.options.routes.deleteRoute(state.namespace, state.name);
        this.objectStates.clear();
        this.options.onRouteObjectChange();
      } else {
        for (const key of [...this.grantKeys]) {
          const [namespace, name] = key.split('/') as [string, string];
          this.options.routes.deleteGrant(namespace, name);
        }
        this.grantKeys.clear();
      }
      this.reportedAbsent.add(resource);
      const { kind, version } = RESOURCES[resource];
      this.log.info(
        { resource: `${resource}.${GATEWAY_GROUP}` },
        `the ${kind} CRD (${resource}.${GATEWAY_GROUP}/${version}) was removed: ${kind}s no longer apply; checking again every ${this.recheckMs / 1000} s`,
      );
      this.options.onSynced();
      this.scheduleProbe();
    } finally {
      this.confirming.delete(resource);
    }
  }

  private get recheckMs(): number {
    return this.options.crdRecheckMs ?? DEFAULT_CRD_RECHECK_MS;
  }

  /** true: served; false: not installed; undefined: discovery failed (said at warn; asked again later). */
  private async isInstalled(resource: GatewayResource): Promise<boolean | undefined> {
    const { version } = RESOURCES[resource];
    const deadline = withDeadline(this.options.apiTimeoutMs ?? DEFAULT_API_TIMEOUT_MS);
    try {
      const list = await this.api.getAPIResources({ group: GATEWAY_GROUP, version }, deadline.options);
      return list.resources.some((r) => r.name === resource);
    } catch (error) {
      if (httpStatusOf(error) === 404) return false;
      const reason = deadline.signal.aborted ? `no answer within ${this.options.apiTimeoutMs ?? DEFAULT_API_TIMEOUT_MS} ms` : explainFailure(error, { verb: 'get', resource: '', group: `${GATEWAY_GROUP}/${version}`, namespace: undefined }).message;
      this.log.warn({ err: error, recheckSeconds: this.recheckMs / 1000 }, `cannot tell whether the ${RESOURCES[resource].kind} CRD is installed (API discovery of ${GATEWAY_GROUP}/${version}: ${reason}); serving without it and asking again in ${this.recheckMs / 1000} s`);
      return undefined;
    }
  }

  private watch(resource: GatewayResource): void {
    const { version, kind } = RESOURCES[resource];
    const scopes: (string | undefined)[] = this.options.namespaces.length > 0 ? [...this.options.namespaces] : [undefined];
    if (this.reportedAbsent.has(resource)) this.log.info({ resource: `${resource}.${GATEWAY_GROUP}` }, `the ${kind} CRD is installed now: watching ${kind}s`);
    const list = scopes.map((namespace) => {
      const hooks = this.options.metricHooks(resource);
      const supervisor: InformerSupervisor<RouteView | GrantView> = new InformerSupervisor<RouteView | GrantView>({
        kubeConfig: this.options.kubeConfig,
        logger: this.options.logger,
        timing: this.options.timing,
        ...(this.options.watchClock && { clock: this.options.watchClock }),
        ...(this.options.listPageSize !== undefined && { listPageSize: this.options.listPageSize }),
        path: collectionPath(GATEWAY_GROUP, version, resource, namespace),
        toView: resource === 'grpcroutes' ? toRouteView : toGrantView,
        resource: { group: GATEWAY_GROUP, resource, namespace },
        ...(hooks.onEventLag && { onEventLag: hooks.onEventLag }),
        onRestart: (reason) => {
          hooks.onRestart?.(reason);
          // Without the RBAC rule (or with the CRD gone) this list may never
          // succeed: it is retried, and logged, but serving does not wait.
          if ((reason === 'forbidden' || reason === 'not_found') && !supervisor.synced && !this.blocked.has(supervisor)) {
            this.blocked.add(supervisor);
            this.options.onSynced();
          }
          if (reason === 'not_found') void this.confirmGone(resource);
        },
        handlers:
          resource === 'grpcroutes'
            ? {
                onUpsert: (object) => this.onRouteUpsert(object as CachedObject<RouteView>),
                onDelete: (object) => this.onRouteDelete(object as CachedObject<RouteView>),
                onListApplied: () => this.onListApplied(supervisor),
              }
            : {
                onUpsert: (object) => this.onGrantUpsert(object as CachedObject<GrantView>),
                onDelete: (object) => this.onGrantDelete(object as CachedObject<GrantView>),
                onListApplied: () => this.onListApplied(supervisor),
              },
      });
      return supervisor;
    });
    this.supervisors.set(resource, list);
    for (const supervisor of list) supervisor.start();
  }

  private onListApplied(supervisor: InformerSupervisor<RouteView | GrantView>): void {
    this.blocked.delete(supervisor);
    this.options.onSynced();
  }

  private onRouteUpsert(object: CachedObject<RouteView>): void {
    const view = object.view;
    if (!view) return;
    const key = routeKey(object.metadata);
    this.objectStates.set(key, view.state);
    if (view.route) {
      this.reported.delete(`grpcroute:${key}`);
      this.options.routes.upsertRoute(view.route);
    } else {
      this.reportInvalid('grpcroute', 'GRPCRoute', key, view.state.generation, view.problem ?? 'unreadable', this.options.routes.route(object.metadata.namespace, object.metadata.name) !== undefined);
    }
    this.options.onRouteObjectChange();
  }

  private onRouteDelete(object: CachedObject<RouteView>): void {
    const key = routeKey(object.metadata);
    this.objectStates.delete(key);
    this.reported.delete(`grpcroute:${key}`);
    this.options.routes.deleteRoute(object.metadata.namespace, object.metadata.name);
    this.options.onRouteObjectChange();
  }

  private onGrantUpsert(object: CachedObject<GrantView>): void {
    const view = object.view;
    if (!view) return;
    const key = routeKey(object.metadata);
    if (view.grant) {
      this.grantKeys.add(key);
      this.reported.delete(`referencegrant:${key}`);
      this.options.routes.upsertGrant(view.grant);
      return;
    }
    const known = this.options.routes.grants().some((g) => routeKey(g) === key);
    this.reportInvalid('referencegrant', 'ReferenceGrant', key, view.generation, view.problem ?? 'unreadable', known);
  }

  private onGrantDelete(object: CachedObject<GrantView>): void {
    this.reported.delete(`referencegrant:${routeKey(object.metadata)}`);
    this.grantKeys.delete(routeKey(object.metadata));
    this.options.routes.deleteGrant(object.metadata.namespace, object.metadata.name);
  }

  private reportInvalid(tag: string, kind: string, key: string, generation: number, problem: string, keepsPrevious: boolean): void {
    const id = `${tag}:${key}`;
    const said = `${generation}:${problem}`;
    if (this.reported.get(id) === said) return;
    this.reported.set(id, said);
    this.log.error(
      { [tag]: key, generation, problem },
      `${kind} ${key} (generation ${generation}) is invalid: ${problem}; ${keepsPrevious ? 'its previous valid version stays in force' : 'it is ignored'} until it is fixed`,
    );
  }
}

type RawObject = { metadata?: { name?: unknown; namespace?: unknown; resourceVersion?: unknown; generation?: unknown; creationTimestamp?: unknown }; spec?: unknown; status?: { parents?: unknown } };

function readRouteState(raw: unknown): RouteObjectState | undefined {
  const metadata = (raw as RawObject | null)?.metadata;
  if (typeof metadata?.name !== 'string' || typeof metadata.namespace !== 'string') return undefined;
  const parents = (raw as RawObject).status?.parents;
  return {
    name: metadata.name,
    namespace: metadata.namespace,
    resourceVersion: typeof metadata.resourceVersion === 'string' ? metadata.resourceVersion : '',
    generation: typeof metadata.generation === 'number' ? metadata.generation : 1,
    parents: Array.isArray(parents) ? parents : [],
  };
}

/** A GRPCRoute read down to what routing and status need. */
function toRouteView(raw: unknown): RouteView | undefined {
  const state = readRouteState(raw);
  if (!state) return undefined;
  const parsed = grpcRouteSpecSchema.safeParse((raw as RawObject).spec ?? {});
  if (!parsed.success) return { state, problem: describeIssues(parsed.error.issues) };
  const created = (raw as RawObject).metadata?.creationTimestamp;
  const age = created instanceof Date ? created.getTime() : typeof created === 'string' ? Date.parse(created) : Number.NaN;
  return { state, route: { name: state.name, namespace: state.namespace, generation: state.generation, age: Number.isFinite(age) ? age : 0, spec: toGrpcRouteSpec(parsed.data) } };
}

function toGrantView(raw: unknown): GrantView | undefined {
  const metadata = (raw as RawObject | null)?.metadata;
  if (typeof metadata?.name !== 'string' || typeof metadata.namespace !== 'string') return undefined;
  const generation = typeof metadata.generation === 'number' ? metadata.generation : 1;
  const parsed = referenceGrantSpecSchema.safeParse((raw as RawObject).spec);
  if (!parsed.success) return { generation, problem: describeIssues(parsed.error.issues) };
  return { generation, grant: { name: metadata.name, namespace: metadata.namespace, ...toReferenceGrant(parsed.data) } };
}

/** "spec.rules[0].backendRefs[0].port: is required for a Service: the Service port number; ..." */
function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const path = ['spec', ...issue.path.filter((p): p is string | number => typeof p !== 'symbol')].map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
      const what = issue.code === 'unrecognized_keys' ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}` : issue.message;
      return `${path}: ${what}`;
    })
    .join('; ');
}

// Writes the status of each GRPCRoute the control plane acts on: for each
// of its Service parentRefs, an entry of status.parents under the
// project's controllerName with the Accepted and ResolvedRefs conditions
// the translation worked out (RouteTranslator.statuses(), injected by
// whoever wires the source: discovery does not read the translation), each
// with observedGeneration and lastTransitionTime.
//
// Several replicas run at once and none leads: each computes the same
// status from the same API state and writes only when what is stored
// differs from it (lastTransitionTime aside: a condition that keeps its
// status keeps the time stored), so the first replica's write makes the
// others' identical and they skip it. Each write is a JSON merge patch of
// the status subresource carrying metadata.resourceVersion of the object it
// was computed from: the API server refuses it with 409 Conflict when the
// object changed meanwhile (another replica, another controller), and it is
// tried again, after a capped backoff, from the newer version the watch
// brings; so entries of other controllers in status.parents are kept as
// they are, never overwritten from a stale copy. No GET is needed.
//
// Nothing is written before the source has synced (a Service not yet
// listed would read as BackendNotFound). Every request has a deadline.

import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from 'pino';
import { GATEWAY_GROUP, type RouteParentRef } from '../../registry/route-spec.js';
import { explainFailure, httpStatusOf } from './api-failure.js';
import { withDeadline } from './api-deadline.js';
import { DEFAULT_API_TIMEOUT_MS, GRPC_ROUTE_VERSION, type RouteObjectState, type SourceTimers } from './gateway-route-watcher.js';

/** The controllerName of the control plane's entries in status.parents. */
export const LOOKASIDE_CONTROLLER_NAME = 'lookaside.dev/control-plane';
/** Who the API server records as the writer of status (managedFields). */
export const STATUS_FIELD_MANAGER = 'lookaside-control-plane';

/** One route's status for one Service parentRef, as the translation states it. */
export interface RouteParentStatusInput {
  /** "namespace/name". */
  readonly route: string;
  readonly parentRef: RouteParentRef;
  readonly observedGeneration: number;
  readonly accepted: RouteConditionInput;
  readonly resolvedRefs: RouteConditionInput;
}

export interface RouteConditionInput {
  readonly type: string;
  readonly status: string;
  readonly reason: string;
  readonly message: string;
}

export interface RouteStatusWriterOptions {
  readonly kubeConfig: KubeConfig;
  readonly logger: Logger;
  /** The status of every route in the registry, per Service parentRef. */
  readonly statuses: () => readonly RouteParentStatusInput[];
  /** The GRPCRoute objects as the API holds them. */
  readonly objects: () => ReadonlyMap<string, RouteObjectState>;
  /** Whether the source has synced: nothing is written before. */
  readonly ready: () => boolean;
  /** Told of the object a successful write returned. */
  readonly onWritten: (previousResourceVersion: string, object: unknown) => void;
  readonly timers: SourceTimers;
  /** Milliseconds since the epoch, for lastTransitionTime. */
  readonly wallClock?: () => number;
  readonly apiTimeoutMs?: number;
  /** Changes within this long are checked together. Default 200 ms. */
  readonly paceMs?: number;
  /** First and longest delay before a write is tried again (conflict, timeout, 5xx). Default 200 ms and 30 s. */
  readonly retryInitialMs?: number;
  readonly retryMaxMs?: number;
  readonly random?: () => number;
}

interface ParentEntry {
  readonly parentRef: Record<string, unknown>;
  readonly controllerName: string;
  readonly conditions: readonly Record<string, unknown>[];
}

/** The Condition message limit of the CRD (metav1.Condition). */
const MAX_MESSAGE = 32_768;

export class RouteStatusWriter {
  private readonly log: Logger;
  private readonly api: CustomObjectsApi;
  private pass: { cancel(): void } | undefined;
  private readonly inFlight = new Set<string>();
  private readonly retries = new Map<string, { cancel(): void }>();
  private readonly failures = new Map<string, number>();
  /** Routes whose last write was refused for RBAC: said once until a write succeeds. */
  private readonly forbidden = new Set<string>();
  /** Per route, the resourceVersion last found to hold the status already: nothing to write. */
  private readonly upToDate = new Map<string, string>();
  private stopped = false;
  private writes = 0;
  private conflicts = 0;

  constructor(private readonly options: RouteStatusWriterOptions) {
    this.log = options.logger.child({ component: 'route-status-writer' });
    this.api = options.kubeConfig.makeApiClient(CustomObjectsApi);
  }

  /** Successful status writes and 409 conflicts so far (for logs and tests). */
  get stats(): { readonly writes: number; readonly conflicts: number; readonly pending: number } {
    return { writes: this.writes, conflicts: this.conflicts, pending: this.inFlight.size + this.retries.size + (this.pass ? 1 : 0) };
  }

  /** The resourceVersion of a route last found to need no write, if the route was checked since its last change. */
  upToDateVersion(key: string): string | undefined {
    return this.upToDate.get(key);
  }

  /** Something the status depends on changed: check every route soon (changes within paceMs are checked together). */
  request(): void {
    if (this.pass || this.stopped) return;
    this.pass = this.options.timers.setTimer(() => {
      this.pass = undefined;
      this.check();
    }, this.options.paceMs ?? 200);
  }

  stop(): void {
    this.stopped = true;
    this.pass?.cancel();
    for (const retry of this.retries.values()) retry.cancel();
    this.retries.clear();
  }

  private check(): void {
    if (this.stopped || !this.options.ready()) return;
    const desired = new Map<string, RouteParentStatusInput[]>();
    for (const status of this.options.statuses()) {
      const list = desired.get(status.route) ?? [];
      list.push(status);
      desired.set(status.route, list);
    }
    for (const [key, object] of this.options.objects()) {
      // One write per route at a time; a route waiting to retry is checked when its timer fires.
      if (this.inFlight.has(key) || this.retries.has(key)) continue;
      const parents = this.plan(object, desired.get(key) ?? []);
      if (parents) {
        this.upToDate.delete(key);
        void this.write(key, object, parents);
      } else {
        this.failures.delete(key);
        this.upToDate.set(key, object.resourceVersion);
      }
    }
    for (const key of this.upToDate.keys()) if (!this.options.objects().has(key)) this.upToDate.delete(key);
  }

  /** The new status.parents, or undefined when what is stored already says it. */
  private plan(object: RouteObjectState, statuses: readonly RouteParentStatusInput[]): unknown[] | undefined {
    const ours = (entry: unknown) => (entry as { controllerName?: unknown } | null)?.controllerName === LOOKASIDE_CONTROLLER_NAME;
    const stored = object.parents.filter(ours) as ParentEntry[];
    const now = rfc3339(this.options.wallClock?.() ?? Date.now());
    const entries: ParentEntry[] = statuses.map((status) => {
      // As the spec names it (sources give group and kind always, the other fields only when set):
      // group and kind must be written, or the status schema would default them to a Gateway's.
      const parentRef: Record<string, unknown> = { ...status.parentRef };
      const previous = stored.find((entry) => isDeepStrictEqual(entry.parentRef, parentRef));
      return {
        parentRef,
        controllerName: LOOKASIDE_CONTROLLER_NAME,
        conditions: [status.accepted, status.resolvedRefs].map((condition) => {
          const before = previous?.conditions?.find((c) => c.type === condition.type);
          return {
            type: condition.type,
            status: condition.status,
            reason: condition.reason,
            message: condition.message.length > MAX_MESSAGE ? `${condition.message.slice(0, MAX_MESSAGE - 3)}...` : condition.message,
            observedGeneration: status.observedGeneration,
            // A condition whose status did not change keeps the time it last changed.
            lastTransitionTime: before?.status === condition.status && typeof before.lastTransitionTime === 'string' ? before.lastTransitionTime : now,
          };
        }),
      };
    });
    if (isDeepStrictEqual(stored.map(withoutTransitionTimes), entries.map(withoutTransitionTimes))) return undefined;
    // Other controllers' entries stay as they are, first; ours follow.
    return [...object.parents.filter((entry) => !ours(entry)), ...entries];
  }

  private async write(key: string, object: RouteObjectState, parents: unknown[]): Promise<void> {
    this.inFlight.add(key);
    const timeoutMs = this.options.apiTimeoutMs ?? DEFAULT_API_TIMEOUT_MS;
    const deadline = withDeadline(timeoutMs, { 'Content-Type': 'application/merge-patch+json' });
    let retry = false;
    try {
      const written: unknown = await this.api.patchNamespacedCustomObjectStatus(
        {
          group: GATEWAY_GROUP,
          version: GRPC_ROUTE_VERSION,
          namespace: object.namespace,
          plural: 'grpcroutes',
          name: object.name,
          // The resourceVersion makes the patch conditional: 409 if the object changed since.
          body: { metadata: { resourceVersion: object.resourceVersion }, status: { parents } },
          fieldManager: STATUS_FIELD_MANAGER,
        },
        deadline.options,
      );
      this.writes++;
      this.failures.delete(key);
      this.forbidden.delete(key);
      this.log.debug({ route: key, generation: object.generation }, 'route status written');
      this.options.onWritten(object.resourceVersion, written);
    } catch (error) {
      const status = httpStatusOf(error);
      if (status === 404) {
        // The route was deleted meanwhile: its watch event removes it.
      } else if (status === 409) {
        this.conflicts++;
        retry = true;
        this.log.debug({ route: key }, 'route status write conflicted (the object changed since it was read); trying again from the newer version');
      } else if (status === 403) {
        retry = true;
        if (!this.forbidden.has(key)) {
          this.forbidden.add(key);
          this.log.error(
            { route: key },
            `forbidden: this service account may not patch grpcroutes/status in namespace ${object.namespace}, so GRPCRoute ${key} shows no Accepted/ResolvedRefs status. Grant patch on grpcroutes/status (${GATEWAY_GROUP}) with the RBAC manifest (deploy/kubernetes/base/cluster-role.yaml, or the single-namespace overlay's role.yaml); routing is not affected, and the write is retried`,
          );
        }
      } else {
        retry = true;
        const why = deadline.signal.aborted ? `no answer within ${timeoutMs} ms` : explainFailure(error, { verb: 'patch', resource: 'grpcroutes/status', group: GATEWAY_GROUP, namespace: object.namespace }).message;
        this.log.warn({ route: key, err: error }, `writing the status of GRPCRoute ${key} failed (${why}); trying again`);
      }
    } finally {
      this.inFlight.delete(key);
    }
    if (retry) this.retryLater(key);
    else this.request();
  }

  /** Capped exponential backoff with jitter, per route. */
  private retryLater(key: string): void {
    if (this.stopped) return;
    const failures = this.failures.get(key) ?? 0;
    this.failures.set(key, failures + 1);
    const initial = this.options.retryInitialMs ?? 200;
    const ceiling = Math.min(this.options.retryMaxMs ?? 30_000, initial * 2 ** Math.min(failures, 20));
    const waitMs = ceiling / 2 + (ceiling / 2) * (this.options.random ?? Math.random)();
    const timer = this.options.timers.setTimer(() => {
      this.retries.delete(key);
      this.check();
    }, waitMs);
    this.retries.set(key, timer);
  }
}

function withoutTransitionTimes(entry: ParentEntry): unknown {
  return { ...entry, conditions: (entry.conditions ?? []).map(({ lastTransitionTime: _time, ...rest }) => rest) };
}

/** metav1.Time: RFC 3339 in whole seconds, as the API server stores it. */
function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

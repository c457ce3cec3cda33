// Keeps one collection of the Kubernetes API listed and watched for as long
// as the source runs: the project's own list/watch loop, on the public
// request API of @kubernetes/client-node (api-request.ts). It does what
// client-go's reflector does, no more:
//  - list in pages (limit/continue), each page with a deadline; all pages
//    are one snapshot, at the first page's resourceVersion;
//  - watch from that resourceVersion with allowWatchBookmarks, so a quiet
//    watch still advances its resourceVersion and a reconnect rarely needs
//    a relist;
//  - a watch with no data (events or bookmarks) for watchTimeoutMs is
//    re-opened at once from its last resourceVersion; a normal server close
//    reconnects after a delay that doubles from 1 s to 30 s, reset by a
//    watch that stayed open for 30 s (not by an event: a server that sends
//    one event, or an ERROR, and ends every watch at once would otherwise
//    be asked again at once, forever);
//  - 410 Gone (HTTP, or an ERROR event) relists; the relist is diffed
//    against the cache (ObjectCache), so only real differences reach the
//    handlers and the list is never empty or partial on the way
//    (invariant 2, docs/design.md); the handlers are told when a list has
//    been applied completely, synchronously after its last difference;
//  - with metadataOnly, lists and watches ask for PartialObjectMetadata.
// Every other failure (a list that fails, a 403, a socket cut mid-stream, a
// deadline) is logged in words a person can act on, and the loop starts
// again after a capped exponential backoff with jitter, keeping its cache
// and resourceVersion: a restart resumes the watch where it was, and only a
// 410 costs a relist. All of its time (timeouts, deadlines, delays) runs on
// an injectable clock.
//
// The cache is kept small: objects are converted at the edge, as they come
// out of a list page or a watch event, into a CachedObject (name,
// namespace, resourceVersion and the source's own compact view); a real
// Service or EndpointSlice carries managedFields, annotations and owner
// references, often kilobytes.

import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { explainFailure, httpStatusOf, type ApiRequestDescription } from './api-failure.js';
import { apiGet, ApiStatusError, PARTIAL_OBJECT_METADATA_ACCEPT, PARTIAL_OBJECT_METADATA_LIST_ACCEPT } from './api-request.js';
import { ObjectCache, type CachedObject } from './object-cache.js';
import { lastChangeTime } from './object-change-time.js';
import { SYSTEM_SOURCE_CLOCK, type SourceClock } from './source-clock.js';
import { readWatchEvents, type WatchEvent } from './watch-event-stream.js';

export type { CachedObject } from './object-cache.js';

export interface InformerTiming {
  /** A watch with no data (events or bookmarks) for this long is re-opened; also the deadline for its response headers. */
  readonly watchTimeoutMs: number;
  /** The deadline of each list page request. */
  readonly listPageTimeoutMs: number;
  /** First delay before restarting after a failure. */
  readonly restartInitialMs: number;
  /** Longest delay between restarts after an answer the API server gave (403, 429, 5xx). */
  readonly restartMaxMs: number;
  /**
   * Longest delay between restarts after a failure to reach the API server
   * at all (refused, reset, timed out): short, so that the watch is back
   * within a couple of seconds of the server, and such a retry costs the
   * server nothing while it is down.
   */
  readonly connectionRetryMaxMs: number;
  /** How long after a watch reopens the changes it replays are counted for the "restored" log line. */
  readonly restoreSettleMs: number;
  /** Scales the reconnect delays after a normal server close (1 s doubling to 30 s); tests set it small. */
  readonly reconnectDelayScale: number;
}

export const DEFAULT_INFORMER_TIMING: InformerTiming = {
  watchTimeoutMs: 30_000,
  listPageTimeoutMs: 30_000,
  restartInitialMs: 500,
  restartMaxMs: 30_000,
  connectionRetryMaxMs: 2_000,
  restoreSettleMs: 1_000,
  reconnectDelayScale: 1,
};

/** Reconnect delays after a normal server close, as client-go's and client-node's. */
const RECONNECT_BASE_MS = 1_000;
const RECONNECT_MAX_MS = 30_000;

export const DEFAULT_LIST_PAGE_SIZE = 500;

/** One page of a list, as the API server answers it. */
interface ListPage {
  readonly metadata?: { readonly resourceVersion?: string; readonly continue?: string };
  readonly items?: readonly unknown[];
}

export interface InformerHandlers<V> {
  /** An object was added or changed. */
  onUpsert(object: CachedObject<V>): void;
  onDelete(object: CachedObject<V>): void;
  /** A complete list has been applied (first sync, or a relist after 410). */
  onListApplied(): void;
}

export interface InformerSupervisorOptions<V> {
  readonly kubeConfig: KubeConfig;
  /** The API path of the collection, e.g. /apis/discovery.k8s.io/v1/endpointslices (see collectionPath). */
  readonly path: string;
  /** Objects have no namespace (Nodes); they are cached under namespace "". */
  readonly clusterScoped?: boolean;
  /** List and watch as PartialObjectMetadata: only metadata is read. */
  readonly metadataOnly?: boolean;
  /** Items per list page. */
  readonly listPageSize?: number;
  /** Reads the source's view out of a raw object; may throw on a malformed one. */
  readonly toView: (raw: unknown) => V | undefined;
  /** What is being listed, for log messages. */
  readonly resource: Omit<ApiRequestDescription, 'verb'>;
  readonly handlers: InformerHandlers<V>;
  readonly logger: Logger;
  readonly timing: InformerTiming;
  /** The clock of timeouts, deadlines and delays; default the process's. */
  readonly clock?: SourceClock;
  /** A source of randomness in [0, 1) for jitter. */
  readonly random?: () => number;
  /** Told of every restart: after a failure (its reason) or a 410 relist ("expired"). */
  readonly onRestart?: (reason: string) => void;
  /** Told, for each watch event, how long after the object's last change it arrived. */
  readonly onEventLag?: (seconds: number) => void;
}

/** Why a watch ended without a failure. */
type WatchEnd = 'closed' | 'quiet' | 'expired';

/** A request that got no answer within its deadline. */
class RequestDeadlineError extends Error {
  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'RequestDeadlineError';
  }
}

/**
 * A list page's body, or an error saying what came instead: a proxy or load
 * balancer in front of the API server may answer 200 with a page of HTML.
 */
function readListPage(text: string, contentType: string | undefined): ListPage {
  const sample = JSON.stringify(text.slice(0, 100));
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`the answer is not JSON (Content-Type ${contentType ?? 'unset'}, body ${sample}); expected a List object. Is the kubeconfig's server the API server itself, not a proxy or a login page?`);
  }
  const page = parsed as ListPage | null;
  if (typeof page !== 'object' || page === null || Array.isArray(page) || (page.items !== undefined && page.items !== null && !Array.isArray(page.items))) {
    throw new Error(`the answer is JSON but not a List object with an "items" array (body ${sample})`);
  }
  return page;
}

export class InformerSupervisor<V> {
  private readonly log: Logger;
  private readonly clock: SourceClock;
  private readonly cache = new ObjectCache<V>();
  /** Where the next watch starts; "" when a list is needed first. */
  private resourceVersion = '';
  private phase: 'list' | 'watch' = 'list';
  private failures = 0;
  private reconnectDelayMs = 0;
  private restartTimer: { cancel(): void } | undefined;
  /** The request in flight, aborted by stop(). */
  private request: AbortController | undefined;
  /** Ends a reconnect delay early (stop). */
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private stopped = false;
  private started = false;
  private listsApplied = 0;
  /** Set from the first failure until the watch is restored: when it began and the changes applied since. */
  private outage: { since: number; changes: number; settle?: { cancel(): void } } | undefined;

  constructor(private readonly options: InformerSupervisorOptions<V>) {
    const { resource } = options;
    this.clock = options.clock ?? SYSTEM_SOURCE_CLOCK;
    this.log = options.logger.child({ component: 'informer', resource: resource.group ? `${resource.resource}.${resource.group}` : resource.resource, namespace: resource.namespace ?? '*' });
  }

  /** True once a list has been applied. */
  get synced(): boolean {
    return this.listsApplied > 0;
  }

  /** Starts listing and watching in the background. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.run();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.restartTimer?.cancel();
    this.outage?.settle?.cancel();
    this.request?.abort();
    this.wake?.();
    await this.loop;
  }

  private run(): void {
    if (this.stopped) return;
    this.loop = this.listAndWatch().catch((error: unknown) => this.onFailure(error));
  }

  /** Lists when there is no resourceVersion to watch from, then watches, until a failure or stop. */
  private async listAndWatch(): Promise<void> {
    this.reconnectDelayMs = 0;
    while (!this.stopped) {
      if (this.resourceVersion === '') await this.relist();
      if (this.stopped) return;
      const end = await this.watchOnce();
      if (end === 'expired') {
        this.resourceVersion = '';
        this.options.onRestart?.('expired');
      } else if (end === 'closed') {
        const delayMs = this.reconnectDelayMs * this.options.timing.reconnectDelayScale;
        this.log.debug({ delayMs }, `the API server ended the watch; re-opening it in ${delayMs} ms`);
        await this.pause(delayMs);
        this.reconnectDelayMs = Math.min(this.reconnectDelayMs > 0 ? this.reconnectDelayMs * 2 : RECONNECT_BASE_MS, RECONNECT_MAX_MS);
      }
      // 'quiet': the silence itself was the wait; re-open at once.
    }
  }

  /** Lists every page and applies the differences to the cache, then says the list is applied. */
  private async relist(): Promise<void> {
    this.phase = 'list';
    const { items, resourceVersion } = await this.listAllPages();
    if (this.stopped) return;
    const difference = this.cache.replace(items);
    this.resourceVersion = resourceVersion;
    this.phase = 'watch';
    this.failures = 0;
    for (const object of difference.deleted) this.emit('delete', object);
    for (const object of difference.upserted) this.emit('upsert', object);
    this.listsApplied++;
    this.log.debug({ items: items.length, resourceVersion, lists: this.listsApplied }, 'list applied');
    this.guard('list', () => this.options.handlers.onListApplied());
  }

  /**
   * Reads every page of the list. The resourceVersion of a paged list is the
   * first page's: all pages are one consistent snapshot. A continue token
   * that expired (410) starts the list again from its first page.
   */
  private async listAllPages(): Promise<{ items: CachedObject<V>[]; resourceVersion: string }> {
    const limit = this.options.listPageSize ?? DEFAULT_LIST_PAGE_SIZE;
    let items: CachedObject<V>[] = [];
    let resourceVersion: string | undefined;
    let next: string | undefined;
    /** The continue tokens of this list so far: one answered again means the list goes round, not on. */
    let tokens = new Set<string>();
    /** Items that could not be keyed (no name, or no namespace): told once per list. */
    let unkeyed = 0;
    while (!this.stopped) {
      let page: ListPage;
      try {
        page = await this.listPage(limit, next);
      } catch (error) {
        if (next === undefined || httpStatusOf(error) !== 410) throw error;
        this.log.info('the continue token of a paged list expired (410 Gone); listing again from the first page');
        [items, resourceVersion, next, tokens, unkeyed] = [[], undefined, undefined, new Set(), 0];
        continue;
      }
      resourceVersion ??= page.metadata?.resourceVersion;
      for (const raw of page.items ?? []) {
        const cached = this.toCached(raw);
        if (cached) items.push(cached);
        else unkeyed++;
      }
      next = page.metadata?.continue || undefined;
      if (next === undefined) break;
      if (tokens.has(next)) {
        // Paging on would never end, and hold every page meanwhile; the list fails as a whole, so the cache keeps what it knew.
        throw new Error(`the API server answered a continue token it had answered before in this list ("${next.slice(0, 100)}", after ${tokens.size + 1} pages): the paged list goes round instead of ending (GET ${this.options.path})`);
      }
      tokens.add(next);
    }
    if (this.stopped) return { items, resourceVersion: '' };
    if (unkeyed > 0) this.log.warn({ objects: unkeyed }, `${unkeyed} object${unkeyed === 1 ? '' : 's'} of the list had no ${this.keyFields}; left out`);
    if (!resourceVersion) throw new Error(`the API server's list carried no metadata.resourceVersion to watch from (GET ${this.options.path})`);
    return { items, resourceVersion };
  }

  private async listPage(limit: number, next: string | undefined): Promise<ListPage> {
    const { listPageTimeoutMs } = this.options.timing;
    const controller = this.startRequest();
    const deadline = this.clock.setTimer(() => controller.abort(new RequestDeadlineError(listPageTimeoutMs)), listPageTimeoutMs);
    try {
      const response = await apiGet(this.options.kubeConfig, this.options.path, {
        query: { limit, continue: next },
        ...(this.options.metadataOnly && { accept: PARTIAL_OBJECT_METADATA_LIST_ACCEPT }),
        signal: controller.signal,
      });
      return readListPage(await response.body.text(), response.headers['content-type']);
    } catch (error) {
      throw controller.signal.reason instanceof RequestDeadlineError ? controller.signal.reason : error;
    } finally {
      deadline.cancel();
      this.endRequest(controller);
    }
  }

  /** One watch request, read until it ends; how it ended, or a failure thrown. */
  private async watchOnce(): Promise<WatchEnd> {
    this.phase = 'watch';
    const quietMs = this.options.timing.watchTimeoutMs;
    const controller = this.startRequest();
    let end: WatchEnd | undefined;
    const finish = (how: WatchEnd) => {
      end ??= how;
      controller.abort();
    };
    let quietTimer = this.clock.setTimer(() => finish('quiet'), quietMs);
    let openedAt: number | undefined;
    const rearm = () => {
      quietTimer.cancel();
      quietTimer = this.clock.setTimer(() => finish('quiet'), quietMs);
    };
    try {
      const response = await apiGet(this.options.kubeConfig, this.options.path, {
        query: { watch: true, resourceVersion: this.resourceVersion, allowWatchBookmarks: true },
        ...(this.options.metadataOnly && { accept: PARTIAL_OBJECT_METADATA_ACCEPT }),
        signal: controller.signal,
      });
      rearm();
      openedAt = this.clock.now();
      this.onWatchOpen();
      const body = response.body.stream();
      if (body) {
        await readWatchEvents(body, {
          onData: rearm,
          onEvent: (event) => {
            if (end !== undefined) return;
            const ended = this.onWatchEvent(event);
            if (ended) finish(ended);
          },
          onMalformed: (line, error) => this.log.warn({ err: error, line: line.slice(0, 200) }, 'skipping a watch line that is not an event; the watch carries on'),
        });
      }
      return end ?? 'closed';
    } catch (error) {
      if (end !== undefined) {
        if (end === 'quiet') this.log.debug({ quietMs, resourceVersion: this.resourceVersion }, 'no data on the watch; re-opening it from its resourceVersion');
        return end;
      }
      if (httpStatusOf(error) === 410) {
        this.logExpired(undefined);
        return 'expired';
      }
      if (this.stopped) return 'closed';
      throw error;
    } finally {
      // A watch that lasted (the API server ends them after minutes) ended normally: the next opens at once.
      if (openedAt !== undefined && this.clock.now() - openedAt >= RECONNECT_MAX_MS) this.reconnectDelayMs = 0;
      quietTimer.cancel();
      this.endRequest(controller);
    }
  }

  /** Applies one watch event; says how the watch ends when the event ends it. */
  private onWatchEvent(event: WatchEvent): WatchEnd | undefined {
    // Any event, a bookmark included, proves the watch works again (the
    // reconnect delay after a normal close is reset only by a watch that
    // lasted: see watchOnce).
    this.failures = 0;
    const { type, object } = event;
    if (type === 'ERROR') {
      const status = object as { code?: number; message?: string } | undefined;
      if (status?.code === 410) {
        this.logExpired(status.message);
        return 'expired';
      }
      this.log.warn({ status }, 'the watch reported an error; it will be re-opened');
      return 'closed';
    }
    if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') {
      if (this.options.onEventLag) {
        const changedAt = lastChangeTime(object);
        if (changedAt !== undefined) this.options.onEventLag(Math.max(0, Date.now() - changedAt) / 1000);
      }
      const cached = this.toCached(object);
      if (!cached) this.log.warn({ type }, `a watch event's object had no ${this.keyFields}; left out`);
      if (cached && type === 'DELETED') {
        if (this.cache.delete(cached)) this.emit('delete', cached);
      } else if (cached && this.cache.upsert(cached)) {
        this.emit('upsert', cached);
      }
    } else if (type !== 'BOOKMARK') {
      this.log.warn({ type }, 'ignoring a watch event of an unknown type');
    }
    const resourceVersion = (object as { metadata?: { resourceVersion?: unknown } } | null)?.metadata?.resourceVersion;
    if (typeof resourceVersion === 'string' && resourceVersion !== '') this.resourceVersion = resourceVersion;
    return undefined;
  }

  private logExpired(message: string | undefined): void {
    this.log.info({ message }, 'resource version expired (410 Gone); relisting, and publishing only real changes');
  }

  private emit(kind: 'upsert' | 'delete', object: CachedObject<V>): void {
    if (this.outage) this.outage.changes++;
    const { handlers } = this.options;
    this.guard(kind, () => (kind === 'upsert' ? handlers.onUpsert(object) : handlers.onDelete(object)));
  }

  private startRequest(): AbortController {
    const controller = new AbortController();
    this.request = controller;
    return controller;
  }

  private endRequest(controller: AbortController): void {
    // Aborting a request that has ended releases its connection at once.
    controller.abort();
    if (this.request === controller) this.request = undefined;
  }

  /** Waits `ms` on the clock, or until stop(). */
  private pause(ms: number): Promise<void> {
    if (ms <= 0 || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = this.clock.setTimer(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        timer.cancel();
        resolve();
      };
    });
  }

  /** What keys an object, for the messages about one that lacks it. */
  private get keyFields(): string {
    return this.options.clusterScoped ? 'metadata.name (a string)' : 'metadata.name and metadata.namespace (strings)';
  }

  /**
   * The cache entry for a raw object, or undefined when it has no name (it
   * cannot be keyed). A view that cannot be read is logged and cached as
   * undefined, so the watch still advances past the object.
   */
  private toCached(raw: unknown): CachedObject<V> | undefined {
    const metadata = (raw as { metadata?: { name?: unknown; namespace?: unknown; resourceVersion?: unknown } } | null)?.metadata;
    const namespace = typeof metadata?.namespace === 'string' ? metadata.namespace : this.options.clusterScoped ? '' : undefined;
    if (typeof metadata?.name !== 'string' || namespace === undefined) return undefined;
    let view: V | undefined;
    try {
      view = this.options.toView(raw);
    } catch (error) {
      this.log.error({ err: error, name: metadata.name, namespace }, 'cannot read an object; treating it as absent, and the watch carries on');
    }
    return {
      metadata: { name: metadata.name, namespace, ...(typeof metadata.resourceVersion === 'string' && { resourceVersion: metadata.resourceVersion }) },
      view,
    };
  }

  /**
   * A watch is open again. After an outage, the changes the API server
   * replays (or the relist's differences) arrive at once; they are counted
   * for restoreSettleMs and reported in one line at info.
   */
  private onWatchOpen(): void {
    const outage = this.outage;
    if (!outage || outage.settle || this.stopped) return;
    const restoredAfterS = (this.clock.now() - outage.since) / 1000;
    outage.settle = this.clock.setTimer(() => {
      if (this.outage !== outage) return;
      this.outage = undefined;
      this.log.info({ outageSeconds: Number(restoredAfterS.toFixed(1)), changesApplied: outage.changes }, `watch restored after ${restoredAfterS.toFixed(1)} s, ${outage.changes} change${outage.changes === 1 ? '' : 's'} applied`);
    }, this.options.timing.restoreSettleMs);
  }

  private onFailure(error: unknown): void {
    if (this.stopped) return;
    const request: ApiRequestDescription = { ...this.options.resource, verb: this.phase };
    const explained = explainFailure(error, request);
    this.options.onRestart?.(explained.reason);
    if (this.outage?.settle) {
      // It failed again while settling: still the same outage.
      this.outage.settle.cancel();
      this.outage.settle = undefined;
    }
    this.outage ??= { since: this.clock.now(), changes: 0 };
    // An API server that is shedding load says when to come back (Retry-After); sooner would only be refused again.
    const retryAfterMs = error instanceof ApiStatusError && error.retryAfterMs !== undefined ? Math.min(error.retryAfterMs, this.options.timing.restartMaxMs) : 0;
    const waitMs = Math.max(retryAfterMs, this.backoff(explained.reason === 'unreachable' || explained.reason === 'connection_lost'));
    const fields = { status: explained.status, retryInMs: Math.round(waitMs), failures: this.failures };
    if (httpStatusOf(error) === 403 || httpStatusOf(error) === 401) this.log.error(fields, explained.message);
    else this.log.warn({ ...fields, err: error }, `${explained.message}; restarting the watch`);
    this.restartTimer?.cancel();
    this.restartTimer = this.clock.setTimer(() => {
      this.restartTimer = undefined;
      this.run();
    }, waitMs);
  }

  /**
   * Capped exponential backoff with jitter: half fixed, half random. A
   * failure to reach the server at all is capped at connectionRetryMaxMs, so
   * the watch follows a returning server within about that long.
   */
  private backoff(unreachable: boolean): number {
    const { restartInitialMs, restartMaxMs, connectionRetryMaxMs } = this.options.timing;
    const cap = unreachable ? Math.min(restartMaxMs, connectionRetryMaxMs) : restartMaxMs;
    const ceiling = Math.min(cap, restartInitialMs * 2 ** Math.min(this.failures, 30));
    this.failures++;
    const random = this.options.random ?? Math.random;
    return ceiling / 2 + (ceiling / 2) * random();
  }

  private guard(what: string, action: () => void): void {
    try {
      action();
    } catch (error) {
      // Invariant 9 (docs/design.md): one bad object costs a log line, never
      // the watch. The cache has been updated already, so the next event or
      // relist for this object is handled afresh.
      this.log.error({ err: error, event: what }, 'a watch handler threw; the watch carries on');
    }
  }
}

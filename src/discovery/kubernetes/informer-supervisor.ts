// Keeps one client-node informer (list, then watch) alive for as long as the
// source runs. The informer handles the routine cases itself: a 410 Gone
// relists, a quiet watch is re-opened from its last resourceVersion, a
// normal server close reconnects. Every other failure (a list that fails, a
// 403, a socket cut mid-stream) makes it emit 'error' and STOP. This class
// logs why, in words a person can act on, and starts it again after a
// capped exponential backoff with jitter; the informer keeps its cache and
// resourceVersion across that restart, so a restart resumes the watch where
// it was, and only a 410 costs a relist.
//
// The informer caches every object it sees. To keep that cache small (a
// real Service or EndpointSlice carries managedFields, annotations, owner
// references, often kilobytes), objects are converted at the edge, as they
// come out of a list page or a watch event, into a CachedObject: name,
// namespace, resourceVersion and the source's own compact view. Lists are
// read in pages (limit/continue), so a large cluster is never held twice.
//
// It also tells its owner when a list has been applied completely: the
// informer delivers a list as a burst of add/update/delete callbacks with
// no end marker, so the list function is wrapped and the end is signalled
// on the next turn of the event loop, after the informer's synchronous
// processing of the items.

import { setTimeout as delay } from 'node:timers/promises';
import { ListWatch, type KubeConfig, type KubernetesListObject } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { explainFailure, httpStatusOf, type ApiRequestDescription } from './api-failure.js';
import { lastChangeTime } from './object-change-time.js';
import { BookmarkWatch } from './bookmark-watch.js';

export interface InformerTiming {
  /** A watch with no data (events or bookmarks) for this long is re-opened. client-node: 30 s. */
  readonly watchTimeoutMs: number;
  /** First delay before restarting a stopped informer. */
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
  /**
   * Scales the informer's own reconnect delays after a normal server close
   * (1 s doubling to 30 s in client-node); tests set it small.
   */
  readonly reconnectDelayScale: number;
}

export const DEFAULT_INFORMER_TIMING: InformerTiming = {
  watchTimeoutMs: 30_000,
  restartInitialMs: 500,
  restartMaxMs: 30_000,
  connectionRetryMaxMs: 2_000,
  restoreSettleMs: 1_000,
  reconnectDelayScale: 1,
};

/** What the informer caches for one object: its identity and a compact view. */
export interface CachedObject<V> {
  readonly metadata: { readonly name: string; readonly namespace: string; readonly resourceVersion?: string };
  /** undefined when the object could not be read (the failure was logged). */
  readonly view: V | undefined;
}

/** One page of a list, as the generated API client returns it. */
export interface ListPage {
  readonly metadata?: { readonly resourceVersion?: string; readonly _continue?: string };
  readonly items: readonly unknown[];
}

export const DEFAULT_LIST_PAGE_SIZE = 500;

export interface InformerHandlers<V> {
  /** An object was added or changed. */
  onUpsert(object: CachedObject<V>): void;
  onDelete(object: CachedObject<V>): void;
  /** A complete list has been applied (first sync, or a relist after 410). */
  onListApplied(): void;
}

export interface InformerSupervisorOptions<V> {
  readonly kubeConfig: KubeConfig;
  /** The API path to watch, e.g. /apis/discovery.k8s.io/v1/endpointslices. */
  readonly path: string;
  /** Objects have no namespace (Nodes); they are cached under namespace "". */
  readonly clusterScoped?: boolean;
  /** The Accept header of watch requests (a metadata-only watch); default client-node's. */
  readonly watchAccept?: string;
  /** Fetches one page of the list. */
  readonly listPage: (page: { limit: number; _continue?: string }) => Promise<ListPage>;
  /** Items per list page. */
  readonly listPageSize?: number;
  /** Reads the source's view out of a raw object; may throw on a malformed one. */
  readonly toView: (raw: unknown) => V | undefined;
  /** What is being listed, for log messages. */
  readonly resource: Omit<ApiRequestDescription, 'verb'>;
  readonly handlers: InformerHandlers<V>;
  readonly logger: Logger;
  readonly timing: InformerTiming;
  /** A source of randomness in [0, 1) for jitter. */
  readonly random?: () => number;
  /** Told of every restart: after a failure (its reason) or a 410 relist ("expired"). */
  readonly onRestart?: (reason: string) => void;
  /** Told, for each watch event, how long after the object's last change it arrived. */
  readonly onEventLag?: (seconds: number) => void;
}

export class InformerSupervisor<V> {
  private readonly log: Logger;
  private readonly watch: BookmarkWatch;
  private readonly informer: ListWatch<CachedObject<V>>;
  private phase: 'list' | 'watch' = 'list';
  private failures = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private started = false;
  private listsApplied = 0;
  /** Set from the first failure until the watch is restored: when it began and the changes applied since. */
  private outage: { since: number; changes: number; settle?: NodeJS.Timeout } | undefined;

  constructor(private readonly options: InformerSupervisorOptions<V>) {
    const { resource } = options;
    this.log = options.logger.child({ component: 'informer', resource: resource.group ? `${resource.resource}.${resource.group}` : resource.resource, namespace: resource.namespace ?? '*' });
    this.watch = new BookmarkWatch(
      options.kubeConfig,
      {
        onEvent: (type, object) => this.onWatchEvent(type, object),
        convert: (object) => this.toCached(object),
        onHandlerError: (error) => this.log.error({ err: error }, 'handling a watch event failed; the watch carries on'),
        onOpen: () => this.onWatchOpen(),
      },
      options.timing.watchTimeoutMs,
      options.watchAccept,
    );
    const scale = options.timing.reconnectDelayScale;
    this.informer = new ListWatch<CachedObject<V>>(options.path, this.watch, () => this.list(), false, undefined, undefined, {
      // unref'd: a pending reconnect must not keep a stopping process alive.
      delayFn: (ms) => delay(ms * scale, undefined, { ref: false }),
    });
    this.informer.on('add', (object) => this.guard('add', () => options.handlers.onUpsert(object)));
    this.informer.on('update', (object) => this.guard('update', () => options.handlers.onUpsert(object)));
    this.informer.on('delete', (object) => this.guard('delete', () => options.handlers.onDelete(object)));
    for (const event of ['add', 'update', 'delete'] as const) {
      this.informer.on(event, () => {
        if (this.outage) this.outage.changes++;
      });
    }
    this.informer.on('error', (error) => this.onFailure(error));
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
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (this.outage?.settle) clearTimeout(this.outage.settle);
    this.watch.close();
    await this.informer.stop();
  }

  private run(): void {
    if (this.stopped) return;
    this.phase = 'list';
    this.informer.start().catch((error: unknown) => this.onFailure(error));
  }

  private async list(): Promise<KubernetesListObject<CachedObject<V>>> {
    this.phase = 'list';
    const list = await this.listAllPages();
    // A list that lands after stop() must not be applied or followed by a
    // watch; failing it makes the informer end quietly (errors after stop
    // are ignored).
    if (this.stopped) throw new Error('stopped');
    this.phase = 'watch';
    this.failures = 0;
    setImmediate(() => {
      if (this.stopped) return;
      this.listsApplied++;
      this.log.debug({ items: list.items.length, resourceVersion: list.metadata?.resourceVersion, lists: this.listsApplied }, 'list applied');
      this.guard('list', () => this.options.handlers.onListApplied());
    });
    return list;
  }

  /**
   * Reads every page of the list. The resourceVersion of a paged list is the
   * first page's: all pages are one consistent snapshot.
   */
  private async listAllPages(): Promise<KubernetesListObject<CachedObject<V>>> {
    const limit = this.options.listPageSize ?? DEFAULT_LIST_PAGE_SIZE;
    const items: CachedObject<V>[] = [];
    let resourceVersion: string | undefined;
    let next: string | undefined;
    do {
      const page = await this.options.listPage({ limit, ...(next !== undefined && { _continue: next }) });
      resourceVersion ??= page.metadata?.resourceVersion;
      for (const raw of page.items) {
        const cached = this.toCached(raw);
        if (cached) items.push(cached);
      }
      next = page.metadata?._continue || undefined;
    } while (next !== undefined && !this.stopped);
    return { metadata: { resourceVersion: resourceVersion ?? '' }, items };
  }

  /**
   * The cache entry for a raw object, or undefined when it has no name (the
   * informer could not key it). A view that cannot be read is logged and
   * cached as undefined, so the informer still advances past the object.
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

  private onWatchEvent(type: string, object: unknown): void {
    // Any event, a bookmark included, proves the watch works again.
    this.failures = 0;
    if ((type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') && this.options.onEventLag) {
      const changedAt = lastChangeTime(object);
      if (changedAt !== undefined) this.options.onEventLag(Math.max(0, Date.now() - changedAt) / 1000);
    }
    if (type === 'ERROR') {
      const status = object as { code?: number; message?: string } | undefined;
      if (status?.code === 410) this.options.onRestart?.('expired');
      if (status?.code === 410) this.log.info({ message: status.message }, 'resource version expired (410 Gone); relisting, and publishing only real changes');
      else this.log.warn({ status }, 'the watch reported an error; it will be re-opened');
    }
  }

  /**
   * A watch is open again. After an outage, the changes the API server
   * replays (or the relist's differences) arrive at once; they are counted
   * for restoreSettleMs and reported in one line at info.
   */
  private onWatchOpen(): void {
    const outage = this.outage;
    if (!outage || outage.settle || this.stopped) return;
    const restoredAfterS = (Date.now() - outage.since) / 1000;
    outage.settle = setTimeout(() => {
      if (this.outage !== outage) return;
      this.outage = undefined;
      this.log.info({ outageSeconds: Number(restoredAfterS.toFixed(1)), changesApplied: outage.changes }, `watch restored after ${restoredAfterS.toFixed(1)} s, ${outage.changes} change${outage.changes === 1 ? '' : 's'} applied`);
    }, this.options.timing.restoreSettleMs);
    outage.settle.unref();
  }

  private onFailure(error: unknown): void {
    if (this.stopped) return;
    const request: ApiRequestDescription = { ...this.options.resource, verb: this.phase };
    const explained = explainFailure(error, request);
    this.options.onRestart?.(explained.reason);
    if (this.outage?.settle) {
      // It failed again while settling: still the same outage.
      clearTimeout(this.outage.settle);
      this.outage.settle = undefined;
    }
    this.outage ??= { since: Date.now(), changes: 0 };
    const waitMs = this.backoff(explained.reason === 'unreachable' || explained.reason === 'connection_lost');
    const fields = { status: explained.status, retryInMs: Math.round(waitMs), failures: this.failures };
    if (httpStatusOf(error) === 403 || httpStatusOf(error) === 401) this.log.error(fields, explained.message);
    else this.log.warn({ ...fields, err: error }, `${explained.message}; restarting the watch`);
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      this.run();
    }, waitMs);
    this.restartTimer.unref();
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
      // Invariant 9 (docs/design.md): one bad object costs a log line, never the watch. The
      // informer has already updated its cache, so the next event or relist
      // for this object is handled afresh.
      this.log.error({ err: error, event: what }, 'a watch handler threw; the watch carries on');
    }
  }
}

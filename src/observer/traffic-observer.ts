// What clients did and whether they are in sync, as the control plane sees
// it: the one place load reports (LRS, lookaside.v1) and the state of every
// WatchServers and ADS stream flow back to. The CLI's `status`, CSDS, the
// metrics and the live page read it through snapshot() and subscribe().
//
// Memory is bounded: at most maxClients streams are tracked (more are
// counted, not kept), at most maxBackends (service, backend) windows, each a
// fixed ring of buckets (load-window.ts); a backend nobody reported for in a
// window is dropped, and a closed stream is kept for closedRetentionMs so an
// operator sees who left, then dropped.

import { SYSTEM_CLOCK, type ServerClock } from '../clock/server-clock.js';
import type { LoadReportEntry, LoadReporter } from './load-report.js';
import { DEFAULT_WINDOW_MS, LoadWindow, type CallCounts } from './load-window.js';

export type ClientProtocol = 'lookaside' | 'xds';

/** What a stream says about its client when it opens (or learns later, xDS: from its first request). */
export interface ClientIdentity {
  readonly protocol: ClientProtocol;
  /** lookaside.v1 client.client_id, or the xDS node id; "" when the client names none. */
  readonly clientId: string;
  /** The Kubernetes node the client names; "". */
  readonly node: string;
  readonly zone: string;
  /** The connection's peer address, as grpc-js reports it. */
  readonly peer: string;
  /** What it watches: a lookaside.v1 target, or the xDS Listener names. */
  readonly targets: readonly string[];
}

/** The version of one resource type sent to a stream and the last one its client accepted. */
export interface ResourceVersions {
  /** lookaside: "servers"; xDS: listener, route, cluster, endpoints. */
  readonly type: string;
  readonly sent: string;
  /** "" until the client acknowledges (lookaside.v1: reports the version it applied). */
  readonly acked: string;
  /** xDS: the resource names of the type the client asks for; lookaside: none. */
  readonly names: readonly string[];
}

export interface Nack {
  readonly type: string;
  readonly version: string;
  readonly error: string;
  readonly at: string;
}

export interface ClientStatus extends ClientIdentity {
  /** Unique among the streams the observer tracks. */
  readonly stream: number;
  readonly connected: boolean;
  readonly connectedSince: string;
  readonly disconnectedAt?: string;
  readonly versions: readonly ResourceVersions[];
  /** The newest NACK not followed by an ACK of the same type. */
  readonly lastNack?: Nack;
  /**
   * true: every type's last sent version was acknowledged and no NACK is
   * outstanding; false: a NACK is outstanding or a version is unacknowledged;
   * undefined: the client does not acknowledge (a lookaside.v1 client with
   * load reports off).
   */
  readonly inSync: boolean | undefined;
  readonly lastReport?: string;
  /** Calls in progress in the client's last report, over every backend. */
  readonly callsInProgress: number;
}

export interface BackendLoad extends CallCounts {
  /** "host:port". */
  readonly backend: string;
  /**
   * Set when the client reported a group of backends as one (an xDS
   * locality of several backends of one zone, rank and weight): the group's
   * calls were split evenly among its backends, as its round_robin child
   * spreads them. See docs/observability.md.
   */
  readonly estimatedFrom?: string;
}

export interface ServiceLoad extends CallCounts {
  /** "name.namespace:port" (the xDS cluster name). */
  readonly cluster: string;
  readonly backends: readonly BackendLoad[];
}

export interface ObserverSnapshot {
  readonly at: string;
  readonly windowMs: number;
  readonly services: readonly ServiceLoad[];
  readonly clients: readonly ClientStatus[];
  /** What the bounds left out: streams not tracked, backend windows not kept. */
  readonly dropped: { readonly clients: number; readonly backends: number };
}

export interface TrafficObserverOptions {
  readonly clock?: ServerClock;
  /** Wall-clock milliseconds, for the times shown to people; default Date.now. */
  readonly wallClock?: () => number;
  readonly windowMs?: number;
  /** Streams tracked at once (open, and closed within closedRetentionMs); default 10,000. */
  readonly maxClients?: number;
  /** (service, backend) windows kept; default 100,000. */
  readonly maxBackends?: number;
  /** How long a closed stream stays listed; default 5 minutes. */
  readonly closedRetentionMs?: number;
  /** A subscriber threw (the others are still told); default: ignored. */
  readonly onListenerError?: (error: unknown) => void;
}

interface ClientRecord {
  readonly stream: number;
  identity: ClientIdentity;
  readonly connectedAt: number;
  closedAt: number | undefined;
  readonly versions: Map<string, { sent: string; acked: string; names: readonly string[] }>;
  lastNack: (Nack & { atMs: number }) | undefined;
  acknowledges: boolean;
  lastReportAt: number | undefined;
  callsInProgress: number;
}

interface BackendRecord {
  readonly window: LoadWindow;
  estimatedFrom: string | undefined;
}

function reporterKey(protocol: ClientProtocol, clientId: string): string {
  return `${protocol} ${clientId}`;
}

export class TrafficObserver {
  readonly windowMs: number;
  private readonly clock: ServerClock;
  private readonly wallClock: () => number;
  private readonly maxClients: number;
  private readonly maxBackends: number;
  private readonly closedRetentionMs: number;
  /**
   * Open streams are keyed by their stream object (what later events name); a
   * closed one is moved under its number, so that the record kept for
   * closedRetentionMs does not hold the call, its socket buffers and its
   * answers alive.
   */
  private readonly clients = new Map<object | number, ClientRecord>();
  /** The open streams by protocol and client id (reporterKey), so a report finds its reporter's streams without a scan. */
  private readonly openByClient = new Map<string, Set<object>>();
  /** Load per cluster, then backend. */
  private readonly load = new Map<string, Map<string, BackendRecord>>();
  private backendCount = 0;
  private nextStream = 1;
  private droppedClients = 0;
  private droppedBackends = 0;
  private readonly listeners = new Set<() => void>();
  private notifyScheduled = false;
  private readonly onListenerError: (error: unknown) => void;

  constructor(options: TrafficObserverOptions = {}) {
    this.onListenerError = options.onListenerError ?? (() => {});
    this.clock = options.clock ?? SYSTEM_CLOCK;
    this.wallClock = options.wallClock ?? Date.now;
    this.windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
    this.maxClients = options.maxClients ?? 10_000;
    this.maxBackends = options.maxBackends ?? 100_000;
    this.closedRetentionMs = options.closedRetentionMs ?? 5 * 60_000;
  }

  /** A stream opened; `key` is the stream object the later events name. Past maxClients it is counted, not tracked. */
  streamOpened(key: object, identity: ClientIdentity, acknowledges: boolean): void {
    if (this.clients.has(key)) return;
    if (this.clients.size >= this.maxClients) this.pruneClients(true);
    if (this.clients.size >= this.maxClients) {
      this.droppedClients++;
      return;
    }
    this.clients.set(key, {
      stream: this.nextStream++,
      identity,
      connectedAt: this.clock.now(),
      closedAt: undefined,
      versions: new Map(),
      lastNack: undefined,
      acknowledges,
      lastReportAt: undefined,
      callsInProgress: 0,
    });
    this.indexOpen(key, identity);
    this.changed();
  }

  /** The stream learnt more about its client (xDS: the node in the first request, the Listener names). */
  identified(key: object, identity: Partial<ClientIdentity>): void {
    const record = this.clients.get(key);
    if (!record) return;
    this.unindexOpen(key, record.identity);
    record.identity = { ...record.identity, ...identity };
    this.indexOpen(key, record.identity);
    this.changed();
  }

  sent(key: object, type: string, version: string, names: readonly string[] = []): void {
    const record = this.clients.get(key);
    if (!record) return;
    const versions = record.versions.get(type);
    if (versions) {
      versions.sent = version;
      versions.names = names;
    } else record.versions.set(type, { sent: version, acked: '', names });
    this.changed();
  }

  acked(key: object, type: string, version: string): void {
    const record = this.clients.get(key);
    if (!record) return;
    record.acknowledges = true;
    const versions = record.versions.get(type);
    if (versions) versions.acked = version;
    else record.versions.set(type, { sent: version, acked: version, names: [] });
    if (record.lastNack?.type === type) record.lastNack = undefined;
    this.changed();
  }

  nacked(key: object, type: string, version: string, error: string): void {
    const record = this.clients.get(key);
    if (!record) return;
    record.acknowledges = true;
    const now = this.clock.now();
    record.lastNack = { type, version, error, at: this.wallTime(now), atMs: now };
    this.changed();
  }

  streamClosed(key: object): void {
    const record = this.clients.get(key);
    if (!record || record.closedAt !== undefined) return;
    record.closedAt = this.clock.now();
    this.unindexOpen(key, record.identity);
    this.clients.delete(key);
    this.clients.set(record.stream, record);
    this.changed();
  }

  /**
   * A client's report: `reporter` names its stream(s) by protocol and client
   * id (an LRS stream is not the ADS stream it reports for; they share the
   * node id). Entries past maxBackends are counted in dropped.backends.
   */
  report(reporter: LoadReporter, entries: readonly LoadReportEntry[]): void {
    const now = this.clock.now();
    let inProgress = 0;
    for (const entry of entries) {
      inProgress += entry.inProgress;
      if (entry.backends.length === 0) continue;
      const share = 1 / entry.backends.length;
      const counts = { succeeded: entry.succeeded * share, failed: entry.failed * share };
      for (const backend of entry.backends) {
        const record = this.backendRecord(entry.cluster, backend, now);
        if (!record) continue;
        record.window.add(now, counts);
        record.estimatedFrom = entry.backends.length > 1 ? entry.group ?? 'group' : undefined;
      }
    }
    const reporters = reporter.stream ? [this.clients.get(reporter.stream)] : this.openStreamsOf(reporter).map((key) => this.clients.get(key));
    for (const record of reporters) {
      if (!record) continue;
      record.lastReportAt = now;
      record.callsInProgress = inProgress;
    }
    this.changed();
  }

  /**
   * A lookaside.v1 client reported the server list it applied for `target`
   * (as its WatchServers request named it): an acknowledgement, under
   * `type`, of its open streams of that target on the reporting connection;
   * when it has none there, of those on its other connections (a watch
   * re-opened on a new connection after a connection age, while the report
   * stream lives on the old one until it closes).
   */
  applied(reporter: LoadReporter, target: string, type: string, version: string): void {
    const watching = (keys: object[]) => keys.filter((key) => this.clients.get(key)?.identity.targets.includes(target));
    let streams = watching(this.openStreamsOf(reporter));
    if (streams.length === 0 && reporter.peer !== undefined) streams = watching(this.openStreamsOf({ ...reporter, peer: undefined }));
    for (const key of streams) this.acked(key, type, version);
  }

  /** The reporter's open streams: by protocol and client id, on its connection when it names one. */
  private openStreamsOf(reporter: LoadReporter): object[] {
    const keys = [...(this.openByClient.get(reporterKey(reporter.protocol, reporter.clientId)) ?? [])];
    return reporter.peer === undefined ? keys : keys.filter((key) => this.clients.get(key)?.identity.peer === reporter.peer);
  }

  private indexOpen(key: object, identity: ClientIdentity): void {
    const index = reporterKey(identity.protocol, identity.clientId);
    let keys = this.openByClient.get(index);
    if (!keys) {
      keys = new Set();
      this.openByClient.set(index, keys);
    }
    keys.add(key);
  }

  private unindexOpen(key: object, identity: ClientIdentity): void {
    const index = reporterKey(identity.protocol, identity.clientId);
    const keys = this.openByClient.get(index);
    if (!keys) return;
    keys.delete(key);
    if (keys.size === 0) this.openByClient.delete(index);
  }

  /** Everything the observer holds now: load over the window, and every tracked stream. */
  snapshot(): ObserverSnapshot {
    const now = this.clock.now();
    this.pruneClients(false);
    this.pruneBackends(now);
    const services: ServiceLoad[] = [];
    for (const [cluster, backends] of [...this.load].sort(([a], [b]) => a.localeCompare(b))) {
      let succeeded = 0;
      let failed = 0;
      const rows: BackendLoad[] = [];
      for (const [backend, record] of backends) {
        const total = record.window.total(now);
        succeeded += total.succeeded;
        failed += total.failed;
        rows.push({ backend, ...total, ...(record.estimatedFrom !== undefined && { estimatedFrom: record.estimatedFrom }) });
      }
      rows.sort((a, b) => a.backend.localeCompare(b.backend));
      services.push({ cluster, succeeded, failed, backends: rows });
    }
    const clients = [...this.clients.values()].map((record) => this.clientStatus(record, now));
    return { at: this.wallTime(now), windowMs: this.windowMs, services, clients, dropped: { clients: this.droppedClients, backends: this.droppedBackends } };
  }

  /** The status of every tracked stream (what CSDS serves), without the load. */
  clientStatuses(): ClientStatus[] {
    this.pruneClients(false);
    const now = this.clock.now();
    return [...this.clients.values()].map((record) => this.clientStatus(record, now));
  }

  /**
   * Calls `listener` after changes, at most once per event-loop turn (a
   * burst of reports is one notification). Returns the unsubscribe function.
   */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Streams tracked now (open and recently closed). */
  get trackedClients(): number {
    return this.clients.size;
  }

  /** (service, backend) windows held now. */
  get trackedBackends(): number {
    return this.backendCount;
  }

  private clientStatus(record: ClientRecord, now: number): ClientStatus {
    const versions = [...record.versions].map(([type, { sent, acked, names }]) => ({ type, sent, acked, names }));
    const inSync = record.acknowledges ? record.lastNack === undefined && versions.every((entry) => entry.acked === entry.sent) : undefined;
    const { atMs: _atMs, ...lastNack } = record.lastNack ?? { atMs: 0 };
    return {
      ...record.identity,
      stream: record.stream,
      connected: record.closedAt === undefined,
      connectedSince: this.wallTime(record.connectedAt, now),
      ...(record.closedAt !== undefined && { disconnectedAt: this.wallTime(record.closedAt, now) }),
      versions,
      ...(record.lastNack && { lastNack: lastNack as Nack }),
      inSync,
      ...(record.lastReportAt !== undefined && { lastReport: this.wallTime(record.lastReportAt, now) }),
      callsInProgress: record.callsInProgress,
    };
  }

  private backendRecord(cluster: string, backend: string, now: number): BackendRecord | undefined {
    let backends = this.load.get(cluster);
    const known = backends?.get(backend);
    if (known) return known;
    if (this.backendCount >= this.maxBackends) this.pruneBackends(now);
    if (this.backendCount >= this.maxBackends) {
      this.droppedBackends++;
      return undefined;
    }
    if (!backends) {
      backends = new Map();
      this.load.set(cluster, backends);
    }
    const record = { window: new LoadWindow(this.windowMs), estimatedFrom: undefined };
    backends.set(backend, record);
    this.backendCount++;
    return record;
  }

  /** Drops closed streams past their retention; `all`: every closed one (room is needed). */
  private pruneClients(all: boolean): void {
    const now = this.clock.now();
    for (const [key, record] of this.clients) {
      if (record.closedAt !== undefined && (all || now - record.closedAt >= this.closedRetentionMs)) this.clients.delete(key);
    }
  }

  private pruneBackends(now: number): void {
    for (const [cluster, backends] of this.load) {
      for (const [backend, record] of backends) {
        if (!record.window.expired(now)) continue;
        backends.delete(backend);
        this.backendCount--;
      }
      if (backends.size === 0) this.load.delete(cluster);
    }
  }

  /** A time on the observer's clock as an ISO wall time. */
  private wallTime(at: number, now = this.clock.now()): string {
    return new Date(this.wallClock() - (now - at)).toISOString();
  }

  private changed(): void {
    if (this.notifyScheduled || this.listeners.size === 0) return;
    this.notifyScheduled = true;
    setImmediate(() => {
      this.notifyScheduled = false;
      for (const listener of [...this.listeners]) {
        try {
          listener();
        } catch (error) {
          // A subscriber's failure is its own; the others are still told.
          this.onListenerError(error);
        }
      }
    });
  }
}

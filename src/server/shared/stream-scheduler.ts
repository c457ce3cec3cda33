// The one fan-out of both faces: WatchServers (lookaside.v1) and
// StreamAggregatedResources (xDS) streams are written by this scheduler,
// and each face keeps only its protocol (what a stream is sent, and when
// it is due; ADS's ACKs, NACKs and subscriptions).
//
// A registry change only marks the streams that follow its service dirty;
// the writes happen later, in batches, so the source that wrote the
// registry (a Kubernetes event handler, a file reload) never waits on a
// network write, and several changes in one turn cost one write.
//
// A batch is written FLUSH_CHUNK streams per event-loop turn: bytes leave
// only when the loop turns, so yielding lets the first streams' clients
// receive while the rest are written, and keeps a large fan-out from
// holding up unary calls and health checks (bench/README.md, propagation).
//
// Each stream holds at most one "send the newest" mark, never a queue of
// versions (invariant 4, docs/design.md). A stream whose socket is full is
// not written until it drains, then it is sent the newest state: a slow
// reader costs O(1) memory and delays nobody. What a face writes is its
// shared encoding for that version and caller class (invariant 5).

import { status } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { Registry } from '../../registry/registry.js';
import { MAX_CONNECTION_AGE_DETAILS, type ConnectionAges } from './connection-age.js';
import { StreamAdmission, type AdmittedCall, type StreamCall } from './stream-admission.js';
import type { WatchStreamLimits } from './watch-stream-limits.js';

/** Streams written per event-loop turn. */
export const FLUSH_CHUNK = 128;

/** What callers of the control plane (metrics, the observer, tests, benchmarks) see of a face's streams. */
export interface StreamHooks<S> {
  /** A stream was taken on (before its first message). */
  readonly onOpened?: (stream: S) => void;
  /** A stream is over. */
  readonly onClosed?: (stream: S) => void;
  /**
   * Called once per registry key (service) and batch, after the batch
   * handed the newest state to every stream following the key that could
   * take it: the seconds since the first change of the key in this batch
   * reached the scheduler (the source wrote the registry).
   */
  readonly onPropagated?: (key: string, seconds: number) => void;
}

/** What a stream asks of the scheduler that writes it. */
export interface SchedulerOfStream {
  markDirty(stream: ScheduledStream): void;
  forget(stream: ScheduledStream): void;
}

/**
 * One stream of either face, as the scheduler writes it. The face says what
 * is due (flush) and what to release when it is over (detached); writing
 * with back-pressure and ending are the same for both.
 */
export abstract class ScheduledStream {
  private blocked = false;
  private closed = false;

  constructor(
    readonly call: StreamCall,
    private readonly scheduler: SchedulerOfStream,
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Writes what is due to this stream, through write(). `generation`
   * changes with each batch and with each registry change during one: an
   * answer computed under the same generation may be shared by streams
   * that get the same one.
   */
  abstract flush(generation: number): void;

  /** Fields that name this stream in logs. */
  abstract logFields(): Record<string, unknown>;

  /** Releases what the face holds for the stream; it is over. */
  protected abstract detached(): void;

  /** False while the stream is over or its socket is full (a write now would queue). */
  protected get writable(): boolean {
    return !this.closed && !this.blocked;
  }

  /**
   * Hands `bytes` to the call. False when its socket is full: the stream
   * is not written again until it drains, and then it is marked dirty, so
   * it is sent the newest state, not what it missed.
   */
  protected write(bytes: Buffer): boolean {
    if (this.call.write(bytes)) return true;
    this.blocked = true;
    this.call.once('drain', () => {
      this.blocked = false;
      this.scheduler.markDirty(this);
    });
    return false;
  }

  /** Schedules a write of what is due. */
  protected markDirty(): void {
    this.scheduler.markDirty(this);
  }

  /** Ends the stream with a status (UNAVAILABLE at shutdown, INVALID_ARGUMENT for a bad request). */
  end(code: status, details: string): void {
    if (this.closed) return;
    this.detach();
    this.call.emit('error', { code, details });
  }

  /** Stops following the registry; the call is over or being ended. */
  detach(): void {
    if (this.closed) return;
    this.closed = true;
    this.detached();
    this.scheduler.forget(this);
  }
}

export interface StreamSchedulerOptions<S> {
  readonly registry: Registry;
  readonly logger: Logger;
  /** The face, as logs and refusals name it: "WatchServers", "xDS". */
  readonly face: string;
  readonly hooks?: StreamHooks<S>;
  /** The watch-stream budget, one for both faces (RESOURCE_EXHAUSTED past it). */
  readonly limits: WatchStreamLimits;
  /** Ends streams at their connection's age (--max-connection-age); none: they live on. */
  readonly connectionAges?: ConnectionAges;
}

export const SHUTTING_DOWN = 'the control plane is shutting down; reconnect to another replica';

/** The streams following one registry key, behind one registry subscription. */
interface Followers<S> {
  readonly streams: Set<S>;
  readonly unwatch: () => void;
}

/** The streams one flush writes, chunk by chunk. */
interface Batch<S> {
  readonly streams: S[];
  /** The keys whose change marked streams of this batch, each with its first change (performance.now()). */
  readonly changes: ReadonlyMap<string, number>;
  /** The registry revision `generation` was taken at. */
  revision: number;
  generation: number;
}

export class StreamScheduler<S extends ScheduledStream> {
  private readonly streams = new Set<S>();
  private readonly followers = new Map<string, Followers<S>>();
  private readonly admission: StreamAdmission<S>;
  private readonly registry: Registry;
  private readonly hooks: StreamHooks<S>;
  private readonly log: Logger;
  /** Streams to write in the next batch, in the order they were marked. */
  private dirty = new Set<S>();
  /** Keys changed since the last batch began, with when each first changed. */
  private changes = new Map<string, number>();
  private scheduled = false;
  private generations = 0;
  private draining = false;
  private readonly stopSyncListener: () => void;

  constructor(private readonly options: StreamSchedulerOptions<S>) {
    this.registry = options.registry;
    this.hooks = options.hooks ?? {};
    this.log = options.logger;
    this.admission = new StreamAdmission(options.face, options.limits, options.logger);
    // Nothing is written before the sync (invariant 1, docs/design.md): the
    // streams that opened meanwhile are all due once it comes.
    this.stopSyncListener = options.registry.onSynced(() => {
      for (const stream of this.streams) this.markDirty(stream);
    });
  }

  /** Open streams. */
  get size(): number {
    return this.streams.size;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /**
   * Takes a place for a new call within the stream limits, or ends it
   * (UNAVAILABLE while draining, RESOURCE_EXHAUSTED past a limit) and
   * returns undefined. The place is given back when the call is over; the
   * call ends at its connection's age.
   */
  admit(call: StreamCall): AdmittedCall<S> | undefined {
    if (this.draining) {
      call.emit('error', { code: status.UNAVAILABLE, details: SHUTTING_DOWN });
      return undefined;
    }
    const admitted = this.admission.admit(call);
    if (!admitted) return undefined;
    const forgetAge = this.options.connectionAges?.track(admitted.peer, () => admitted.end(status.UNAVAILABLE, MAX_CONNECTION_AGE_DETAILS));
    if (forgetAge) admitted.onOver(forgetAge);
    return admitted;
  }

  /** Takes on the stream of an admitted call: it is written from now on, until it or the call is over. */
  add(admitted: AdmittedCall<S>, stream: S): void {
    this.streams.add(stream);
    this.hooks.onOpened?.(stream);
    // A call already over (cancelled while it was being authorized) ends its stream here.
    admitted.carries(stream);
  }

  /**
   * Marks `stream` dirty on every change of the registry key `key` (one
   * registry subscription per key, however many streams follow it).
   * Returns what stops it.
   */
  follow(stream: S, key: string): () => void {
    let followers = this.followers.get(key);
    if (!followers) {
      const streams = new Set<S>();
      followers = { streams, unwatch: this.registry.watch(key, () => this.changed(key, streams)) };
      this.followers.set(key, followers);
    }
    const following = followers;
    following.streams.add(stream);
    return () => {
      if (!following.streams.delete(stream) || following.streams.size > 0) return;
      following.unwatch();
      if (this.followers.get(key) === following) this.followers.delete(key);
    };
  }

  /** Schedules a write of the newest state to `stream` in the next batch. */
  markDirty(stream: S): void {
    if (stream.isClosed) return;
    this.dirty.add(stream);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  /**
   * Writes what is due to `stream` now, outside any batch: a call the
   * client half-closed is answered before it ends, wherever the stream
   * stands in the batches.
   */
  writeNow(stream: S): void {
    if (this.registry.synced) this.write(stream, ++this.generations);
  }

  /** The stream is over (ScheduledStream.detach). */
  forget(stream: S): void {
    if (!this.streams.delete(stream)) return;
    this.dirty.delete(stream);
    this.hooks.onClosed?.(stream);
  }

  /** Refuses new calls and ends every open stream with UNAVAILABLE; used at shutdown. */
  drain(): void {
    this.draining = true;
    this.stopSyncListener();
    this.endAll(status.UNAVAILABLE, SHUTTING_DOWN);
  }

  /** Ends every open stream with `code`. */
  endAll(code: status, details: string): void {
    for (const stream of [...this.streams]) stream.end(code, details);
  }

  private changed(key: string, streams: ReadonlySet<S>): void {
    if (!this.changes.has(key)) this.changes.set(key, performance.now());
    for (const stream of streams) this.markDirty(stream);
  }

  private flush(): void {
    this.scheduled = false;
    const streams = [...this.dirty];
    const changes = this.changes;
    this.dirty.clear();
    if (changes.size > 0) this.changes = new Map();
    // Nothing is served before the sync (invariant 1): the sync marks every stream again.
    if (!this.registry.synced) return;
    const revision = this.registry.revision;
    this.writeChunk({ streams, changes, revision, generation: ++this.generations }, 0);
  }

  /**
   * Writes one chunk of a batch, then yields to the event loop before the
   * next. A stream marked dirty again meanwhile is written by the next
   * batch; if that comes first, this one finds nothing new to send.
   * Answers are shared within a generation; a registry change between two
   * chunks starts a new one, so a later chunk never sends a version older
   * than one already written.
   */
  private writeChunk(batch: Batch<S>, start: number): void {
    if (batch.revision !== this.registry.revision) {
      batch.revision = this.registry.revision;
      batch.generation = ++this.generations;
    }
    const end = Math.min(batch.streams.length, start + FLUSH_CHUNK);
    for (let i = start; i < end; i++) this.write(batch.streams[i]!, batch.generation);
    if (end < batch.streams.length) {
      setImmediate(() => this.writeChunk(batch, end));
      return;
    }
    const onPropagated = this.hooks.onPropagated;
    if (onPropagated && batch.changes.size > 0) {
      const now = performance.now();
      for (const [key, since] of batch.changes) onPropagated(key, (now - since) / 1000);
    }
  }

  private write(stream: S, generation: number): void {
    try {
      stream.flush(generation);
    } catch (error) {
      // Invariant 9 (docs/design.md): one broken stream must not stop the others.
      this.log.error({ err: error, ...stream.logFields() }, `writing to a ${this.options.face} stream failed; closing it`);
      stream.end(status.INTERNAL, 'the control plane failed to write this stream; reconnect');
    }
  }
}

// Fan-out of registry changes to WatchServers streams.
//
// A registry change only marks the streams of that service dirty; the writes
// happen later, in one batch per event-loop turn, so the source that wrote the
// registry (a Kubernetes event handler, a file reload) never waits on a
// network write, and several changes in one turn cost one write.
//
// Each stream holds at most one pending "send the newest" flag, never a queue
// of versions (invariant 4, docs/design.md). A stream whose socket is full stops being
// written until it drains, then receives the newest snapshot: a slow watcher
// costs O(1) memory and delays nobody. The bytes written are the encoder's
// shared buffer for that version (invariant 5, docs/design.md).

import { status, type ServerWritableStream } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { Registry } from '../../registry/registry.js';
import type { SnapshotEncoder } from './snapshot-encoder.js';
import type { RouteCaller } from '../../translation/route-table.js';
import { locate } from '../../translation/caller-topology.js';
import type { ValidRequest } from './request-validation.js';

/** What the stream carries: pre-encoded responses. */
export type WatchCall = ServerWritableStream<unknown, Buffer>;

export interface FanoutHooks {
  /** A stream was added (before its first message). */
  readonly onOpened?: (stream: WatchStream) => void;
  /** A stream is over. */
  readonly onClosed?: (stream: WatchStream) => void;
  /** Called after a message was handed to a stream: exists flag and version. */
  readonly onSent?: (stream: WatchStream, exists: boolean, version: number) => void;
  /**
   * Called once per service and batch, after the newest state was handed to
   * every watcher that could take it: the seconds since the first change of
   * the batch reached the fan-out (the source wrote the registry).
   */
  readonly onPropagated?: (key: string, seconds: number) => void;
}

/**
 * What one batch sends to the watchers of one target: the registry is looked
 * up and the answer encoded once per target and batch, not once per stream.
 */
interface TargetAnswer {
  readonly version: number;
  readonly exists: boolean;
  readonly bytes: Buffer;
}

/**
 * The streams that are sent the same bytes: one target and port, for callers
 * in one zone and node (topology-aware Services rank by them). Each stream
 * holds its group, so a batch shares answers through the group object
 * rather than by Map lookups per stream on a key string each stream built
 * for itself: those lookups were most of the fan-out's own CPU (in a
 * profile of bench/fanout-cost, its self time fell from 250 to 76 ms).
 */
class AnswerGroup {
  members = 0;
  /** The answer for the answer generation `answeredIn` (see Batch). */
  answer: TargetAnswer | undefined;
  answeredIn = -1;
  /** The earliest registry change among this group's streams written by batch `changedIn`. */
  firstChange = Infinity;
  changedIn = -1;

  constructor(
    readonly key: string,
    /** The registry key of the service, what onPropagated reports. */
    readonly serviceKey: string,
  ) {}
}

/** The streams one flush writes, chunk by chunk. */
interface Batch {
  readonly id: number;
  readonly streams: WatchStream[];
  /** Per stream, when a registry change first marked it; undefined for an open or a drain. */
  readonly since: (number | undefined)[];
  /** Groups with a stream written for a registry change, each once. */
  readonly changed: AnswerGroup[];
  /** The registry revision the answers of `answers` were built at. */
  revision: number;
  /** The answer generation: new with each batch and each revision change. */
  answers: number;
}

export class WatchStream {
  private unsubscribe: (() => void) | undefined;
  /** What was last handed to the call; version -1 before the first message. */
  private sentVersion = -1;
  private sentExists = false;
  private sentBytes: Buffer | undefined;
  private blocked = false;
  private closed = false;

  constructor(
    private readonly fanout: WatchFanout,
    readonly call: WatchCall,
    readonly request: ValidRequest,
    /** The streams sent the same bytes as this one. */
    readonly group: AnswerGroup,
    /** Who the caller is for the routes (its namespace, where caller authorization knows it). */
    readonly routeCaller: RouteCaller = {},
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  /** Starts following the registry; sends the current state once synced. */
  open(registry: Registry): void {
    this.unsubscribe = registry.watch(this.request.service.key, () => this.fanout.markDirty(this, performance.now()));
    if (registry.synced) this.fanout.markDirty(this);
  }

  /** The newest state for this stream's target, as it goes on the wire. */
  answer(registry: Registry, encoder: SnapshotEncoder): TargetAnswer {
    const lookup = registry.lookup(this.request.service.key, this.request.port);
    const caller = locate(this.request.client, (node) => registry.zoneOfNode(node));
    return { version: lookup.version, exists: lookup.status === 'found', bytes: encoder.encode(this.request.target, lookup, caller, this.routeCaller) };
  }

  /** Writes `answer` if it differs from what was last sent; true if it wrote. */
  flush(answer: TargetAnswer, hooks: FanoutHooks): boolean {
    if (this.closed || this.blocked) return false;
    // The same version can still be a new answer for this caller (its node's
    // zone became known): a found answer's bytes are cached per version and
    // caller class, so new bytes mean a new answer.
    if (answer.version === this.sentVersion && answer.exists === this.sentExists && (!answer.exists || answer.bytes === this.sentBytes)) return false;
    this.sentVersion = answer.version;
    this.sentExists = answer.exists;
    this.sentBytes = answer.bytes;
    const writable = this.call.write(answer.bytes);
    hooks.onSent?.(this, answer.exists, answer.version);
    if (!writable) {
      this.blocked = true;
      this.call.once('drain', () => {
        this.blocked = false;
        this.fanout.markDirty(this);
      });
    }
    return true;
  }

  /** Ends the stream with a status (UNAVAILABLE at shutdown). */
  end(code: status, details: string): void {
    if (this.closed) return;
    this.detach();
    this.call.emit('error', { code, details });
  }

  /** Stops following the registry; the call is over or being ended. */
  detach(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    this.fanout.forget(this);
  }
}

/** Streams written per event-loop turn; see WatchFanout.writeChunk. */
export const FLUSH_CHUNK = 128;

export class WatchFanout {
  private readonly streams = new Set<WatchStream>();
  /** Answer groups by key, each kept while it has a stream. */
  private readonly groups = new Map<string, AnswerGroup>();
  private batches = 0;
  private answerGenerations = 0;
  /**
   * Streams to write, each with when a registry change first marked it
   * (performance.now()); undefined when only an open or a drain did.
   */
  private readonly dirty = new Map<WatchStream, number | undefined>();
  private scheduled = false;

  constructor(
    private readonly registry: Registry,
    private readonly encoder: SnapshotEncoder,
    private readonly log: Logger,
    private readonly hooks: FanoutHooks = {},
  ) {}

  get size(): number {
    return this.streams.size;
  }

  /** Answer groups held: one per distinct target and caller location with a stream open. */
  get answerGroups(): number {
    return this.groups.size;
  }

  /** Takes over a WatchServers call until the client goes away or shutdown. */
  add(call: WatchCall, request: ValidRequest, routeCaller: RouteCaller = {}): WatchStream {
    const stream = new WatchStream(this, call, request, this.joinGroup(request, routeCaller), routeCaller);
    this.streams.add(stream);
    this.hooks.onOpened?.(stream);
    const done = () => stream.detach();
    call.on('cancelled', done);
    call.on('close', done);
    call.on('finish', done);
    call.on('error', (error) => {
      this.log.debug({ err: error, service: request.target.service }, 'watch stream error');
      done();
    });
    stream.open(this.registry);
    return stream;
  }

  /** Schedules a write of the newest state; `changedAt` when a registry change asks. */
  markDirty(stream: WatchStream, changedAt?: number): void {
    if (stream.isClosed) return;
    if (this.dirty.get(stream) === undefined) this.dirty.set(stream, changedAt);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  forget(stream: WatchStream): void {
    if (!this.streams.delete(stream)) return;
    this.hooks.onClosed?.(stream);
    this.dirty.delete(stream);
    const group = stream.group;
    group.members -= 1;
    if (group.members === 0) this.groups.delete(group.key);
  }

  /** Streams whose callers get the same answer share a group. */
  private joinGroup(request: ValidRequest, routeCaller: RouteCaller): AnswerGroup {
    // Callers of different namespaces may be sent different routes (GAMMA consumer routes).
    const key = `${request.service.key}\n${request.target.service}\n${request.target.port}\n${request.client.zone}\n${request.client.node}\n${routeCaller.namespace ?? ''}`;
    let group = this.groups.get(key);
    if (!group) {
      group = new AnswerGroup(key, request.service.key);
      this.groups.set(key, group);
    }
    group.members += 1;
    return group;
  }

  /** Ends every stream with `code`; used at shutdown. */
  endAll(code: status, details: string): void {
    for (const stream of [...this.streams]) stream.end(code, details);
  }

  private flush(): void {
    this.scheduled = false;
    if (!this.registry.synced) {
      // Nothing is served before the sync (invariant 1, docs/design.md); markSynced() tells every watcher again.
      this.dirty.clear();
      return;
    }
    const streams: WatchStream[] = [];
    const since: (number | undefined)[] = [];
    for (const [stream, at] of this.dirty) {
      streams.push(stream);
      since.push(at);
    }
    this.dirty.clear();
    this.writeChunk({ id: ++this.batches, streams, since, changed: [], revision: this.registry.revision, answers: ++this.answerGenerations }, 0);
  }

  /**
   * Writes one chunk of a batch, then yields to the event loop before the
   * next. Bytes only leave once the loop turns, so yielding lets the first
   * watchers receive (and the machine's other cores decode) while the rest
   * are written, and keeps a large fan-out from holding up unary calls and
   * health checks. A stream marked dirty again meanwhile is written by the
   * next batch; if that comes first, this one finds nothing new to send.
   *
   * Answers are shared by the streams of a target while the registry's
   * revision stays the same; a write in between starts afresh, so a later
   * chunk never sends a version older than one already written.
   */
  private writeChunk(batch: Batch, start: number): void {
    if (batch.revision !== this.registry.revision) {
      batch.revision = this.registry.revision;
      batch.answers = ++this.answerGenerations;
    }
    const end = Math.min(batch.streams.length, start + FLUSH_CHUNK);
    for (let i = start; i < end; i++) {
      const stream = batch.streams[i]!;
      try {
        const group = stream.group;
        if (group.answeredIn !== batch.answers) {
          group.answer = stream.answer(this.registry, this.encoder);
          group.answeredIn = batch.answers;
        }
        const since = batch.since[i];
        if (!stream.flush(group.answer!, this.hooks) || since === undefined) continue;
        if (group.changedIn !== batch.id) {
          group.changedIn = batch.id;
          group.firstChange = since;
          batch.changed.push(group);
        } else if (since < group.firstChange) {
          group.firstChange = since;
        }
      } catch (error) {
        // Invariant 9 (docs/design.md): one broken stream must not stop the others.
        this.log.error({ err: error, service: stream.request.target.service }, 'writing to a watch stream failed; closing it');
        stream.end(status.INTERNAL, 'the control plane failed to write this stream; reconnect');
      }
    }
    if (end < batch.streams.length) {
      setImmediate(() => this.writeChunk(batch, end));
      return;
    }
    if (this.hooks.onPropagated) {
      const now = performance.now();
      const firstChange = new Map<string, number>();
      for (const group of batch.changed) firstChange.set(group.serviceKey, Math.min(group.firstChange, firstChange.get(group.serviceKey) ?? Infinity));
      for (const [key, since] of firstChange) this.hooks.onPropagated(key, (now - since) / 1000);
    }
  }
}

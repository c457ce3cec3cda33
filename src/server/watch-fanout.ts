// Fan-out of registry changes to WatchServers streams.
//
// A registry change only marks the streams of that service dirty; the writes
// happen later, in one batch per event-loop turn, so the source that wrote the
// registry (a Kubernetes event handler, a file reload) never waits on a
// network write, and several changes in one turn cost one write.
//
// Each stream holds at most one pending "send the newest" flag, never a queue
// of versions (invariant 4). A stream whose socket is full stops being
// written until it drains, then receives the newest snapshot: a slow watcher
// costs O(1) memory and delays nobody. The bytes written are the encoder's
// shared buffer for that version (invariant 5).

import { status, type ServerWritableStream } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { Registry } from '../registry/registry.js';
import type { SnapshotEncoder } from './snapshot-encoder.js';
import { locate } from './caller-topology.js';
import type { ValidRequest } from './request-validation.js';

/** What the stream carries: pre-encoded responses. */
export type WatchCall = ServerWritableStream<unknown, Buffer>;

export interface FanoutHooks {
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

export class WatchStream {
  /** Streams with the same key are sent the same bytes. */
  readonly answerKey: string;
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
  ) {
    // Callers in one zone and node get one answer (topology-aware Services rank by them).
    this.answerKey = `${request.service.key}\n${request.target.service}\n${request.target.port}\n${request.client.zone}\n${request.client.node}`;
  }

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
    return { version: lookup.version, exists: lookup.status === 'found', bytes: encoder.encode(this.request.target, lookup, caller) };
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

  /** Takes over a WatchServers call until the client goes away or shutdown. */
  add(call: WatchCall, request: ValidRequest): WatchStream {
    const stream = new WatchStream(this, call, request);
    this.streams.add(stream);
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
    this.streams.delete(stream);
    this.dirty.delete(stream);
  }

  /** Ends every stream with `code`; used at shutdown. */
  endAll(code: status, details: string): void {
    for (const stream of [...this.streams]) stream.end(code, details);
  }

  private flush(): void {
    this.scheduled = false;
    if (!this.registry.synced) {
      // Nothing is served before the sync (invariant 1); markSynced() tells every watcher again.
      this.dirty.clear();
      return;
    }
    const batch = [...this.dirty];
    this.dirty.clear();
    this.writeChunk(batch, 0, new Map(), { revision: this.registry.revision, byKey: new Map() });
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
  private writeChunk(batch: readonly [WatchStream, number | undefined][], start: number, firstChange: Map<string, number>, answers: { revision: number; byKey: Map<string, TargetAnswer> }): void {
    if (answers.revision !== this.registry.revision) answers = { revision: this.registry.revision, byKey: new Map() };
    const end = Math.min(batch.length, start + FLUSH_CHUNK);
    for (let i = start; i < end; i++) {
      const [stream, since] = batch[i]!;
      try {
        let answer = answers.byKey.get(stream.answerKey);
        if (!answer) {
          answer = stream.answer(this.registry, this.encoder);
          answers.byKey.set(stream.answerKey, answer);
        }
        if (!stream.flush(answer, this.hooks) || since === undefined) continue;
        const key = stream.request.service.key;
        firstChange.set(key, Math.min(since, firstChange.get(key) ?? Infinity));
      } catch (error) {
        // Invariant 9: one broken stream must not stop the others.
        this.log.error({ err: error, service: stream.request.target.service }, 'writing to a watch stream failed; closing it');
        stream.end(status.INTERNAL, 'the control plane failed to write this stream; reconnect');
      }
    }
    if (end < batch.length) {
      setImmediate(() => this.writeChunk(batch, end, firstChange, answers));
      return;
    }
    if (this.hooks.onPropagated) {
      const now = performance.now();
      for (const [key, since] of firstChange) this.hooks.onPropagated(key, (now - since) / 1000);
    }
  }
}

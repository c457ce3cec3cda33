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
import type { ValidRequest } from './request-validation.js';

/** What the stream carries: pre-encoded responses. */
export type WatchCall = ServerWritableStream<unknown, Buffer>;

export interface FanoutHooks {
  /** Called after a message was handed to a stream: exists flag and version. */
  readonly onSent?: (stream: WatchStream, exists: boolean, version: number) => void;
}

export class WatchStream {
  private unsubscribe: (() => void) | undefined;
  private lastSent = '';
  private blocked = false;
  private closed = false;

  constructor(
    private readonly fanout: WatchFanout,
    readonly call: WatchCall,
    readonly request: ValidRequest,
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  /** Starts following the registry; sends the current state once synced. */
  open(registry: Registry): void {
    this.unsubscribe = registry.watch(this.request.service.key, () => this.fanout.markDirty(this));
    if (registry.synced) this.fanout.markDirty(this);
  }

  /** Writes the newest state if it differs from what was last sent. */
  flush(registry: Registry, encoder: SnapshotEncoder, hooks: FanoutHooks): void {
    if (this.closed || this.blocked || !registry.synced) return;
    const lookup = registry.lookup(this.request.service.key, this.request.port);
    const tag = `${lookup.status === 'found'}:${lookup.version}`;
    if (tag === this.lastSent) return;
    this.lastSent = tag;
    const writable = this.call.write(encoder.encode(this.request.target, lookup));
    hooks.onSent?.(this, lookup.status === 'found', lookup.version);
    if (!writable) {
      this.blocked = true;
      this.call.once('drain', () => {
        this.blocked = false;
        this.fanout.markDirty(this);
      });
    }
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

export class WatchFanout {
  private readonly streams = new Set<WatchStream>();
  private readonly dirty = new Set<WatchStream>();
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

  markDirty(stream: WatchStream): void {
    if (stream.isClosed) return;
    this.dirty.add(stream);
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
    const batch = [...this.dirty];
    this.dirty.clear();
    for (const stream of batch) {
      try {
        stream.flush(this.registry, this.encoder, this.hooks);
      } catch (error) {
        // Invariant 9: one broken stream must not stop the others.
        this.log.error({ err: error, service: stream.request.target.service }, 'writing to a watch stream failed; closing it');
        stream.end(status.INTERNAL, 'the control plane failed to write this stream; reconnect');
      }
    }
  }
}

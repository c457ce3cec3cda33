// The lookaside face of the fan-out: what a WatchServers stream is sent. The shared
// scheduler (../shared/stream-scheduler.ts) decides when a stream is
// written, with back-pressure, limits and hooks common to both faces; a
// WatchServers stream is sent its target's newest answer when that differs
// from what it was sent last. The bytes are the encoder's shared buffer for
// that version and caller class (invariant 5, docs/design.md), looked up
// once per answer group and batch.

import type { ServerWritableStream, status } from '@grpc/grpc-js';
import type { Registry } from '../../registry/registry.js';
import type { SnapshotEncoder } from './snapshot-encoder.js';
import type { RouteCaller } from '../../translation/route-table.js';
import { locate } from '../../translation/caller-topology.js';
import type { ValidRequest } from './request-validation.js';
import { ScheduledStream, StreamScheduler, type StreamHooks, type StreamSchedulerOptions } from '../shared/stream-scheduler.js';
import type { AdmittedCall } from '../shared/stream-admission.js';

/** What the stream carries: pre-encoded responses. */
export type WatchCall = ServerWritableStream<unknown, Buffer>;

export interface FanoutHooks extends StreamHooks<WatchStream> {
  /** Called after a message was handed to a stream: exists flag and version. */
  readonly onSent?: (stream: WatchStream, exists: boolean, version: number) => void;
}

/** What one batch sends to the watchers of one answer group. */
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
  /** The answer for the scheduler's generation `answeredIn`. */
  answer: TargetAnswer | undefined;
  answeredIn = -1;

  constructor(readonly key: string) {}
}

/** What the streams share: the registry, the encoder, the hooks. */
interface WatchContext {
  readonly registry: Registry;
  readonly encoder: SnapshotEncoder;
  readonly hooks: FanoutHooks;
}

export class WatchStream extends ScheduledStream {
  private unfollow: (() => void) | undefined;
  /** What was last handed to the call; version -1 before the first message. */
  private sentVersion = -1;
  private sentExists = false;
  private sentBytes: Buffer | undefined;

  constructor(
    private readonly fanout: WatchFanout,
    private readonly context: WatchContext,
    override readonly call: WatchCall,
    readonly request: ValidRequest,
    /** The streams sent the same bytes as this one. */
    readonly group: AnswerGroup,
    /** Who the caller is for the routes (its namespace, where caller authorization knows it). */
    readonly routeCaller: RouteCaller,
    scheduler: StreamScheduler<WatchStream>,
  ) {
    super(call, scheduler);
  }

  /** Starts following the registry; the current state is sent once synced. */
  open(scheduler: StreamScheduler<WatchStream>): void {
    this.unfollow = scheduler.follow(this, this.request.service.key);
    if (this.context.registry.synced) this.markDirty();
  }

  /** The newest state for this stream's target, as it goes on the wire. */
  private answer(): TargetAnswer {
    const { registry, encoder } = this.context;
    const lookup = registry.lookup(this.request.service.key, this.request.port);
    const caller = locate(this.request.client, (node) => registry.zoneOfNode(node));
    return { version: lookup.version, exists: lookup.status === 'found', bytes: encoder.encode(this.request.target, lookup, caller, this.routeCaller) };
  }

  /** Writes the group's newest answer if it differs from what was last sent. */
  flush(generation: number): void {
    if (!this.writable) return;
    const group = this.group;
    if (group.answeredIn !== generation) {
      group.answer = this.answer();
      group.answeredIn = generation;
    }
    const answer = group.answer!;
    // The same version can still be a new answer for this caller (its node's
    // zone became known): a found answer's bytes are cached per version and
    // caller class, so new bytes mean a new answer.
    if (answer.version === this.sentVersion && answer.exists === this.sentExists && (!answer.exists || answer.bytes === this.sentBytes)) return;
    this.sentVersion = answer.version;
    this.sentExists = answer.exists;
    this.sentBytes = answer.bytes;
    this.write(answer.bytes);
    this.context.hooks.onSent?.(this, answer.exists, answer.version);
  }

  logFields(): Record<string, unknown> {
    return { service: this.request.target.service };
  }

  protected detached(): void {
    this.unfollow?.();
    this.fanout.leave(this.group);
  }
}

/** The lookaside face's streams, grouped by the answer they are sent. */
export class WatchFanout {
  readonly scheduler: StreamScheduler<WatchStream>;
  /** Answer groups by key, each kept while it has a stream. */
  private readonly groups = new Map<string, AnswerGroup>();
  private readonly context: WatchContext;

  constructor(options: Omit<StreamSchedulerOptions<WatchStream>, 'face' | 'hooks'> & { readonly encoder: SnapshotEncoder; readonly hooks?: FanoutHooks }) {
    this.context = { registry: options.registry, encoder: options.encoder, hooks: options.hooks ?? {} };
    this.scheduler = new StreamScheduler({ ...options, face: 'WatchServers' });
  }

  /** Open WatchServers streams. */
  get size(): number {
    return this.scheduler.size;
  }

  /** Ends every stream with `code` (UNAVAILABLE at shutdown). */
  endAll(code: status, details: string): void {
    this.scheduler.endAll(code, details);
  }

  /** Answer groups held: one per distinct target and caller location with a stream open. */
  get answerGroups(): number {
    return this.groups.size;
  }

  /** Takes over an admitted WatchServers call until the client goes away or shutdown. */
  add(admitted: AdmittedCall<WatchStream>, call: WatchCall, request: ValidRequest, routeCaller: RouteCaller = {}): WatchStream {
    const stream = new WatchStream(this, this.context, call, request, this.joinGroup(request, routeCaller), routeCaller, this.scheduler);
    this.scheduler.add(admitted, stream);
    if (!stream.isClosed) stream.open(this.scheduler);
    return stream;
  }

  /** Streams whose callers get the same answer share a group. */
  private joinGroup(request: ValidRequest, routeCaller: RouteCaller): AnswerGroup {
    // Callers of different namespaces may be sent different routes (GAMMA consumer routes).
    const key = `${request.service.key}\n${request.target.service}\n${request.target.port}\n${request.client.zone}\n${request.client.node}\n${routeCaller.namespace ?? ''}`;
    let group = this.groups.get(key);
    if (!group) {
      group = new AnswerGroup(key);
      this.groups.set(key, group);
    }
    group.members += 1;
    return group;
  }

  leave(group: AnswerGroup): void {
    group.members -= 1;
    if (group.members === 0) this.groups.delete(group.key);
  }
}

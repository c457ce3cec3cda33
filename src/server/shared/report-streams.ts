// The load report streams of both faces (LRS for xDS clients, lookaside.v1
// ReportLoad for the Node client): each takes a place in the stream budget
// the watches use while it is open, given back exactly once however it ends,
// and a shutdown refuses new ones and ends the open ones with UNAVAILABLE,
// so clients reconnect to another replica.

import { status } from '@grpc/grpc-js';
import type { WatchStreamLimits } from './watch-stream-limits.js';

/** What this needs of a grpc-js server call. */
export interface ReportCall {
  getPeer(): string;
  emit(event: 'error', error: { code: status; details: string }): boolean;
  on(event: 'cancelled' | 'close' | 'error', listener: () => void): unknown;
}

export class ReportStreams<C extends ReportCall> {
  private readonly calls = new Set<C>();
  private draining = false;

  /**
   * @param shuttingDown the message a stream is ended with when the control plane shuts down
   */
  constructor(
    private readonly limits: WatchStreamLimits | undefined,
    private readonly shuttingDown: string,
  ) {}

  /** Open streams. */
  get size(): number {
    return this.calls.size;
  }

  /**
   * Takes `call` on, or ends it (UNAVAILABLE while shutting down,
   * RESOURCE_EXHAUSTED over the limits) and returns undefined. The function
   * returned gives its place back; it runs by itself when the call is
   * cancelled, closes or fails, and at most once.
   */
  admit(call: C): (() => void) | undefined {
    if (this.draining) return void call.emit('error', { code: status.UNAVAILABLE, details: this.shuttingDown });
    const peer = call.getPeer();
    const refusal = this.limits?.admit(peer);
    if (refusal) return void call.emit('error', { code: status.RESOURCE_EXHAUSTED, details: refusal });
    this.calls.add(call);
    let released = false;
    const done = () => {
      this.calls.delete(call);
      if (released) return;
      released = true;
      this.limits?.release(peer);
    };
    call.on('cancelled', done);
    call.on('close', done);
    call.on('error', done);
    return done;
  }

  /** Refuses new streams and ends every open one with UNAVAILABLE. */
  drain(): void {
    this.draining = true;
    for (const call of [...this.calls]) call.emit('error', { code: status.UNAVAILABLE, details: this.shuttingDown });
  }
}

// Taking a watch call on, for both faces: a place within the stream limits
// (watch-stream-limits.ts), given back exactly once when the call is over
// however it ends (the client cancels, the connection closes, the server
// ends it), with whatever else the face tied to the call.

import { status } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { WatchStreamLimits } from './watch-stream-limits.js';

/** What the scheduler uses of a grpc-js server call that streams responses (WatchServers or ADS). */
export interface StreamCall {
  write(bytes: Buffer): boolean;
  once(event: 'drain', listener: () => void): unknown;
  on(event: 'cancelled' | 'close' | 'finish' | 'error', listener: (error?: unknown) => void): unknown;
  emit(event: 'error', error: { code: status; details: string }): boolean;
  getPeer(): string;
  readonly writableLength: number;
}

/** A stream an admitted call may carry: what ends it. */
interface CarriedStream {
  readonly isClosed: boolean;
  end(code: status, details: string): void;
  detach(): void;
  logFields(): Record<string, unknown>;
}

/** How often a refusal is logged as a warning: a caller over a limit may be refused thousands of times a second. */
const REFUSAL_LOG_INTERVAL_MS = 10_000;

/** A call within the limits, until it is over. */
export class AdmittedCall<S extends CarriedStream> {
  private stream: S | undefined;
  private over = false;
  private readonly cleanups: (() => void)[] = [];

  constructor(
    readonly call: StreamCall,
    readonly peer: string,
    release: () => void,
    log: Logger,
    face: string,
  ) {
    this.cleanups.push(release);
    const finish = () => this.finish();
    call.on('cancelled', finish);
    call.on('close', finish);
    call.on('finish', finish);
    call.on('error', (error: unknown) => {
      log.debug({ err: error, ...this.stream?.logFields() }, `${face} stream error`);
      finish();
    });
  }

  /** True once the call is over. */
  get isOver(): boolean {
    return this.over;
  }

  /** The face's stream on this call (it may open later, after an authorization). */
  carries(stream: S): void {
    this.stream = stream;
    if (this.over) stream.detach();
  }

  /** Runs `cleanup` when the call is over (at once if it is). */
  onOver(cleanup: () => void): void {
    if (this.over) cleanup();
    else this.cleanups.push(cleanup);
  }

  /** Ends the call with a status: through its stream if one is open. */
  end(code: status, details: string): void {
    if (this.stream) this.stream.end(code, details);
    else this.call.emit('error', { code, details });
  }

  /** The call is over: its stream stops, its place is given back. Idempotent. */
  finish(): void {
    if (this.over) return;
    this.over = true;
    this.stream?.detach();
    for (const cleanup of this.cleanups) cleanup();
    this.cleanups.length = 0;
  }
}

export class StreamAdmission<S extends CarriedStream> {
  private lastRefusalWarning = 0;
  private refusalsSinceWarning = 0;

  constructor(
    private readonly face: string,
    private readonly limits: WatchStreamLimits,
    private readonly log: Logger,
  ) {}

  /** Admits `call` or refuses it with RESOURCE_EXHAUSTED naming the limit (undefined). */
  admit(call: StreamCall): AdmittedCall<S> | undefined {
    const peer = call.getPeer();
    const refusal = this.limits.admit(peer);
    if (refusal) {
      this.logRefusal(peer, refusal);
      call.emit('error', { code: status.RESOURCE_EXHAUSTED, details: refusal });
      return undefined;
    }
    return new AdmittedCall<S>(call, peer, () => this.limits.release(peer), this.log, this.face);
  }

  /** One warning per REFUSAL_LOG_INTERVAL_MS with the count; the rest go to debug. */
  private logRefusal(peer: string, refusal: string): void {
    this.refusalsSinceWarning++;
    const now = Date.now();
    if (now - this.lastRefusalWarning < REFUSAL_LOG_INTERVAL_MS) return this.log.debug({ peer }, refusal);
    this.log.warn({ peer, refused: this.refusalsSinceWarning, openStreams: this.limits.open }, `${this.face} refused: ${refusal}`);
    this.lastRefusalWarning = now;
    this.refusalsSinceWarning = 0;
  }
}

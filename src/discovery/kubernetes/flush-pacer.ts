// When the Kubernetes source writes what changed into the registry.
//
// Every registry write becomes a message to every watcher of that service,
// so writes are paced, the way kube-proxy paces its syncs (its
// BoundedFrequencyRunner and --iptables-min-sync-period):
//
// - The first change after a quiet period is written on the next turn of the
//   event loop. Events that arrived in one read of a watch stream (a
//   controller's reconcile often writes several slices at once) are handled
//   in the same turn, so they are written together, and an isolated change
//   (a pod turning unready) reaches clients without waiting.
// - After a write, the next waits until `minIntervalMs` have passed. A
//   rollout's burst of slice writes thus costs each watcher at most one
//   update per interval, and the newest state is always written at the end
//   of it, since each write publishes the complete state of what changed.
//
// The interval runs on a SourceClock; the next turn is always the event loop's.

import { SYSTEM_SOURCE_CLOCK, type SourceClock } from './source-clock.js';

export class FlushPacer {
  private lastFlushAt = -Infinity;
  private timer: { cancel(): void } | undefined;
  private immediate: NodeJS.Immediate | undefined;

  constructor(
    private readonly minIntervalMs: number,
    private readonly flush: () => void,
    private readonly clock: SourceClock = SYSTEM_SOURCE_CLOCK,
  ) {
    if (!Number.isFinite(minIntervalMs) || minIntervalMs < 0) throw new Error(`the minimum flush interval must be a number of milliseconds ≥ 0, got ${minIntervalMs}`);
  }

  /** True while a flush is scheduled. */
  get pending(): boolean {
    return this.timer !== undefined || this.immediate !== undefined;
  }

  /** Asks for a flush: on the next turn, or when the interval since the last one ends. */
  request(): void {
    if (this.pending) return;
    const wait = this.lastFlushAt + this.minIntervalMs - this.clock.now();
    if (wait <= 0) this.immediate = setImmediate(() => this.run());
    else this.timer = this.clock.setTimer(() => this.run(), wait);
  }

  /** Flushes now, dropping any scheduled flush; the interval restarts from here. */
  flushNow(): void {
    this.cancel();
    this.run();
  }

  /** Drops a scheduled flush. */
  cancel(): void {
    this.timer?.cancel();
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }

  private run(): void {
    this.timer = undefined;
    this.immediate = undefined;
    this.lastFlushAt = this.clock.now();
    this.flush();
  }
}

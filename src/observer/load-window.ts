// Calls counted over a sliding window (the last minute by default), in a
// fixed ring of buckets: memory per tracked backend is constant however many
// reports arrive, and a bucket older than the window is zeroed when the ring
// comes round to it, so old reports expire without a timer per backend.

/** Calls of one report or one window: finished ones by outcome, and those still open. */
export interface CallCounts {
  readonly succeeded: number;
  readonly failed: number;
}

export const DEFAULT_WINDOW_MS = 60_000;
export const DEFAULT_BUCKETS = 12;

export class LoadWindow {
  private readonly succeeded: Float64Array;
  private readonly failed: Float64Array;
  /** Per bucket, the bucket index (time / bucketMs) it holds; -1 empty. */
  private readonly epochs: Float64Array;
  private readonly bucketMs: number;
  /** The last time anything was added, on the observer's clock. */
  lastAddedAt = -Infinity;

  constructor(
    readonly windowMs: number = DEFAULT_WINDOW_MS,
    buckets: number = DEFAULT_BUCKETS,
  ) {
    this.bucketMs = windowMs / buckets;
    this.succeeded = new Float64Array(buckets);
    this.failed = new Float64Array(buckets);
    this.epochs = new Float64Array(buckets).fill(-1);
  }

  add(now: number, counts: CallCounts): void {
    const epoch = Math.floor(now / this.bucketMs);
    const slot = epoch % this.epochs.length;
    if (this.epochs[slot] !== epoch) {
      this.epochs[slot] = epoch;
      this.succeeded[slot] = 0;
      this.failed[slot] = 0;
    }
    this.succeeded[slot]! += counts.succeeded;
    this.failed[slot]! += counts.failed;
    this.lastAddedAt = now;
  }

  /** The calls of the buckets still inside the window at `now`. */
  total(now: number): CallCounts {
    const oldest = Math.floor(now / this.bucketMs) - this.epochs.length + 1;
    let succeeded = 0;
    let failed = 0;
    for (let slot = 0; slot < this.epochs.length; slot++) {
      if (this.epochs[slot]! < oldest) continue;
      succeeded += this.succeeded[slot]!;
      failed += this.failed[slot]!;
    }
    return { succeeded, failed };
  }

  /** True when nothing was added within the window before `now`. */
  expired(now: number): boolean {
    return now - this.lastAddedAt >= this.windowMs;
  }
}

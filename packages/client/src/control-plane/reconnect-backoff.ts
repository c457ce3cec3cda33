// Capped exponential backoff with jitter for re-opening the WatchServers
// stream. Jitter spreads the reconnects of many clients after a control-plane
// restart, so the new replica is not hit by all of them in the same instant.

export interface ReconnectBackoffOptions {
  /** First delay after a failure. */
  readonly initialMs: number;
  /** The cap: no delay is longer than this (before jitter). */
  readonly maxMs: number;
  /** Growth per consecutive failure. */
  readonly multiplier: number;
  /** Each delay is randomised by up to ±jitter of itself (0..1). */
  readonly jitter: number;
}

export const DEFAULT_RECONNECT_BACKOFF: ReconnectBackoffOptions = { initialMs: 250, maxMs: 10_000, multiplier: 1.6, jitter: 0.2 };

export class ReconnectBackoff {
  private nextBaseMs: number;

  constructor(
    private readonly options: ReconnectBackoffOptions = DEFAULT_RECONNECT_BACKOFF,
    private readonly random: () => number = Math.random,
  ) {
    this.nextBaseMs = options.initialMs;
  }

  /** The delay before the next attempt; each call grows the following one up to the cap. */
  next(): number {
    const base = this.nextBaseMs;
    this.nextBaseMs = Math.min(this.options.maxMs, base * this.options.multiplier);
    const spread = base * this.options.jitter;
    return Math.max(0, Math.round(base - spread + this.random() * 2 * spread));
  }

  /** The delay that next() would start growing from after a success. */
  reset(): void {
    this.nextBaseMs = this.options.initialMs;
  }

  /**
   * Runs `reconnect` after the next delay, or after the longest one when
   * the failure is not `retryable` (a refusal the operator may fix: retried,
   * at the slowest pace). The timer is unref'd: it keeps no process alive.
   */
  schedule(retryable: boolean, reconnect: () => void): NodeJS.Timeout {
    const timer = setTimeout(reconnect, retryable ? this.next() : this.maxDelayMs);
    timer.unref();
    return timer;
  }

  /** The longest delay this backoff ever returns. */
  get maxDelayMs(): number {
    return Math.ceil(this.options.maxMs * (1 + this.options.jitter));
  }
}

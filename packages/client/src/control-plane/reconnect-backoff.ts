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

  /** The longest delay this backoff ever returns. */
  get maxDelayMs(): number {
    return Math.ceil(this.options.maxMs * (1 + this.options.jitter));
  }
}

// A clock a test advances by hand (ServerClock, and a `now` for the caller
// authorizer): timers due by the new time run in the order they are due,
// each seeing now() at its due time, so "ten minutes later" takes no time.

import type { ServerClock, ServerTimer } from '../../src/clock/server-clock.js';

interface Pending {
  readonly at: number;
  readonly order: number;
  readonly callback: () => void;
}

export class ManualClock implements ServerClock {
  private time: number;
  private order = 0;
  private readonly pending = new Set<Pending>();

  constructor(start = 1_000_000) {
    this.time = start;
  }

  now = (): number => this.time;

  setTimer(callback: () => void, delayMs: number): ServerTimer {
    const entry = { at: this.time + Math.max(0, delayMs), order: this.order++, callback };
    this.pending.add(entry);
    return { cancel: () => void this.pending.delete(entry) };
  }

  /** Timers set and not yet run or cancelled. */
  get timers(): number {
    return this.pending.size;
  }

  /** Moves the time forward by `ms`, running every timer that falls due on the way. */
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      let next: Pending | undefined;
      for (const entry of this.pending) {
        if (entry.at > until) continue;
        if (!next || entry.at < next.at || (entry.at === next.at && entry.order < next.order)) next = entry;
      }
      if (!next) break;
      this.pending.delete(next);
      this.time = Math.max(this.time, next.at);
      next.callback();
    }
    this.time = until;
  }
}

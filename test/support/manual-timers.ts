// Timers on a clock that moves only when a test advances it, for code that
// takes a SourceTimers. A test waits for the positive signal that the code
// scheduled something (whenPending), then advances to run it.

import type { SourceTimers } from '../../src/discovery/file/file-source.js';

interface Pending {
  readonly at: number;
  readonly callback: () => void;
}

export class ManualTimers implements SourceTimers {
  private now = 0;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly waiters = new Set<() => void>();

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.pending.set(id, { at: this.now + ms, callback });
    for (const waiter of [...this.waiters]) waiter();
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** How many timers are scheduled and not yet run. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Resolves once a timer is scheduled (at once if one is); fails after timeoutMs of real time naming `what`. */
  whenPending(what: string, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.pending.size === 0) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out waiting for a timer to be scheduled: ${what}`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /** Moves the clock on by `ms`, running every timer that falls due, in order. */
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      let next: [number, Pending] | undefined;
      for (const entry of this.pending) if (entry[1].at <= until && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.pending.delete(next[0]);
      this.now = next[1].at;
      next[1].callback();
    }
    this.now = until;
  }
}

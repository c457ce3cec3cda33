// The time the server's own timers run on: stream lifetimes, the recheck of
// an open stream's authorization, the summary of a NACK storm. Production
// uses the process's clock; tests pass a clock they advance by hand, so what
// happens "after ten minutes" is asserted without waiting for it.

export interface ServerTimer {
  cancel(): void;
}

export interface ServerClock {
  /** Milliseconds, on a clock that never goes back. */
  now(): number;
  /** Calls `callback` once, `delayMs` from now; the timer keeps no process alive. */
  setTimer(callback: () => void, delayMs: number): ServerTimer;
}

export const SYSTEM_CLOCK: ServerClock = {
  now: () => performance.now(),
  setTimer: (callback, delayMs) => {
    const timer = setTimeout(callback, delayMs);
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
};

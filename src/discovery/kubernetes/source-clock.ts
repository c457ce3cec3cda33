// The time the Kubernetes source runs on. Production uses the process's
// clock; tests pass a clock they advance by hand, so a ramp over seconds, a
// burst held for an interval or a watch silent past its timeout is asserted
// without waiting for it. The source takes separate clocks for separate
// concerns (KubernetesSourceOptions.clock, .timers, .watchClock), so a test
// of one counts only its own timers.

/** A timer the source runs on; tests pass a clock they advance by hand. */
export interface SourceTimers {
  setTimer(callback: () => void, delayMs: number): { cancel(): void };
}

export const SYSTEM_TIMERS: SourceTimers = {
  setTimer: (callback, delayMs) => {
    // unref'd: a pending timer must not keep a stopping process alive.
    const timer = setTimeout(callback, delayMs);
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
};

export interface SourceClock extends SourceTimers {
  /** Milliseconds, on a clock that never goes back. */
  now(): number;
}

export const SYSTEM_SOURCE_CLOCK: SourceClock = {
  now: () => performance.now(),
  setTimer: (callback, delayMs) => SYSTEM_TIMERS.setTimer(callback, delayMs),
};

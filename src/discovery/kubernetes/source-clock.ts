// The time slow-start ramps and the pacing of registry writes run on.
// Production uses the process's clock; tests pass a clock they advance by
// hand, so a ramp over seconds or a burst held for an interval is asserted
// without waiting for it. It is apart from KubernetesSourceOptions.timers
// (CRD re-checks, status writes) so a test of one counts only its own timers.

import { SYSTEM_TIMERS, type SourceTimers } from './gateway-route-watcher.js';

export interface SourceClock extends SourceTimers {
  /** Milliseconds, on a clock that never goes back. */
  now(): number;
}

export const SYSTEM_SOURCE_CLOCK: SourceClock = {
  now: () => performance.now(),
  setTimer: (callback, delayMs) => SYSTEM_TIMERS.setTimer(callback, delayMs),
};

// What a registration's channels did, per service port and backend, between
// two load reports: calls issued, succeeded, failed, and in progress. The
// lookaside policies count on the call path (load-balancer-routing.ts hands
// each picked call its backend's counter); the load report sender takes the
// counts once per interval (load-report-sender.ts).
//
// Counting costs a map lookup per pick and no allocation: each backend's
// counter carries its call-started and call-ended functions, made once, and
// a pick hands those very functions to grpc-js.

import { Status } from '../grpc/grpc-module.js';

/** One backend's calls since the last report, and those in progress now. */
export class BackendCallCounter {
  issued = 0;
  succeeded = 0;
  failed = 0;
  inProgress = 0;

  /** A pick's onCallStarted: made once per backend, shared by every call to it. */
  readonly started = (): void => {
    this.issued++;
    this.inProgress++;
  };

  /** A pick's onCallEnded: made once per backend, shared by every call to it. */
  readonly ended = (code: number): void => {
    if (this.inProgress > 0) this.inProgress--;
    if (code === Status.OK) this.succeeded++;
    else this.failed++;
  };

  /** Whether it has anything to report or a call that will end later. */
  get busy(): boolean {
    return this.issued > 0 || this.succeeded > 0 || this.failed > 0 || this.inProgress > 0;
  }
}

/** One backend's part of a report. */
export interface BackendCallCounts {
  readonly address: string;
  readonly issued: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly inProgress: number;
}

/** The calls of one registration's channels, per target ("name.namespace:port") and backend ("host:port"). */
export class CallLoadCounters {
  private readonly targets = new Map<string, Map<string, BackendCallCounter>>();
  private on = true;

  /** False once counting stopped (the control plane takes no reports): policies then count nothing. */
  get enabled(): boolean {
    return this.on;
  }

  /** The counter of a target's backend, made on its first call. */
  counter(target: string, address: string): BackendCallCounter {
    let backends = this.targets.get(target);
    if (!backends) {
      backends = new Map();
      this.targets.set(target, backends);
    }
    let counter = backends.get(address);
    if (!counter) {
      counter = new BackendCallCounter();
      backends.set(address, counter);
    }
    return counter;
  }

  /**
   * The counts since the previous take, per target, and starts the next
   * interval: issued, succeeded and failed go back to 0; in progress stays.
   * A backend with nothing to report and no call in progress is forgotten
   * (a call in progress keeps its counter, which its end still updates).
   */
  take(): Map<string, BackendCallCounts[]> {
    const taken = new Map<string, BackendCallCounts[]>();
    for (const [target, backends] of this.targets) {
      const rows: BackendCallCounts[] = [];
      for (const [address, counter] of backends) {
        if (!counter.busy) {
          backends.delete(address);
          continue;
        }
        rows.push({ address, issued: counter.issued, succeeded: counter.succeeded, failed: counter.failed, inProgress: counter.inProgress });
        counter.issued = 0;
        counter.succeeded = 0;
        counter.failed = 0;
      }
      if (backends.size === 0) this.targets.delete(target);
      if (rows.length > 0) taken.set(target, rows);
    }
    return taken;
  }

  /** Stops counting for good and forgets every count. */
  disable(): void {
    this.on = false;
    this.targets.clear();
  }
}

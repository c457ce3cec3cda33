// The warnings one ADS stream logs for its NACKs. A client that rejects
// every response (a resource it cannot use, sent again with each change)
// NACKs as fast as the registry changes: one line per NACK buried the logs
// (963 lines in 4 s from one stream). The first NACK is logged at warn with
// its error; the NACKs after it are counted and told in one line per
// NACK_SUMMARY_INTERVAL_MS with the last error, and once more when the
// stream ends. Every NACK still reaches the hooks (the NACK counter).

import type { Logger } from 'pino';
import type { ServerClock, ServerTimer } from '../../clock/server-clock.js';

export const NACK_SUMMARY_INTERVAL_MS = 10_000;

export interface NackFields {
  readonly type: string;
  readonly rejectedVersion: string | undefined;
  readonly keptVersion: string;
  readonly error: string;
}

export class NackWarnings {
  /** Set while an interval runs: NACKs in it are counted, not logged one by one. */
  private interval: ServerTimer | undefined;
  private counted = 0;
  private last: NackFields | undefined;

  constructor(
    private readonly log: Logger,
    private readonly clock: ServerClock,
    private readonly node: () => string,
  ) {}

  nacked(fields: NackFields): void {
    if (this.interval === undefined) {
      this.log.warn({ node: this.node(), ...fields }, 'an xDS client rejected (NACKed) a response; it keeps its last accepted resources');
      this.startInterval();
      return;
    }
    this.counted += 1;
    this.last = fields;
    this.log.debug({ node: this.node(), ...fields }, 'an xDS client rejected (NACKed) a response');
  }

  /** The stream is over: tells what was counted and not told yet. */
  stop(): void {
    this.interval?.cancel();
    this.interval = undefined;
    this.summarize();
  }

  private startInterval(): void {
    this.interval = this.clock.setTimer(() => {
      this.interval = undefined;
      // A quiet interval ends the storm: the next NACK is logged in full.
      if (this.summarize()) this.startInterval();
    }, NACK_SUMMARY_INTERVAL_MS);
  }

  /** Logs the NACKs counted since the last line, if any; true if it did. */
  private summarize(): boolean {
    if (this.counted === 0 || !this.last) return false;
    const { type, error } = this.last;
    this.log.warn(
      { node: this.node(), nacks: this.counted, intervalMs: NACK_SUMMARY_INTERVAL_MS, lastType: type, lastError: error },
      `an xDS client rejected (NACKed) ${this.counted} more responses; it keeps its last accepted resources (last error: ${error})`,
    );
    this.counted = 0;
    this.last = undefined;
    return true;
  }
}

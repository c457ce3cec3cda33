// The registration's load reports: one lookaside.v1 ReportLoad stream on
// the control-plane channel its watches use. The first message names the
// client; the control plane answers with the interval it wants
// (`lookaside serve --load-report-interval`), and from then on the sender
// writes, once per interval, per service port it watches: the server list
// its watch applied (version, exists) and, per backend, the calls the
// policies counted since the previous report (call-load-counters.ts).
//
// It re-opens the stream with the watches' backoff. A control plane that
// does not implement ReportLoad (one older than the method, or one started
// with load reports off) answers UNIMPLEMENTED: the registration then stops
// counting and reporting, saying so once in the log.

import type { ClientDuplexStream, StatusObject } from '@grpc/grpc-js';
import { Status, statusName } from '../grpc/grpc-module.js';
import type { LookasideLogger } from '../lookaside-logger.js';
import type { CallLoadCounters, BackendCallCounts } from './call-load-counters.js';
import type { LoadBalancerStub, LoadReportAnswer, LoadReportRequest, ServersQuery } from './load-balancer-stub.js';
import { ReconnectBackoff, type ReconnectBackoffOptions } from './reconnect-backoff.js';
import type { ServerListWatch } from './server-list-watch.js';
import { RETRYABLE_CODES } from './server-list-watch.js';

/** The interval used when the control plane's answer names none. */
export const DEFAULT_REPORT_INTERVAL_MS = 10_000;
/** The bounds the control plane's interval is held to (lookaside.v1 ReportLoadResponse). */
export const MIN_REPORT_INTERVAL_MS = 100;
export const MAX_REPORT_INTERVAL_MS = 600_000;
/** The least time between two reports sent early for a new server list: a burst of changes costs one a second. */
export const APPLIED_REPORT_GAP_MS = 1_000;
/** How long a last report may take to be taken before its stream is cancelled, so it cannot hold the process. */
const LAST_REPORT_TIMEOUT_MS = 1_000;

export interface LoadReportSenderOptions {
  readonly counters: CallLoadCounters;
  /** The registration's open watches: what it reports for, with the list each applied. */
  readonly watches: () => Iterable<ServerListWatch>;
  readonly client?: ServersQuery['client'];
  readonly backoff: ReconnectBackoffOptions;
  readonly logger: LookasideLogger;
  /** For messages: where the control plane is. */
  readonly controlPlane: string;
  /** Reads the caller token each stream sends, as the watches do; throws when it cannot be read. */
  readonly callerToken?: () => string;
}

type ReportCall = ClientDuplexStream<LoadReportRequest, LoadReportAnswer>;

export class LoadReportSender {
  private stub: LoadBalancerStub | undefined;
  private call: ReportCall | undefined;
  /** Whether the control plane answered the open stream: reports are sent only then. */
  private answered = false;
  private intervalMs: number | undefined;
  private reportTimer: NodeJS.Timeout | undefined;
  /** An early report for a new server list, when one is due. */
  private appliedTimer: NodeJS.Timeout | undefined;
  /** When the last report was written (performance.now()). */
  private lastReportAt = -Infinity;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly backoff: ReconnectBackoff;
  /** Set for good by close() or an UNIMPLEMENTED answer. */
  private stopped = false;

  constructor(private readonly options: LoadReportSenderOptions) {
    this.backoff = new ReconnectBackoff(options.backoff);
  }

  /** Whether this registration still reports (false after close() or an UNIMPLEMENTED answer). */
  get reporting(): boolean {
    return !this.stopped;
  }

  /**
   * A watch applied a server list of a new version: report it soon, like
   * an xDS ACK, rather than at the next interval, so the control plane does
   * not show this client behind for up to an interval after every change.
   * At most one such report per APPLIED_REPORT_GAP_MS; none when the
   * interval is that short anyway. The report carries the calls counted so
   * far, as any report does.
   */
  applied(): void {
    if (!this.call || !this.answered || this.appliedTimer || (this.intervalMs ?? 0) <= APPLIED_REPORT_GAP_MS) return;
    const wait = Math.max(0, this.lastReportAt + APPLIED_REPORT_GAP_MS - performance.now());
    this.appliedTimer = setTimeout(() => {
      this.appliedTimer = undefined;
      this.sendOnOpenStream();
    }, wait);
    this.appliedTimer.unref();
  }

  /** The control-plane channel opened (its stub), or is about to close (undefined). */
  connect(stub: LoadBalancerStub | undefined): void {
    this.hangUp();
    this.stub = stub;
    if (stub) this.open();
  }

  /** Ends the stream and every timer, for good. */
  close(): void {
    this.stopped = true;
    this.hangUp();
    this.stub = undefined;
  }

  /**
   * Ends the stream. One the control plane answered first takes a last
   * report, of what was counted since the previous one, so the calls of a
   * channel's last interval are not lost; then it is half-closed, and
   * cancelled if the control plane has not ended it within a second.
   */
  private hangUp(): void {
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.reportTimer);
    clearTimeout(this.appliedTimer);
    this.reconnectTimer = undefined;
    this.reportTimer = undefined;
    this.appliedTimer = undefined;
    const call = this.call;
    this.call = undefined;
    if (!call) return;
    if (!this.answered) return void call.cancel();
    try {
      this.send(call);
      call.end();
      setTimeout(() => call.cancel(), LAST_REPORT_TIMEOUT_MS).unref();
    } catch (error) {
      this.options.logger.debug('the last load report could not be sent', { err: error });
      call.cancel();
    }
  }

  private open(): void {
    if (this.stopped || !this.stub) return;
    let call: ReportCall;
    try {
      const token = this.options.callerToken?.();
      // No deadline, like WatchServers: the stream lives as long as the channel, kept alive by its keepalive.
      call = this.stub.reportLoad({ waitForReady: true, ...(token !== undefined && { token }) });
    } catch (error) {
      this.options.logger.error('cannot open ReportLoad', { controlPlane: this.options.controlPlane, err: error });
      this.scheduleReconnect(false);
      return;
    }
    this.call = call;
    this.answered = false;
    call.on('data', (answer: LoadReportAnswer) => {
      if (this.call !== call) return;
      const first = !this.answered;
      this.answered = true;
      this.backoff.reset();
      const wanted = answer.reportIntervalMs > 0 ? answer.reportIntervalMs : DEFAULT_REPORT_INTERVAL_MS;
      const intervalMs = Math.min(MAX_REPORT_INTERVAL_MS, Math.max(MIN_REPORT_INTERVAL_MS, wanted));
      if (intervalMs !== this.intervalMs || !this.reportTimer) {
        this.intervalMs = intervalMs;
        this.scheduleReport();
      }
      // The lists applied before this stream was answered (at start, or while it reconnected) are reported now.
      if (first) this.applied();
    });
    // Errors arrive again as 'status'; this listener only keeps an error event from being thrown as unhandled.
    call.on('error', () => {});
    call.on('status', (status: StatusObject) => {
      if (this.call !== call) return;
      this.call = undefined;
      clearTimeout(this.reportTimer);
      this.reportTimer = undefined;
      try {
        this.onStreamEnd(status);
      } catch (error) {
        this.options.logger.error('failed to handle the end of ReportLoad', { err: error });
      }
    });
    call.write({ client: this.options.client ?? {}, targets: [] });
  }

  private scheduleReport(): void {
    clearTimeout(this.reportTimer);
    this.reportTimer = setTimeout(() => {
      this.reportTimer = undefined;
      this.sendOnOpenStream();
      if (this.call) this.scheduleReport();
    }, this.intervalMs);
    this.reportTimer.unref();
  }

  /** A report on the open stream, if there is one. */
  private sendOnOpenStream(): void {
    try {
      if (this.call) this.send(this.call);
    } catch (error) {
      // Invariant 9 (docs/design.md): a report that cannot be made is logged; the next one is tried.
      this.options.logger.error('failed to send a load report', { err: error });
    }
  }

  /** One report: every watched target with the list it applied, and the calls counted since the last report. */
  private send(call: ReportCall): void {
    const counts = this.options.counters.take();
    const targets: LoadReportRequest['targets'][number][] = [];
    for (const watch of this.options.watches()) {
      const { service, port, key } = watch.target;
      const applied = watch.applied;
      targets.push({ target: { service, port }, ...(applied && { applied }), backends: toWire(counts.get(key)) });
      counts.delete(key);
    }
    // Calls to a target whose watch has closed since (its last channel went away).
    for (const [key, rows] of counts) {
      const colon = key.lastIndexOf(':');
      targets.push({ target: { service: key.slice(0, colon), port: key.slice(colon + 1) }, backends: toWire(rows) });
    }
    call.write({ targets });
    this.lastReportAt = performance.now();
  }

  private onStreamEnd(status: StatusObject): void {
    if (this.stopped) return;
    if (status.code === Status.UNIMPLEMENTED) {
      this.stopped = true;
      this.options.counters.disable();
      this.options.logger.info('the control plane takes no load reports (ReportLoad is UNIMPLEMENTED there): this registration sends none', { controlPlane: this.options.controlPlane, details: status.details });
      return;
    }
    // OK (the server ended the stream) is as good as a disconnect: re-open.
    const retryable = RETRYABLE_CODES.has(status.code) || status.code === Status.OK;
    this.options.logger[retryable ? 'debug' : 'warn']('ReportLoad stream ended; reconnecting', { controlPlane: this.options.controlPlane, code: statusName(status.code), details: status.details });
    this.scheduleReconnect(retryable);
  }

  private scheduleReconnect(retryable: boolean): void {
    if (this.stopped || !this.stub) return;
    // A non-retryable answer (a permission problem) is retried at the slowest pace, as the watches do.
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = this.backoff.schedule(retryable, () => {
      this.reconnectTimer = undefined;
      this.open();
    });
  }
}

function toWire(rows: readonly BackendCallCounts[] | undefined): LoadReportRequest['targets'][number]['backends'] {
  return (rows ?? []).map((row) => ({ address: row.address, succeededCalls: row.succeeded, failedCalls: row.failed, issuedCalls: row.issued, inProgressCalls: row.inProgress }));
}

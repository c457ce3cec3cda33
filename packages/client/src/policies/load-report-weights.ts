// Weights from the backends' own load reports (ORCA), as gRFC A58
// ("weighted_round_robin") computes them, for lookaside_weighted_round_robin
// with {"loadReports": {...}}.
//
// A backend that reports load puts an OrcaLoadReport in each call's
// trailers ("endpoint-load-metrics-bin"; grpc-go does so with
// orca.CallMetricsRecorder, grpc-java with CallMetricRecorder, a grpc-js
// server with encodeLoadReport below, or with
// `grpc.server_call_metric_recording` and call.getMetricsRecorder(), which in
// grpc-js 1.14.7 parses orca.proto again for every report). From the
// latest report:
//     weight = qps / (utilization + eps / qps * errorUtilizationPenalty)
// where utilization is application_utilization, else cpu_utilization; a
// report with no qps or no utilization gives no weight. A58's timing rules:
// a weight counts only after the backend has reported for blackoutPeriod
// (so one lucky report does not swing traffic), and stops counting when no
// report came for weightExpirationPeriod. Backends without a counted weight
// get the mean of those with one.
//
// The result multiplies the control plane's weight: a backend's share is
// its control-plane weight × (its load weight / the mean load weight). With
// no reports at all, every multiplier is 1 and the policy is plain weighted
// round robin over the control plane's weights.

import protobuf from 'protobufjs';

/** The trailer a backend reports its load in (gRFC A51). */
export const LOAD_REPORT_TRAILER = 'endpoint-load-metrics-bin';

export interface LoadReport {
  readonly cpuUtilization: number;
  readonly applicationUtilization: number;
  readonly qps: number;
  readonly eps: number;
}

/** OrcaLoadReport's fields used here (xds/data/orca/v3/orca_load_report.proto). */
const FIELDS = { cpu_utilization: 1, rps_fractional: 6, eps: 7, application_utilization: 9 } as const;

/**
 * Encodes an OrcaLoadReport with the fields A58 uses, for a grpc-js backend
 * to send in its trailers:
 *
 *   const trailer = new Metadata();
 *   trailer.set(LOAD_REPORT_TRAILER, encodeLoadReport({ qps, applicationUtilization }));
 *   callback(null, reply, trailer);
 *
 * grpc-js's own recorder (call.getMetricsRecorder()) gives the same bytes,
 * but 1.14.7 loads orca.proto from disk with @grpc/proto-loader on every
 * report it serializes (its cache variable is a const null), about 8 ms of
 * CPU per call: a backend reporting that way spends more on the report than
 * most calls cost. Values are doubles; a field left out is not sent.
 */
export function encodeLoadReport(report: Partial<LoadReport>): Buffer {
  const writer = protobuf.Writer.create();
  const field = (number: number, value: number | undefined) => {
    if (value === undefined) return;
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`encodeLoadReport: ${number === FIELDS.rps_fractional ? 'qps' : 'a utilization or eps'} must be a finite number ≥ 0 (got ${value})`);
    writer.uint32((number << 3) | 1).double(value);
  };
  field(FIELDS.cpu_utilization, report.cpuUtilization);
  field(FIELDS.rps_fractional, report.qps);
  field(FIELDS.eps, report.eps);
  field(FIELDS.application_utilization, report.applicationUtilization);
  return Buffer.from(writer.finish());
}

/** Decodes the fields A58 uses from an OrcaLoadReport; undefined for bytes that are not one. */
export function decodeLoadReport(bytes: Uint8Array): LoadReport | undefined {
  const report = { cpuUtilization: 0, applicationUtilization: 0, qps: 0, eps: 0 };
  try {
    const reader = protobuf.Reader.create(bytes);
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      const field = tag >>> 3;
      const wireType = tag & 7;
      if (wireType === 1 && field === FIELDS.cpu_utilization) report.cpuUtilization = reader.double();
      else if (wireType === 1 && field === FIELDS.rps_fractional) report.qps = reader.double();
      else if (wireType === 1 && field === FIELDS.eps) report.eps = reader.double();
      else if (wireType === 1 && field === FIELDS.application_utilization) report.applicationUtilization = reader.double();
      else reader.skipType(wireType);
    }
  } catch {
    return undefined;
  }
  return report;
}

export interface LoadReportSettings {
  readonly blackoutPeriodMs: number;
  readonly weightExpirationPeriodMs: number;
  readonly weightUpdatePeriodMs: number;
  readonly errorUtilizationPenalty: number;
}

/** A58's defaults. */
export const DEFAULT_LOAD_REPORT_SETTINGS: LoadReportSettings = {
  blackoutPeriodMs: 10_000,
  weightExpirationPeriodMs: 180_000,
  weightUpdatePeriodMs: 1_000,
  errorUtilizationPenalty: 1.0,
};

interface BackendLoad {
  weight: number;
  /** When the backend started reporting a usable weight (undefined: not since its last expiry). */
  nonEmptySince: number | undefined;
  lastUpdated: number;
}

export class LoadReportWeights {
  private readonly loads = new Map<string, BackendLoad>();

  constructor(
    readonly settings: LoadReportSettings,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes a backend's report (from a call's trailers). */
  record(key: string, report: LoadReport): void {
    const utilization = report.applicationUtilization > 0 ? report.applicationUtilization : report.cpuUtilization;
    if (!(report.qps > 0) || !(utilization > 0)) return;
    const weight = report.qps / (utilization + (report.eps / report.qps) * this.settings.errorUtilizationPenalty);
    if (!Number.isFinite(weight) || weight <= 0) return;
    const now = this.now();
    const load = this.loads.get(key);
    if (!load) {
      this.loads.set(key, { weight, nonEmptySince: now, lastUpdated: now });
      return;
    }
    if (load.nonEmptySince === undefined) load.nonEmptySince = now;
    load.weight = weight;
    load.lastUpdated = now;
  }

  /** The load weight of a backend that counts now, or undefined. */
  private counted(key: string, now: number): number | undefined {
    const load = this.loads.get(key);
    if (!load) return undefined;
    if (now - load.lastUpdated >= this.settings.weightExpirationPeriodMs) {
      // Expired: a backend that reports again starts a new blackout.
      load.nonEmptySince = undefined;
      return undefined;
    }
    if (load.nonEmptySince === undefined || now - load.nonEmptySince < this.settings.blackoutPeriodMs) return undefined;
    return load.weight;
  }

  /** The multiplier of each backend's control-plane weight, by key: 1 where no weight counts. */
  multipliers(keys: readonly string[]): Map<string, number> {
    const now = this.now();
    const counted = new Map<string, number>();
    for (const key of keys) {
      const weight = this.counted(key, now);
      if (weight !== undefined) counted.set(key, weight);
    }
    const result = new Map<string, number>();
    const mean = counted.size > 0 ? [...counted.values()].reduce((a, b) => a + b, 0) / counted.size : 0;
    for (const key of keys) result.set(key, mean > 0 && counted.has(key) ? counted.get(key)! / mean : 1);
    return result;
  }

  /** Forgets backends that are gone. */
  retain(keys: ReadonlySet<string>): void {
    for (const key of this.loads.keys()) if (!keys.has(key)) this.loads.delete(key);
  }
}

// The lookaside_weighted_round_robin policy: every call goes to the next
// backend in an earliest-deadline-first schedule of the control plane's
// weights. It is the default policy of lookaside channels. It needs no load
// reports (unlike grpc-js's own weighted_round_robin, which weighs by ORCA
// reports only); with "loadReports" it also follows the backends' own ORCA
// reports (load-report-weights.ts), and behaves as without while none report.
//
//   {"loadBalancingConfig": [{"lookaside_weighted_round_robin": {}}]}
//   {"loadBalancingConfig": [{"lookaside_weighted_round_robin": {"loadReports": {"blackoutPeriod": "10s"}}}]}

import type { experimental } from '@grpc/grpc-js';
import { checkConfigObject, LoadBalancingConfigError } from './load-balancing-config-error.js';
import { DEFAULT_LOAD_REPORT_SETTINGS, LoadReportWeights, type LoadReportSettings } from './load-report-weights.js';
import { WeightedEndpointBalancer } from './weighted-endpoint-balancer.js';
import { WeightedRoundRobinPicker, type PickableBackend } from './weighted-picker.js';

export const WEIGHTED_ROUND_ROBIN_POLICY = 'lookaside_weighted_round_robin';

const LOAD_REPORT_FIELDS = ['blackoutPeriod', 'weightExpirationPeriod', 'weightUpdatePeriod', 'errorUtilizationPenalty'] as const;

/** A protobuf JSON Duration ("10s", "0.5s") in ms, or an error naming the field. */
function durationMs(field: string, value: unknown, fallback: number, minimumMs: number): number {
  if (value === undefined) return fallback;
  const match = typeof value === 'string' ? /^([0-9]+(?:\.[0-9]+)?)s$/.exec(value) : null;
  const ms = match ? Number(match[1]) * 1_000 : NaN;
  if (!Number.isFinite(ms) || ms < minimumMs) {
    throw new LoadBalancingConfigError(WEIGHTED_ROUND_ROBIN_POLICY, `loadReports.${field}`, `must be a duration such as "10s", at least ${minimumMs / 1_000}s (got ${JSON.stringify(value)})`);
  }
  return ms;
}

/** The policy's config: optional "loadReports" (ORCA, gRFC A58); unknown fields are rejected by name. */
export class WeightedRoundRobinLoadBalancingConfig implements experimental.TypedLoadBalancingConfig {
  /** @param loadReports weigh by the backends' load reports too; undefined: the control plane's weights alone. */
  constructor(readonly loadReports?: LoadReportSettings) {}

  getLoadBalancerName(): string {
    return WEIGHTED_ROUND_ROBIN_POLICY;
  }

  toJsonObject(): object {
    const reports = this.loadReports;
    if (!reports) return { [WEIGHTED_ROUND_ROBIN_POLICY]: {} };
    return {
      [WEIGHTED_ROUND_ROBIN_POLICY]: {
        loadReports: {
          blackoutPeriod: `${reports.blackoutPeriodMs / 1_000}s`,
          weightExpirationPeriod: `${reports.weightExpirationPeriodMs / 1_000}s`,
          weightUpdatePeriod: `${reports.weightUpdatePeriodMs / 1_000}s`,
          errorUtilizationPenalty: reports.errorUtilizationPenalty,
        },
      },
    };
  }

  static createFromJson(json: unknown): WeightedRoundRobinLoadBalancingConfig {
    const fields = checkConfigObject(WEIGHTED_ROUND_ROBIN_POLICY, json, ['loadReports']);
    if (fields.loadReports === undefined) return new WeightedRoundRobinLoadBalancingConfig();
    const reports = checkConfigObject(`${WEIGHTED_ROUND_ROBIN_POLICY} loadReports`, fields.loadReports, [...LOAD_REPORT_FIELDS]);
    const penalty = reports.errorUtilizationPenalty ?? DEFAULT_LOAD_REPORT_SETTINGS.errorUtilizationPenalty;
    if (typeof penalty !== 'number' || !Number.isFinite(penalty) || penalty < 0) {
      throw new LoadBalancingConfigError(WEIGHTED_ROUND_ROBIN_POLICY, 'loadReports.errorUtilizationPenalty', `must be a number of at least 0 (got ${JSON.stringify(penalty)})`);
    }
    return new WeightedRoundRobinLoadBalancingConfig({
      blackoutPeriodMs: durationMs('blackoutPeriod', reports.blackoutPeriod, DEFAULT_LOAD_REPORT_SETTINGS.blackoutPeriodMs, 0),
      weightExpirationPeriodMs: durationMs('weightExpirationPeriod', reports.weightExpirationPeriod, DEFAULT_LOAD_REPORT_SETTINGS.weightExpirationPeriodMs, 1_000),
      // A58 floors the update period at 100 ms.
      weightUpdatePeriodMs: durationMs('weightUpdatePeriod', reports.weightUpdatePeriod, DEFAULT_LOAD_REPORT_SETTINGS.weightUpdatePeriodMs, 100),
      errorUtilizationPenalty: penalty,
    });
  }
}

export class WeightedRoundRobinLoadBalancer extends WeightedEndpointBalancer<WeightedRoundRobinLoadBalancingConfig> {
  protected isOwnConfig(config: experimental.TypedLoadBalancingConfig): config is WeightedRoundRobinLoadBalancingConfig {
    return config instanceof WeightedRoundRobinLoadBalancingConfig;
  }

  private loadWeights: LoadReportWeights | undefined;

  protected createPicker(ready: readonly PickableBackend[]): experimental.Picker {
    return new WeightedRoundRobinPicker(ready);
  }

  protected override loadReportWeights(config: WeightedRoundRobinLoadBalancingConfig): LoadReportWeights | undefined {
    const settings = config.loadReports;
    if (!settings) return (this.loadWeights = undefined);
    if (!this.loadWeights || JSON.stringify(this.loadWeights.settings) !== JSON.stringify(settings)) this.loadWeights = new LoadReportWeights(settings);
    return this.loadWeights;
  }

  getTypeName(): string {
    return WEIGHTED_ROUND_ROBIN_POLICY;
  }
}

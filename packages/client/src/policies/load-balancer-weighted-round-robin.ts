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
import type { GrpcModule } from '../grpc/grpc-module.js';
import { checkConfigObject, DEFAULT_COLD_START_WAIT_MS, LoadBalancingConfigError, parseColdStartWait, parseDurationMs } from './load-balancing-config-error.js';
import { DEFAULT_LOAD_REPORT_SETTINGS, LoadReportWeights, type LoadReportSettings } from './load-report-weights.js';
import { WeightedEndpointBalancer } from './weighted-endpoint-balancer.js';
import { WeightedRoundRobinPicker, type PickableBackend } from './weighted-picker.js';

export const WEIGHTED_ROUND_ROBIN_POLICY = 'lookaside_weighted_round_robin';

const LOAD_REPORT_FIELDS = ['blackoutPeriod', 'weightExpirationPeriod', 'weightUpdatePeriod', 'errorUtilizationPenalty'] as const;

function durationMs(grpc: GrpcModule, field: string, value: unknown, fallback: number, minimumMs: number): number {
  return parseDurationMs(grpc, WEIGHTED_ROUND_ROBIN_POLICY, `loadReports.${field}`, value, fallback, minimumMs);
}

/** The policy's config: optional "loadReports" (ORCA, gRFC A58) and "coldStartWait"; unknown fields are rejected by name. */
export class WeightedRoundRobinLoadBalancingConfig implements experimental.TypedLoadBalancingConfig {
  /**
   * @param loadReports weigh by the backends' load reports too; undefined: the control plane's weights alone.
   * @param coldStartWaitMs how long a cold channel's first calls may wait for backends still connecting
   */
  constructor(
    readonly loadReports?: LoadReportSettings,
    readonly coldStartWaitMs: number = DEFAULT_COLD_START_WAIT_MS,
  ) {}

  getLoadBalancerName(): string {
    return WEIGHTED_ROUND_ROBIN_POLICY;
  }

  toJsonObject(): object {
    const reports = this.loadReports;
    const coldStartWait = `${this.coldStartWaitMs / 1_000}s`;
    if (!reports) return { [WEIGHTED_ROUND_ROBIN_POLICY]: { coldStartWait } };
    return {
      [WEIGHTED_ROUND_ROBIN_POLICY]: {
        coldStartWait,
        loadReports: {
          blackoutPeriod: `${reports.blackoutPeriodMs / 1_000}s`,
          weightExpirationPeriod: `${reports.weightExpirationPeriodMs / 1_000}s`,
          weightUpdatePeriod: `${reports.weightUpdatePeriodMs / 1_000}s`,
          errorUtilizationPenalty: reports.errorUtilizationPenalty,
        },
      },
    };
  }

  /** Parses the policy's JSON config; durations are read by `grpc`'s parseDuration. */
  static fromJson(json: unknown, grpc: GrpcModule): WeightedRoundRobinLoadBalancingConfig {
    const fields = checkConfigObject(WEIGHTED_ROUND_ROBIN_POLICY, json, ['loadReports', 'coldStartWait']);
    const coldStartWaitMs = parseColdStartWait(grpc, WEIGHTED_ROUND_ROBIN_POLICY, fields.coldStartWait);
    if (fields.loadReports === undefined) return new WeightedRoundRobinLoadBalancingConfig(undefined, coldStartWaitMs);
    const reports = checkConfigObject(`${WEIGHTED_ROUND_ROBIN_POLICY} loadReports`, fields.loadReports, [...LOAD_REPORT_FIELDS]);
    const penalty = reports.errorUtilizationPenalty ?? DEFAULT_LOAD_REPORT_SETTINGS.errorUtilizationPenalty;
    if (typeof penalty !== 'number' || !Number.isFinite(penalty) || penalty < 0) {
      throw new LoadBalancingConfigError(WEIGHTED_ROUND_ROBIN_POLICY, 'loadReports.errorUtilizationPenalty', `must be a number of at least 0 (got ${JSON.stringify(penalty)})`);
    }
    return new WeightedRoundRobinLoadBalancingConfig({
      blackoutPeriodMs: durationMs(grpc, 'blackoutPeriod', reports.blackoutPeriod, DEFAULT_LOAD_REPORT_SETTINGS.blackoutPeriodMs, 0),
      weightExpirationPeriodMs: durationMs(grpc, 'weightExpirationPeriod', reports.weightExpirationPeriod, DEFAULT_LOAD_REPORT_SETTINGS.weightExpirationPeriodMs, 1_000),
      // A58 floors the update period at 100 ms.
      weightUpdatePeriodMs: durationMs(grpc, 'weightUpdatePeriod', reports.weightUpdatePeriod, DEFAULT_LOAD_REPORT_SETTINGS.weightUpdatePeriodMs, 100),
      errorUtilizationPenalty: penalty,
    }, coldStartWaitMs);
  }
}

/**
 * The config class registered in `grpc`: grpc-js calls createFromJson with
 * the JSON alone, so each registration binds the module it parses with.
 */
export function weightedRoundRobinConfigClass(grpc: GrpcModule) {
  return class extends WeightedRoundRobinLoadBalancingConfig {
    static createFromJson(json: unknown): WeightedRoundRobinLoadBalancingConfig {
      return WeightedRoundRobinLoadBalancingConfig.fromJson(json, grpc);
    }
  };
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

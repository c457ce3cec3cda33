// The lookaside_least_request policy: power of random choices, weighted. Each
// call draws `choiceCount` backends by weight and goes to the one with the
// fewest calls in flight per unit of weight. Use it when call costs vary a
// lot, so a backend that is slow right now gets fewer new calls.
//
//   {"loadBalancingConfig": [{"lookaside_least_request": {"choiceCount": 2}}]}

import type { experimental } from '@grpc/grpc-js';
import type { GrpcModule } from '../grpc/grpc-module.js';
import { checkConfigObject, DEFAULT_COLD_START_WAIT_MS, LoadBalancingConfigError, parseColdStartWait } from './load-balancing-config-error.js';
import { WeightedEndpointBalancer } from './weighted-endpoint-balancer.js';
import { LeastRequestPicker, type PickableBackend } from './weighted-picker.js';

export const LEAST_REQUEST_POLICY = 'lookaside_least_request';
export const DEFAULT_CHOICE_COUNT = 2;
/** More choices than this add cost and little balance (gRFC A48 caps it likewise). */
export const MAX_CHOICE_COUNT = 10;

export class LeastRequestLoadBalancingConfig implements experimental.TypedLoadBalancingConfig {
  /**
   * @param choiceCount how many backends each pick draws: at least 2; values
   *     above MAX_CHOICE_COUNT are treated as MAX_CHOICE_COUNT
   */
  constructor(
    readonly choiceCount: number = DEFAULT_CHOICE_COUNT,
    readonly coldStartWaitMs: number = DEFAULT_COLD_START_WAIT_MS,
  ) {}

  getLoadBalancerName(): string {
    return LEAST_REQUEST_POLICY;
  }

  toJsonObject(): object {
    return { [LEAST_REQUEST_POLICY]: { choiceCount: this.choiceCount, coldStartWait: `${this.coldStartWaitMs / 1_000}s` } };
  }

  /** Parses the policy's JSON config; durations are read by `grpc`'s parseDuration. */
  static fromJson(json: unknown, grpc: GrpcModule): LeastRequestLoadBalancingConfig {
    const fields = checkConfigObject(LEAST_REQUEST_POLICY, json, ['choiceCount', 'coldStartWait']);
    const coldStartWaitMs = parseColdStartWait(grpc, LEAST_REQUEST_POLICY, fields.coldStartWait);
    const value = fields.choiceCount;
    if (value === undefined) return new LeastRequestLoadBalancingConfig(DEFAULT_CHOICE_COUNT, coldStartWaitMs);
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 2) {
      throw new LoadBalancingConfigError(LEAST_REQUEST_POLICY, 'choiceCount', `must be a whole number of at least 2 (got ${JSON.stringify(value)}); values above ${MAX_CHOICE_COUNT} count as ${MAX_CHOICE_COUNT}`);
    }
    return new LeastRequestLoadBalancingConfig(Math.min(value, MAX_CHOICE_COUNT), coldStartWaitMs);
  }
}

/** The config class registered in `grpc` (see weightedRoundRobinConfigClass). */
export function leastRequestConfigClass(grpc: GrpcModule) {
  return class extends LeastRequestLoadBalancingConfig {
    static createFromJson(json: unknown): LeastRequestLoadBalancingConfig {
      return LeastRequestLoadBalancingConfig.fromJson(json, grpc);
    }
  };
}

export class LeastRequestLoadBalancer extends WeightedEndpointBalancer<LeastRequestLoadBalancingConfig> {
  protected isOwnConfig(config: experimental.TypedLoadBalancingConfig): config is LeastRequestLoadBalancingConfig {
    return config instanceof LeastRequestLoadBalancingConfig;
  }

  protected createPicker(ready: readonly PickableBackend[], config: LeastRequestLoadBalancingConfig): experimental.Picker {
    return new LeastRequestPicker(ready, config.choiceCount);
  }

  getTypeName(): string {
    return LEAST_REQUEST_POLICY;
  }
}

// The lookaside_weighted_round_robin policy: every call goes to the next
// backend in an earliest-deadline-first schedule of the control plane's
// static weights. It is the default policy of lookaside channels. It needs no
// load reports (unlike grpc-js's own weighted_round_robin, which weighs by
// ORCA reports only).
//
//   {"loadBalancingConfig": [{"lookaside_weighted_round_robin": {}}]}

import type { experimental } from '@grpc/grpc-js';
import { checkConfigObject } from './load-balancing-config-error.js';
import { WeightedEndpointBalancer } from './weighted-endpoint-balancer.js';
import { WeightedRoundRobinPicker, type PickableBackend } from './weighted-picker.js';

export const WEIGHTED_ROUND_ROBIN_POLICY = 'lookaside_weighted_round_robin';

/** The policy's config. It has no fields; unknown fields are rejected by name. */
export class WeightedRoundRobinLoadBalancingConfig implements experimental.TypedLoadBalancingConfig {
  getLoadBalancerName(): string {
    return WEIGHTED_ROUND_ROBIN_POLICY;
  }

  toJsonObject(): object {
    return { [WEIGHTED_ROUND_ROBIN_POLICY]: {} };
  }

  static createFromJson(json: unknown): WeightedRoundRobinLoadBalancingConfig {
    checkConfigObject(WEIGHTED_ROUND_ROBIN_POLICY, json, []);
    return new WeightedRoundRobinLoadBalancingConfig();
  }
}

export class WeightedRoundRobinLoadBalancer extends WeightedEndpointBalancer<WeightedRoundRobinLoadBalancingConfig> {
  protected isOwnConfig(config: experimental.TypedLoadBalancingConfig): config is WeightedRoundRobinLoadBalancingConfig {
    return config instanceof WeightedRoundRobinLoadBalancingConfig;
  }

  protected createPicker(ready: readonly PickableBackend[]): experimental.Picker {
    return new WeightedRoundRobinPicker(ready);
  }

  getTypeName(): string {
    return WEIGHTED_ROUND_ROBIN_POLICY;
  }
}

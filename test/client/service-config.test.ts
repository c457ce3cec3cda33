import { describe, expect, it } from 'vitest';
import { DEFAULT_SERVICE_CONFIG, LEAST_REQUEST_POLICY, lookasideChannelOptions, mergeServiceConfig } from 'grpc-lookaside-client';
import { LeastRequestLoadBalancingConfig } from '../../packages/client/src/policies/load-balancer-least-request.js';
import { WeightedRoundRobinLoadBalancingConfig } from '../../packages/client/src/policies/load-balancer-weighted-round-robin.js';
import * as grpc from '@grpc/grpc-js';
import { validateServiceConfig } from '../../packages/client/src/resolver/service-config-validation.js';

describe('mergeServiceConfig', () => {
  it('is the default when the user gives none', () => {
    expect(mergeServiceConfig(undefined)).toEqual(DEFAULT_SERVICE_CONFIG);
    expect(() => validateServiceConfig(mergeServiceConfig(undefined), grpc)).not.toThrow();
  });

  it("keeps the user's policy, methods and throttling, and the default retry for the rest", () => {
    const user = {
      loadBalancingConfig: [{ [LEAST_REQUEST_POLICY]: {} }],
      methodConfig: [{ name: [{ service: 'shop.Cart', method: 'Pay' }], timeout: '2s' }],
    };
    const merged = mergeServiceConfig(JSON.stringify(user));
    expect(merged.loadBalancingConfig).toEqual(user.loadBalancingConfig);
    expect(merged.methodConfig).toEqual([user.methodConfig[0], DEFAULT_SERVICE_CONFIG.methodConfig![0]]);
    expect(merged.retryThrottling).toEqual(DEFAULT_SERVICE_CONFIG.retryThrottling);
    expect(() => validateServiceConfig(merged, grpc)).not.toThrow();
  });

  it('drops the default catch-all method config when the user has one', () => {
    const merged = mergeServiceConfig({ methodConfig: [{ name: [{}], waitForReady: true }] });
    expect(merged.methodConfig).toEqual([{ name: [{}], waitForReady: true }]);
    expect(merged.loadBalancingConfig).toEqual(DEFAULT_SERVICE_CONFIG.loadBalancingConfig);
  });

  it('turns a loadBalancingPolicy name into a config', () => {
    expect(mergeServiceConfig({ loadBalancingPolicy: 'round_robin' }).loadBalancingConfig).toEqual([{ round_robin: {} }]);
  });
});

describe('lookasideChannelOptions', () => {
  it("adds keepalive without overriding the caller's and merges the service config", () => {
    const options = lookasideChannelOptions({ 'grpc.keepalive_time_ms': 5_000, 'grpc.service_config': JSON.stringify({ retryThrottling: { maxTokens: 10, tokenRatio: 1 } }) });
    expect(options['grpc.keepalive_time_ms']).toBe(5_000);
    expect(options['grpc.keepalive_timeout_ms']).toBe(20_000);
    const config = JSON.parse(options['grpc.service_config'] as string);
    expect(config.retryThrottling).toEqual({ maxTokens: 10, tokenRatio: 1 });
    expect(config.methodConfig).toEqual(DEFAULT_SERVICE_CONFIG.methodConfig);
  });
});

describe('policy configs', () => {
  it('validate their JSON with field-specific messages', () => {
    expect(LeastRequestLoadBalancingConfig.createFromJson({}).choiceCount).toBe(2);
    expect(LeastRequestLoadBalancingConfig.createFromJson({ choiceCount: 50 }).choiceCount).toBe(10);
    expect(() => LeastRequestLoadBalancingConfig.createFromJson({ choiceCount: 1 })).toThrow(/lookaside_least_request config field "choiceCount": must be a whole number of at least 2/);
    expect(() => LeastRequestLoadBalancingConfig.createFromJson({ choices: 3 })).toThrow(/field "choices": is not a field of this policy; allowed: "choiceCount"/);
    expect(() => WeightedRoundRobinLoadBalancingConfig.createFromJson({ weights: [] })).toThrow(/field "weights": is not a field of this policy; allowed: "loadReports"/);
    expect(() => WeightedRoundRobinLoadBalancingConfig.createFromJson('x')).toThrow(/must be an object/);
  });
});

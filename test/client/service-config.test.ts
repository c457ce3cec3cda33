import { describe, expect, it } from 'vitest';
import { DEFAULT_SERVICE_CONFIG, LEAST_REQUEST_POLICY, lookasideChannelOptions, mergeServiceConfig } from 'grpc-lookaside-client';
import { leastRequestConfigClass, LeastRequestLoadBalancingConfig } from '../../packages/client/src/policies/load-balancer-least-request.js';
import { weightedRoundRobinConfigClass, WeightedRoundRobinLoadBalancingConfig } from '../../packages/client/src/policies/load-balancer-weighted-round-robin.js';
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
    expect(LeastRequestLoadBalancingConfig.fromJson({}, grpc).choiceCount).toBe(2);
    expect(LeastRequestLoadBalancingConfig.fromJson({ choiceCount: 50 }, grpc).choiceCount).toBe(10);
    expect(() => LeastRequestLoadBalancingConfig.fromJson({ choiceCount: 1 }, grpc)).toThrow(/lookaside_least_request config field "choiceCount": must be a whole number of at least 2/);
    expect(() => LeastRequestLoadBalancingConfig.fromJson({ choices: 3 }, grpc)).toThrow(/field "choices": is not a field of this policy; allowed: "choiceCount"/);
    expect(() => WeightedRoundRobinLoadBalancingConfig.fromJson({ weights: [] }, grpc)).toThrow(/field "weights": is not a field of this policy; allowed: "loadReports"/);
    expect(() => WeightedRoundRobinLoadBalancingConfig.fromJson('x', grpc)).toThrow(/must be an object/);
  });
});

describe('durations', () => {
  const allowed = /must be a duration in seconds such as "10s" or "0\.25s" \(at most nine digits after the point\)/;
  // Refused by grpc-js's parseDuration, or (the last) finer than a nanosecond,
  // which grpc-js would read as 1.23 s.
  const refused: unknown[] = ['250ms', '1m', '-1s', '.5s', '1.s', ' 1s', '1S', '', 1, null, '0.1234567891s'];

  it("of the policies are read by the registered module's parseDuration, as milliseconds", () => {
    const read: string[] = [];
    const observed = { ...grpc, experimental: { ...grpc.experimental, parseDuration: (value: string) => (read.push(value), grpc.experimental.parseDuration(value)) } };
    expect(weightedRoundRobinConfigClass(observed).createFromJson({ coldStartWait: '0.5s' }).coldStartWaitMs).toBe(500);
    expect(leastRequestConfigClass(observed).createFromJson({ coldStartWait: '1.000000001s' }).coldStartWaitMs).toBe(1_000.000001);
    const reports = WeightedRoundRobinLoadBalancingConfig.fromJson({ loadReports: { blackoutPeriod: '0s', weightExpirationPeriod: '180s', weightUpdatePeriod: '0.1s' } }, observed).loadReports;
    expect(reports).toMatchObject({ blackoutPeriodMs: 0, weightExpirationPeriodMs: 180_000, weightUpdatePeriodMs: 100 });
    expect(read).toEqual(['0.5s', '1.000000001s', '0s', '180s', '0.1s']);
  });

  it.each(refused)('of the policies refuse %j, naming the policy and the field', (value) => {
    expect(() => LeastRequestLoadBalancingConfig.fromJson({ coldStartWait: value }, grpc)).toThrow(/^lookaside_least_request config field "coldStartWait": /);
    expect(() => LeastRequestLoadBalancingConfig.fromJson({ coldStartWait: value }, grpc)).toThrow(allowed);
    expect(() => WeightedRoundRobinLoadBalancingConfig.fromJson({ loadReports: { weightUpdatePeriod: value } }, grpc)).toThrow(/lookaside_weighted_round_robin config field "loadReports\.weightUpdatePeriod": .*, at least 0\.1s \(got /);
  });

  it('of the service config become the {seconds, nanos} the channel takes', () => {
    const methodConfig = (timeout: string) => validateServiceConfig({ methodConfig: [{ name: [{}], timeout }] }, grpc).methodConfig[0]!.timeout;
    expect(methodConfig('2s')).toEqual({ seconds: 2, nanos: 0 });
    expect(methodConfig('1.5s')).toEqual({ seconds: 1, nanos: 500_000_000 });
    expect(methodConfig('0.000000001s')).toEqual({ seconds: 0, nanos: 1 });
  });

  it.each(refused)('of the service config refuse %j, naming the field', (value) => {
    expect(() => validateServiceConfig({ methodConfig: [{ name: [{}], timeout: value }] }, grpc)).toThrow(/^invalid service config: "methodConfig\[0\]\.timeout" /);
    expect(() => validateServiceConfig({ methodConfig: [{ name: [{}], timeout: value }] }, grpc)).toThrow(allowed);
    const retryPolicy = { maxAttempts: 2, initialBackoff: '0.1s', maxBackoff: value, backoffMultiplier: 2, retryableStatusCodes: ['UNAVAILABLE'] };
    expect(() => validateServiceConfig({ methodConfig: [{ name: [{}], retryPolicy }] }, grpc)).toThrow(/"methodConfig\[0\]\.retryPolicy\.maxBackoff" must be a duration/);
  });
});

// A balancing config grpc-js cannot parse makes it fall back to pick_first
// without a word: every call on one backend, the symptom this project exists
// to remove. Each case here once sent all calls to one backend; now the
// channel's constructor (and lookasideChannelOptions) throws, naming the
// field and what is allowed. A valid outlier_detection wrapper still balances.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lookasideChannelOptions, registerLookaside, ServiceConfigError, type LookasideLogEntry, type LookasideRegistration } from 'grpc-lookaside-client';
import { startFileControlPlane, type FileControlPlane } from '../support/file-control-plane.js';
import { IdentityClient, startIdentityBackends, type IdentityBackend } from '../support/identity-backends.js';

const TARGET = 'lookaside:///configs.test:grpc';
const WEIGHTS = [1, 2, 3];

let backends: IdentityBackend[];
let cp: FileControlPlane;
let registration: LookasideRegistration;
const logged: LookasideLogEntry[] = [];

beforeAll(async () => {
  backends = await startIdentityBackends(3, 'configs');
  cp = await startFileControlPlane([{ name: 'configs', namespace: 'test', ports: [{ name: 'grpc', port: 8080, backends: backends.map((b, i) => ({ address: b.address, weight: WEIGHTS[i]! })) }] }]);
  registration = registerLookaside({ controlPlane: cp.address, logger: (entry) => logged.push(entry) });
});
afterAll(async () => {
  registration?.close();
  await cp?.close();
  await Promise.all((backends ?? []).map((b) => b.stop()));
});

const BAD_CONFIGS: [string, object, RegExp][] = [
  ['a misspelt policy name', { loadBalancingConfig: [{ lookaside_least_requests: {} }] }, /"loadBalancingConfig\[0\]\.lookaside_least_requests" is not a registered load-balancing policy; this package's are "lookaside_weighted_round_robin", "lookaside_least_request"/],
  ['lookaside_least_request with choiceCount 1', { loadBalancingConfig: [{ lookaside_least_request: { choiceCount: 1 } }] }, /"loadBalancingConfig\[0\]\.lookaside_least_request" cannot be used: .*field "choiceCount": must be a whole number of at least 2/],
  ['lookaside_weighted_round_robin with an unknown field', { loadBalancingConfig: [{ lookaside_weighted_round_robin: { weights: [1, 2] } }] }, /field "weights": is not a field of this policy; allowed: "loadReports"/],
  ['lookaside_weighted_round_robin with a bad loadReports period', { loadBalancingConfig: [{ lookaside_weighted_round_robin: { loadReports: { weightUpdatePeriod: '1m' } } }] }, /field "loadReports\.weightUpdatePeriod": must be a duration in seconds such as "10s" or "0\.25s" \(at most nine digits after the point\), at least 0\.1s \(got "1m"\)/],
  ['lookaside_weighted_round_robin with an unknown loadReports field', { loadBalancingConfig: [{ lookaside_weighted_round_robin: { loadReports: { blackout: '1s' } } }] }, /loadReports config field "blackout": is not a field of this policy; allowed: "blackoutPeriod"/],
  [
    'outlier_detection with childPolicy in camelCase',
    { loadBalancingConfig: [{ outlier_detection: { childPolicy: [{ lookaside_weighted_round_robin: {} }] } }] },
    /"loadBalancingConfig\[0\]\.outlier_detection" cannot be used: .*child_policy must be an array \(grpc-js's policy configs spell fields in snake_case: "child_policy", not "childPolicy"\)/,
  ],
  ['a nested child policy that does not parse', { loadBalancingConfig: [{ outlier_detection: { child_policy: [{ lookaside_least_request: { choiceCount: 0 } }] } }] }, /"loadBalancingConfig\[0\]\.outlier_detection\.child_policy\[0\]\.lookaside_least_request" cannot be used/],
  ['a misspelt top-level field', { loadBalancingConfigs: [{ round_robin: {} }] }, /"loadBalancingConfigs" is not a field here; allowed: "loadBalancingConfig"/],
];

describe.each(BAD_CONFIGS)('%s', (_name, config, message) => {
  const options = { 'grpc.service_config': JSON.stringify(config) };

  it('makes lookasideChannelOptions throw, naming the field', () => {
    expect(() => lookasideChannelOptions(options)).toThrow(ServiceConfigError);
    expect(() => lookasideChannelOptions(options)).toThrow(message);
  });

  it("makes the client's constructor throw and logs it, instead of calls going to one backend", () => {
    logged.length = 0;
    expect(() => new IdentityClient(TARGET, options)).toThrow(message);
    expect(logged.some((entry) => entry.level === 'error' && /service config cannot be used/.test(entry.message))).toBe(true);
  });
});

it('balances by weight as the child of outlier_detection, written as grpc-js reads it', async () => {
  const client = new IdentityClient(
    TARGET,
    lookasideChannelOptions({
      'grpc.service_config': JSON.stringify({
        loadBalancingConfig: [
          {
            outlier_detection: {
              interval: { seconds: 10, nanos: 0 },
              base_ejection_time: { seconds: 30, nanos: 0 },
              max_ejection_percent: 50,
              failure_percentage_ejection: { threshold: 50, enforcement_percentage: 100, minimum_hosts: 3, request_volume: 20 },
              child_policy: [{ lookaside_weighted_round_robin: {} }],
            },
          },
        ],
      }),
    }),
  );
  try {
    await client.spread(30, 4); // connect to every backend first
    const before = backends.map((b) => b.calls);
    const { failures } = await client.spread(600, 8);
    expect(failures).toEqual([]);
    const shares = backends.map((b, i) => (b.calls - before[i]!) / 600);
    WEIGHTS.forEach((weight, i) => expect(Math.abs(shares[i]! - weight / 6), `backend ${i}: ${shares[i]}`).toBeLessThan(0.03));
  } finally {
    client.close();
  }
});

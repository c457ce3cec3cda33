// A caller's hooks and the control plane's own metrics watch the same
// events, on both faces: a change reaches the propagation histogram and the
// caller's onPropagated, an xDS response the response counter and the
// caller's onPush. Neither replaces the other.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { LoadBalancerStub } from 'grpc-lookaside-client';
import { ControlPlane } from '../../src/control-plane.js';
import type { ServiceSpec } from '../../src/registry/snapshot.js';
import { ManualSource } from '../support/manual-source.js';
import { RawAdsClient, TYPES } from '../support/raw-ads-client.js';
import { testLogger } from '../support/test-logger.js';
import { WatchRecorder } from '../support/watch-recorder.js';

const greeter = (hosts: string[]): ServiceSpec => ({
  name: 'greeter',
  namespace: 'default',
  ports: [{ name: 'grpc', port: 50051, backends: hosts.map((host) => ({ host, port: 8080 })) }],
});

const propagated: { key: string; seconds: number }[] = [];
const pushed: string[] = [];
let controlPlane: ControlPlane;
let registry: ManualSource['registry'];
let stub: LoadBalancerStub;

beforeAll(async () => {
  controlPlane = await ControlPlane.start({
    logger: testLogger(),
    host: '127.0.0.1',
    port: 0,
    metrics: { host: '127.0.0.1', port: 0 },
    createSource: (created) => {
      registry = created;
      const source = new ManualSource(created);
      source.sync([greeter(['127.10.0.1'])]);
      return source;
    },
    hooks: { onPropagated: (key, seconds) => propagated.push({ key, seconds }) },
    xdsHooks: { onPush: (type) => pushed.push(type) },
  });
  stub = new LoadBalancerStub(`127.0.0.1:${controlPlane.port}`, undefined, { 'grpc.use_local_subchannel_pool': 1 });
});
afterAll(async () => {
  stub.close();
  await controlPlane.stop(500);
});

async function sample(name: string): Promise<number | undefined> {
  const text = await (await fetch(`http://127.0.0.1:${controlPlane.metricsPort}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

it('a change reaches both the propagation histogram and the caller\'s onPropagated (WatchServers)', async () => {
  const watch = new WatchRecorder(stub, { service: 'greeter.default', port: 'grpc' });
  try {
    await watch.waitFor((r) => r.updates.length === 1);
    registry.upsert(greeter(['127.10.0.1', '127.10.0.2']));
    await watch.waitFor((r) => r.updates.length === 2);
    await expect.poll(() => propagated.length).toBe(1);
    expect(propagated[0]!.key).toBe('greeter.default');
    expect(await sample('lookaside_update_propagation_seconds_count{protocol="lookaside"}')).toBe(1);
  } finally {
    watch.close();
  }
});

it('an xDS response reaches both the response counter and the caller\'s onPush', async () => {
  const ads = new RawAdsClient(`127.0.0.1:${controlPlane.port}`);
  try {
    ads.send({ node: { id: 'hooks' }, type_url: TYPES.listener, resource_names: ['greeter.default:grpc'] });
    await ads.next();
    expect(pushed).toEqual([TYPES.listener]);
    expect(await sample('lookaside_xds_responses_total{type="listener",answer="sent"}')).toBe(1);
  } finally {
    ads.close();
  }
});

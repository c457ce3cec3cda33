// A fan-out larger than one chunk: every watcher still gets each version,
// and the propagation hook reports once per change, after the last write.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LoadBalancerStub } from 'grpc-lookaside-client';
import { ControlPlane } from '../../src/control-plane.js';
import { FLUSH_CHUNK } from '../../src/server/shared/stream-scheduler.js';
import { busyService, BUSY_SERVICE } from '../support/busy-service.js';
import { ManualSource } from '../support/manual-source.js';
import { testLogger } from '../support/test-logger.js';
import { waitFor } from '../support/wait-until.js';
import { WatchRecorder } from '../support/watch-recorder.js';

const WATCHERS = FLUSH_CHUNK * 2 + 44;
const propagated: string[] = [];
let controlPlane: ControlPlane;
let stubs: LoadBalancerStub[];

beforeAll(async () => {
  controlPlane = await ControlPlane.start({
    logger: testLogger(),
    host: '127.0.0.1',
    port: 0,
    createSource: (registry) => {
      const source = new ManualSource(registry);
      source.sync([busyService(0)]);
      return source;
    },
    hooks: { onPropagated: (key) => propagated.push(key) },
  });
  stubs = [0, 1, 2].map(() => new LoadBalancerStub(`127.0.0.1:${controlPlane.port}`, undefined, { 'grpc.use_local_subchannel_pool': 1 }));
});
afterAll(async () => {
  for (const stub of stubs) stub.close();
  await controlPlane.stop(500);
});

it(`writes every version to all ${WATCHERS} watchers over several event-loop turns`, async () => {
  const watchers = Array.from({ length: WATCHERS }, (_, i) => new WatchRecorder(stubs[i % stubs.length]!, BUSY_SERVICE));
  await Promise.all(watchers.map((w) => w.waitFor((r) => r.updates.length === 1)));
  expect(propagated).toEqual([]);

  for (let i = 1; i <= 3; i++) {
    controlPlane.registry.upsert(busyService(i));
    const version = controlPlane.registry.revision;
    await Promise.all(watchers.map((w) => w.waitFor((r) => r.last?.version === version)));
  }
  expect(watchers.every((w) => w.updates.length === 4)).toBe(true);
  expect(propagated).toEqual(['busy.default', 'busy.default', 'busy.default']);
  for (const w of watchers) w.close();
});

it('skips a version superseded in the middle of a fan-out, and never sends a watcher an older version', async () => {
  const watchers = Array.from({ length: WATCHERS }, (_, i) => new WatchRecorder(stubs[i % stubs.length]!, BUSY_SERVICE));
  await Promise.all(watchers.map((w) => w.waitFor((r) => r.updates.length === 1)));
  controlPlane.registry.upsert(busyService(10));
  const superseded = controlPlane.registry.revision;
  // Runs right after the fan-out's first chunk was written: the rest of the batch is still to come.
  const newest = await new Promise<number>((resolve) =>
    setImmediate(() => {
      controlPlane.registry.upsert(busyService(11));
      resolve(controlPlane.registry.revision);
    }),
  );
  await Promise.all(watchers.map((w) => w.waitFor((r) => r.last?.version === newest)));
  for (const w of watchers) {
    const versions = w.updates.map((u) => u.version);
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
    expect(new Set(versions).size).toBe(versions.length);
  }
  const gotSuperseded = watchers.filter((w) => w.updates.some((u) => u.version === superseded)).length;
  // The first chunk had it before the change; the streams after it go straight to the newest.
  expect(gotSuperseded).toBeGreaterThan(0);
  expect(gotSuperseded).toBeLessThan(WATCHERS);
  for (const w of watchers) w.close();
});

it('shares one answer among the watchers that get the same one, and keeps it only while one of them watches', async () => {
  const fanout = controlPlane.server.loadBalancer.fanout;
  const zones = ['zone-a', 'zone-b', ''];
  const watchers = Array.from({ length: WATCHERS }, (_, i) => new WatchRecorder(stubs[i % stubs.length]!, { ...BUSY_SERVICE, client: { zone: zones[i % zones.length]! } }));
  await Promise.all(watchers.map((w) => w.waitFor((r) => r.updates.length === 1)));
  expect(fanout.answerGroups).toBe(zones.length);
  controlPlane.registry.upsert(busyService(20));
  const version = controlPlane.registry.revision;
  await Promise.all(watchers.map((w) => w.waitFor((r) => r.last?.version === version)));
  for (const w of watchers) w.close();
  await waitFor('every watch stream closed', () => fanout.size === 0);
  expect(fanout.answerGroups).toBe(0);
});

import { afterAll, beforeAll, expect, it } from 'vitest';
import { LoadBalancerStub } from 'grpc-lookaside-client';
import { ControlPlane } from '../../src/control-plane.js';
import { busyService } from '../support/busy-service.js';
import type { WatchStream } from '../../src/server/lookaside/watch-fanout.js';
import { ManualSource } from '../support/manual-source.js';
import { testLogger } from '../support/test-logger.js';
import { WatchRecorder } from '../support/watch-recorder.js';

const UPDATES = 1_000;

/** Every version of the service is a few kilobytes, so flow control bites quickly. */
const version = (i: number) => busyService(i, 60);

const sent = new Map<WatchStream, { count: number; maxQueued: number }>();
let controlPlane: ControlPlane;
let source: ManualSource;
let slowStub: LoadBalancerStub;
let fastStub: LoadBalancerStub;

beforeAll(async () => {
  controlPlane = await ControlPlane.start({
    logger: testLogger(),
    host: '127.0.0.1',
    port: 0,
    createSource: (registry) => (source = new ManualSource(registry)),
    hooks: {
      onSent: (stream) => {
        const entry = sent.get(stream) ?? { count: 0, maxQueued: 0 };
        entry.count += 1;
        entry.maxQueued = Math.max(entry.maxQueued, stream.call.writableLength);
        sent.set(stream, entry);
      },
    },
  });
  source.sync([version(0)]);
  // Separate channels, so the slow reader's connection-level flow control
  // cannot be what holds the fast one back.
  slowStub = new LoadBalancerStub(`127.0.0.1:${controlPlane.port}`, undefined, { 'grpc.use_local_subchannel_pool': 1 });
  fastStub = new LoadBalancerStub(`127.0.0.1:${controlPlane.port}`, undefined, { 'grpc.use_local_subchannel_pool': 1 });
});

afterAll(async () => {
  slowStub.close();
  fastStub.close();
  await controlPlane.stop(500);
});

it('a watcher that stops reading skips to the newest version, costs bounded memory and delays nobody', async () => {
  const slow = new WatchRecorder(slowStub, { service: 'busy.default', port: 'grpc' });
  const fast = new WatchRecorder(fastStub, { service: 'busy.default', port: 'grpc' });
  await slow.waitFor((r) => r.updates.length === 1);
  await fast.waitFor((r) => r.updates.length === 1);
  slow.call.pause();
  const encodesBefore = controlPlane.server.loadBalancer.encoder.encodes;

  for (let i = 1; i <= UPDATES; i++) {
    controlPlane.registry.upsert(version(i));
    // Let the fan-out run between versions, as it would between real events.
    await new Promise((resolve) => setImmediate(resolve));
  }
  const newest = controlPlane.registry.lookup('busy.default', { kind: 'name', name: 'grpc' }).version;

  // The fast watcher gets the newest version while the slow one is still stuck.
  await fast.waitFor((r) => r.last?.version === newest);
  const received = slow.updates.length;

  // Two streams were written: the fast one about once per version, the slow
  // one only until its socket filled up.
  const [slowStats, fastStats] = [...sent.values()].sort((a, b) => a.count - b.count);
  expect(sent.size).toBe(2);
  console.log(`writes: slow stream ${slowStats!.count}, fast stream ${fastStats!.count}, of ${UPDATES} versions`);
  expect(fastStats!.count).toBeGreaterThan(UPDATES / 2);
  // Bounded: the stream's own buffer never grows past grpc-js's high-water
  // mark (16 messages) plus the one write that reported it full.
  expect(slowStats!.maxQueued).toBeLessThanOrEqual(17);
  expect(slowStats!.count).toBeLessThan(UPDATES / 5);
  // Each version was encoded once, however many watchers there were.
  expect(controlPlane.server.loadBalancer.encoder.encodes - encodesBefore).toBeLessThanOrEqual(UPDATES);

  slow.call.resume();
  await slow.waitFor((r) => r.last?.version === newest);
  expect(slow.updates.length - received).toBeLessThanOrEqual(slowStats!.count);
  expect(slow.last!.servers.map((s) => s.weight)).toEqual(fast.last!.servers.map((s) => s.weight));
  slow.close();
  fast.close();
});

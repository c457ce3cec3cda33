// A slow xDS subscriber, like a slow WatchServers watcher (invariant 4, docs/design.md): an
// ADS stream that stops reading costs bounded memory, delays nobody, and
// gets the newest version, not a backlog, when it reads again.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { ControlPlane } from '../../src/control-plane.js';
import type { AdsStream } from '../../src/server/xds/ads-stream.js';
import { busyService } from '../support/busy-service.js';
import { ManualSource } from '../support/manual-source.js';
import { RawAdsClient, TYPES, unpack } from '../support/raw-ads-client.js';
import { testLogger } from '../support/test-logger.js';
import { waitFor } from '../support/wait-until.js';

const UPDATES = 1_000;
/** Each version is a few kilobytes (60 backends), so flow control bites quickly. */
const version = (i: number) => busyService(i, 60);
const CLUSTER = 'busy.default:50051';

const pushes = new Map<AdsStream, { count: number; maxQueued: number }>();
let controlPlane: ControlPlane;
let source: ManualSource;

beforeAll(async () => {
  controlPlane = await ControlPlane.start({
    logger: testLogger(),
    host: '127.0.0.1',
    port: 0,
    createSource: (registry) => (source = new ManualSource(registry)),
    xdsHooks: {
      onPush: (_type, stream) => {
        const entry = pushes.get(stream) ?? { count: 0, maxQueued: 0 };
        entry.count += 1;
        entry.maxQueued = Math.max(entry.maxQueued, stream.call.writableLength);
        pushes.set(stream, entry);
      },
    },
  });
  source.sync([version(0)]);
});
afterAll(async () => {
  await controlPlane.stop(500);
});

it('a subscriber that stops reading skips to the newest version, costs bounded memory and delays nobody', async () => {
  const address = `127.0.0.1:${controlPlane.port}`;
  const slow = new RawAdsClient(address);
  const fast = new RawAdsClient(address);
  for (const c of [slow, fast]) c.send({ node: { id: 'slow-test' }, type_url: TYPES.endpoints, resource_names: [CLUSTER] });
  await slow.next();
  await fast.next();
  slow.call.pause();
  const encodesBefore = controlPlane.server.xds.resources.encodes;

  for (let i = 1; i <= UPDATES; i++) {
    controlPlane.registry.upsert(version(i));
    await new Promise((resolve) => setImmediate(resolve));
  }
  const newest = () => JSON.stringify(unpack(fast.responses.at(-1)!.resources[0]!));
  const expected = JSON.stringify(
    version(UPDATES).ports[0]!.backends.map((b) => `${b.host}:${b.weight}`).sort(),
  );
  const backendsOf = (response: (typeof fast.responses)[number]) =>
    JSON.stringify(
      (unpack(response.resources[0]!) as { endpoints: { lb_endpoints: { endpoint: { address: { socket_address: { address: string } } }; load_balancing_weight: { value: number } }[] }[] }).endpoints
        .flatMap((e) => e.lb_endpoints.map((l) => `${l.endpoint.address.socket_address.address}:${l.load_balancing_weight.value}`))
        .sort(),
    );
  await waitFor('the fast subscriber has the newest version', () => fast.responses.length > 1 && backendsOf(fast.responses.at(-1)!) === expected);
  const [slowStats, fastStats] = [...pushes.entries()].filter(([s]) => !s.isClosed).map(([, v]) => v).sort((a, b) => a.count - b.count);
  console.log(`pushes: slow stream ${slowStats!.count}, fast stream ${fastStats!.count}, of ${UPDATES} versions`);
  expect(fastStats!.count).toBeGreaterThan(UPDATES / 2);
  expect(slowStats!.maxQueued).toBeLessThanOrEqual(17);
  expect(slowStats!.count).toBeLessThan(UPDATES / 5);
  expect(controlPlane.server.xds.resources.encodes - encodesBefore).toBeLessThanOrEqual(UPDATES);

  slow.call.resume();
  await waitFor('the slow subscriber catches up to the newest version', () => slow.responses.length > 1 && backendsOf(slow.responses.at(-1)!) === expected);
  expect(slow.responses.length - 1).toBeLessThanOrEqual(slowStats!.count + 1);
  expect(newest()).toBe(JSON.stringify(unpack(slow.responses.at(-1)!.resources[0]!)));
  slow.close();
  fast.close();
});

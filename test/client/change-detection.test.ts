// Which updates a client acts on: every field of an answer the policies read
// (address, weight, rank, zone) counts as a change, through a real control
// plane on the file source and a real grpc-js channel. A Service that gains
// trafficDistribution: PreferSameZone changes only the ranks of its
// backends, and the caller's calls must then stay in its zone, over the
// connections it already has.

import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { registerLookaside, type LookasideRegistration } from 'grpc-lookaside-client';
import { startFileControlPlane, type FileControlPlane, type FileService } from '../support/file-control-plane.js';
import { IdentityClient, startIdentityBackend, waitFor, type IdentityBackend } from '../support/identity-backends.js';

let cp: FileControlPlane;
let registration: LookasideRegistration;
let zoneA: IdentityBackend[];
let zoneB: IdentityBackend[];
const clients: IdentityClient[] = [];

function shop(trafficDistribution?: 'PreferSameZone'): FileService {
  return {
    name: 'shop',
    namespace: 'test',
    ...(trafficDistribution && { trafficDistribution }),
    ports: [{ name: 'grpc', port: 9090, backends: [...zoneA.map((b) => ({ address: b.address, zone: 'zone-a' })), ...zoneB.map((b) => ({ address: b.address, zone: 'zone-b' }))] }],
  };
}

beforeAll(async () => {
  zoneA = await Promise.all([startIdentityBackend('a0'), startIdentityBackend('a1')]);
  zoneB = await Promise.all([startIdentityBackend('b0'), startIdentityBackend('b1')]);
  cp = await startFileControlPlane([shop()]);
  registration = registerLookaside({ controlPlane: cp.address, startTimeoutMs: 5_000, client: { zone: 'zone-a' } });
});
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});
afterAll(async () => {
  registration?.close();
  await cp?.close();
  await Promise.all([...(zoneA ?? []), ...(zoneB ?? [])].map((b) => b.stop()));
});

it('a Service that gains PreferSameZone (only the ranks change) keeps calls in the caller\'s zone, over the same connections', async () => {
  const client = new IdentityClient('lookaside:///shop.test:grpc', { 'grpc.use_local_subchannel_pool': 1 });
  clients.push(client);
  const all = [...zoneA, ...zoneB];
  // Zone-blind at first: every backend answers.
  const seen = new Set<string>();
  await waitFor('all four backends answer', async () => {
    const { counts } = await client.spread(40, 8);
    for (const name of counts.keys()) seen.add(name);
    return all.every((b) => seen.has(b.name));
  });
  const accepted = all.map((b) => b.connectionsAccepted);

  await cp.write([shop('PreferSameZone')]);
  // The control plane now ranks zone-b behind zone-a for this caller: the
  // answer differs from the last one in the ranks alone.
  const answer = await cp.stub.getServers({ service: 'shop.test', port: 'grpc', client: { zone: 'zone-a' } }, 5_000);
  expect(new Map(answer.servers.map((s) => [s.address, s.priority]))).toEqual(new Map([...zoneA.map((b) => [b.address, 0] as const), ...zoneB.map((b) => [b.address, 1] as const)]));

  await waitFor('a round of calls that all stay in zone-a', async () => {
    const { counts, failures } = await client.spread(40, 8);
    return failures.length === 0 && zoneB.every((b) => !counts.has(b.name));
  });
  const before = zoneB.map((b) => b.calls);
  const { counts, failures } = await client.spread(600, 16);
  expect(failures).toEqual([]);
  expect(zoneB.map((b, i) => b.calls - before[i]!), 'calls that left zone-a').toEqual([0, 0]);
  expect(zoneA.every((b) => (counts.get(b.name) ?? 0) > 0)).toBe(true);
  // A rank-only change opens or closes no connection (invariant 8, docs/design.md).
  expect(all.map((b, i) => b.connectionsAccepted - accepted[i]!)).toEqual([0, 0, 0, 0]);
  expect(all.map((b) => b.connectionsOpen)).toEqual([1, 1, 1, 1]);
});

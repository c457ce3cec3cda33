// Zone-aware answers for a Service with trafficDistribution PreferSameZone,
// end to end through real grpc-js channels against real backends in two
// zones: a caller's calls stay in its zone while any backend there is
// READY, and move to the other zone, with no failed call, when every
// backend of its zone goes away. The same for the lookaside client and for
// an xDS client (@grpc/grpc-js-xds, EDS priorities); and GetServers ranks as
// the rules say for callers with, without and outside a zone.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceError } from '@grpc/grpc-js';
import { registerLookaside, type LookasideRegistration } from 'grpc-lookaside-client';
import { startFileControlPlane, type FileControlPlane, type FileService } from '../support/file-control-plane.js';
import { IdentityClient, startIdentityBackend, waitFor, type IdentityBackend } from '../support/identity-backends.js';
import { xdsIdentityClient } from '../support/xds-client.js';

let cp: FileControlPlane;
let zoneA: IdentityBackend[];
let zoneB: IdentityBackend[];

function serviceFile(name: string, a: IdentityBackend[], b: IdentityBackend[]): FileService {
  return {
    name,
    namespace: 'shop',
    trafficDistribution: 'PreferSameZone',
    ports: [{ name: 'grpc', port: 9090, backends: [...a.map((x) => ({ address: x.address, zone: 'zone-a' })), ...b.map((x) => ({ address: x.address, zone: 'zone-b' }))] }],
  };
}

let registration: LookasideRegistration | undefined;
beforeAll(async () => {
  cp = await startFileControlPlane([]);
  registration = registerLookaside({ controlPlane: cp.address, startTimeoutMs: 5_000, client: { zone: 'zone-a' } });
});
afterAll(async () => {
  registration?.close();
  await cp?.close();
});

async function startZones(prefix: string): Promise<void> {
  zoneA = await Promise.all([startIdentityBackend(`${prefix}-a0`), startIdentityBackend(`${prefix}-a1`)]);
  zoneB = await Promise.all([startIdentityBackend(`${prefix}-b0`), startIdentityBackend(`${prefix}-b1`)]);
}
async function stopZones(): Promise<void> {
  await Promise.all([...zoneA, ...zoneB].map((b) => b.stop()));
}

/** Calls with `client` until stopped; returns the failures. */
function steadyLoad(client: IdentityClient): { stop(): Promise<ServiceError[]> } {
  let running = true;
  const failures: ServiceError[] = [];
  const loop = (async () => {
    while (running) failures.push(...(await client.spread(40, 8, { timeoutMs: 10_000 })).failures);
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return failures;
    },
  };
}

async function keepsZoneThenFailsOver(client: IdentityClient): Promise<void> {
  // Warm up: the zone's backends answer (the others connect too, as failover).
  await waitFor('both zone-a backends answer', async () => {
    const { counts } = await client.spread(40, 8, { timeoutMs: 10_000 });
    return zoneA.every((b) => (counts.get(b.name) ?? 0) > 0);
  }, 20_000);
  const before = zoneB.map((b) => b.calls);
  const { failures } = await client.spread(1_000, 16, { timeoutMs: 10_000 });
  expect(failures).toEqual([]);
  expect(zoneB.map((b, i) => b.calls - before[i]!), 'calls that left zone-a while it had READY backends').toEqual([0, 0]);

  const load = steadyLoad(client);
  await Promise.all(zoneA.map((b) => b.stop()));
  const movedFrom = zoneB.map((b) => b.calls);
  await waitFor('zone-b takes the calls', () => zoneB.every((b, i) => b.calls > movedFrom[i]! + 20), 20_000);
  const failed = await load.stop();
  expect(failed.map((f) => f.message), 'failed calls during the failover').toEqual([]);
}

describe('trafficDistribution: PreferSameZone', () => {
  it('ranks backends per caller zone in GetServers: own zone 0, others 1; no zone or an unknown zone: all 0', async () => {
    await startZones('rank');
    try {
      await cp.write([serviceFile('ranked', zoneA, zoneB)]);
      const priorities = async (zone?: string) => {
        const update = await cp.stub.getServers({ service: 'ranked.shop', port: 'grpc', ...(zone !== undefined && { client: { zone } }) }, 5_000);
        return Object.fromEntries(update.servers.map((s) => [s.zone + ':' + s.address.split(':')[1], s.priority]));
      };
      const inA = await priorities('zone-a');
      expect(Object.entries(inA).filter(([k]) => k.startsWith('zone-a')).map(([, p]) => p)).toEqual([0, 0]);
      expect(Object.entries(inA).filter(([k]) => k.startsWith('zone-b')).map(([, p]) => p)).toEqual([1, 1]);
      expect(new Set(Object.values(await priorities()))).toEqual(new Set([0]));
      expect(new Set(Object.values(await priorities('zone-c')))).toEqual(new Set([0]));
    } finally {
      await stopZones();
    }
  });

  it('keeps a lookaside client in its zone, and fails over to the other zone with no failed call', async () => {
    await startZones('lookaside');
    const client = new IdentityClient('lookaside:///failover.shop:grpc');
    try {
      await cp.write([serviceFile('failover', zoneA, zoneB)]);
      await keepsZoneThenFailsOver(client);
    } finally {
      client.close();
      await stopZones();
    }
  });

  it('does the same for an xDS client through EDS priorities', async () => {
    await startZones('xds');
    const client = xdsIdentityClient('xdsfailover.shop:9090', { controlPlane: cp.address, nodeId: 'zone-test', zone: 'zone-a' });
    try {
      await cp.write([serviceFile('xdsfailover', zoneA, zoneB)]);
      await keepsZoneThenFailsOver(client);
    } finally {
      client.close();
      await stopZones();
    }
  });
});

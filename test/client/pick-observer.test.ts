// The pick hook: an application counts its calls per backend from it, and
// the counts agree with what the backends themselves served.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { registerLookaside, type PickEvent, type LookasideRegistration } from 'grpc-lookaside-client';
import { startFileControlPlane, type FileControlPlane } from '../support/file-control-plane.js';
import { IdentityClient, startIdentityBackends, type IdentityBackend } from '../support/identity-backends.js';

let backends: IdentityBackend[];
let cp: FileControlPlane;
const picks = new Map<string, number>();
let throwing = false;

let registration: LookasideRegistration | undefined;
beforeAll(async () => {
  backends = await startIdentityBackends(3, 'observed');
  cp = await startFileControlPlane([{ name: 'observed', namespace: 'test', ports: [{ name: 'grpc', port: 8080, backends: backends.map((b, i) => ({ address: b.address, weight: i + 1 })) }] }]);
  registration = registerLookaside({
    controlPlane: cp.address,
    onPick: (pick: PickEvent) => {
      if (throwing) throw new Error('an observer that throws');
      const key = `${pick.service} ${pick.address}`;
      picks.set(key, (picks.get(key) ?? 0) + 1);
    },
  });
});
afterAll(async () => {
  registration?.close();
  await cp.close();
  await Promise.all(backends.map((b) => b.stop()));
});

it('tells the observer of every pick, by service port and backend address', async () => {
  const client = new IdentityClient('lookaside:///observed.test:grpc');
  try {
    const { failures } = await client.spread(600, 8);
    expect(failures).toEqual([]);
    for (const backend of backends) expect(picks.get(`observed.test:grpc ${backend.address}`)).toBe(backend.calls);
    expect([...picks.values()].reduce((a, b) => a + b, 0)).toBe(600);

    // An observer that throws costs the application its counts, never a call.
    throwing = true;
    const after = await client.spread(60, 4);
    expect(after.failures).toEqual([]);
  } finally {
    client.close();
  }
});

it('rejects an observer that is not a function, naming the option', () => {
  expect(() => registerLookaside({ controlPlane: cp.address, onPick: 'count' as never })).toThrow(/option "onPick" must be a function, got string/);
});

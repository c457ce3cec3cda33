// A registration is an object: two control planes serve two schemes side by
// side, each with its own pick observer; a second claim on a live scheme is
// refused with the fix; close() ends its watches and makes new channels on
// the scheme fail saying why; a closed scheme can be registered again.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { registerLookaside, type GrpcModule, type LookasideRegistration, type PickEvent } from 'grpc-lookaside-client';
import { startFileControlPlane, type FileControlPlane } from '../support/file-control-plane.js';
import { IdentityClient, startIdentityBackends, waitFor, type IdentityBackend } from '../support/identity-backends.js';

let east: IdentityBackend[];
let west: IdentityBackend[];
let eastCp: FileControlPlane;
let westCp: FileControlPlane;
const open: (LookasideRegistration | IdentityClient)[] = [];

function keep<T extends LookasideRegistration | IdentityClient>(thing: T): T {
  open.push(thing);
  return thing;
}

beforeAll(async () => {
  east = await startIdentityBackends(2, 'east');
  west = await startIdentityBackends(2, 'west');
  eastCp = await startFileControlPlane([{ name: 'shop', namespace: 'test', ports: [{ name: 'grpc', port: 8080, backends: east.map((b) => ({ address: b.address })) }] }]);
  westCp = await startFileControlPlane([{ name: 'shop', namespace: 'test', ports: [{ name: 'grpc', port: 8080, backends: west.map((b) => ({ address: b.address })) }] }]);
});
afterAll(async () => {
  for (const thing of open) thing.close();
  await Promise.all([eastCp?.close(), westCp?.close(), ...[...(east ?? []), ...(west ?? [])].map((b) => b.stop())]);
});

it('serves two control planes side by side under two schemes, each with its own pick observer', async () => {
  const eastPicks: PickEvent[] = [];
  const westPicks: PickEvent[] = [];
  const eastRegistration = keep(registerLookaside({ controlPlane: eastCp.address, onPick: (pick) => eastPicks.push(pick) }));
  const westRegistration = keep(registerLookaside({ scheme: 'lookaside-west', controlPlane: westCp.address, onPick: (pick) => westPicks.push(pick) }));
  expect([eastRegistration.scheme, westRegistration.scheme]).toEqual(['lookaside', 'lookaside-west']);

  const eastResult = await keep(new IdentityClient('lookaside:///shop.test:grpc')).spread(40, 4);
  const westResult = await keep(new IdentityClient('lookaside-west:///shop.test:grpc')).spread(40, 4);
  expect([...eastResult.counts.keys()].sort()).toEqual(['east-0', 'east-1']);
  expect([...westResult.counts.keys()].sort()).toEqual(['west-0', 'west-1']);
  expect(eastPicks).toHaveLength(40);
  expect(westPicks).toHaveLength(40);
  expect(new Set(eastPicks.map((p) => p.address))).toEqual(new Set(east.map((b) => b.address)));
  expect(new Set(westPicks.map((p) => p.address))).toEqual(new Set(west.map((b) => b.address)));
});

it('refuses a second live registration of a scheme, naming the holder and the fix', () => {
  expect(() => registerLookaside({ controlPlane: westCp.address })).toThrow(
    new RegExp(`option "scheme" "lookaside" is already served by the registration for the control plane at ${eastCp.address.replace(/\./g, '\\.')}; close\\(\\) that registration first, or give this one its own scheme`),
  );
  // The same grpc-js reached through require() is the same copy, not a way around the check.
  const required = createRequire(import.meta.url)('@grpc/grpc-js') as GrpcModule;
  expect(() => registerLookaside({ grpc: required, controlPlane: westCp.address })).toThrow(/option "scheme" "lookaside" is already served/);
  expect(() => registerLookaside({ scheme: 'dns', controlPlane: westCp.address })).toThrow(/option "scheme" "dns" belongs to gRPC itself/);
  expect(() => registerLookaside({ scheme: 'Not A Scheme', controlPlane: westCp.address })).toThrow(/option "scheme" must be a URI scheme/);
  expect(() => registerLookaside({ grpc: {} as never, controlPlane: westCp.address })).toThrow(/option "grpc" must be the @grpc\/grpc-js module itself/);
});

it('close() ends the watches; new channels on the scheme fail saying so; the scheme can be registered again', async () => {
  const registration = keep(registerLookaside({ scheme: 'lookaside-closing', controlPlane: westCp.address }));
  const before = westCp.controlPlane.server.loadBalancer.fanout.size;
  const client = keep(new IdentityClient('lookaside-closing:///shop.test:grpc'));
  await client.spread(10, 2);
  expect(registration.watchCount).toBe(1);

  registration.close();
  expect(registration.closed).toBe(true);
  expect(registration.watchCount).toBe(0);
  await waitFor('the control plane to see the watch end', () => westCp.controlPlane.server.loadBalancer.fanout.size === before);
  // The open channel keeps the backends it had.
  await expect(client.who()).resolves.toMatch(/^west-/);
  // A new one fails, and says why.
  await expect(keep(new IdentityClient('lookaside-closing:///shop.test:grpc')).who({ timeoutMs: 2_000 })).rejects.toThrow(
    /UNAVAILABLE: lookaside-closing: the registration that served "lookaside-closing:" targets was closed/,
  );

  keep(registerLookaside({ scheme: 'lookaside-closing', controlPlane: eastCp.address }));
  await expect(keep(new IdentityClient('lookaside-closing:///shop.test:grpc')).who()).resolves.toMatch(/^east-/);
});

// Unknown targets through the xDS face, with the real @grpc/grpc-js-xds: a
// Listener the control plane does not have is left out of its answers
// (ads-protocol.test.ts checks the bytes). A client fails calls to a Listener
// it had at once (UNAVAILABLE) as soon as it is left out: grpc-js-xds 1.14
// drops the RouteConfiguration it got by RDS with the Listener, and its
// calls then say "No connection established" rather than "does not exist"
// (which it said while the route came inline). For one it never had,
// grpc-js-xds 1.14 keeps calls waiting for name resolution until their
// deadline (its 15 s resource timer does not fail them), so that case is
// checked as "fails, then works on the same channel once the service
// appears".

import { afterAll, beforeAll, expect, it } from 'vitest';
import { status, type ServiceError } from '@grpc/grpc-js';
import { startFileControlPlane, type FileControlPlane, type FileService } from '../support/file-control-plane.js';
import { startIdentityBackends, waitFor, type IdentityBackend } from '../support/identity-backends.js';
import { xdsIdentityClient } from '../support/xds-client.js';

function service(name: string, backends: IdentityBackend[]): FileService {
  return { name, namespace: 'test', ports: [{ name: 'grpc', port: 8080, backends: backends.map((b) => ({ address: b.address })) }] };
}

async function failure(call: Promise<unknown>): Promise<ServiceError | undefined> {
  return call.then(
    () => undefined,
    (error: ServiceError) => error,
  );
}

let backend: IdentityBackend;
let cp: FileControlPlane;
beforeAll(async () => {
  [backend] = (await startIdentityBackends(1, 'missing')) as [IdentityBackend];
  cp = await startFileControlPlane([service('kept', [backend])]);
});
afterAll(async () => {
  await cp?.close();
  await backend?.stop();
});

it('fails a call to a target never defined, then works on the same channel once the service appears', async () => {
  const client = xdsIdentityClient('later.test:8080', { controlPlane: cp.address, nodeId: 'missing-1' });
  try {
    const before = backend.calls;
    const error = await failure(client.who({ timeoutMs: 1_000 }));
    expect([status.DEADLINE_EXCEEDED, status.UNAVAILABLE], error?.message).toContain(error?.code);
    expect(backend.calls).toBe(before);
    await cp.write([service('kept', [backend]), service('later', [backend])]);
    await waitFor('the new service answers', async () => (await client.who({ timeoutMs: 2_000 }).catch(() => '')) === backend.name);
  } finally {
    client.close();
  }
});

it('fails calls UNAVAILABLE, sending the backend nothing, as soon as a service is deleted', async () => {
  const client = xdsIdentityClient('kept.test:8080', { controlPlane: cp.address, nodeId: 'missing-2' });
  try {
    expect(await client.who({ timeoutMs: 10_000 })).toBe(backend.name);
    await cp.write([]);
    await waitFor('calls fail UNAVAILABLE', async () => (await failure(client.who({ timeoutMs: 2_000 })))?.code === status.UNAVAILABLE);
    const before = backend.calls;
    const { counts, failures } = await client.spread(20, 4, { timeoutMs: 2_000 });
    expect(counts.size).toBe(0);
    expect(failures.map((f) => f.code)).toEqual(Array(20).fill(status.UNAVAILABLE));
    expect(backend.calls).toBe(before);
  } finally {
    client.close();
  }
});

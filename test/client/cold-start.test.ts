// The first calls of a cold channel: a burst fired at a new channel spreads
// over the backends that come up together, where grpc-js round_robin sends
// it to whichever backend connected first. The wait for backends still
// connecting is bounded by the policy's coldStartWait.

import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { registerLookaside, WEIGHTED_ROUND_ROBIN_POLICY, type LookasideRegistration } from 'grpc-lookaside-client';
import { startFileControlPlane, type FileControlPlane, type FileService } from '../support/file-control-plane.js';
import { IdentityClient, startIdentityBackends, type IdentityBackend } from '../support/identity-backends.js';

let cp: FileControlPlane;
/** The third backend is reached through a proxy that holds each connection 300 ms first: the last to connect. */
let slowProxy: Server;
let addresses: string[];
let registration: LookasideRegistration;
let backends: IdentityBackend[];
const clients: IdentityClient[] = [];

function service(name: string, addresses: readonly string[]): FileService {
  return { name, namespace: 'test', ports: [{ name: 'grpc', port: 8080, backends: addresses.map((address) => ({ address })) }] };
}

function coldChannel(target: string, policy: object): IdentityClient {
  // A local subchannel pool: no connection left over from another channel.
  const client = new IdentityClient(target, { 'grpc.use_local_subchannel_pool': 1, 'grpc.service_config': JSON.stringify({ loadBalancingConfig: [policy] }) });
  clients.push(client);
  return client;
}

/** Fires `total` calls at once on a new channel; each backend's share of them, in percent. */
async function burstShares(client: IdentityClient, total: number): Promise<number[]> {
  const answers = await Promise.all(Array.from({ length: total }, () => client.who({ timeoutMs: 10_000 })));
  return backends.map((b) => (answers.filter((name) => name === b.name).length / total) * 100);
}

/** A TCP proxy to `target` that waits `delayMs` before it connects each accepted connection through. */
async function delayingProxy(target: string, delayMs: number): Promise<Server> {
  const [host, port] = target.split(':');
  const server = createServer((socket) => {
    socket.pause();
    const timer = setTimeout(() => {
      const upstream = connect(Number(port), host!, () => {
        socket.pipe(upstream).pipe(socket);
        socket.resume();
      });
      upstream.on('error', () => socket.destroy());
      socket.on('close', () => upstream.destroy());
    }, delayMs);
    socket.on('error', () => clearTimeout(timer));
    socket.on('close', () => clearTimeout(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

beforeAll(async () => {
  backends = await startIdentityBackends(3, 'cold');
  slowProxy = await delayingProxy(backends[2]!.address, 300);
  addresses = [backends[0]!.address, backends[1]!.address, `127.0.0.1:${(slowProxy.address() as { port: number }).port}`];
  cp = await startFileControlPlane([service('cold', addresses)]);
  registration = registerLookaside({ controlPlane: cp.address, startTimeoutMs: 5_000 });
});
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});
afterAll(async () => {
  registration?.close();
  await cp?.close();
  slowProxy?.close();
  await Promise.all((backends ?? []).map((b) => b.stop()));
});

it('spreads the first 300 calls of a cold channel over 3 backends, one of them slow to connect, within 15 points of even (round_robin for comparison)', async ({ annotate }) => {
  // A wait longer than the test: what ends it is every backend having
  // finished its first connection attempt, not a clock.
  const lookaside = await burstShares(coldChannel('lookaside:///cold.test:grpc', { [WEIGHTED_ROUND_ROBIN_POLICY]: { coldStartWait: '60s' } }), 300);
  const roundRobin = await burstShares(coldChannel(`ipv4:${addresses.join(',')}`, { round_robin: {} }), 300);
  await annotate(`first 300 calls of a cold channel, shares of 3 backends: lookaside ${lookaside.map((s) => s.toFixed(1)).join(' / ')} %, grpc-js round_robin ${roundRobin.map((s) => s.toFixed(1)).join(' / ')} %`);
  for (const share of lookaside) expect(Math.abs(share - 100 / 3), `lookaside shares ${lookaside.join(', ')}`).toBeLessThanOrEqual(15);
});

it('waits no longer than coldStartWait for a backend that never finishes connecting', async () => {
  // Accepts connections and never speaks HTTP/2: grpc-js keeps it CONNECTING.
  const held: Socket[] = [];
  const silent: Server = createServer((socket) => held.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const silentAddress = `127.0.0.1:${(silent.address() as { port: number }).port}`;
  try {
    await cp.write([service('cold', addresses), service('stuck', [backends[0]!.address, silentAddress])]);
    const client = coldChannel('lookaside:///stuck.test:grpc', { [WEIGHTED_ROUND_ROBIN_POLICY]: { coldStartWait: '0.2s' } });
    await expect(client.who({ timeoutMs: 10_000 })).resolves.toBe(backends[0]!.name);
    // The silent backend was being connected to all along.
    expect(held.length).toBeGreaterThanOrEqual(1);
  } finally {
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  }
});

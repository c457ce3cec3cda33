// --max-connection-age ends watch streams too. grpc-js sends its GOAWAY at
// the connection's age (its own timer, real time: a short age here) and
// leaves open streams alone; the control plane ends each connection's
// WatchServers and ADS streams itself, UNAVAILABLE, at a moment drawn from
// an injected source on its own clock (a ManualClock here), after the
// GOAWAY: the client's reconnect opens a new connection. The lookaside client
// and grpc-js-xds keep their lists across it, with no failed call.

import { connectivityState, status } from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LoadBalancerStub, registerLookaside, type LookasideRegistration } from 'grpc-lookaside-client';
import { ControlPlane } from '../../src/control-plane.js';
import type { ServiceSpec } from '../../src/registry/snapshot.js';
import { ManualClock } from '../support/manual-clock.js';
import { ManualSource } from '../support/manual-source.js';
import { IdentityClient, startIdentityBackends, type IdentityBackend } from '../support/identity-backends.js';
import { RawAdsClient, TYPES } from '../support/raw-ads-client.js';
import { testLogger } from '../support/test-logger.js';
import { waitFor } from '../support/wait-until.js';
import { WatchRecorder } from '../support/watch-recorder.js';
import { xdsIdentityClient } from '../support/xds-client.js';

/** grpc-js's GOAWAY comes at this age ±10 %, on real time. */
const AGE_MS = 300;
/** The window the watch ends are drawn in, on the manual clock. */
const GRACE_MS = 5_000;
/** Where the earliest watch end falls: after the latest GOAWAY. */
const EARLIEST_END_MS = AGE_MS * 1.1;

let backends: IdentityBackend[];
let clock: ManualClock;
/** Draws for the connections' end moments, in the order connections first watch; 0.5 when none is left. */
const draws: number[] = [];
let controlPlane: ControlPlane;
let address: string;
/** The peer (client address and port) of each WatchServers stream written to, and of each ADS stream. */
const watchPeers: string[] = [];
const adsPeers: string[] = [];

const greeter = (hosts: readonly IdentityBackend[]): ServiceSpec => ({
  name: 'greeter',
  namespace: 'test',
  ports: [{ name: 'grpc', port: 8080, backends: hosts.map((b) => ({ host: '127.0.0.1', port: b.port })) }],
});
const GREETER = { service: 'greeter.test', port: 'grpc' };

beforeAll(async () => {
  backends = await startIdentityBackends(2, 'aged');
  clock = new ManualClock();
  controlPlane = await ControlPlane.start({
    logger: testLogger(),
    host: '127.0.0.1',
    port: 0,
    maxConnectionAgeMs: AGE_MS,
    maxConnectionAgeGraceMs: GRACE_MS,
    clock,
    connectionAgeRandom: () => draws.shift() ?? 0.5,
    hooks: { onSent: (stream) => watchPeers.push(stream.call.getPeer()) },
    xdsHooks: { onPush: (_type, stream) => adsPeers.push(stream.call.getPeer()) },
    createSource: (registry) => {
      const source = new ManualSource(registry);
      source.sync([greeter(backends)]);
      return source;
    },
  });
  address = `127.0.0.1:${controlPlane.port}`;
});
afterAll(async () => {
  await controlPlane?.stop(500);
  await Promise.all(backends.map((b) => b.stop()));
});

const distinct = (peers: readonly string[]) => new Set(peers).size;

describe('raw clients', () => {
  const closers: (() => void)[] = [];
  afterEach(() => {
    for (const close of closers.splice(0)) close();
  });

  it('ends each connection\'s WatchServers and ADS streams UNAVAILABLE after its GOAWAY, at the moment drawn for it, and the reconnect opens a new connection', async () => {
    draws.push(0, 1);
    const stub = new LoadBalancerStub(address, undefined, { 'grpc.use_local_subchannel_pool': 1 });
    closers.push(() => stub.close());
    const watch = new WatchRecorder(stub, GREETER);
    closers.push(() => watch.close());
    await watch.waitFor((r) => r.updates.length === 1);
    const ads = new RawAdsClient(address);
    closers.push(() => ads.close());
    ads.send({ node: { id: 'aged', locality: {} }, type_url: TYPES.listener, resource_names: ['greeter.test:8080'] });
    await ads.next();
    const watchesBefore = watchPeers.length;

    // grpc-js's GOAWAY reaches both clients; their streams go on.
    await waitFor('the GOAWAY of both connections', () => stub.raw.getChannel().getConnectivityState(false) !== connectivityState.READY && ads.channelState() !== connectivityState.READY);
    expect(controlPlane.server.loadBalancer.fanout.size).toBe(1);
    expect(controlPlane.server.xds.size).toBe(1);

    // The WatchServers connection drew 0: its watch ends at 1.1 × the age, not a moment before.
    clock.advance(EARLIEST_END_MS - 1);
    expect(controlPlane.server.loadBalancer.fanout.size).toBe(1);
    clock.advance(1);
    expect(controlPlane.server.loadBalancer.fanout.size).toBe(0);
    await watch.waitFor((r) => r.error !== undefined);
    expect(watch.error!.code).toBe(status.UNAVAILABLE);
    expect(watch.error!.details).toMatch(/maximum connection age \(--max-connection-age\); reconnect/);
    // The ADS connection drew 1: its stream ends at the end of the window.
    expect(controlPlane.server.xds.size).toBe(1);
    clock.advance(GRACE_MS - 1);
    expect(controlPlane.server.xds.size).toBe(1);
    clock.advance(1);
    const ended = await ads.status();
    expect(ended.code).toBe(status.UNAVAILABLE);
    expect((ended as { details?: string }).details).toMatch(/maximum connection age/);

    // The same stub's next watch goes over a new connection.
    const again = new WatchRecorder(stub, GREETER);
    closers.push(() => again.close());
    await again.waitFor((r) => r.updates.length === 1);
    expect(watchPeers.length).toBe(watchesBefore + 1);
    expect(watchPeers.at(-1)).not.toBe(watchPeers[watchesBefore - 1]);
  });
});

describe('real clients keep their lists across the reconnect', () => {
  let registration: LookasideRegistration | undefined;
  afterEach(() => registration?.close());

  /** Calls without pause until `stop()`; every failure is kept. */
  function keepCalling(client: IdentityClient) {
    let running = true;
    const failures: string[] = [];
    const seen = new Set<string>();
    const done = (async () => {
      while (running) {
        const { counts, failures: failed } = await client.spread(20, 4, { timeoutMs: 5_000 });
        for (const name of counts.keys()) seen.add(name);
        failures.push(...failed.map((f) => f.message));
        // Let timers run between rounds, even when calls fail at once.
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    return {
      seen,
      stop: async () => {
        running = false;
        await done;
        return failures;
      },
    };
  }

  /**
   * Under calls without pause: past the connection's GOAWAY and the moment
   * drawn for its watches, the stream (whose peers `peers` records) reopens
   * on a new connection, both backends answer again, and no call failed.
   */
  async function reconnectsWithoutAFailedCall(client: IdentityClient, peers: readonly string[], stream: string): Promise<void> {
    const load = keepCalling(client);
    try {
      await waitFor('both backends to answer', () => load.seen.size === 2);
      const peersBefore = distinct(peers);
      // grpc-js's GOAWAY timer for the control-plane connection, set when it
      // opened, is due before this one: Node runs timers in order.
      await new Promise((resolve) => setTimeout(resolve, EARLIEST_END_MS + 50));
      clock.advance(EARLIEST_END_MS + GRACE_MS);
      await waitFor(`the ${stream} stream to reopen on a new connection`, () => distinct(peers) === peersBefore + 1, 15_000);
      load.seen.clear();
      await waitFor('both backends to answer after the reconnect', () => load.seen.size === 2);
      expect(await load.stop()).toEqual([]);
    } finally {
      await load.stop();
      client.close();
    }
  }

  it('the lookaside client: the WatchServers stream ends at the connection\'s age, reopens on a new connection, and no call fails', async () => {
    registration = registerLookaside({ controlPlane: address, reconnectBackoff: { initialMs: 20, maxMs: 200 } });
    await reconnectsWithoutAFailedCall(new IdentityClient('lookaside:///greeter.test:grpc', { 'grpc.use_local_subchannel_pool': 1 }), watchPeers, 'WatchServers');
  });

  it('grpc-js-xds: the ADS stream ends at the connection\'s age, reopens on a new connection, and no call fails', async () => {
    await reconnectsWithoutAFailedCall(xdsIdentityClient('greeter.test:8080', { controlPlane: address, nodeId: 'aged-xds' }), adsPeers, 'ADS');
  });
});

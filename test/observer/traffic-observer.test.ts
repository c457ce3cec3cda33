// The observer: the status of every WatchServers and ADS stream of a real
// control plane (fed through the stream hooks), and load reports held over
// a sliding window within fixed bounds, on a clock the test advances.

import { afterEach, describe, expect, it } from 'vitest';
import { LoadBalancerStub } from 'grpc-lookaside-client';
import { ControlPlane } from '../../src/control-plane.js';
import { TrafficObserver, type ClientStatus } from '../../src/observer/traffic-observer.js';
import { ManualSource } from '../support/manual-source.js';
import { ManualClock } from '../support/manual-clock.js';
import { RawAdsClient, TYPES } from '../support/raw-ads-client.js';
import { testLogger } from '../support/test-logger.js';
import { waitFor } from '../support/wait-until.js';

const GREETER = { name: 'greeter', namespace: 'app', ports: [{ name: 'grpc', port: 50051, backends: [{ host: '127.0.0.1', port: 9001 }] }] };

describe('client status from the streams of a real control plane', () => {
  let controlPlane: ControlPlane | undefined;
  const closers: (() => void)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) close();
    await controlPlane?.stop(0);
  });

  it('lists a WatchServers client and an ADS client, their versions, a NACK with its error, and who left', async () => {
    let source: ManualSource | undefined;
    controlPlane = await ControlPlane.start({ logger: testLogger(), host: '127.0.0.1', port: 0, createSource: (registry) => (source = new ManualSource(registry)) });
    source!.sync([GREETER]);
    const observer = controlPlane.observer;
    let notified = 0;
    observer.subscribe(() => notified++);
    const address = `127.0.0.1:${controlPlane.port}`;

    const stub = new LoadBalancerStub(address);
    const watch = stub.watchServers({ service: 'greeter.app', port: 'grpc', client: { zone: 'zone-a', node: 'node-1', clientId: 'pod-a' } });
    closers.push(() => stub.close());
    watch.on('error', () => {});
    await new Promise((resolve) => watch.once('data', resolve));

    const ads = new RawAdsClient(address);
    closers.push(() => ads.close());
    ads.send({ node: { id: 'xds-pod', locality: { zone: 'zone-b' } }, type_url: TYPES.listener, resource_names: ['greeter.app:grpc'] });
    const listener = await ads.next();
    ads.send({ type_url: TYPES.listener, resource_names: ['greeter.app:grpc'], version_info: listener.version_info, response_nonce: listener.nonce });
    ads.send({ type_url: TYPES.endpoints, resource_names: ['greeter.app:50051'] });
    const endpoints = await ads.next();
    ads.send({ type_url: TYPES.endpoints, resource_names: ['greeter.app:50051'], version_info: '', response_nonce: endpoints.nonce, error_detail: { code: 3, message: 'endpoint rejected for the test' } });

    const byProtocol = (protocol: string) => observer.snapshot().clients.find((client) => client.protocol === protocol);
    await waitFor('the NACK in the observer', () => byProtocol('xds')?.lastNack !== undefined);
    const lookaside = byProtocol('lookaside')!;
    expect(lookaside).toMatchObject({ clientId: 'pod-a', zone: 'zone-a', node: 'node-1', targets: ['greeter.app:grpc'], connected: true, inSync: undefined });
    expect(lookaside.versions).toEqual([{ type: 'servers', sent: expect.stringMatching(/^\d+$/), acked: '', names: [] }]);
    expect(lookaside.peer).toMatch(/^127\.0\.0\.1:/);

    const xds = byProtocol('xds')!;
    expect(xds).toMatchObject({ clientId: 'xds-pod', zone: 'zone-b', targets: ['greeter.app:grpc'], connected: true, inSync: false });
    expect(xds.versions).toEqual(
      expect.arrayContaining([
        { type: 'listener', sent: listener.version_info, acked: listener.version_info, names: ['greeter.app:grpc'] },
        { type: 'cluster_load_assignment', sent: endpoints.version_info, acked: '', names: ['greeter.app:50051'] },
      ]),
    );
    expect(xds.lastNack).toMatchObject({ type: 'cluster_load_assignment', version: endpoints.version_info, error: 'endpoint rejected for the test' });
    expect(notified).toBeGreaterThan(0);

    ads.close();
    await waitFor('the ADS stream closed in the observer', () => byProtocol('xds')?.connected === false);
    expect((byProtocol('xds') as ClientStatus).disconnectedAt).toBeDefined();
  });
});

describe('load over a sliding window, within bounds', () => {
  const entry = (backend: string, succeeded: number, failed = 0) => ({ cluster: 'greeter.app:50051', backends: [backend], succeeded, failed, inProgress: 0 });

  it('sums reports within the last minute and drops them after it', () => {
    const clock = new ManualClock(0);
    const observer = new TrafficObserver({ clock });
    observer.report({ protocol: 'xds', clientId: 'a' }, [entry('127.10.0.1:8080', 90, 10), entry('127.10.0.2:8080', 100)]);
    clock.advance(30_000);
    observer.report({ protocol: 'xds', clientId: 'b' }, [entry('127.10.0.1:8080', 50)]);
    expect(observer.snapshot().services).toEqual([
      {
        cluster: 'greeter.app:50051',
        succeeded: 240,
        failed: 10,
        backends: [
          { backend: '127.10.0.1:8080', succeeded: 140, failed: 10 },
          { backend: '127.10.0.2:8080', succeeded: 100, failed: 0 },
        ],
      },
    ]);
    clock.advance(35_000);
    // The first report left the window; the backend nobody reported for since is dropped.
    expect(observer.snapshot().services[0]!.backends).toEqual([{ backend: '127.10.0.1:8080', succeeded: 50, failed: 0 }]);
    expect(observer.trackedBackends).toBe(1);
    clock.advance(60_000);
    expect(observer.snapshot().services).toEqual([]);
  });

  it('splits a group report evenly and marks the backends estimated', () => {
    const observer = new TrafficObserver({ clock: new ManualClock(0) });
    observer.report({ protocol: 'xds', clientId: 'a' }, [{ cluster: 'c.ns:1', backends: ['127.10.0.1:1', '127.10.0.2:1'], group: 'priority-0/weight-100', succeeded: 100, failed: 0, inProgress: 3 }]);
    expect(observer.snapshot().services[0]!.backends).toEqual([
      { backend: '127.10.0.1:1', succeeded: 50, failed: 0, estimatedFrom: 'priority-0/weight-100' },
      { backend: '127.10.0.2:1', succeeded: 50, failed: 0, estimatedFrom: 'priority-0/weight-100' },
    ]);
  });

  it('takes a lookaside client\'s applied version as the acknowledgement of its streams of that target on the reporting connection, else on its others', () => {
    const clock = new ManualClock(0);
    const observer = new TrafficObserver({ clock });
    const identity = (peer: string, target: string) => ({ protocol: 'lookaside' as const, clientId: 'pod', node: '', zone: '', peer, targets: [target] });
    const [here, otherTarget, otherConnection] = [{}, {}, {}];
    observer.streamOpened(here, identity('127.0.0.1:1000', 'a.ns:grpc'), false);
    observer.streamOpened(otherTarget, identity('127.0.0.1:1000', 'b.ns:grpc'), false);
    observer.streamOpened(otherConnection, identity('127.0.0.1:2000', 'a.ns:grpc'), false);
    for (const stream of [here, otherTarget, otherConnection]) observer.sent(stream, 'servers', '7');
    const reporter = { protocol: 'lookaside' as const, clientId: 'pod', peer: '127.0.0.1:1000' };
    observer.applied(reporter, 'a.ns:grpc', 'servers', '6');
    observer.report(reporter, []);
    const byPeerAndTarget = (peer: string, target: string) => observer.snapshot().clients.find((client) => client.peer === peer && client.targets[0] === target)!;
    expect(byPeerAndTarget('127.0.0.1:1000', 'a.ns:grpc')).toMatchObject({ inSync: false, versions: [{ type: 'servers', sent: '7', acked: '6' }] });
    expect(byPeerAndTarget('127.0.0.1:1000', 'a.ns:grpc').lastReport).toBeDefined();
    // Reported for nothing it watches there; another connection of the same client id is not the reporter's.
    expect(byPeerAndTarget('127.0.0.1:1000', 'b.ns:grpc').inSync).toBeUndefined();
    expect(byPeerAndTarget('127.0.0.1:2000', 'a.ns:grpc')).toMatchObject({ inSync: undefined });
    expect(byPeerAndTarget('127.0.0.1:2000', 'a.ns:grpc').lastReport).toBeUndefined();
    observer.applied(reporter, 'a.ns:grpc', 'servers', '7');
    expect(byPeerAndTarget('127.0.0.1:1000', 'a.ns:grpc').inSync).toBe(true);
    // A target watched only on another connection (re-opened there after a connection age) takes it from there.
    const moved = {};
    observer.streamOpened(moved, identity('127.0.0.1:2000', 'c.ns:grpc'), false);
    observer.sent(moved, 'servers', '3');
    observer.applied(reporter, 'c.ns:grpc', 'servers', '3');
    expect(byPeerAndTarget('127.0.0.1:2000', 'c.ns:grpc').inSync).toBe(true);
    // A closed stream is no reporter's any more.
    observer.streamClosed(here);
    observer.applied(reporter, 'a.ns:grpc', 'servers', '8');
    expect(byPeerAndTarget('127.0.0.1:1000', 'a.ns:grpc').versions[0]!.acked).toBe('7');
  });

  it('tracks at most maxClients streams and maxBackends windows, counting the rest', () => {
    const clock = new ManualClock(0);
    const observer = new TrafficObserver({ clock, maxClients: 2, maxBackends: 3, closedRetentionMs: 10_000 });
    const streams = [{}, {}, {}];
    const identity = { protocol: 'lookaside' as const, clientId: '', node: '', zone: '', peer: '', targets: [] };
    for (const stream of streams) observer.streamOpened(stream, identity, false);
    expect(observer.snapshot()).toMatchObject({ dropped: { clients: 1, backends: 0 } });
    expect(observer.trackedClients).toBe(2);
    // A closed stream is listed for its retention, then makes room.
    observer.streamClosed(streams[0]!);
    expect(observer.snapshot().clients.filter((client) => !client.connected)).toHaveLength(1);
    clock.advance(10_000);
    expect(observer.snapshot().clients).toHaveLength(1);
    observer.streamOpened(streams[2]!, identity, false);
    expect(observer.trackedClients).toBe(2);

    observer.report({ protocol: 'lookaside', clientId: '' }, ['1', '2', '3', '4', '5'].map((n) => entry(`10.0.0.${n}:1`, 1)));
    expect(observer.trackedBackends).toBe(3);
    expect(observer.snapshot().dropped.backends).toBe(2);
  });
});

// The xDS protocol as the control plane speaks it, checked byte for byte with
// a raw ADS client (grpc-js and the envoy protos from their .proto files):
// nothing before the first sync; resources per type by name; versions and
// nonces; ACK, NACK (logged, counted, never resent) and stale nonces;
// subscriptions that change over a stream's life; the same versions from
// another replica; one encoding per resource version; bad requests refused
// with INVALID_ARGUMENT.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { status } from '@grpc/grpc-js';
import { ControlPlane } from '../../src/control-plane.js';
import type { ServiceSpec } from '../../src/registry/snapshot.js';
import { capturedLogger, type CapturedLogger } from '../support/captured-logger.js';
import { ManualSource } from '../support/manual-source.js';
import { RawAdsClient, TYPES, unpack, type DiscoveryResponse } from '../support/raw-ads-client.js';

function greeter(backends: { host: string; weight?: number; zone?: string }[]): ServiceSpec {
  return { name: 'greeter', namespace: 'app', ports: [{ name: 'grpc', port: 50051, backends: backends.map((b) => ({ port: 8080, ...b })) }] };
}
const NODE = { id: 'raw-client', locality: { zone: 'zone-a' } };

async function startControlPlane(log: CapturedLogger): Promise<{ controlPlane: ControlPlane; source: ManualSource }> {
  let source: ManualSource | undefined;
  const controlPlane = await ControlPlane.start({
    logger: log.logger,
    host: '127.0.0.1',
    port: 0,
    metrics: { host: '127.0.0.1', port: 0 },
    createSource: (registry) => (source = new ManualSource(registry)),
  });
  return { controlPlane, source: source! };
}

function names(response: DiscoveryResponse): string[] {
  return response.resources.map((r) => unpack(r).name as string);
}

let barriers = 0;
/**
 * Settles a stream before a test checks that nothing was sent: a new
 * subscription (a Cluster of a name of its own) is always answered, and a
 * stream's requests are handled and its responses written in order, so once
 * its answer is read, whatever the requests and registry changes before it
 * caused has arrived before it.
 */
async function barrier(c: RawAdsClient): Promise<void> {
  c.send({ type_url: TYPES.cluster, resource_names: [`barrier-${++barriers}.app:1`] });
  const answer = await c.next();
  expect(answer.type_url).toBe(TYPES.cluster);
  expect(c.unread).toBe(0);
}

let log: CapturedLogger;
let controlPlane: ControlPlane;
let source: ManualSource;
let address: string;
const clients: RawAdsClient[] = [];

function client(): RawAdsClient {
  const created = new RawAdsClient(address);
  clients.push(created);
  return created;
}

beforeAll(async () => {
  log = capturedLogger();
  ({ controlPlane, source } = await startControlPlane(log));
  address = `127.0.0.1:${controlPlane.port}`;
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});
afterAll(async () => {
  await controlPlane?.stop(500);
});

describe('before the first sync', () => {
  it('sends nothing, then answers every subscription once synced', async () => {
    const c = client();
    c.send({ node: { ...NODE, id: 'before-sync' }, type_url: TYPES.listener, resource_names: ['greeter.app:grpc'] });
    // Nothing is answered before the sync, so no answer can be the barrier:
    // requests are read in order, and the debug line for a type that is not
    // served says that the subscription before it was read; the flush that
    // reading scheduled (setImmediate, in this process) runs before ours.
    c.send({ type_url: 'type.googleapis.com/lookaside.test.NotServed', resource_names: [] });
    await log.waitFor((l) => l.node === 'before-sync' && /type that is not served/.test(l.msg), 'the subscription to be read');
    await new Promise((resolve) => setImmediate(resolve));
    expect(c.unread).toBe(0);
    source.sync([greeter([{ host: '127.10.0.1' }])]);
    const response = await c.next();
    expect(response.type_url).toBe(TYPES.listener);
    expect(names(response)).toEqual(['greeter.app:grpc']);
    // The first response the stream ever got: nothing was written before the sync.
    expect(response.nonce).toBe('1');
  });
});

describe('resources', () => {
  it('answers a Listener whose RouteConfiguration comes by RDS under its name and routes to an EDS cluster by port number, with the router as its last filter', async () => {
    const c = client();
    c.send({ node: NODE, type_url: TYPES.listener, resource_names: ['greeter.app:grpc'] });
    const listener = unpack((await c.next()).resources[0]!);
    const apiListener = (listener.api_listener as { api_listener: { type_url: string; value: Buffer } }).api_listener;
    expect(apiListener.type_url).toBe(TYPES.httpConnectionManager);
    const hcm = unpack(apiListener) as { route_config?: unknown; rds: { route_config_name: string; config_source: { resource_api_version: string } }; http_filters: { name: string }[] };
    expect(hcm.http_filters.at(-1)!.name).toBe('envoy.filters.http.router');
    expect(hcm.route_config).toBeUndefined();
    expect(hcm.rds).toMatchObject({ route_config_name: 'greeter.app:grpc', config_source: { resource_api_version: 'V3' } });

    c.send({ type_url: TYPES.route, resource_names: ['greeter.app:grpc'] });
    const routeConfiguration = unpack((await c.next()).resources[0]!) as { name: string; virtual_hosts: { domains: string[]; routes: { match: { prefix: string }; route: { cluster: string } }[] }[] };
    expect(routeConfiguration.name).toBe('greeter.app:grpc');
    const [virtualHost] = routeConfiguration.virtual_hosts;
    expect(virtualHost!.domains).toEqual(['*']);
    expect(virtualHost!.routes.at(-1)).toMatchObject({ match: { prefix: '' }, route: { cluster: 'greeter.app:50051', retry_policy: { retry_on: 'unavailable', num_retries: { value: 2 } } } });

    c.send({ type_url: TYPES.cluster, resource_names: ['greeter.app:50051'] });
    const cluster = unpack((await c.next()).resources[0]!);
    expect(cluster).toMatchObject({ name: 'greeter.app:50051', type: 'EDS', lb_policy: 'ROUND_ROBIN', eds_cluster_config: { eds_config: { resource_api_version: 'V3' } } });
    expect((cluster.eds_cluster_config as { eds_config: { ads: unknown } }).eds_config.ads).not.toBeNull();
  });

  it('carries weights as locality weights: backends of one zone, rank and weight share a locality weighted by their count; one alone has its own, named by its address', async () => {
    controlPlane.registry.upsert(greeter([
      { host: '127.10.0.1', weight: 100, zone: 'zone-a' },
      { host: '127.10.0.2', weight: 100, zone: 'zone-a' },
      { host: '127.10.0.3', weight: 300, zone: 'zone-a' },
      { host: '127.10.0.4', weight: 100, zone: 'zone-b' },
    ]));
    const c = client();
    c.send({ node: NODE, type_url: TYPES.endpoints, resource_names: ['greeter.app:50051'] });
    const assignment = unpack((await c.next()).resources[0]!) as {
      cluster_name: string;
      endpoints: { locality: { zone: string; sub_zone: string }; load_balancing_weight: { value: number }; priority: number; lb_endpoints: { endpoint: { address: { socket_address: { address: string; port_value: number } } }; health_status: string }[] }[];
    };
    expect(assignment.cluster_name).toBe('greeter.app:50051');
    const localities = assignment.endpoints.map((e) => ({
      zone: e.locality.zone,
      sub_zone: e.locality.sub_zone,
      weight: e.load_balancing_weight.value,
      priority: e.priority,
      addresses: e.lb_endpoints.map((l) => `${l.endpoint.address.socket_address.address}:${l.endpoint.address.socket_address.port_value}`),
      health: e.lb_endpoints.map((l) => l.health_status),
    }));
    expect(localities).toEqual(
      expect.arrayContaining([
        { zone: 'zone-a', sub_zone: 'priority-0/weight-100', weight: 200, priority: 0, addresses: ['127.10.0.1:8080', '127.10.0.2:8080'], health: ['HEALTHY', 'HEALTHY'] },
        { zone: 'zone-a', sub_zone: '127.10.0.3:8080', weight: 300, priority: 0, addresses: ['127.10.0.3:8080'], health: ['HEALTHY'] },
        { zone: 'zone-b', sub_zone: '127.10.0.4:8080', weight: 100, priority: 0, addresses: ['127.10.0.4:8080'], health: ['HEALTHY'] },
      ]),
    );
    expect(localities).toHaveLength(3);
  });

  it('leaves unknown services, unknown ports and malformed names out, and answers an empty assignment for a service with no backends', async () => {
    controlPlane.registry.upsert({ name: 'idle', namespace: 'app', ports: [{ name: 'grpc', port: 9000, backends: [] }] });
    const c = client();
    c.send({ node: NODE, type_url: TYPES.listener, resource_names: ['greeter.app:grpc', 'greeter.app:50051', 'greeter.app.svc.cluster.local:grpc', 'missing.app:grpc', 'greeter.app:nope', 'not a name', 'idle.app:9000'] });
    expect(names(await c.next()).sort()).toEqual(['greeter.app.svc.cluster.local:grpc', 'greeter.app:50051', 'greeter.app:grpc', 'idle.app:9000']);
    c.send({ type_url: TYPES.endpoints, resource_names: ['idle.app:9000', 'missing.app:9000'] });
    const [empty] = (await c.next()).resources.map(unpack);
    expect(empty).toMatchObject({ cluster_name: 'idle.app:9000', endpoints: [] });
  });
});

describe('versions, nonces, ACK and NACK', () => {
  it('sends a new version only for a real change, and never again after an ACK', async () => {
    controlPlane.registry.upsert(greeter([{ host: '127.10.0.1' }]));
    const c = client();
    c.send({ node: NODE, type_url: TYPES.endpoints, resource_names: ['greeter.app:50051'] });
    const first = await c.next();
    expect(first.version_info).not.toBe('');
    expect(first.nonce).not.toBe('');
    c.send({ type_url: TYPES.endpoints, resource_names: ['greeter.app:50051'], version_info: first.version_info, response_nonce: first.nonce });
    // Re-publishing the same state is no change (invariant 2, docs/design.md).
    controlPlane.registry.upsert(greeter([{ host: '127.10.0.1' }]));
    await barrier(c);
    controlPlane.registry.upsert(greeter([{ host: '127.10.0.1' }, { host: '127.10.0.2' }]));
    const second = await c.next();
    expect(second.version_info).not.toBe(first.version_info);
    expect(second.nonce).not.toBe(first.nonce);
  });

  it('logs and counts a NACK, does not resend the rejected version, and sends the next change', async () => {
    controlPlane.registry.upsert(greeter([{ host: '127.10.0.1' }]));
    const c = client();
    c.send({ node: { id: 'nacking-client', locality: {} }, type_url: TYPES.endpoints, resource_names: ['greeter.app:50051'] });
    const rejected = await c.next();
    c.send({ type_url: TYPES.endpoints, resource_names: ['greeter.app:50051'], version_info: '', response_nonce: rejected.nonce, error_detail: { code: status.INVALID_ARGUMENT, message: 'cannot use this assignment' } });
    const line = await log.waitFor((l) => l.node === 'nacking-client' && /NACK/.test(l.msg), 'the NACK warning');
    expect(line).toMatchObject({ error: 'cannot use this assignment', rejectedVersion: rejected.version_info, type: 'cluster_load_assignment' });
    const metrics = await (await fetch(`http://127.0.0.1:${controlPlane.metricsPort}/metrics`)).text();
    expect(metrics).toMatch(/lookaside_xds_responses_total\{type="cluster_load_assignment",answer="nacked"\} [1-9]/);
    await barrier(c);
    controlPlane.registry.upsert(greeter([{ host: '127.10.0.5' }]));
    const next = await c.next();
    expect(next.version_info).not.toBe(rejected.version_info);
  });

  it('counts an ACK or a NACK once per response, not again for each later request that carries its nonce', async () => {
    const counter = async (answer: 'acked' | 'nacked'): Promise<number> => {
      const metrics = await (await fetch(`http://127.0.0.1:${controlPlane.metricsPort}/metrics`)).text();
      const match = new RegExp(`lookaside_xds_responses_total\\{type="cluster_load_assignment",answer="${answer}"\\} (\\d+)`).exec(metrics);
      return Number(match?.[1] ?? 0);
    };
    controlPlane.registry.upsert({ name: 'other', namespace: 'app', ports: [{ name: 'grpc', port: 7000, backends: [{ host: '127.11.0.1', port: 7000 }] }] });
    controlPlane.registry.upsert(greeter([{ host: '127.10.0.1' }]));
    const c = client();
    c.send({ node: { id: 'repeating-client', locality: {} }, type_url: TYPES.endpoints, resource_names: ['greeter.app:50051'] });
    const first = await c.next();
    const [ackedBefore, nackedBefore] = [await counter('acked'), await counter('nacked')];
    c.send({ type_url: TYPES.endpoints, resource_names: ['greeter.app:50051'], version_info: first.version_info, response_nonce: first.nonce });
    // A subscription change carries the ACKed nonce: one ACK, not two.
    c.send({ type_url: TYPES.endpoints, resource_names: ['greeter.app:50051', 'other.app:7000'], version_info: first.version_info, response_nonce: first.nonce });
    const clusters = (response: DiscoveryResponse) => response.resources.map((r) => unpack(r).cluster_name as string).sort();
    const second = await c.next();
    expect(clusters(second)).toEqual(['greeter.app:50051', 'other.app:7000']);
    expect(await counter('acked')).toBe(ackedBefore + 1);
    const reject = { code: status.INVALID_ARGUMENT, message: 'cannot use this assignment' };
    c.send({ type_url: TYPES.endpoints, resource_names: ['greeter.app:50051', 'other.app:7000'], version_info: first.version_info, response_nonce: second.nonce, error_detail: reject });
    // A client that repeats its error with a later request for the type: still one NACK, one warning.
    c.send({ type_url: TYPES.endpoints, resource_names: ['greeter.app:50051'], version_info: first.version_info, response_nonce: second.nonce, error_detail: reject });
    const third = await c.next();
    expect(clusters(third)).toEqual(['greeter.app:50051']);
    expect(await counter('nacked')).toBe(nackedBefore + 1);
    expect(await counter('acked')).toBe(ackedBefore + 1);
    expect(log.lines.filter((l) => l.node === 'repeating-client' && /NACK/.test(String(l.msg)))).toHaveLength(1);
  });

  it('ignores a request with a stale nonce', async () => {
    controlPlane.registry.upsert(greeter([{ host: '127.10.0.1' }]));
    const c = client();
    c.send({ node: NODE, type_url: TYPES.listener, resource_names: ['greeter.app:grpc'] });
    const first = await c.next();
    c.send({ type_url: TYPES.listener, resource_names: ['greeter.app:grpc', 'greeter.app:50051'], version_info: first.version_info, response_nonce: first.nonce });
    const second = await c.next();
    expect(names(second).sort()).toEqual(['greeter.app:50051', 'greeter.app:grpc']);
    // The first nonce is stale now: this request changes nothing.
    c.send({ type_url: TYPES.listener, resource_names: ['greeter.app:grpc'], version_info: first.version_info, response_nonce: first.nonce });
    await barrier(c);
  });

  it('follows subscriptions added and removed over the life of a stream', async () => {
    controlPlane.registry.upsert({ name: 'other', namespace: 'app', ports: [{ name: 'grpc', port: 7000, backends: [{ host: '127.11.0.1', port: 7000 }] }] });
    const c = client();
    c.send({ node: NODE, type_url: TYPES.listener, resource_names: ['greeter.app:grpc'] });
    const first = await c.next();
    c.send({ type_url: TYPES.listener, resource_names: ['greeter.app:grpc', 'other.app:grpc'], version_info: first.version_info, response_nonce: first.nonce });
    const added = await c.next();
    expect(names(added).sort()).toEqual(['greeter.app:grpc', 'other.app:grpc']);
    c.send({ type_url: TYPES.listener, resource_names: ['other.app:grpc'], version_info: added.version_info, response_nonce: added.nonce });
    const removed = await c.next();
    expect(names(removed)).toEqual(['other.app:grpc']);
    // A change to the service no longer subscribed sends nothing.
    c.send({ type_url: TYPES.listener, resource_names: ['other.app:grpc'], version_info: removed.version_info, response_nonce: removed.nonce });
    controlPlane.registry.upsert(greeter([{ host: '127.10.0.9' }]));
    controlPlane.registry.upsert({ name: 'greeter', namespace: 'app', ports: [{ name: 'grpc', port: 50052, backends: [] }] });
    await barrier(c);
  });
});

describe('replicas and encoding', () => {
  it('gives a client that reconnects to another replica the same versions', async () => {
    const state = [greeter([{ host: '127.10.0.1', weight: 5 }, { host: '127.10.0.2', zone: 'z' }])];
    controlPlane.registry.upsert(state[0]!);
    const other = await startControlPlane(capturedLogger());
    try {
      // The other replica reaches the same state through different revisions.
      other.source.sync([greeter([{ host: '127.19.9.9' }])]);
      other.controlPlane.registry.upsert(state[0]!);
      for (const type of [TYPES.listener, TYPES.cluster, TYPES.endpoints]) {
        const name = type === TYPES.listener ? 'greeter.app:grpc' : 'greeter.app:50051';
        const here = client();
        const there = new RawAdsClient(`127.0.0.1:${other.controlPlane.port}`);
        clients.push(there);
        here.send({ node: NODE, type_url: type, resource_names: [name] });
        there.send({ node: NODE, type_url: type, resource_names: [name] });
        const [a, b] = await Promise.all([here.next(), there.next()]);
        expect(a.version_info).toBe(b.version_info);
        expect(Buffer.concat(a.resources.map((r) => r.value))).toEqual(Buffer.concat(b.resources.map((r) => r.value)));
      }
    } finally {
      await other.controlPlane.stop(500);
    }
  });

  it('encodes a resource version once for all its subscribers', async () => {
    controlPlane.registry.upsert(greeter([{ host: '127.10.0.1' }]));
    const subscribers = Array.from({ length: 20 }, () => client());
    for (const s of subscribers) s.send({ node: NODE, type_url: TYPES.endpoints, resource_names: ['greeter.app:50051'] });
    await Promise.all(subscribers.map((s) => s.next()));
    const metrics = await (await fetch(`http://127.0.0.1:${controlPlane.metricsPort}/metrics`)).text();
    expect(Number(/^lookaside_xds_streams (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(20);
    const before = controlPlane.server.xds.resources.encodes;
    controlPlane.registry.upsert(greeter([{ host: '127.10.0.1' }, { host: '127.10.0.3' }]));
    const updates = await Promise.all(subscribers.map((s) => s.next()));
    expect(new Set(updates.map((u) => u.version_info)).size).toBe(1);
    expect(controlPlane.server.xds.resources.encodes - before).toBe(1);
  });
});

describe('bad requests', () => {
  it('leaves a type it does not serve unanswered without ending the stream, which goes on serving the others', async () => {
    const c = client();
    c.send({ node: NODE, type_url: 'type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig', resource_names: ['x'] });
    c.send({ type_url: TYPES.listener, resource_names: ['greeter.app:grpc'] });
    const response = await c.next();
    expect(response.type_url).toBe(TYPES.listener);
    expect(c.ended).toBeUndefined();
  });
});

// Reflection, checked with a strict third-party client: `buf curl` (from the
// @bufbuild/buf package) lists and calls the services with no proto files.
// It rejects a file descriptor that is not as protoc would write it (an
// unresolved reference, a missing import, a misnamed map entry); the control
// plane serves the descriptors `buf build` made (src/generated/), untouched.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFileControlPlane, type FileControlPlane } from '../support/file-control-plane.js';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const BUF = join(dirname(require.resolve('@bufbuild/buf/package.json')), 'bin', 'buf');

let cp: FileControlPlane;
beforeAll(async () => {
  cp = await startFileControlPlane([
    { name: 'greeter', namespace: 'default', ports: [{ name: 'grpc', port: 50051, backends: [{ address: '127.10.0.1:8080', weight: 3, zone: 'a', metadata: { pod: 'greeter-0' } }] }] },
  ]);
});
afterAll(() => cp.close());

async function bufCurl(...args: string[]): Promise<string> {
  const { stdout } = await run(BUF, ['curl', '--protocol', 'grpc', '--http2-prior-knowledge', '--timeout', '10s', ...args], { timeout: 30_000 });
  return stdout;
}

it.each(['grpc-v1', 'grpc-v1alpha'])('lists services and methods through %s reflection', async (protocol) => {
  const services = await bufCurl('--reflect-protocol', protocol, '--list-services', `http://${cp.address}`);
  expect(services.split('\n').filter(Boolean).sort()).toEqual(expect.arrayContaining(['grpc.health.v1.Health', 'lookaside.v1.LoadBalancer', 'envoy.service.discovery.v3.AggregatedDiscoveryService']));
  // Listing methods needs every file descriptor to resolve: it fails if
  // reflection hands out a descriptor a strict client rejects.
  const methods = await bufCurl('--reflect-protocol', protocol, '--list-methods', `http://${cp.address}`);
  expect(methods.split('\n').filter(Boolean).sort()).toEqual(
    expect.arrayContaining([
      'grpc.health.v1.Health/Check',
      'lookaside.v1.LoadBalancer/GetServers',
      'lookaside.v1.LoadBalancer/WatchServers',
      'envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources',
      'envoy.service.load_stats.v3.LoadReportingService/StreamLoadStats',
      'envoy.service.status.v3.ClientStatusDiscoveryService/FetchClientStatus',
      'envoy.service.status.v3.ClientStatusDiscoveryService/StreamClientStatus',
    ]),
  );
});

it('describes fields as the proto spells them: a request written from the proto (client.client_id) is accepted', async () => {
  const out = await bufCurl('-d', '{"target":{"service":"greeter.default","port":"grpc"},"client":{"client_id":"buf-curl","zone":"a"}}', `http://${cp.address}/lookaside.v1.LoadBalancer/GetServers`);
  expect(JSON.parse(out)).toMatchObject({ exists: true });
});

it('calls GetServers through reflection', async () => {
  const out = await bufCurl('--emit-defaults', '-d', '{"target":{"service":"greeter.default","port":"grpc"}}', `http://${cp.address}/lookaside.v1.LoadBalancer/GetServers`);
  const answer = JSON.parse(out);
  expect(answer).toMatchObject({
    target: { service: 'greeter.default', port: 'grpc' },
    exists: true,
    servers: [{ address: '127.10.0.1:8080', weight: 3, zone: 'a', metadata: { pod: 'greeter-0' } }],
  });
});

it('calls WatchServers through reflection and reads the first message', async () => {
  // A server stream never ends by itself; the timeout ends buf curl after the
  // first message has been printed.
  const out = await run(BUF, ['curl', '--protocol', 'grpc', '--http2-prior-knowledge', '--timeout', '2s', '-d', '{"target":{"service":"greeter.default","port":"50051"}}', `http://${cp.address}/lookaside.v1.LoadBalancer/WatchServers`]).then(
    (r) => r.stdout,
    (error: { stdout: string }) => error.stdout,
  );
  const first = JSON.parse(out.slice(0, out.indexOf('\n}') + 2));
  expect(first).toMatchObject({ target: { service: 'greeter.default', port: '50051' }, exists: true, servers: [{ address: '127.10.0.1:8080' }] });
});

it('calls StreamAggregatedResources through reflection, with field names as the xDS protos spell them', async () => {
  const request = { node: { id: 'buf-curl' }, type_url: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment', resource_names: ['greeter.default:50051'] };
  const out = await bufCurl('-d', JSON.stringify(request), `http://${cp.address}/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources`);
  const response = JSON.parse(out);
  expect(response.typeUrl).toBe(request.type_url);
  expect(response.resources).toHaveLength(1);
  expect(response.resources[0]).toMatchObject({
    '@type': request.type_url,
    clusterName: 'greeter.default:50051',
    endpoints: [{ locality: { zone: 'a', subZone: '127.10.0.1:8080' }, loadBalancingWeight: 3, lbEndpoints: [{ endpoint: { address: { socketAddress: { address: '127.10.0.1', portValue: 8080 } } } }] }],
  });
});

it('answers grpc.health.v1.Health/Check through reflection', async () => {
  const out = await bufCurl('-d', '{}', `http://${cp.address}/grpc.health.v1.Health/Check`);
  expect(JSON.parse(out)).toEqual({ status: 'SERVING' });
});

import { status, type ServiceError } from '@grpc/grpc-js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ControlPlane } from '../../src/control-plane.js';
import { FileSource } from '../../src/discovery/file/file-source.js';
import { LoadBalancerStub } from 'grpc-lookaside-client';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registryYaml, type FileService } from '../support/file-control-plane.js';
import { testLogger } from '../support/test-logger.js';
import { WatchRecorder } from '../support/watch-recorder.js';

const greeter = (addresses: string[]): FileService => ({ name: 'greeter', ports: [{ name: 'grpc', port: 50051, backends: addresses.map((address) => ({ address })) }] });

let dir: string;
let file: string;
let source: FileSource;
let controlPlane: ControlPlane;
let stub: LoadBalancerStub;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lookaside-metrics-'));
  file = join(dir, 'registry.yaml');
  await writeFile(file, registryYaml([greeter(['10.0.0.1:8080'])]));
  controlPlane = await ControlPlane.start({
    logger: testLogger(),
    host: '127.0.0.1',
    port: 0,
    metrics: { host: '127.0.0.1', port: 0 },
    createSource: (registry, logger) => (source = new FileSource({ path: file, registry, logger, debounceMs: 10 })),
  });
  stub = new LoadBalancerStub(`127.0.0.1:${controlPlane.port}`);
});
afterAll(async () => {
  stub.close();
  await controlPlane.stop(500);
  await rm(dir, { recursive: true, force: true });
});

async function scrape(): Promise<Map<string, number>> {
  const response = await fetch(`http://127.0.0.1:${controlPlane.metricsPort}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  const samples = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

it('serves the gRPC and registry metrics with real values after real traffic', async () => {
  await stub.getServers({ service: 'greeter.default', port: 'grpc' }, 5_000);
  await stub.getServers({ service: 'greeter.default', port: 'grpc' }, 5_000);
  const notFound = await stub.getServers({ service: 'nope.default', port: 'grpc' }, 5_000).catch((e: ServiceError) => e);
  expect((notFound as ServiceError).code).toBe(status.NOT_FOUND);
  const invalid = await stub.getServers({ service: 'Bad', port: 'grpc' }, 5_000).catch((e: ServiceError) => e);
  expect((invalid as ServiceError).code).toBe(status.INVALID_ARGUMENT);

  const recorder = new WatchRecorder(stub, { service: 'greeter.default', port: 'grpc' });
  await recorder.waitFor((r) => r.updates.length === 1);
  await writeFile(file, registryYaml([greeter(['10.0.0.1:8080', '10.0.0.2:8080'])]));
  await source.reload();
  await recorder.waitFor((r) => r.updates.length === 2);

  const m = await scrape();
  const unary = 'grpc_type="unary",grpc_service="lookaside.v1.LoadBalancer",grpc_method="GetServers"';
  expect(m.get(`grpc_server_started_total{${unary}}`)).toBe(4);
  expect(m.get(`grpc_server_handled_total{${unary},grpc_code="OK"}`)).toBe(2);
  expect(m.get(`grpc_server_handled_total{${unary},grpc_code="NOT_FOUND"}`)).toBe(1);
  expect(m.get(`grpc_server_handled_total{${unary},grpc_code="INVALID_ARGUMENT"}`)).toBe(1);
  expect(m.get(`grpc_server_handling_seconds_count{${unary}}`)).toBe(4);
  const stream = 'grpc_type="server_stream",grpc_service="lookaside.v1.LoadBalancer",grpc_method="WatchServers"';
  expect(m.get(`grpc_server_started_total{${stream}}`)).toBe(1);
  expect(m.get(`grpc_server_msg_sent_total{${stream}}`)).toBe(2);
  expect(m.get('lookaside_services')).toBe(1);
  expect(m.get('lookaside_backends')).toBe(2);
  expect(m.get('lookaside_watchers')).toBe(1);
  expect(m.get('lookaside_source_synced')).toBe(1);
  expect(m.get('lookaside_updates_total')).toBe(2);
  // One change reached the one watcher (the initial send is not a change).
  expect(m.get('lookaside_update_propagation_seconds_count{protocol="lookaside"}')).toBe(1);
  expect(m.get('lookaside_update_propagation_seconds_sum{protocol="lookaside"}')).toBeGreaterThan(0);
  expect(m.get('process_resident_memory_bytes')).toBeGreaterThan(0);

  recorder.close();
  await expect.poll(async () => (await scrape()).get(`grpc_server_handled_total{${stream},grpc_code="CANCELLED"}`), { timeout: 5_000 }).toBe(1);
  expect((await scrape()).get('lookaside_watchers')).toBe(0);
});

it('answers 404 with a hint off /metrics', async () => {
  const response = await fetch(`http://127.0.0.1:${controlPlane.metricsPort}/`);
  expect(response.status).toBe(404);
  expect(await response.text()).toMatch(/GET \/metrics/);
});

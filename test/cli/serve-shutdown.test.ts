// SIGTERM to a real `lookaside serve` process: watchers and xDS streams are
// ended with UNAVAILABLE so they reconnect elsewhere, and the process exits 0 within
// its grace period even when a stream would hold the server open.
import { status } from '@grpc/grpc-js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { LoadBalancerStub } from 'grpc-lookaside-client';
import { runCli, type CliRun, SPAWNING_TEST_TIMEOUT_MS } from '../support/cli-process.js';
import { registryYaml } from '../support/file-control-plane.js';
import { healthClient } from '../support/health-client.js';
import { RawAdsClient, TYPES } from '../support/raw-ads-client.js';
import { WatchRecorder } from '../support/watch-recorder.js';

// These tests start real `lookaside` processes, slow to start on a busy machine.
vi.setConfig({ testTimeout: SPAWNING_TEST_TIMEOUT_MS, hookTimeout: SPAWNING_TEST_TIMEOUT_MS });

let dir: string | undefined;
let serve: CliRun | undefined;
afterEach(async () => {
  serve?.child.kill('SIGKILL');
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function startServe(graceMs: number): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), 'lookaside-serve-'));
  const file = join(dir, 'registry.yaml');
  await writeFile(file, registryYaml([{ name: 'greeter', ports: [{ name: 'grpc', port: 50051, backends: [{ address: '10.0.0.1:8080' }] }] }]));
  serve = runCli(['serve', '--source', 'file', '--file', file, '--host', '127.0.0.1', '--port', '0', '--grace', `${graceMs}ms`, '--metrics-host', '127.0.0.1', '--metrics-port', '0']);
  const listening = JSON.parse(await serve.waitForLine(/"msg":"listening"/)) as { address: string };
  await serve.waitForLine(/"msg":"source synced; serving"/);
  return listening.address;
}

it('ends every watch and xDS stream with UNAVAILABLE and exits 0 on SIGTERM', async () => {
  const address = await startServe(5_000);
  const stub = new LoadBalancerStub(address);
  const watchers = [0, 1, 2].map(() => new WatchRecorder(stub, { service: 'greeter.default', port: 'grpc' }));
  for (const w of watchers) await w.waitFor((r) => r.updates.length === 1);
  const ads = new RawAdsClient(address);
  ads.send({ node: { id: 'shutdown-test' }, type_url: TYPES.listener, resource_names: ['greeter.default:grpc'] });
  expect((await ads.next()).resources).toHaveLength(1);

  serve!.child.kill('SIGTERM');
  for (const w of watchers) {
    await w.waitFor((r) => r.error !== undefined);
    expect(w.error!.code).toBe(status.UNAVAILABLE);
    expect(w.error!.details).toBe('the control plane is shutting down; reconnect to another replica');
  }
  const adsStatus = await ads.status();
  expect(adsStatus.code).toBe(status.UNAVAILABLE);
  expect((adsStatus as { details: string }).details).toBe('the control plane is shutting down; reconnect to another replica');
  ads.close();
  expect(await serve!.exited).toBe(0);
  expect(serve!.stdout).toMatch(/"watchers":3,"xdsStreams":1,"graceMs":5000,"msg":"shutting down: watch and xDS streams ended, draining calls"/);
  expect(serve!.stdout).toMatch(/"msg":"control plane stopped"/);
  stub.close();
});

it('forces the remaining calls closed after the grace period, then exits 0', async () => {
  const address = await startServe(1_000);
  // A health Watch never ends by itself: without the grace timer, the
  // server's tryShutdown would wait for it forever.
  const health = healthClient(address);
  const healthWatch = health.Watch({ service: '' });
  const received: string[] = [];
  healthWatch.on('data', (m: { status: string }) => received.push(m.status));
  healthWatch.on('error', () => {});
  await new Promise<void>((resolve) => healthWatch.once('data', () => resolve()));

  serve!.child.kill('SIGTERM');
  // Bounded by the grace (1 s) plus process teardown; the test's own
  // timeout is the backstop, not an assertion on speed.
  expect(await serve!.exited).toBe(0);
  expect(serve!.stdout).toMatch(/"msg":"grace period over; closing remaining calls"/);
  expect(received).toEqual(['SERVING', 'NOT_SERVING']);
  health.close();
});

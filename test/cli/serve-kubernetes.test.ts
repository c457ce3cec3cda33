// `lookaside serve` on the Kubernetes source, as a real process: the source
// chosen from flags and the environment, a kubeconfig pointing at the API
// harness, and the Kubernetes metrics after a 403 and a watch event.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { runCli, runCliToEnd, type CliRun, SPAWNING_TEST_TIMEOUT_MS } from '../support/cli-process.js';
import { runCliInProcess } from '../support/cli-in-process.js';
import { KubernetesApiHarness } from '../support/kubernetes-api-harness.js';
import { writeHarnessKubeconfig } from '../support/kubernetes-control-plane.js';
import { endpointSlice, READY, service } from '../support/kubernetes-objects.js';

// These tests start real `lookaside` processes, slow to start on a busy machine.
vi.setConfig({ testTimeout: SPAWNING_TEST_TIMEOUT_MS, hookTimeout: SPAWNING_TEST_TIMEOUT_MS });

let dir: string;
let harness: KubernetesApiHarness;
let kubeconfig: string;
let serve: CliRun | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lookaside-kube-cli-'));
  harness = await KubernetesApiHarness.start({ bookmarkIntervalMs: 200 });
  kubeconfig = join(dir, 'kubeconfig');
  writeHarnessKubeconfig(kubeconfig, harness.url);
});
afterEach(() => serve?.child.kill('SIGKILL'));
afterAll(async () => {
  await harness.close();
  await rm(dir, { recursive: true, force: true });
});

async function scrape(port: number): Promise<string> {
  return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
}

it('serves a cluster through --kubeconfig, counting watch restarts and event lag', async () => {
  harness.apply('services', service('greeter', 'default', [{ name: 'grpc', port: 50051, targetPort: 8080 }]));
  harness.apply('endpointslices', endpointSlice({ name: 'greeter-a', namespace: 'default', service: 'greeter', ports: [{ name: 'grpc', port: 8080 }], endpoints: [{ address: '10.1.0.1', ...READY }] }));
  harness.forbid('endpointslices');

  serve = runCli(['serve', '--kubeconfig', kubeconfig, '--host', '127.0.0.1', '--port', '0', '--metrics-host', '127.0.0.1', '--metrics-port', '0']);
  expect(JSON.parse(await serve.waitForLine(/"msg":"discovery source chosen"/))).toMatchObject({ source: 'kubernetes', reason: `--kubeconfig ${kubeconfig} was given` });
  const { address } = JSON.parse(await serve.waitForLine(/"msg":"listening"/)) as { address: string };
  const metricsPort = Number((JSON.parse(await serve.waitForLine(/"msg":"serving metrics"/)) as { address: string }).address.split(':')[1]);
  // The 403 is explained, pointing at the RBAC manifest, and the watch keeps retrying.
  await serve.waitForLine(/forbidden: this service account may not list endpointslices\.discovery\.k8s\.io at cluster scope.*deploy\/kubernetes/);
  const notYet = await runCliInProcess(['get', 'greeter.default:grpc', '--server', address, '--timeout', '3s']);
  expect(notYet.code).toBe(4);

  harness.allow('endpointslices');
  await serve.waitForLine(/"msg":"source synced; serving"/);
  const got = await runCliInProcess(['get', 'greeter.default:grpc', '--server', address]);
  expect(got.code).toBe(0);
  expect(got.stdout).toMatch(/10\.1\.0\.1:8080/);

  // A change whose trigger time the EndpointSlice controller recorded two seconds ago.
  const slice = endpointSlice({ name: 'greeter-a', namespace: 'default', service: 'greeter', ports: [{ name: 'grpc', port: 8080 }], endpoints: [{ address: '10.1.0.2', ...READY }] });
  (slice.metadata as { annotations?: Record<string, string> }).annotations = { 'endpoints.kubernetes.io/last-change-trigger-time': new Date(Date.now() - 2_000).toISOString() };
  harness.apply('endpointslices', slice);
  await expect.poll(async () => (await runCliInProcess(['get', 'greeter.default:grpc', '--server', address])).stdout, { timeout: 15_000 }).toMatch(/10\.1\.0\.2:8080/);

  const metrics = await scrape(metricsPort);
  expect(metrics).toMatch(/lookaside_kubernetes_watch_restarts_total\{resource="endpointslices",reason="forbidden"\} [1-9]/);
  expect(metrics).toMatch(/lookaside_kubernetes_event_lag_seconds_count\{resource="endpointslices"\} 1\n/);
  // Two seconds of lag land in the 2.5 s bucket, not the 1 s one.
  expect(metrics).toMatch(/lookaside_kubernetes_event_lag_seconds_bucket\{le="1",resource="endpointslices"\} 0\n/);
  expect(metrics).toMatch(/lookaside_kubernetes_event_lag_seconds_bucket\{le="2.5",resource="endpointslices"\} 1\n/);
  serve.child.kill('SIGTERM');
  expect(await serve.exited).toBe(0);
});

it('chooses the bundled file when there is no cluster and no kubeconfig, and says why', async () => {
  serve = runCli(['serve', '--host', '127.0.0.1', '--port', '0', '--no-metrics'], { HOME: dir, KUBECONFIG: '', KUBERNETES_SERVICE_HOST: '' });
  const chosen = JSON.parse(await serve.waitForLine(/"msg":"discovery source chosen"/)) as { source: string; reason: string; file: string };
  expect(chosen.source).toBe('file');
  expect(chosen.file).toMatch(/deploy\/examples\/registry\.yaml$/);
  expect(chosen.reason).toMatch(/no Kubernetes found/);
  await serve.waitForLine(/"msg":"source synced; serving"/);
});

it('exits 2 for a malformed --namespaces and 1 for a kubeconfig that does not exist', async () => {
  const bad = await runCliInProcess(['serve', '--namespaces', 'ok,Not_OK']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/namespace "Not_OK" is not valid/);
  const missing = await runCliToEnd(['serve', '--kubeconfig', join(dir, 'absent'), '--port', '0', '--no-metrics']);
  expect(missing.code).toBe(1);
  expect(missing.stdout).toMatch(/absent/);
});

// Intended against measured, end to end: real grpc-js-xds channels send
// weighted traffic (1:2:3) through a real control plane; `lookaside status
// --json` (the CLI, in process, reading the metrics port's /status.json)
// shows each backend's measured share within 2 points of the calls the
// backends themselves counted, a backend that failed half its calls with an
// error rate within 5 points of that, and a raw ADS client that NACKed as
// out of sync with its error; the metrics carry the per-service series only.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFileControlPlane, type FileControlPlane } from '../support/file-control-plane.js';
import { startIdentityBackends, type IdentityBackend, type IdentityClient } from '../support/identity-backends.js';
import { xdsIdentityClient } from '../support/xds-client.js';
import { waitFor } from '../support/wait-until.js';
import { runCliInProcess } from '../support/cli-in-process.js';
import { RawAdsClient, TYPES } from '../support/raw-ads-client.js';
import type { TrafficStatus } from '../../src/observer/traffic-status.js';

let backends: IdentityBackend[];
let cp: FileControlPlane;
let metricsServer: string;
const clients: IdentityClient[] = [];

beforeAll(async () => {
  backends = await startIdentityBackends(3, 'status');
  cp = await startFileControlPlane(
    [{ name: 'weighted', namespace: 'test', ports: [{ name: 'grpc', port: 8080, backends: backends.map((b, i) => ({ address: b.address, weight: (i + 1) * 100 })) }] }],
    { controlPlane: { metrics: { host: '127.0.0.1', port: 0 }, loadReports: { intervalMs: 200 } } },
  );
  metricsServer = `127.0.0.1:${cp.controlPlane.metricsPort}`;
});
afterAll(async () => {
  for (const c of clients) c.close();
  await cp?.close();
  await Promise.all(backends.map((b) => b.stop()));
});

async function status(...args: string[]): Promise<TrafficStatus> {
  const result = await runCliInProcess(['status', ...args, '--metrics-server', metricsServer, '-o', 'json']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as TrafficStatus;
}

describe('lookaside status', () => {
  it('shows measured shares within 2 points of what the backends counted, and a half-failing backend\'s error rate within 5', async () => {
    for (let i = 0; i < 2; i++) {
      const c = xdsIdentityClient('weighted.test:8080', { controlPlane: cp.address, nodeId: `status-${i}` });
      clients.push(c);
      await c.spread(900, 8, { timeoutMs: 10_000 });
    }
    // The heaviest backend fails every call from here on: half of its calls.
    const answered = backends[2]!.calls;
    backends[2]!.mode = 'fail';
    await clients[0]!.spread(900, 8, { timeoutMs: 10_000 });
    await clients[1]!.spread(900, 8, { timeoutMs: 10_000 });
    const counted = backends.map((b) => b.calls);
    const total = counted.reduce((a, b) => a + b, 0);
    expect(total).toBe(3_600);
    await waitFor('every call in the reports', async () => {
      const service = (await status('weighted.test')).services[0];
      return service !== undefined && Math.round(service.callsPerSecond * 60) === total;
    });
    const service = (await status('weighted.test:grpc')).services[0]!;
    expect(service.service).toBe('weighted.test:8080');
    backends.forEach((backend, i) => {
      const row = service.backends.find((entry) => entry.address === backend.address)!;
      expect(row.intendedShare).toBeCloseTo(((i + 1) / 6) * 100, 6);
      expect(Math.abs(row.measuredShare! - (counted[i]! / total) * 100), `${backend.name}`).toBeLessThanOrEqual(2);
      expect(row.deviation).toBeCloseTo(row.measuredShare! - row.intendedShare, 6);
    });
    const failing = service.backends.find((entry) => entry.address === backends[2]!.address)!;
    const failedShare = ((counted[2]! - answered) / counted[2]!) * 100;
    expect(Math.abs(failing.errorRate! - failedShare)).toBeLessThanOrEqual(5);
    expect(failedShare).toBeGreaterThan(40);
    backends[2]!.mode = 'answer';

    const metrics = await (await fetch(`http://${metricsServer}/metrics`)).text();
    expect(metrics).toMatch(/lookaside_service_calls_per_second\{service="weighted\.test:8080"\} 60/);
    expect(metrics).toMatch(/lookaside_service_share_deviation_points\{service="weighted\.test:8080"\} \d/);
    expect(metrics).not.toMatch(/lookaside_backend_share_percent/);
  });

  it('shows a client that NACKed as out of sync, with its error, and prints a table', async () => {
    const ads = new RawAdsClient(cp.address);
    try {
      ads.send({ node: { id: 'nacking-node', locality: { zone: 'zone-a' } }, type_url: TYPES.endpoints, resource_names: ['weighted.test:8080'] });
      const response = await ads.next();
      ads.send({ type_url: TYPES.endpoints, resource_names: ['weighted.test:8080'], response_nonce: response.nonce, version_info: '', error_detail: { code: 3, message: 'weights refused by the test' } });
      await waitFor('the NACK in status', async () => (await status()).clients.some((client) => client.clientId === 'nacking-node' && client.lastNack !== undefined));
      const client = (await status()).clients.find((entry) => entry.clientId === 'nacking-node')!;
      expect(client).toMatchObject({ protocol: 'xds', inSync: false, lastNack: { type: 'cluster_load_assignment', version: response.version_info, error: 'weights refused by the test' } });
      const table = await runCliInProcess(['status', '--metrics-server', metricsServer]);
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(/nacking-node\s+xds\s+zone-a\s+-\s+NO\s+cluster_load_assignment \S+: weights refused by the test/);
      const metrics = await (await fetch(`http://${metricsServer}/metrics`)).text();
      expect(metrics).toMatch(/lookaside_clients\{protocol="xds",state="out_of_sync"\} 1/);
    } finally {
      ads.close();
    }
  });

  it('names what it knows when the service is unknown, and the metrics port when it is unreachable', async () => {
    const unknown = await runCliInProcess(['status', 'nothing.test', '--metrics-server', metricsServer]);
    expect(unknown).toMatchObject({ code: 3, stderr: expect.stringContaining('knows weighted.test:8080') });
    const closed = await runCliInProcess(['status', '--metrics-server', '127.0.0.1:1', '--timeout', '2s']);
    expect(closed).toMatchObject({ code: 4, stderr: expect.stringContaining('--metrics-server') });
  });
});

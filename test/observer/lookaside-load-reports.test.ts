// Load reports from the lookaside (Node) client, lookaside.v1 ReportLoad,
// end to end: real grpc-js backends on 127.0.0.1, a real control plane on
// the file source, real lookaside channels beside real grpc-js-xds channels
// sending weighted traffic (1:2:3). `lookaside status --json` and the live
// page's data show each backend's measured share within 2 points of what
// the backends counted and a half-failing backend's error rate within 5;
// a lookaside client that reports the version it applied is in sync, one
// whose applied version lags is behind; a registration with reports off
// sends none; a control plane without ReportLoad turns them off with one
// log line.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { status as grpcStatus } from '@grpc/grpc-js';
import { registerLookaside, type LookasideRegistration } from 'grpc-lookaside-client';
import { LoadBalancerStub } from '../../packages/client/src/control-plane/load-balancer-stub.js';
import { startFileControlPlane, type FileControlPlane, type FileService } from '../support/file-control-plane.js';
import { startIdentityBackends, IdentityClient, type IdentityBackend } from '../support/identity-backends.js';
import { xdsIdentityClient } from '../support/xds-client.js';
import { waitFor } from '../support/wait-until.js';
import { runCliInProcess } from '../support/cli-in-process.js';
import type { TrafficStatus } from '../../src/observer/traffic-status.js';
import type { LiveView } from '../../src/observer/live-view.js';
import type { LoadReporter } from '../../src/observer/load-report.js';

const TARGET = 'weighted.test:8080';

let backends: IdentityBackend[];
let cp: FileControlPlane;
let metricsServer: string;
/** Every lookaside.v1 report the control plane took, by client id. */
const reports = new Map<string, number>();
const registrations: LookasideRegistration[] = [];
const clients: { close(): void }[] = [];

function weighted(weights: readonly number[]): FileService {
  return { name: 'weighted', namespace: 'test', ports: [{ name: 'grpc', port: 8080, backends: backends.map((b, i) => ({ address: b.address, weight: weights[i]! })) }] };
}

function lookasideClient(scheme: string, clientId: string, options: { loadReports?: boolean } = {}): IdentityClient {
  registrations.push(registerLookaside({ scheme, controlPlane: cp.address, client: { clientId }, ...options }));
  const client = new IdentityClient(`${scheme}:///${TARGET}`);
  clients.push(client);
  return client;
}

beforeAll(async () => {
  backends = await startIdentityBackends(3, 'reported');
  cp = await startFileControlPlane([], {
    controlPlane: {
      metrics: { host: '127.0.0.1', port: 0 },
      livePage: {},
      loadReports: {
        intervalMs: 200,
        hooks: {
          onLoadReport: (reporter: LoadReporter) => {
            if (reporter.protocol === 'lookaside') reports.set(reporter.clientId, (reports.get(reporter.clientId) ?? 0) + 1);
          },
        },
      },
    },
  });
  await cp.write([weighted([100, 200, 300])]);
  metricsServer = `127.0.0.1:${cp.controlPlane.metricsPort}`;
});
afterAll(async () => {
  for (const client of clients) client.close();
  for (const registration of registrations) registration.close();
  await cp?.close();
  await Promise.all((backends ?? []).map((b) => b.stop()));
});

async function status(): Promise<TrafficStatus> {
  const result = await runCliInProcess(['status', TARGET, '--metrics-server', metricsServer, '-o', 'json']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as TrafficStatus;
}

async function liveView(): Promise<LiveView> {
  const response = await fetch(`http://${metricsServer}/live/snapshot.json`);
  expect(response.status).toBe(200);
  return (await response.json()) as LiveView;
}

// Thousands of calls from four channels and the wait for their reports: on a
// machine busy with other work (and another test file beside it) that took
// over the default 30 s.
describe('load reports from lookaside channels', { timeout: 90_000 }, () => {
  it('show in status and the live page within 2 points of what each backend counted, a half-failing backend within 5, and the lookaside clients in sync', async () => {
    const sources = [lookasideClient('lookaside-report-a', 'reporting-a'), lookasideClient('lookaside-report-b', 'reporting-b'), xdsIdentityClient(TARGET, { controlPlane: cp.address, nodeId: 'reporting-xds' })];
    clients.push(sources[2]!);
    for (const source of sources) expect((await source.spread(600, 8, { timeoutMs: 10_000 })).failures).toEqual([]);
    // The heaviest backend fails every call from here on: half of its calls.
    const answered = backends[2]!.calls;
    backends[2]!.mode = 'fail';
    try {
      for (const source of sources) await source.spread(600, 8, { timeoutMs: 10_000 });
    } finally {
      backends[2]!.mode = 'answer';
    }
    const counted = backends.map((b) => b.calls);
    const total = counted.reduce((a, b) => a + b, 0);
    expect(total).toBe(3_600);

    // Without the lookaside clients' reports only the xDS third would arrive.
    await waitFor('every call in the reports', async () => {
      const service = (await status()).services[0];
      return service !== undefined && Math.round(service.callsPerSecond * 60) === total;
    });
    const service = (await status()).services[0]!;
    const view = (await liveView()).services.find((entry) => entry.cluster === TARGET)!;
    backends.forEach((backend, i) => {
      const expected = (counted[i]! / total) * 100;
      const row = service.backends.find((entry) => entry.address === backend.address)!;
      expect(Math.abs(row.measuredShare! - expected), `status: ${backend.name}`).toBeLessThanOrEqual(2);
      expect(row.estimatedFrom).toBeUndefined();
      const drawn = view.backends.find((entry) => entry.address === backend.address)!;
      expect(Math.abs(drawn.measuredShare! - expected), `live page: ${backend.name}`).toBeLessThanOrEqual(2);
    });
    const failedShare = ((counted[2]! - answered) / counted[2]!) * 100;
    expect(failedShare).toBeGreaterThan(40);
    const failing = service.backends.find((entry) => entry.address === backends[2]!.address)!;
    expect(Math.abs(failing.errorRate! - failedShare)).toBeLessThanOrEqual(5);
    expect(Math.abs(view.backends.find((entry) => entry.address === backends[2]!.address)!.errorRate! - failedShare)).toBeLessThanOrEqual(5);

    const lookasideClients = (await status()).clients.filter((client) => client.protocol === 'lookaside' && client.connected);
    expect(lookasideClients.map((client) => client.clientId).sort()).toEqual(['reporting-a', 'reporting-b']);
    for (const client of lookasideClients) {
      expect(client.inSync, client.clientId).toBe(true);
      expect(client.lastReport).toBeDefined();
      expect(client.versions).toEqual([expect.objectContaining({ type: 'servers', acked: client.versions[0]!.sent })]);
    }
  });

  it('shows a lookaside client whose applied version lags as behind, and in sync once it reports the version sent', async () => {
    // A client of the lookaside.v1 contract that applies nothing new: it reports the first version it saw.
    const stub = new LoadBalancerStub(cp.address);
    const watch = stub.watchServers({ service: 'weighted.test', port: 'grpc', client: { clientId: 'lagging' } });
    const versions: number[] = [];
    watch.on('data', (update: { version: number }) => versions.push(update.version));
    watch.on('error', () => {});
    const reportCall = stub.reportLoad();
    reportCall.on('error', () => {});
    try {
      await waitFor('the first list', () => versions.length === 1);
      const first = versions[0]!;
      reportCall.write({ client: { clientId: 'lagging' }, targets: [] });
      const report = (version: number) => reportCall.write({ targets: [{ target: { service: 'weighted.test', port: 'grpc' }, applied: { version, exists: true }, backends: [] }] });
      report(first);
      const lagging = async () => (await status()).clients.find((client) => client.clientId === 'lagging' && client.connected);
      await waitFor('the client in sync', async () => (await lagging())?.inSync === true);

      await cp.write([weighted([100, 200, 400])]);
      await waitFor('the new version sent', () => versions.length === 2);
      report(first);
      await waitFor('the client behind', async () => (await lagging())?.versions[0]?.sent === String(versions[1]));
      const behind = (await lagging())!;
      expect(behind).toMatchObject({ inSync: false, versions: [{ type: 'servers', sent: String(versions[1]), acked: String(first) }] });
      const view = (await liveView()).clients.find((client) => client.clientId === 'lagging' && client.connected)!;
      expect(view.inSync).toBe(false);

      report(versions[1]!);
      await waitFor('the client in sync again', async () => (await lagging())?.inSync === true);
    } finally {
      watch.cancel();
      reportCall.cancel();
      stub.close();
      await cp.write([weighted([100, 200, 300])]);
    }
  });

  it('sends nothing from a registration with reports off (while one with reports on keeps reporting)', async () => {
    const on = lookasideClient('lookaside-report-on', 'reports-on');
    const off = lookasideClient('lookaside-report-off', 'reports-off', { loadReports: false });
    expect((await on.spread(60, 4)).failures).toEqual([]);
    expect((await off.spread(60, 4)).failures).toEqual([]);
    const before = reports.get('reports-on') ?? 0;
    // Both registrations watch and call alike; the one reporting has sent three reports since.
    await waitFor('three more reports from the registration with reports on', () => (reports.get('reports-on') ?? 0) >= before + 3);
    expect(reports.get('reports-off')).toBeUndefined();
    const quiet = (await status()).clients.find((client) => client.clientId === 'reports-off' && client.connected)!;
    expect(quiet.versions[0]?.sent).toMatch(/^\d+$/);
    expect(quiet.inSync).toBeUndefined();
    expect(quiet.lastReport).toBeUndefined();
  });
});

describe('the last interval', () => {
  it('is reported when the registration closes, though the interval has not come', async () => {
    const reported: number[] = [];
    const slow = await startFileControlPlane([weighted([100, 200, 300])], {
      controlPlane: {
        // Far longer than the test: only the last report can bring the calls.
        loadReports: { intervalMs: 10 * 60_000, hooks: { onLoadReport: (_reporter, entries) => reported.push(entries.reduce((sum, entry) => sum + entry.succeeded, 0)) } },
      },
    });
    const registration = registerLookaside({ scheme: 'lookaside-last-report', controlPlane: slow.address, client: { clientId: 'closing' } });
    const client = new IdentityClient(`lookaside-last-report:///${TARGET}`);
    try {
      expect((await client.spread(10, 2)).failures).toEqual([]);
      // Answered, and its list reported (the report sent for a newly applied list): nothing else is due for ten minutes.
      await waitFor('the client in sync', () => slow.controlPlane.observer.snapshot().clients.some((entry) => entry.clientId === 'closing' && entry.inSync === true));
      expect((await client.spread(90, 4)).failures).toEqual([]);
      client.close();
      registration.close();
      await waitFor('the last report with every call', () => reported.reduce((sum, calls) => sum + calls, 0) === 100);
    } finally {
      client.close();
      registration.close();
      await slow.close();
    }
  });
});

describe('a new server list', () => {
  it('is reported soon after the client applied it, not at the next interval, so the client shows in sync', async () => {
    const slow = await startFileControlPlane([weighted([100, 200, 300])], { controlPlane: { loadReports: { intervalMs: 10 * 60_000 } } });
    const registration = registerLookaside({ scheme: 'lookaside-applied', controlPlane: slow.address, client: { clientId: 'applying' } });
    const client = new IdentityClient(`lookaside-applied:///${TARGET}`);
    const applying = () => slow.controlPlane.observer.snapshot().clients.find((entry) => entry.clientId === 'applying' && entry.connected);
    try {
      expect((await client.spread(30, 4)).failures).toEqual([]);
      await waitFor('the first list acknowledged', () => applying()?.inSync === true);
      const first = applying()!.versions[0]!.sent;
      await slow.write([weighted([100, 200, 500])]);
      await waitFor('the new version sent', () => applying()?.versions[0]?.sent !== first);
      // The interval is ten minutes: only a report for the applied list can bring it in sync.
      await waitFor('the client in sync with the new version', () => applying()?.inSync === true);
    } finally {
      client.close();
      registration.close();
      await slow.close();
    }
  });
});

describe('a malformed load report', () => {
  it.each([
    ['a first message without client', [{ targets: [] }], /^client: is required in the first ReportLoadRequest of a stream/],
    ['a target that is not name.namespace', [{ client: { clientId: 'bad' }, targets: [] }, { targets: [{ target: { service: 'no-namespace', port: 'grpc' }, backends: [] }] }], /^targets\[0\]\.target\.service: /],
    ['a backend without address', [{ client: { clientId: 'bad' }, targets: [{ target: { service: 'weighted.test', port: 'grpc' }, backends: [{ address: '', succeededCalls: 1, failedCalls: 0, issuedCalls: 1, inProgressCalls: 0 }] }] }], /^targets\[0\]\.backends\[0\]\.address: must be the backend's "host:port"/],
  ])('ends the stream INVALID_ARGUMENT naming the field: %s', async (_case, messages, details) => {
    const stub = new LoadBalancerStub(cp.address);
    try {
      const call = stub.reportLoad();
      call.on('error', () => {});
      const ended = new Promise<{ code: number; details: string }>((resolve) => call.on('status', resolve));
      for (const message of messages) call.write(message as Parameters<typeof call.write>[0]);
      const result = await ended;
      expect(result.code).toBe(grpcStatus.INVALID_ARGUMENT);
      expect(result.details).toMatch(details);
    } finally {
      stub.close();
    }
  });
});

describe('a control plane without ReportLoad', () => {
  it('turns the registration\'s reports off with one log line, and its calls go on', async () => {
    const quiet = await startFileControlPlane([weighted([100, 200, 300])], { controlPlane: { loadReports: false } });
    const lines: string[] = [];
    const registration = registerLookaside({ scheme: 'lookaside-no-reports', controlPlane: quiet.address, logger: ({ message }) => lines.push(message) });
    const client = new IdentityClient(`lookaside-no-reports:///${TARGET}`);
    const second = new IdentityClient('lookaside-no-reports:///weighted.test:8080');
    try {
      expect((await client.spread(30, 4)).failures).toEqual([]);
      await waitFor('the log line', () => lines.some((line) => line.includes('takes no load reports')));
      expect((await second.spread(30, 4)).failures).toEqual([]);
      expect(lines.filter((line) => line.includes('takes no load reports'))).toHaveLength(1);
    } finally {
      client.close();
      second.close();
      registration.close();
      await quiet.close();
    }
  });
});

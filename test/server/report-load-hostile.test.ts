// lookaside.v1 ReportLoad against a hostile or careless client: real
// grpc-js client and control plane (file source) on 127.0.0.1. A client
// that reports calls to addresses the control plane never sent cannot take
// the observer's bounded backend windows from the backends that exist, so
// an honest client's figures still count (LRS counts only the localities it
// serves, alike; an LRS report's per-endpoint stats are held to the same
// rule). Under --caller-auth, a client sending reports far faster
// than asked while its authorization is pending is ended with
// RESOURCE_EXHAUSTED rather than held report by report in memory. A
// careless client (half-close first, a version never sent, huge counters)
// ends nothing and is shown behind.

import { credentials, makeGenericClientConstructor, status, type ClientDuplexStream } from '@grpc/grpc-js';
import { afterEach, expect, it } from 'vitest';
import { MAX_REPORTS_AWAITING_AUTHORIZATION } from '../../src/server/lookaside/load-report-service.js';
import { issueToken, listSlicesRule, startCallerAuthControlPlane } from '../support/caller-auth-control-plane.js';
import { KubernetesApiHarness } from '../support/kubernetes-api-harness.js';
import { LRS_METHOD, LRS_SERVICE } from '../../src/server/xds/load-reporting-service.js';
import { decodeMessage, encodeMessage } from '../../src/wire/xds-messages.js';
import type { LoadReporter, LoadReportEntry } from '../../src/observer/load-report.js';
import { startFileControlPlane, type FileControlPlane } from '../support/file-control-plane.js';
import { waitFor } from '../support/wait-until.js';

const open: FileControlPlane[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((cp) => cp.close()));
});

const REAL = ['127.0.0.1:50051', '127.0.0.2:50051'];
const target = { service: 'greeter.default', port: 'grpc' };

it('leaves out calls to addresses the service port does not have, so a flood of invented backends crowds out no honest report', async () => {
  const handled: { reporter: LoadReporter; entries: readonly LoadReportEntry[] }[] = [];
  const cp = await startFileControlPlane([{ name: 'greeter', namespace: 'default', ports: [{ name: 'grpc', port: 50051, backends: REAL.map((address) => ({ address })) }] }], {
    controlPlane: { loadReports: { intervalMs: 60_000, hooks: { onLoadReport: (reporter, entries) => void handled.push({ reporter, entries }) } } },
  });
  open.push(cp);
  const observer = cp.controlPlane.observer;

  // As many invented addresses as the observer keeps backend windows (100,000 by default), in one report.
  const hostile = cp.stub.reportLoad();
  hostile.on('error', () => {});
  const invented = Array.from({ length: 100_000 }, (_, i) => ({ address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:50051`, succeededCalls: 1_000, failedCalls: 0, issuedCalls: 1_000, inProgressCalls: 0 }));
  hostile.write({ client: { clientId: 'hostile' }, targets: [{ target, backends: invented }] });
  await waitFor('the hostile report handled', () => handled.some((h) => h.reporter.clientId === 'hostile'));
  expect(observer.trackedBackends).toBe(0);

  const honest = cp.stub.reportLoad();
  honest.on('error', () => {});
  honest.write({ client: { clientId: 'honest' }, targets: [{ target, backends: REAL.map((address, i) => ({ address, succeededCalls: 10 * (i + 1), failedCalls: i, issuedCalls: 10 * (i + 1) + i, inProgressCalls: 0 })) }] });
  await waitFor('the honest report handled', () => handled.some((h) => h.reporter.clientId === 'honest'));

  const snapshot = observer.snapshot();
  expect(snapshot.dropped.backends).toBe(0);
  const service = snapshot.services.find((s) => s.cluster === 'greeter.default:50051');
  expect(service?.backends.map((b) => [b.backend, b.succeeded, b.failed])).toEqual([
    [REAL[0], 10, 0],
    [REAL[1], 20, 1],
  ]);
  hostile.cancel();
  honest.cancel();
});

it('ends a stream whose reports pile up while the caller\'s authorization is pending with RESOURCE_EXHAUSTED naming the bound', async () => {
  const harness = await KubernetesApiHarness.start();
  const cp = await startCallerAuthControlPlane({
    harness,
    services: [{ name: 'greeter', namespace: 'app', ports: [{ name: 'grpc', port: 50051, backends: [{ host: '127.12.0.1', port: 8080 }] }] }],
    // The reviews never answer within the test: every report waits.
    timeoutMs: 600_000,
  });
  const revoke = harness.grantAccess(listSlicesRule('system:serviceaccount:app:web', 'app'));
  harness.failReviews('stall');
  const call = cp.stub.reportLoad({ token: issueToken(harness, 'system:serviceaccount:app:web') });
  try {
    const ended = new Promise<{ code: number; details: string }>((resolve) => call.on('status', resolve));
    call.on('error', () => {});
    call.write({ client: { clientId: 'flooding' }, targets: [] });
    const report = { targets: [{ target: { service: 'greeter.app', port: 'grpc' }, backends: [{ address: '127.12.0.1:8080', succeededCalls: 1, failedCalls: 0, issuedCalls: 1, inProgressCalls: 0 }] }] };
    for (let i = 0; i < MAX_REPORTS_AWAITING_AUTHORIZATION + 2; i++) call.write(report);
    expect(await ended).toMatchObject({
      code: status.RESOURCE_EXHAUSTED,
      details: `${MAX_REPORTS_AWAITING_AUTHORIZATION} load reports of this stream are waiting for the caller's authorization; at most ${MAX_REPORTS_AWAITING_AUTHORIZATION} are held: send one report per report_interval_ms (10000 ms)`,
    });
    // Nothing of the held reports was counted.
    expect(cp.controlPlane.observer.snapshot().services).toEqual([]);
  } finally {
    call.cancel();
    revoke();
    harness.failReviews(undefined);
    await cp.close();
    await harness.close();
  }
});

it('holds against a careless client: a half-close before any message ends OK, a version never sent shows the client behind, counters at the largest exact number end nothing', async () => {
  const handled: string[] = [];
  const cp = await startFileControlPlane([{ name: 'greeter', namespace: 'default', ports: [{ name: 'grpc', port: 50051, backends: REAL.map((address) => ({ address })) }] }], {
    controlPlane: { loadReports: { intervalMs: 60_000, hooks: { onLoadReport: (reporter) => void handled.push(reporter.clientId) } } },
  });
  open.push(cp);

  const silent = cp.stub.reportLoad();
  silent.on('error', () => {});
  const silentStatus = new Promise<{ code: number }>((resolve) => silent.on('status', resolve));
  silent.end();
  expect(await silentStatus).toMatchObject({ code: status.OK });

  const watch = cp.stub.watchServers({ ...target, client: { clientId: 'careless' } });
  watch.on('error', () => {});
  const versions: number[] = [];
  watch.on('data', (update: { version: number }) => versions.push(update.version));
  const call = cp.stub.reportLoad();
  call.on('error', () => {});
  try {
    await waitFor('the first list', () => versions.length === 1);
    const huge = Number.MAX_SAFE_INTEGER;
    call.write({ client: { clientId: 'careless' }, targets: [] });
    call.write({ targets: [{ target, applied: { version: versions[0]! + 1_000, exists: true }, backends: [{ address: REAL[0]!, succeededCalls: huge, failedCalls: huge, issuedCalls: huge, inProgressCalls: huge }] }] });
    await waitFor('the report handled', () => handled.filter((id) => id === 'careless').length === 2);
    const client = cp.controlPlane.observer.clientStatuses().find((c) => c.clientId === 'careless' && c.connected)!;
    expect(client).toMatchObject({ inSync: false, versions: [{ type: 'servers', sent: String(versions[0]), acked: String(versions[0]! + 1_000) }] });
    // The stream is still open: a later report is taken.
    call.write({ targets: [{ target, applied: { version: versions[0]!, exists: true }, backends: [] }] });
    await waitFor('the client in sync', () => cp.controlPlane.observer.clientStatuses().find((c) => c.clientId === 'careless' && c.connected)?.inSync === true);
  } finally {
    watch.cancel();
    call.cancel();
  }
});

it('leaves out LRS per-endpoint stats for addresses the cluster does not have, as ReportLoad does', async () => {
  const cp = await startFileControlPlane([{ name: 'greeter', namespace: 'default', ports: [{ name: 'grpc', port: 50051, backends: REAL.map((address) => ({ address })) }] }]);
  open.push(cp);
  const observer = cp.controlPlane.observer;
  const Lrs = makeGenericClientConstructor(
    {
      [LRS_METHOD]: {
        path: `/${LRS_SERVICE}/${LRS_METHOD}`,
        requestStream: true,
        responseStream: true,
        requestSerialize: (value: Record<string, unknown>) => Buffer.from(encodeMessage('envoy.service.load_stats.v3.LoadStatsRequest', value)),
        requestDeserialize: (bytes: Buffer) => decodeMessage('envoy.service.load_stats.v3.LoadStatsRequest', bytes),
        responseSerialize: (value: Record<string, unknown>) => Buffer.from(encodeMessage('envoy.service.load_stats.v3.LoadStatsResponse', value)),
        responseDeserialize: (bytes: Buffer) => decodeMessage('envoy.service.load_stats.v3.LoadStatsResponse', bytes),
      },
    },
    'LoadReportingService',
  );
  const client = new Lrs(cp.address, credentials.createInsecure());
  const call = (client as unknown as Record<string, () => ClientDuplexStream<Record<string, unknown>, unknown>>)[LRS_METHOD]!();
  call.on('error', () => {});
  const answered = new Promise<void>((resolve) => call.once('data', () => resolve()));
  try {
    const endpoint = (address: string, succeeded: number) => {
      const [host, port] = address.split(':');
      return { address: { socket_address: { address: host, port_value: Number(port) } }, total_successful_requests: succeeded };
    };
    const invented = Array.from({ length: 2_000 }, (_, i) => endpoint(`10.9.${i >> 8}.${i & 255}:50051`, 1_000));
    call.write({ node: { id: 'lrs-endpoints' }, cluster_stats: [] });
    await answered;
    call.write({ node: { id: 'lrs-endpoints' }, cluster_stats: [{ cluster_name: 'greeter.default:50051', upstream_locality_stats: [{ locality: {}, upstream_endpoint_stats: [...invented, endpoint(REAL[0]!, 7)] }] }] });
    await waitFor('the real endpoint counted', () => observer.snapshot().services.some((s) => s.cluster === 'greeter.default:50051'));
    const service = observer.snapshot().services.find((s) => s.cluster === 'greeter.default:50051')!;
    expect(service.backends.map((b) => [b.backend, b.succeeded])).toEqual([[REAL[0], 7]]);
    expect(observer.trackedBackends).toBe(1);
  } finally {
    call.cancel();
    client.close();
  }
});

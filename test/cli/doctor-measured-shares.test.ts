// `lookaside doctor --metrics-server`: the distribution check sets what the
// service's clients reported (load reports of the last minute, read from the
// control plane's /status.json) beside the intended shares, and names a
// backend whose measured share is off: a real grpc-js-xds channel sends
// 1:2:3 traffic, then the weights become equal, so the last minute's
// reports say the third backend got about 50% against an intended 33.3%.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../src/cli/doctor/doctor-report-schema.js';
import { runCliInProcess } from '../support/cli-in-process.js';
import { startFileControlPlane, type FileControlPlane, type FileService } from '../support/file-control-plane.js';
import { startHealthBackend, type HealthBackend } from '../support/health-backends.js';
import { xdsIdentityClient } from '../support/xds-client.js';
import { waitFor } from '../support/wait-until.js';
import { IdentityClient } from '../support/identity-backends.js';
import { registerLookaside } from 'grpc-lookaside-client';

let cp: FileControlPlane;
let backends: HealthBackend[];
let metricsServer: string;

const skewed = (weights: number[]): FileService => ({ name: 'skewed', namespace: 'default', ports: [{ name: 'grpc', port: 50051, backends: backends.map((b, i) => ({ address: b.address, weight: weights[i]! })) }] });

beforeAll(async () => {
  backends = await Promise.all([0, 1, 2].map(() => startHealthBackend('serving')));
  cp = await startFileControlPlane([skewed([100, 200, 300])], { controlPlane: { metrics: { host: '127.0.0.1', port: 0 }, loadReports: { intervalMs: 200 } } });
  metricsServer = `127.0.0.1:${cp.controlPlane.metricsPort}`;
});
afterAll(async () => {
  await cp?.close();
  await Promise.all(backends.map((b) => b.stop()));
});

describe('doctor with load reports', () => {
  it('says which backend\'s measured share is off its intended share', async () => {
    const client = xdsIdentityClient('skewed.default:50051', { controlPlane: cp.address, nodeId: 'doctor-reporter' });
    try {
      const { failures } = await client.spread(1_200, 8, { timeoutMs: 10_000 });
      expect(failures).toEqual([]);
      await waitFor('the calls in the reports', () => (cp.controlPlane.observer.snapshot().services[0]?.succeeded ?? 0) === 1_200);
    } finally {
      client.close();
    }
    await cp.write([skewed([100, 100, 100])]);
    const { code, stdout, stderr } = await runCliInProcess(['doctor', 'skewed.default:50051', '--server', cp.address, '--metrics-server', metricsServer, '--calls', '20', '--json']);
    expect(stderr).toBe('');
    const report = JSON.parse(stdout) as DoctorReport;
    const distribution = report.checks.find((c) => c.id === 'distribution')!;
    const off = distribution.findings.filter((finding) => finding.verdict === 'warn');
    expect(off).toHaveLength(2);
    const third = off.find((finding) => finding.subject === backends[2]!.address)!;
    expect(third.seen).toMatch(/^calls to \S+ are (4[5-9]|5[0-5])\.\d% against an intended 33\.3% \(load reports of the last minute\)$/);
    expect(off.map((finding) => finding.subject)).toContain(backends[0]!.address);
    expect(distribution.findings.at(-1)!.seen).toMatch(/^clients reported 1200 calls to skewed\.default:50051 over the last minute; 2 of 3 backends off their intended share$/);
    // Warnings alone exit 0.
    expect(code).toBe(0);
  });

  it('uses the measured shares a lookaside client reported', async () => {
    const reported = (weights: number[]): FileService => ({ ...skewed(weights), name: 'reported' });
    await cp.write([skewed([100, 100, 100]), reported([100, 200, 300])]);
    const registration = registerLookaside({ scheme: 'lookaside-doctor', controlPlane: cp.address, client: { clientId: 'doctor-lookaside' } });
    const client = new IdentityClient('lookaside-doctor:///reported.default:50051');
    try {
      const { failures } = await client.spread(1_200, 8, { timeoutMs: 10_000 });
      expect(failures).toEqual([]);
      await waitFor('the lookaside client\'s calls in the reports', () => cp.controlPlane.observer.snapshot().services.find((service) => service.cluster === 'reported.default:50051')?.succeeded === 1_200);
    } finally {
      client.close();
      registration.close();
    }
    await cp.write([skewed([100, 100, 100]), reported([100, 100, 100])]);
    const { stdout } = await runCliInProcess(['doctor', 'reported.default:50051', '--server', cp.address, '--metrics-server', metricsServer, '--calls', '20', '--json']);
    const distribution = (JSON.parse(stdout) as DoctorReport).checks.find((c) => c.id === 'distribution')!;
    const off = distribution.findings.filter((finding) => finding.verdict === 'warn');
    expect(off.map((finding) => finding.subject).sort()).toEqual([backends[0]!.address, backends[2]!.address].sort());
    // The lookaside client counts per backend: 1:2:3 exactly, 50.0% on the third.
    expect(off.find((finding) => finding.subject === backends[2]!.address)!.seen).toMatch(/^calls to \S+ are 50\.0% against an intended 33\.3% \(load reports of the last minute\)$/);
    expect(distribution.findings.at(-1)!.seen).toMatch(/^clients reported 1200 calls to reported\.default:50051 over the last minute; 2 of 3 backends off their intended share$/);
  });

  it('says when the metrics port cannot be read, without failing the check', async () => {
    const { stdout } = await runCliInProcess(['doctor', 'skewed.default:50051', '--server', cp.address, '--metrics-server', '127.0.0.1:1', '--calls', '5', '--json']);
    const distribution = (JSON.parse(stdout) as DoctorReport).checks.find((c) => c.id === 'distribution')!;
    expect(distribution.findings.some((finding) => finding.verdict === 'warn' && /measured shares not read: cannot read http:\/\/127\.0\.0\.1:1\/status\.json/.test(finding.seen))).toBe(true);
  });
});

// `lookaside doctor` against a control plane with --caller-auth kubernetes:
// with --token-file it presents the token on its GetServers calls and on its
// lookaside channel and runs every check; without one, the control-plane
// check fails and names the refusal.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DoctorReport } from '../../src/cli/doctor/doctor-report-schema.js';
import { issueToken, listSlicesRule, startCallerAuthControlPlane, type CallerAuthControlPlane } from '../support/caller-auth-control-plane.js';
import { runCliInProcess } from '../support/cli-in-process.js';
import { startHealthBackend, type HealthBackend } from '../support/health-backends.js';
import { KubernetesApiHarness } from '../support/kubernetes-api-harness.js';

const WEB = 'system:serviceaccount:app:web';
let harness: KubernetesApiHarness;
let backends: HealthBackend[];
let cp: CallerAuthControlPlane;
let dir: string;
let revoke: () => void;

beforeAll(async () => {
  harness = await KubernetesApiHarness.start();
  backends = await Promise.all([startHealthBackend('serving'), startHealthBackend('serving')]);
  const [host0, port0] = backends[0]!.address.split(':');
  const [host1, port1] = backends[1]!.address.split(':');
  cp = await startCallerAuthControlPlane({
    harness,
    services: [{ name: 'greeter', namespace: 'app', ports: [{ name: 'grpc', port: 50051, backends: [{ host: host0!, port: Number(port0) }, { host: host1!, port: Number(port1) }] }] }],
  });
  revoke = harness.grantAccess(listSlicesRule(WEB, 'app'));
  dir = await mkdtemp(join(tmpdir(), 'doctor-token-'));
});
afterAll(async () => {
  revoke?.();
  await cp?.close();
  await Promise.all(backends.map((b) => b.stop()));
  await harness?.close();
  await rm(dir, { recursive: true, force: true });
});

it('runs every check with --token-file, and fails the control-plane check naming UNAUTHENTICATED without it', async () => {
  const tokenFile = join(dir, 'token');
  await writeFile(tokenFile, issueToken(harness, WEB));
  const withToken = await runCliInProcess(['doctor', 'greeter.app:50051', '--server', cp.address, '--calls', '10', '--json', '--token-file', tokenFile]);
  expect(withToken.code, withToken.stderr).toBe(0);
  const report = JSON.parse(withToken.stdout) as DoctorReport;
  expect(report.checks.find((c) => c.id === 'distribution')!.verdict).toBe('pass');

  const without = await runCliInProcess(['doctor', 'greeter.app:50051', '--server', cp.address, '--calls', '10', '--json']);
  expect(without.code).toBe(5);
  const refused = JSON.parse(without.stdout) as DoctorReport;
  const controlPlane = refused.checks.find((c) => c.id === 'control-plane')!;
  expect(controlPlane.verdict).toBe('fail');
  expect(JSON.stringify(controlPlane)).toMatch(/UNAUTHENTICATED/);
});

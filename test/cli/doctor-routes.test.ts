// `lookaside doctor` on a routed Service port: the route's targets are asked
// for too, and a rule whose share fails because a backendRef does not
// resolve (ResolvedRefs=False) fails the control-plane check, naming it.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { DoctorReport } from '../../src/cli/doctor/doctor-report-schema.js';
import { runCliInProcess } from '../support/cli-in-process.js';
import { startFileControlPlane, type FileControlPlane } from '../support/file-control-plane.js';
import { startHealthBackend, type HealthBackend } from '../support/health-backends.js';

let cp: FileControlPlane;
let backends: HealthBackend[];
let services: unknown[];
beforeAll(async () => {
  backends = [await startHealthBackend('serving'), await startHealthBackend('serving')];
  services = ['greeter', 'greeter-v2'].map((name, i) => ({ name, namespace: 'default', ports: [{ port: 50051, backends: [{ address: backends[i]!.address }] }] }));
  cp = await startFileControlPlane([]);
});
afterAll(async () => {
  await cp?.close();
  await Promise.all((backends ?? []).map((b) => b.stop()));
});

const route = (refs: { name: string; weight: number }[]) => ({
  name: 'canary',
  spec: { parentRefs: [{ group: '', kind: 'Service', name: 'greeter' }], rules: [{ backendRefs: refs.map((r) => ({ ...r, port: 50051 })) }] },
});

async function doctor(): Promise<{ code: number; report: DoctorReport }> {
  const { code, stdout } = await runCliInProcess(['doctor', 'greeter.default:50051', '--server', cp.address, '--calls', '5', '--json']);
  return { code, report: JSON.parse(stdout) as DoctorReport };
}

it('passes a route whose targets all answer, and says so', async () => {
  await cp.writeText(stringify({ services, routes: [route([{ name: 'greeter', weight: 90 }, { name: 'greeter-v2', weight: 10 }])] }));
  const { report } = await doctor();
  const check = report.checks.find((c) => c.id === 'control-plane')!;
  expect(check.verdict).toBe('pass');
  expect(check.findings.map((f) => f.seen)).toContainEqual('routed by default/canary: 1 rule, every target answers with backends');
});

it('fails on a rule whose share goes to a backendRef that does not resolve, with the share and the reason', async () => {
  await cp.writeText(stringify({ services, routes: [route([{ name: 'greeter', weight: 3 }, { name: 'greeter-gone', weight: 1 }])] }));
  const { code, report } = await doctor();
  const check = report.checks.find((c) => c.id === 'control-plane')!;
  expect(check.verdict).toBe('fail');
  expect(code).toBe(5);
  expect(check.findings).toContainEqual(
    expect.objectContaining({ verdict: 'fail', subject: 'rule 0 of GRPCRoute default/canary', seen: '25.0% of the calls this rule matches fail UNAVAILABLE: some backendRefs do not resolve (ResolvedRefs=False)' }),
  );
});

// `lookaside doctor` with a cluster: a real control plane on the Kubernetes
// source and doctor's own reads, both through the real @kubernetes/client-node
// against the API harness, with real grpc-js backends on 127.0.0.1 behind the
// slices (the harness accepts loopback endpoints; the API server would not).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../src/cli/doctor/doctor-report-schema.js';
import { runCliInProcess } from '../support/cli-in-process.js';
import { startHealthBackend, type HealthBackend } from '../support/health-backends.js';
import { KubernetesApiHarness } from '../support/kubernetes-api-harness.js';
import { startKubernetesControlPlane, writeHarnessKubeconfig, type KubernetesControlPlane } from '../support/kubernetes-control-plane.js';
import { endpointSlice, pod, READY, service, STARTING } from '../support/kubernetes-objects.js';
import { waitFor } from '../support/wait-until.js';

let dir: string;
let kubeconfig: string;
let cp: KubernetesControlPlane;
let greeters: HealthBackend[];
let sick: HealthBackend;
let directory: HealthBackend[];

const portOf = (backend: HealthBackend) => Number(backend.address.split(':')[1]);

/** One slice per backend: their port numbers differ, as pods behind one named port may. */
function seed(harness: KubernetesApiHarness): void {
  harness.apply('services', service('greeter', 'default', [{ name: 'grpc', port: 50051, targetPort: 'grpc' }], { clusterIP: '10.96.0.10', selector: { app: 'greeter' } }));
  const named = (backend: HealthBackend) => [{ name: 'grpc', containerPort: portOf(backend) }];
  [...greeters, sick].forEach((backend, i) => {
    const name = backend === sick ? 'greeter-sick' : `greeter-${i}`;
    harness.apply('pods', pod({ name, namespace: 'default', labels: { app: 'greeter' }, ip: '127.0.0.1', ports: named(backend) }));
    const slice = endpointSlice({ name: `greeter-${i}`, namespace: 'default', service: 'greeter', ports: [{ name: 'grpc', port: portOf(backend) }], endpoints: [{ address: '127.0.0.1', ...READY, pod: name, zone: 'zone-a' }] });
    if (i === 0) (slice.metadata as { annotations?: Record<string, string> }).annotations = { 'endpoints.kubernetes.io/last-change-trigger-time': new Date(Date.now() - 90_000).toISOString() };
    harness.apply('endpointslices', slice);
  });
  // A pod still starting: in a slice, not ready.
  harness.apply('pods', pod({ name: 'greeter-starting', namespace: 'default', labels: { app: 'greeter' }, ip: '10.9.0.9', ports: [{ name: 'grpc', containerPort: 8080 }] }));
  harness.apply('endpointslices', endpointSlice({ name: 'greeter-starting', namespace: 'default', service: 'greeter', ports: [{ name: 'grpc', port: 8080 }], endpoints: [{ address: '10.9.0.9', ...STARTING, pod: 'greeter-starting' }] }));
  // A running pod the selector matches that no slice lists: its container has no port named "grpc".
  harness.apply('pods', pod({ name: 'greeter-lost', namespace: 'default', labels: { app: 'greeter' }, ip: '10.9.0.7', ports: [{ name: 'http', containerPort: 8080 }] }));
  // Another app's pod in the namespace, not selected.
  harness.apply('pods', pod({ name: 'other-0', namespace: 'default', labels: { app: 'other' }, ip: '10.9.0.8' }));

  harness.apply('services', service('directory', 'default', [{ name: 'grpc', port: 50051, targetPort: 'grpc' }], { clusterIP: 'None', selector: { app: 'directory' } }));
  directory.forEach((backend, i) => {
    harness.apply('pods', pod({ name: `directory-${i}`, namespace: 'default', labels: { app: 'directory' }, ip: '127.0.0.1', ports: named(backend) }));
    harness.apply('endpointslices', endpointSlice({ name: `directory-${i}`, namespace: 'default', service: 'directory', ports: [{ name: 'grpc', port: portOf(backend) }], endpoints: [{ address: '127.0.0.1', ...READY, pod: `directory-${i}` }] }));
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lookaside-doctor-kube-'));
  [sick, ...greeters] = await Promise.all([startHealthBackend('not-serving', { serviceName: 'greeter' }), ...[0, 1, 2].map(() => startHealthBackend('serving', { serviceName: 'greeter' }))]);
  directory = await Promise.all([0, 1].map(() => startHealthBackend('serving', { serviceName: 'directory' })));
  cp = await startKubernetesControlPlane({ seed });
  await cp.synced();
  await waitFor('both services served', async () => (await cp.stub.getServers({ service: 'greeter.default', port: 'grpc' }, 2_000)).servers.length === 4 && (await cp.stub.getServers({ service: 'directory.default', port: 'grpc' }, 2_000)).servers.length === 2);
  kubeconfig = join(dir, 'kubeconfig');
  writeHarnessKubeconfig(kubeconfig, cp.harness.url);
});
afterAll(async () => {
  await cp.close();
  await Promise.all([sick, ...greeters, ...directory].map((b) => b.stop()));
  await rm(dir, { recursive: true, force: true });
});

const check = (report: DoctorReport, id: string) => report.checks.find((c) => c.id === id)!;
const server = () => `127.0.0.1:${cp.controlPlane.port}`;

describe('lookaside doctor --kubeconfig', () => {
  it('warns that a ClusterIP Service makes DNS clients sticky, counts slices, and names the pod missing from them', async () => {
    const before = cp.harness.requests.length;
    const { code, stdout } = await runCliInProcess(['doctor', 'greeter.default:grpc', '--server', server(), '--kubeconfig', kubeconfig, '--calls', '10', '--json']);
    expect(code).toBe(5);
    const report = JSON.parse(stdout) as DoctorReport;

    // doctor's own reads are get services, list endpointslices (by label) and list pods (by selector), in the namespace: the RBAC docs/operations.md states.
    expect(cp.harness.requests.slice(before).map((r) => [r.verb, r.resource, r.namespace, r.query.labelSelector])).toEqual(
      expect.arrayContaining([
        ['get', 'services', 'default', undefined],
        ['list', 'endpointslices', 'default', 'kubernetes.io/service-name=greeter'],
        ['list', 'pods', 'default', 'app=greeter'],
      ]),
    );
    expect(cp.harness.requests.slice(before)).toHaveLength(3);

    expect(check(report, 'control-plane').summary).toMatch(/unchanged during the run, slices last changed \d+ s ago$/);
    expect(report.cluster).toEqual({ serviceType: 'ClusterIP', clusterIP: '10.96.0.10', ready: 4, servingTerminating: 0, notReady: 1, podsSelected: 6, podsMissingFromSlices: ['greeter-lost'] });
    const endpoints = check(report, 'endpoints');
    expect(endpoints.verdict).toBe('warn');
    expect(endpoints.summary).toMatch(/slices: 4 ready, 0 serving-terminating, 1 not ready; 6 pods selected$/);
    expect(endpoints.findings).toEqual([
      expect.objectContaining({ verdict: 'warn', seen: '1 endpoint not ready: 10.9.0.9:8080 (pod greeter-starting)' }),
      expect.objectContaining({ verdict: 'warn', subject: 'pod greeter-lost', cause: expect.stringMatching(/targetPort "grpc" names no container port of this pod/) }),
    ]);
    expect(report.backends.map((b) => b.kubernetes)).toEqual(['ready', 'ready', 'ready', 'ready']);

    // Kubernetes says ready, gRPC health says NOT_SERVING.
    expect(check(report, 'health').findings).toEqual([
      expect.objectContaining({ verdict: 'fail', subject: `${sick.address} (pod greeter-sick)`, seen: expect.stringMatching(/NOT_SERVING .* while Kubernetes calls it ready/), cause: expect.stringMatching(/readiness probe and gRPC health disagree/) }),
    ]);

    const dns = check(report, 'dns');
    expect(dns.verdict).toBe('warn');
    expect(report.dns).toEqual({ name: 'greeter.default.svc.cluster.local', method: 'modelled', addresses: ['10.96.0.10'] });
    expect(dns.findings).toEqual([
      expect.objectContaining({
        seen: expect.stringMatching(/resolves to one virtual IP \(10\.96\.0\.10\).*one pod/),
        fix: expect.stringMatching(/headless Service \(clusterIP: None\) and round_robin.*lookaside:\/\/\/greeter\.default:grpc/),
      }),
    ]);
    expect(report.pickFirst).toMatchObject({ method: 'modelled', target: 'dns:///greeter.default.svc.cluster.local:50051', summary: expect.stringMatching(/modelled from the Service type, ClusterIP.*virtual IP 10\.96\.0\.10/) });
  });

  it('gives a headless Service no sticky-connection warning', async () => {
    const { code, stdout } = await runCliInProcess(['doctor', 'directory.default:grpc', '--server', server(), '--kubeconfig', kubeconfig, '--calls', '10', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as DoctorReport;
    expect(report.cluster).toMatchObject({ serviceType: 'Headless', clusterIP: 'None', ready: 2, podsSelected: 2, podsMissingFromSlices: [] });
    const dns = check(report, 'dns');
    expect(dns).toMatchObject({ verdict: 'pass', findings: [] });
    expect(dns.summary).toMatch(/^directory\.default\.svc\.cluster\.local -> 127\.0\.0\.1 \(modelled from the Service\); headless/);
    expect(report.pickFirst!.summary).toMatch(/modelled from the Service type, headless.*first address DNS returns/);
    expect(report.checks.map((c) => c.verdict)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass']);
  });

  it('warns when the pods cannot be read, and goes on', async () => {
    cp.harness.forbid('pods', ['list']);
    try {
      const { code, stdout } = await runCliInProcess(['doctor', 'directory.default:grpc', '--server', server(), '--kubeconfig', kubeconfig, '--calls', '3', '--json']);
      const report = JSON.parse(stdout) as DoctorReport;
      // A read that is refused costs that part of the check, never the run.
      expect(code).toBe(0);
      expect(check(report, 'endpoints')).toMatchObject({ verdict: 'warn', findings: [expect.objectContaining({ seen: expect.stringMatching(/cannot read the selected pods: forbidden to list pods in namespace default/) })] });
    } finally {
      cp.harness.allow('pods', ['list']);
    }
  });

  it('fails the endpoints check when the kubeconfig points at a cluster without the Service', async () => {
    const elsewhere = await KubernetesApiHarness.start();
    const otherKubeconfig = join(dir, 'other-kubeconfig');
    writeHarnessKubeconfig(otherKubeconfig, elsewhere.url);
    try {
      const { code, stdout } = await runCliInProcess(['doctor', 'directory.default:grpc', '--server', server(), '--kubeconfig', otherKubeconfig, '--calls', '3', '--json']);
      expect(code).toBe(5);
      const report = JSON.parse(stdout) as DoctorReport;
      expect(report.cluster).toBeNull();
      expect(check(report, 'endpoints')).toMatchObject({
        verdict: 'fail',
        findings: [expect.objectContaining({ seen: expect.stringMatching(/has no such Service/), fix: expect.stringMatching(/--context/) })],
      });
    } finally {
      await elsewhere.close();
    }
  });
});

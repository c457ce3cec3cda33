// `lookaside doctor --kubeconfig` on Services with GRPCRoutes: doctor reads
// the routes' status.parents through the real @kubernetes/client-node
// against the API harness. The status entries are set as the control
// plane's status writer writes them (controllerName, conditions,
// observedGeneration); a route that is not Accepted is in no route table,
// so its status is the only place that says why.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DoctorReport } from '../../src/cli/doctor/doctor-report-schema.js';
import { LOOKASIDE_CONTROLLER_NAME } from '../../src/discovery/kubernetes/route-status-writer.js';
import { runCliInProcess } from '../support/cli-in-process.js';
import { startHealthBackend, type HealthBackend } from '../support/health-backends.js';
import type { KubernetesApiHarness } from '../support/kubernetes-api-harness.js';
import { startKubernetesControlPlane, writeHarnessKubeconfig, type KubernetesControlPlane } from '../support/kubernetes-control-plane.js';
import { endpointSlice, grpcRoute, READY, service } from '../support/kubernetes-objects.js';
import { waitFor } from '../support/wait-until.js';

let dir: string;
let kubeconfig: string;
let cp: KubernetesControlPlane;
let backends: HealthBackend[];

function addService(harness: KubernetesApiHarness, name: string, backend: HealthBackend): void {
  harness.apply('services', service(name, 'default', [{ name: 'grpc', port: 50051, targetPort: 'grpc' }], { clusterIP: 'None' }));
  harness.apply('endpointslices', endpointSlice({ name: `${name}-0`, namespace: 'default', service: name, ports: [{ name: 'grpc', port: Number(backend.address.split(':')[1]) }], endpoints: [{ address: '127.0.0.1', ...READY }] }));
}

/** The entry the control plane writes on a route's status.parents. */
function ours(parent: string, generation: number, accepted: [string, string, string], resolvedRefs: [string, string, string]) {
  const condition = (type: string, [status, reason, message]: [string, string, string]) => ({ type, status, reason, message, observedGeneration: generation, lastTransitionTime: '2026-01-01T00:00:00Z' });
  return { parentRef: { group: '', kind: 'Service', name: parent }, controllerName: LOOKASIDE_CONTROLLER_NAME, conditions: [condition('Accepted', accepted), condition('ResolvedRefs', resolvedRefs)] };
}
const RESOLVED: [string, string, string] = ['True', 'ResolvedRefs', 'every backendRef resolves to a Service port'];

function seed(harness: KubernetesApiHarness): void {
  harness.installGatewayApi();
  addService(harness, 'greeter', backends[0]!);
  addService(harness, 'directory', backends[1]!);
  addService(harness, 'catalog', backends[2]!);
  harness.apply(
    'grpcroutes',
    grpcRoute('greeter-filtered', 'default', {
      parentRefs: [{ group: '', kind: 'Service', name: 'greeter', port: 50051 }],
      rules: [{ filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-team', value: 'a' }] } }], backendRefs: [{ name: 'greeter', port: 50051 }] }],
    }),
  );
  harness.setStatus('grpcroutes', 'default', 'greeter-filtered', {
    parents: [
      // Another controller's entry says nothing of ours.
      { parentRef: { group: '', kind: 'Service', name: 'greeter' }, controllerName: 'example.com/mesh', conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: 'theirs' }] },
      ours('greeter', 1, ['False', 'IncompatibleFilters', 'proxyless gRPC clients cannot apply filters, and every rule has one: rule 0 (RequestHeaderModifier)'], RESOLVED),
    ],
  });
  // A route of another Service's port, wrong everywhere: not greeter's business.
  harness.apply('grpcroutes', grpcRoute('greeter-other-port', 'default', { parentRefs: [{ kind: 'Service', name: 'greeter', port: 9000 }], rules: [{ backendRefs: [{ name: 'greeter', port: 50051 }] }] }));
  harness.apply('grpcroutes', grpcRoute('directory-all', 'default', { parentRefs: [{ kind: 'Service', name: 'directory' }], rules: [{ backendRefs: [{ name: 'directory', port: 50051 }] }] }));
  harness.setStatus('grpcroutes', 'default', 'directory-all', { parents: [ours('directory', 1, ['True', 'Accepted', 'bound to Service directory.default'], RESOLVED)] });
  // catalog's routes: one the control plane never wrote on, one whose status is of an older generation.
  harness.apply('grpcroutes', grpcRoute('catalog-unseen', 'default', { parentRefs: [{ kind: 'Service', name: 'catalog' }], rules: [{ backendRefs: [{ name: 'catalog', port: 50051 }] }] }));
  harness.apply('grpcroutes', grpcRoute('catalog-stale', 'default', { parentRefs: [{ kind: 'Service', name: 'catalog', namespace: 'default' }], rules: [{ backendRefs: [{ name: 'catalog', port: 50051 }] }] }));
  harness.setStatus('grpcroutes', 'default', 'catalog-stale', { parents: [ours('catalog', 1, ['True', 'Accepted', 'bound to Service catalog.default'], RESOLVED)] });
  harness.apply('grpcroutes', grpcRoute('catalog-stale', 'default', { parentRefs: [{ kind: 'Service', name: 'catalog', namespace: 'default' }], rules: [{ matches: [{ method: { type: 'Exact' } }], backendRefs: [{ name: 'catalog', port: 50051 }] }] }));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lookaside-doctor-routes-'));
  backends = await Promise.all([startHealthBackend('serving', { serviceName: 'greeter' }), startHealthBackend('serving', { serviceName: 'directory' }), startHealthBackend('serving', { serviceName: 'catalog' })]);
  cp = await startKubernetesControlPlane({ seed });
  await cp.synced();
  await waitFor('the services served', async () => (await Promise.all(['greeter', 'directory', 'catalog'].map((name) => cp.stub.getServers({ service: `${name}.default`, port: 'grpc' }, 2_000)))).every((u) => u.servers.length === 1));
  kubeconfig = join(dir, 'kubeconfig');
  writeHarnessKubeconfig(kubeconfig, cp.harness.url);
});
afterAll(async () => {
  await cp.close();
  await Promise.all(backends.map((b) => b.stop()));
  await rm(dir, { recursive: true, force: true });
});

const endpointsOf = (report: DoctorReport) => report.checks.find((c) => c.id === 'endpoints')!;
const doctor = async (target: string) => {
  const { code, stdout } = await runCliInProcess(['doctor', target, '--server', `127.0.0.1:${cp.controlPlane.port}`, '--kubeconfig', kubeconfig, '--calls', '3', '--json']);
  return { code, report: JSON.parse(stdout) as DoctorReport };
};

it('fails a route the control plane did not accept, with its condition, reason and message', async () => {
  const before = cp.harness.requests.length;
  const { code, report } = await doctor('greeter.default:grpc');
  expect(cp.harness.requests.slice(before).map((r) => [r.verb, r.resource, r.namespace])).toContainEqual(['list', 'grpcroutes', 'default']);
  expect(code).toBe(5);
  const endpoints = endpointsOf(report);
  expect(endpoints.verdict).toBe('fail');
  expect(endpoints.findings).toEqual([
    expect.objectContaining({ verdict: 'fail', subject: 'GRPCRoute greeter-filtered', seen: expect.stringMatching(/^GRPCRoute greeter-filtered is Accepted=False, reason IncompatibleFilters: proxyless gRPC clients cannot apply filters/) }),
  ]);
});

it('says nothing of a route that is Accepted and ResolvedRefs', async () => {
  const { code, report } = await doctor('directory.default:grpc');
  expect(endpointsOf(report)).toMatchObject({ verdict: 'pass', findings: [] });
  expect(code).toBe(0);
});

it('warns of a route the control plane wrote no status on, and of one whose status is of an older generation', async () => {
  const before = cp.harness.requests.length;
  const { report } = await doctor('catalog.default:grpc');
  expect(cp.harness.requests.length).toBeGreaterThan(before);
  expect(endpointsOf(report).verdict).toBe('warn');
  expect(endpointsOf(report).findings).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ verdict: 'warn', subject: 'GRPCRoute catalog-unseen', seen: expect.stringMatching(/control plane wrote no status/), cause: expect.stringMatching(/grpcroutes\/status/) }),
      expect.objectContaining({ verdict: 'warn', subject: 'GRPCRoute catalog-stale', seen: 'GRPCRoute catalog-stale is at generation 2 but its status is of generation 1' }),
    ]),
  );
  expect(endpointsOf(report).findings).toHaveLength(2);
});

it('warns, naming the permission, when the routes cannot be listed', async () => {
  cp.harness.forbid('grpcroutes', ['list']);
  try {
    const { report } = await doctor('greeter.default:grpc');
    expect(endpointsOf(report)).toMatchObject({
      verdict: 'warn',
      findings: [expect.objectContaining({ verdict: 'warn', seen: 'cannot read the GRPCRoutes: forbidden to list grpcroutes.gateway.networking.k8s.io in namespace default', fix: expect.stringMatching(/docs\/operations\.md/) })],
    });
  } finally {
    cp.harness.allow('grpcroutes', ['list']);
  }
});

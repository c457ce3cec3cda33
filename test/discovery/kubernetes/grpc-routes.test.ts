// GRPCRoutes and ReferenceGrants through the real @kubernetes/client-node
// against the API harness: the Kubernetes source feeds registry.routes and
// writes status.parents (Accepted, ResolvedRefs, observedGeneration) on
// the routes' status subresource, as `kubectl get grpcroute -o yaml`
// would show it; two control planes on one API converge on one status
// without fighting; without the CRDs the control plane says so once,
// serves, and picks them up when they are installed.

import { afterEach, describe, expect, test } from 'vitest';
import { KubernetesSource, type KubernetesSourceOptions } from '../../../src/discovery/kubernetes/kubernetes-source.js';
import { LOOKASIDE_CONTROLLER_NAME } from '../../../src/discovery/kubernetes/route-status-writer.js';
import { Registry } from '../../../src/registry/registry.js';
import { RouteTranslator } from '../../../src/translation/route-table.js';
import { capturedLogger } from '../../support/captured-logger.js';
import { KubernetesApiHarness, type KubeObject } from '../../support/kubernetes-api-harness.js';
import { FAST_TIMING, harnessKubeConfig } from '../../support/kubernetes-control-plane.js';
import { endpointSlice, grpcRoute, READY, referenceGrant, service } from '../../support/kubernetes-objects.js';
import { ManualClock } from '../../support/manual-clock.js';
import { testLogger } from '../../support/test-logger.js';
import { waitFor } from '../../support/wait-until.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startHarness(withCrds = true): Promise<KubernetesApiHarness> {
  const harness = await KubernetesApiHarness.start({ bookmarkIntervalMs: 100 });
  cleanups.push(() => harness.close());
  if (withCrds) harness.installGatewayApi();
  return harness;
}

/** A Service with one ready backend (real-looking addresses: nothing is dialled here). */
function addService(harness: KubernetesApiHarness, name: string, namespace: string, address: string): void {
  harness.apply('services', service(name, namespace, [{ name: 'grpc', port: 50051, targetPort: 8080 }]));
  harness.apply('endpointslices', endpointSlice({ name: `${name}-abc`, namespace, service: name, ports: [{ name: 'grpc', port: 8080 }], endpoints: [{ address, ...READY }] }));
}

interface RunningSource {
  readonly registry: Registry;
  readonly translator: RouteTranslator;
  readonly source: KubernetesSource;
}

async function startSource(harness: KubernetesApiHarness, options: Partial<KubernetesSourceOptions> = {}): Promise<RunningSource> {
  const registry = new Registry();
  const translator = new RouteTranslator(registry, registry.routes);
  const source = new KubernetesSource({
    registry,
    logger: testLogger(),
    kubeConfig: harnessKubeConfig(harness.url),
    minFlushIntervalMs: 10,
    timing: FAST_TIMING,
    routeStatuses: () => translator.statuses(),
    ...options,
  });
  cleanups.push(() => source.stop());
  await source.start();
  await waitFor('the source synced', () => registry.synced);
  return { registry, translator, source };
}

interface ParentStatus {
  parentRef: Record<string, unknown>;
  controllerName: string;
  conditions: { type: string; status: string; reason: string; message: string; observedGeneration: number; lastTransitionTime: string }[];
}

function parentsOf(object: KubeObject | undefined): ParentStatus[] {
  return ((object?.status as { parents?: ParentStatus[] } | undefined)?.parents ?? []) as ParentStatus[];
}

function ourEntry(harness: KubernetesApiHarness, namespace: string, name: string): ParentStatus | undefined {
  return parentsOf(harness.get('grpcroutes', namespace, name)).find((p) => p.controllerName === LOOKASIDE_CONTROLLER_NAME);
}

function condition(entry: ParentStatus | undefined, type: string) {
  return entry?.conditions.find((c) => c.type === type);
}

/** Waits until our entry's conditions say this for the route's current generation. */
async function waitForStatus(harness: KubernetesApiHarness, namespace: string, name: string, want: { accepted: string; resolvedRefs: string; reason?: string }): Promise<ParentStatus> {
  await waitFor(`GRPCRoute ${namespace}/${name} shows Accepted=${want.accepted} ResolvedRefs=${want.resolvedRefs}${want.reason ? ` (${want.reason})` : ''}`, () => {
    const entry = ourEntry(harness, namespace, name);
    const generation = harness.get('grpcroutes', namespace, name)?.metadata.generation;
    const resolved = condition(entry, 'ResolvedRefs');
    return (
      condition(entry, 'Accepted')?.status === want.accepted &&
      resolved?.status === want.resolvedRefs &&
      (want.reason === undefined || resolved.reason === want.reason) &&
      entry!.conditions.every((c) => c.observedGeneration === generation)
    );
  });
  return ourEntry(harness, namespace, name)!;
}

const CANARY_SPEC = {
  parentRefs: [{ group: '', kind: 'Service', name: 'greeter', port: 50051 }],
  rules: [{ backendRefs: [{ name: 'greeter', port: 50051, weight: 90 }, { name: 'greeter-v2', port: 50051, weight: 10 }] }],
};

describe('GRPCRoutes from the Kubernetes API', () => {
  test('a route applied reaches the registry and shows Accepted and ResolvedRefs True with observedGeneration; another controller\'s entry is kept', async () => {
    const harness = await startHarness();
    addService(harness, 'greeter', 'app', '127.10.0.7');
    addService(harness, 'greeter-v2', 'app', '127.10.0.8');
    const gateway = { parentRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge' }, controllerName: 'example.com/gateway', conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: 'theirs', observedGeneration: 1, lastTransitionTime: '2026-01-01T00:00:00Z' }] };
    harness.apply('grpcroutes', grpcRoute('greeter-canary', 'app', { ...CANARY_SPEC, parentRefs: [...CANARY_SPEC.parentRefs, { name: 'edge' }] }));
    harness.setStatus('grpcroutes', 'app', 'greeter-canary', { parents: [gateway] });
    const { registry, translator } = await startSource(harness, { wallClock: () => Date.parse('2026-12-02T05:00:00Z') });

    // The route is in the registry before the first answer (the sync waits for its list).
    expect(registry.routes.route('app', 'greeter-canary')?.generation).toBe(1);
    const table = translator.table('greeter.app', 50051);
    expect(table?.rules.map((r) => r.targets.map((t) => [t.key, t.weight]))).toEqual([[['greeter.app', 90], ['greeter-v2.app', 10]]]);

    const entry = await waitForStatus(harness, 'app', 'greeter-canary', { accepted: 'True', resolvedRefs: 'True' });
    expect(entry.parentRef).toEqual({ group: '', kind: 'Service', name: 'greeter', port: 50051 });
    expect(entry.conditions.map(({ message: _m, ...c }) => c)).toEqual([
      { type: 'Accepted', status: 'True', reason: 'Accepted', observedGeneration: 1, lastTransitionTime: '2026-12-02T05:00:00Z' },
      { type: 'ResolvedRefs', status: 'True', reason: 'ResolvedRefs', observedGeneration: 1, lastTransitionTime: '2026-12-02T05:00:00Z' },
    ]);
    // Our entry only: the Gateway parentRef is another controller's, and its entry stays as it was.
    expect(parentsOf(harness.get('grpcroutes', 'app', 'greeter-canary'))).toEqual([gateway, entry]);
    expect(harness.statusWrites.every((w) => w.verb === 'patch' && w.contentType === 'application/merge-patch+json')).toBe(true);

    // A spec change: generation 2, observed; the conditions kept their status, so their times stay.
    harness.apply('grpcroutes', grpcRoute('greeter-canary', 'app', { ...CANARY_SPEC, rules: [{ backendRefs: [{ name: 'greeter', port: 50051, weight: 50 }, { name: 'greeter-v2', port: 50051, weight: 50 }] }] }));
    await waitFor('the new split is in the registry', () => translator.table('greeter.app', 50051)?.rules[0]?.targets[1]?.weight === 50);
    const next = await waitForStatus(harness, 'app', 'greeter-canary', { accepted: 'True', resolvedRefs: 'True' });
    expect(next.conditions.map((c) => [c.observedGeneration, c.lastTransitionTime])).toEqual([
      [2, '2026-12-02T05:00:00Z'],
      [2, '2026-12-02T05:00:00Z'],
    ]);
    // The other controller's entry is untouched, and nothing rewrote it.
    expect(parentsOf(harness.get('grpcroutes', 'app', 'greeter-canary'))[0]).toEqual(gateway);

    harness.delete('grpcroutes', 'app', 'greeter-canary');
    await waitFor('the route left the registry', () => registry.routes.route('app', 'greeter-canary') === undefined);
    expect(translator.table('greeter.app', 50051)).toBeUndefined();
  });

  test('a backendRef to a missing Service gives ResolvedRefs=False BackendNotFound, and True once the Service exists', async () => {
    const harness = await startHarness();
    addService(harness, 'greeter', 'app', '127.10.0.7');
    harness.apply('grpcroutes', grpcRoute('greeter-canary', 'app', CANARY_SPEC));
    const { translator } = await startSource(harness);

    const entry = await waitForStatus(harness, 'app', 'greeter-canary', { accepted: 'True', resolvedRefs: 'False', reason: 'BackendNotFound' });
    expect(condition(entry, 'ResolvedRefs')?.message).toContain('backendRef Service greeter-v2.app does not exist');
    // Its share fails; the rest goes to greeter.
    expect(translator.table('greeter.app', 50051)?.rules[0]).toMatchObject({ unavailableWeight: 10, targets: [{ key: 'greeter.app', weight: 90 }] });

    addService(harness, 'greeter-v2', 'app', '127.10.0.8');
    await waitForStatus(harness, 'app', 'greeter-canary', { accepted: 'True', resolvedRefs: 'True' });
  });

  test('a cross-namespace backendRef is RefNotPermitted without a ReferenceGrant and resolves with one', async () => {
    const harness = await startHarness();
    addService(harness, 'greeter', 'app', '127.10.0.7');
    addService(harness, 'greeter-v2', 'canary', '127.10.0.8');
    harness.apply('grpcroutes', grpcRoute('greeter-canary', 'app', {
      parentRefs: [{ group: '', kind: 'Service', name: 'greeter', port: 50051 }],
      rules: [{ backendRefs: [{ name: 'greeter', port: 50051, weight: 90 }, { name: 'greeter-v2', namespace: 'canary', port: 50051, weight: 10 }] }],
    }));
    const { registry, translator } = await startSource(harness);

    const refused = await waitForStatus(harness, 'app', 'greeter-canary', { accepted: 'True', resolvedRefs: 'False', reason: 'RefNotPermitted' });
    expect(condition(refused, 'ResolvedRefs')?.message).toContain('no ReferenceGrant in canary');

    harness.apply('referencegrants', referenceGrant('from-app', 'canary', 'app', 'greeter-v2'));
    await waitFor('the grant is in the registry', () => registry.routes.grants().length === 1);
    await waitForStatus(harness, 'app', 'greeter-canary', { accepted: 'True', resolvedRefs: 'True' });
    expect(translator.table('greeter.app', 50051)?.rules[0]?.targets.map((t) => t.key)).toEqual(['greeter.app', 'greeter-v2.canary']);

    harness.delete('referencegrants', 'canary', 'from-app');
    await waitForStatus(harness, 'app', 'greeter-canary', { accepted: 'True', resolvedRefs: 'False', reason: 'RefNotPermitted' });
  });

  test('two control planes on one API converge on one status: one write per change, no fight', async () => {
    const harness = await startHarness();
    addService(harness, 'greeter', 'app', '127.10.0.7');
    addService(harness, 'greeter-v2', 'app', '127.10.0.8');
    harness.apply('grpcroutes', grpcRoute('greeter-canary', 'app', CANARY_SPEC));
    // Their clocks differ: identical status but for lastTransitionTime must still count as identical.
    const replicas = await Promise.all([
      startSource(harness, { wallClock: () => Date.parse('2026-12-02T05:00:00Z') }),
      startSource(harness, { wallClock: () => Date.parse('2026-12-02T05:00:07Z') }),
    ]);
    const settled = async (what: string) => {
      // Each replica has checked the stored version since its last change and found nothing to write.
      await waitFor(what, () => {
        const stored = harness.get('grpcroutes', 'app', 'greeter-canary')!;
        return replicas.every((r) => r.source.routeStatusWriter?.upToDateVersion('app/greeter-canary') === stored.metadata.resourceVersion && r.source.routeStatusWriter?.stats.pending === 0);
      });
    };

    await waitForStatus(harness, 'app', 'greeter-canary', { accepted: 'True', resolvedRefs: 'True' });
    await settled('both replicas settled on generation 1');
    expect(harness.statusWritesOf('app', 'greeter-canary')).toHaveLength(1);

    // A change both see: again exactly one write lands.
    harness.apply('grpcroutes', grpcRoute('greeter-canary', 'app', { ...CANARY_SPEC, rules: [{ backendRefs: [{ name: 'greeter', port: 50051 }, { name: 'greeter-v3', port: 50051 }] }] }));
    await waitForStatus(harness, 'app', 'greeter-canary', { accepted: 'True', resolvedRefs: 'False', reason: 'BackendNotFound' });
    await settled('both replicas settled on generation 2');
    // A replica that raced the other got 409 and then found the status written: at most one conflict per change.
    expect(harness.statusWritesOf('app', 'greeter-canary')).toHaveLength(2);
    expect(harness.statusWritesOf('app', 'greeter-canary', 409).length).toBeLessThanOrEqual(2);
    expect(parentsOf(harness.get('grpcroutes', 'app', 'greeter-canary')).filter((p) => p.controllerName === LOOKASIDE_CONTROLLER_NAME)).toHaveLength(1);
  });

  test('a write that races another controller\'s gets 409, is tried again from the newer version, and keeps that controller\'s entry', async () => {
    const harness = await startHarness();
    addService(harness, 'greeter', 'app', '127.10.0.7');
    addService(harness, 'greeter-v2', 'app', '127.10.0.8');
    harness.apply('grpcroutes', grpcRoute('greeter-canary', 'app', CANARY_SPEC));
    const theirs = { parentRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge' }, controllerName: 'example.com/gateway', conditions: [] };
    // Another controller writes its entry just before our first write lands.
    harness.beforeStatusWrite = (namespace, name) => {
      harness.beforeStatusWrite = undefined;
      harness.setStatus('grpcroutes', namespace, name, { parents: [theirs] });
    };
    await startSource(harness);
    await waitForStatus(harness, 'app', 'greeter-canary', { accepted: 'True', resolvedRefs: 'True' });
    expect(harness.statusWritesOf('app', 'greeter-canary', 409)).toHaveLength(1);
    expect(harness.statusWritesOf('app', 'greeter-canary')).toHaveLength(1);
    const parents = parentsOf(harness.get('grpcroutes', 'app', 'greeter-canary'));
    expect(parents.map((p) => p.controllerName)).toEqual(['example.com/gateway', LOOKASIDE_CONTROLLER_NAME]);
    expect(parents[0]).toEqual(theirs);
  });

  test('without RBAC to patch grpcroutes/status the control plane routes anyway, says once what to grant, and writes once allowed', async () => {
    const harness = await startHarness();
    addService(harness, 'greeter', 'app', '127.10.0.7');
    addService(harness, 'greeter-v2', 'app', '127.10.0.8');
    harness.apply('grpcroutes', grpcRoute('greeter-canary', 'app', CANARY_SPEC));
    harness.forbid('grpcroutes', ['patch']);
    const logs = capturedLogger();
    const { translator } = await startSource(harness, { logger: logs.logger });
    expect(translator.table('greeter.app', 50051)?.rules[0]?.targets).toHaveLength(2);
    const line = await logs.waitFor((l) => l.msg.startsWith('forbidden: this service account may not patch grpcroutes/status'), 'the missing RBAC rule said');
    expect(line.msg).toContain('Grant patch on grpcroutes/status');
    await waitFor('the write was refused again', () => harness.requestsOf('grpcroutes', 'patch').length >= 3);
    expect(logs.lines.filter((l) => l.msg.startsWith('forbidden: this service account may not patch'))).toHaveLength(1);
    harness.allow('grpcroutes', ['patch']);
    await waitForStatus(harness, 'app', 'greeter-canary', { accepted: 'True', resolvedRefs: 'True' });
  });

  test('an invalid GRPCRoute is reported naming the field, and neither crashes the watch nor wipes what is known', async () => {
    const harness = await startHarness();
    addService(harness, 'greeter', 'app', '127.10.0.7');
    addService(harness, 'greeter-v2', 'app', '127.10.0.8');
    harness.apply('grpcroutes', grpcRoute('greeter-canary', 'app', CANARY_SPEC));
    const logs = capturedLogger();
    const { registry } = await startSource(harness, { logger: logs.logger });
    expect(registry.routes.route('app', 'greeter-canary')?.spec.rules[0]?.backendRefs[1]?.weight).toBe(10);

    // The API server's CRD validation would catch this one; the control plane checks it too.
    harness.apply('grpcroutes', grpcRoute('greeter-canary', 'app', { ...CANARY_SPEC, rules: [{ backendRefs: [{ name: 'greeter-v2', weight: 100 }] }] }));
    harness.apply('grpcroutes', grpcRoute('broken', 'app', { ...CANARY_SPEC, rules: [{ matches: [{ method: { type: 'Exact' } }] }] }));
    const line = await logs.waitFor((l) => typeof l.msg === 'string' && l.msg.startsWith('GRPCRoute app/greeter-canary (generation 2) is invalid'), 'the invalid route reported');
    expect(line.level).toBe(50);
    expect(line.msg).toContain('spec.rules[0].backendRefs[0].port: is required for a Service');
    expect(line.msg).toContain('its previous valid version stays in force');
    await logs.waitFor((l) => typeof l.msg === 'string' && l.msg.includes("GRPCRoute app/broken (generation 1) is invalid: spec.rules[0].matches[0].method: one or both of 'service' or 'method' must be specified; it is ignored"), 'the new invalid route reported');

    // The watch carries on: a valid change after both is applied, and the previous version held until then.
    expect(registry.routes.route('app', 'greeter-canary')?.generation).toBe(1);
    expect(registry.routes.route('app', 'broken')).toBeUndefined();
    harness.apply('grpcroutes', grpcRoute('greeter-canary', 'app', { ...CANARY_SPEC, rules: [{ backendRefs: [{ name: 'greeter-v2', port: 50051 }] }] }));
    await waitFor('the fixed route is applied', () => registry.routes.route('app', 'greeter-canary')?.generation === 3);
    expect(registry.synced).toBe(true);
  });

  test('a namespaced install watches routes and grants in its namespaces only', async () => {
    const harness = await startHarness();
    addService(harness, 'greeter', 'app', '127.10.0.7');
    harness.apply('grpcroutes', grpcRoute('in-app', 'app', { parentRefs: [{ group: '', kind: 'Service', name: 'greeter' }], rules: [{ backendRefs: [{ name: 'greeter', port: 50051 }] }] }));
    harness.apply('grpcroutes', grpcRoute('elsewhere', 'other', { parentRefs: [{ group: '', kind: 'Service', name: 'greeter', namespace: 'app' }], rules: [{ backendRefs: [{ name: 'greeter', namespace: 'app', port: 50051 }] }] }));
    const { registry } = await startSource(harness, { namespaces: ['app'] });
    await waitForStatus(harness, 'app', 'in-app', { accepted: 'True', resolvedRefs: 'True' });
    expect(registry.routes.routes().map((r) => `${r.namespace}/${r.name}`)).toEqual(['app/in-app']);
    expect(harness.requestsOf('grpcroutes', 'list').every((r) => r.namespace === 'app')).toBe(true);
    expect(harness.requestsOf('referencegrants', 'list').every((r) => r.namespace === 'app')).toBe(true);
    expect(ourEntry(harness, 'other', 'elsewhere')).toBeUndefined();
  });
});

describe('Gateway API CRDs not installed', () => {
  test('the control plane says so once at info, serves, and picks the routes up once the CRDs are installed', async () => {
    const harness = await startHarness(false);
    addService(harness, 'greeter', 'app', '127.10.0.7');
    addService(harness, 'greeter-v2', 'app', '127.10.0.8');
    const logs = capturedLogger();
    const clock = new ManualClock();
    const { registry, translator } = await startSource(harness, { logger: logs.logger, timers: clock, crdRecheckMs: 30_000 });

    // Serving without routes.
    expect(registry.get('greeter.app')?.ports[0]?.backends.map((b) => b.address)).toEqual(['127.10.0.7:8080']);
    const absent = (l: { msg: string }) => l.msg.includes('are not installed');
    expect(logs.lines.filter(absent)).toHaveLength(1);
    expect(logs.lines.find(absent)).toMatchObject({ level: 30 });
    expect(logs.lines.find(absent)?.msg).toContain('GRPCRoute (grpcroutes.gateway.networking.k8s.io/v1) and ReferenceGrant (referencegrants.gateway.networking.k8s.io/v1beta1)');

    // Asked again on the clock, and not said again. (The first advance runs
    // the status writer's pending check, which has nothing to write.)
    clock.advance(1_000);
    for (let i = 1; i <= 3; i++) {
      await waitFor('the re-check is set', () => clock.timers === 1);
      clock.advance(30_000);
      await waitFor(`re-check ${i} asked discovery`, () => harness.discoveryRequests.length >= 2 * (i + 1));
    }
    expect(logs.lines.filter(absent)).toHaveLength(1);
    expect(logs.lines.filter((l) => l.level >= 40)).toEqual([]);

    harness.installGatewayApi();
    harness.apply('grpcroutes', grpcRoute('greeter-canary', 'app', CANARY_SPEC));
    await waitFor('the re-check is set', () => clock.timers === 1);
    clock.advance(30_000);
    await waitFor('the route is picked up', () => registry.routes.route('app', 'greeter-canary') !== undefined);
    await waitFor('both CRDs are said to be installed', () => logs.lines.filter((l) => l.msg.includes('is installed now')).length === 2);
    expect(translator.table('greeter.app', 50051)?.rules[0]?.targets.map((t) => t.key)).toEqual(['greeter.app', 'greeter-v2.app']);
    // Status writes run on the same clock: advance it until the status is there.
    await waitFor('the status is written', () => {
      clock.advance(1_000);
      return condition(ourEntry(harness, 'app', 'greeter-canary'), 'ResolvedRefs')?.status === 'True';
    });
    // Nothing re-checks discovery once both are watched.
    const asked = harness.discoveryRequests.length;
    clock.advance(120_000);
    expect(harness.discoveryRequests.length).toBe(asked);
    expect(clock.timers).toBe(0);

    // The CRDs deleted: their routes go, that is said once, and the re-check takes over.
    harness.uninstallGatewayApi();
    await waitFor('the route is gone', () => registry.routes.routes().length === 0);
    await waitFor('both removals said', () => logs.lines.filter((l) => l.msg.includes('CRD') && l.msg.includes('was removed')).length === 2);
    expect(translator.table('greeter.app', 50051)).toBeUndefined();
    await waitFor('the re-check is set', () => clock.timers >= 1);
    const removedAt = harness.discoveryRequests.length;
    clock.advance(30_000);
    await waitFor('discovery asked again', () => harness.discoveryRequests.length >= removedAt + 2);
    // Each watch that met the 404 said so once, before discovery confirmed the removal; none kept failing.
    const failures = logs.lines.filter((l) => l.level >= 40);
    expect(failures.map((l) => l.msg).every((m) => m.includes('its CRD is not installed (any more)'))).toBe(true);
    expect(failures.length).toBeLessThanOrEqual(2);
    expect(logs.lines.filter(absent)).toHaveLength(1);
  });
});

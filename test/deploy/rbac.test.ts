// The RBAC rules grant exactly what the Kubernetes source uses. The real
// source (through the real @kubernetes/client-node) runs against the API
// harness behind a proxy that records every request; each request is
// mapped to the RBAC verb and resource the API server would authorize it
// as, and the set of those must equal the rules of the ClusterRole (base)
// and of the Role (single-namespace overlay). The run covers the first
// sync, changes, a watch reconnect, and a relist after history was
// compacted, so requests made only on recovery are seen too.
//
// The caller-auth overlay's extra binding is checked the same way against
// the requests of the real caller authorization (TokenReviews and
// SubjectAccessReviews through client-node): allowed, denied and refused
// callers.

import { describe, expect, test } from 'vitest';
import { createKubernetesSource } from '../../src/discovery/kubernetes/kubernetes-source.js';
import { Registry } from '../../src/registry/registry.js';
import { KubernetesApiHarness } from '../support/kubernetes-api-harness.js';
import { FAST_TIMING, harnessKubeConfig } from '../support/kubernetes-control-plane.js';
import { endpointSlice, grpcRoute, READY, referenceGrant, service } from '../support/kubernetes-objects.js';
import { RecordingApiProxy, type RecordedRequest } from '../support/recording-api-proxy.js';
import { AUTH_DELEGATOR_RULES, authorizationOf, grantedToEveryone, ruleSet } from './rbac-rules.js';
import { RouteTranslator } from '../../src/translation/route-table.js';
import { Metadata } from '@grpc/grpc-js';
import { ReviewingCallerAuthorizer } from '../../src/server/shared/caller-authorization/caller-authorizer.js';
import { KubernetesAccessReviewer } from '../../src/server/shared/caller-authorization/kubernetes-access-reviewer.js';
import { issueToken, listSlicesRule } from '../support/caller-auth-control-plane.js';
import { testLogger } from '../support/test-logger.js';
import { waitFor } from '../support/wait-until.js';
import { BASE_DIR, CALLER_AUTH_DIR, flagValue, POD_WEIGHTS_DIR, only, SINGLE_NAMESPACE_DIR, type BindingManifest, type DeploymentManifest, type PolicyRule } from './deploy-files.js';
import { renderKustomization, type KubeManifest } from './kustomization-renderer.js';

/** The namespaces the Deployment tells the control plane to watch (--namespaces or LOOKASIDE_NAMESPACES); undefined: all. */
function watchedNamespaces(deployment: DeploymentManifest): string[] | undefined {
  const container = deployment.spec.template.spec.containers[0]!;
  const fromFlag = flagValue(container.args ?? [], 'namespaces');
  const env = container.env?.find((e) => e.name === 'LOOKASIDE_NAMESPACES');
  let list = fromFlag ?? env?.value;
  if (list === undefined && env?.valueFrom?.fieldRef) {
    expect(env.valueFrom.fieldRef.fieldPath, 'LOOKASIDE_NAMESPACES from the downward API').toBe('metadata.namespace');
    list = deployment.metadata.namespace;
  }
  const namespaces = (list ?? '').split(',').map((n) => n.trim()).filter((n) => n.length > 0);
  return namespaces.length > 0 ? namespaces : undefined;
}

/**
 * Runs the real source against the harness and returns every request it
 * made that needs RBAC (API discovery is everyone's). The Gateway API CRDs
 * are installed and a GRPCRoute waits for its status, so the route watches
 * and the status write are among them.
 */
async function recordSourceRequests(namespaces: string[] | undefined, podWeights = false): Promise<RecordedRequest[]> {
  const namespace = namespaces?.[0] ?? 'app';
  const harness = await KubernetesApiHarness.start({ bookmarkIntervalMs: 100 });
  harness.installGatewayApi();
  harness.apply('grpcroutes', grpcRoute('greeter', namespace, { parentRefs: [{ group: '', kind: 'Service', name: 'greeter' }], rules: [{ backendRefs: [{ name: 'greeter', port: 50051 }] }] }));
  harness.apply('referencegrants', referenceGrant('from-app', namespace, 'app'));
  const proxy = await RecordingApiProxy.start(harness.url);
  const slice = (address: string) =>
    endpointSlice({ name: 'greeter-abc', namespace, service: 'greeter', ports: [{ name: 'grpc', port: 8080 }], endpoints: [{ address, ...READY }] });
  harness.apply('services', service('greeter', namespace, [{ name: 'grpc', port: 50051, targetPort: 8080 }]));
  harness.apply('endpointslices', slice('10.0.0.7'));
  const registry = new Registry();
  const translator = new RouteTranslator(registry, registry.routes);
  const source = createKubernetesSource({
    registry,
    logger: testLogger(),
    kubeConfig: harnessKubeConfig(proxy.url),
    ...(namespaces && { namespaces }),
    podWeights,
    minFlushIntervalMs: 10,
    timing: FAST_TIMING,
    routeStatuses: () => translator.statuses(),
  });
  try {
    await source.start();
    await waitFor('the source synced', () => registry.synced);
    await waitFor('the route status written', () => harness.statusWritesOf(namespace, 'greeter').length > 0);
    await harness.waitForWatches('services');
    await harness.waitForWatches('endpointslices');
    // A change, then a reconnect, then a relist after compaction.
    harness.apply('endpointslices', slice('10.0.0.8'));
    harness.closeWatches();
    await harness.waitForWatches('services');
    await harness.waitForWatches('endpointslices');
    harness.stallWatches();
    harness.apply('endpointslices', slice('10.0.0.9'));
    harness.compact();
    harness.closeWatches();
    await waitFor('both relisted', () => harness.requestsOf('services', 'list').length >= 2 && harness.requestsOf('endpointslices', 'list').length >= 2);
    await harness.waitForWatches('services');
    await harness.waitForWatches('endpointslices');
    await harness.waitForWatches('grpcroutes');
    await harness.waitForWatches('referencegrants');
  } finally {
    await source.stop();
    await proxy.close();
    await harness.close();
  }
  return proxy.requests.filter((r) => !grantedToEveryone(authorizationOf(r)));
}

/** Runs the real caller authorization against the harness and returns every request it made. */
async function recordCallerAuthRequests(): Promise<RecordedRequest[]> {
  const harness = await KubernetesApiHarness.start();
  const proxy = await RecordingApiProxy.start(harness.url);
  try {
    const authorizer = new ReviewingCallerAuthorizer({ reviewer: new KubernetesAccessReviewer({ kubeConfig: harnessKubeConfig(proxy.url) }), logger: testLogger() });
    harness.grantAccess(listSlicesRule('system:serviceaccount:app:web', 'app'));
    const metadata = (token: string) => {
      const m = new Metadata();
      m.set('authorization', `Bearer ${token}`);
      return m;
    };
    const web = issueToken(harness, 'system:serviceaccount:app:web');
    expect(await authorizer.authorize(metadata(web), 'app')).toMatchObject({ allowed: true });
    expect(await authorizer.authorize(metadata(web), 'payments')).toMatchObject({ allowed: false });
    expect(await authorizer.authorize(metadata('unknown'), 'app')).toMatchObject({ allowed: false });
  } finally {
    await proxy.close();
    await harness.close();
  }
  return proxy.requests;
}

function bindingFor(manifests: readonly KubeManifest[], deployment: DeploymentManifest, kind: 'ClusterRoleBinding' | 'RoleBinding'): BindingManifest {
  const serviceAccount = deployment.spec.template.spec.serviceAccountName ?? 'default';
  const bindings = manifests.filter(
    (m): m is BindingManifest =>
      m.kind === kind && (m as BindingManifest).subjects.some((s) => s.kind === 'ServiceAccount' && s.name === serviceAccount && s.namespace === deployment.metadata.namespace),
  );
  expect(bindings, `one ${kind} for ServiceAccount ${deployment.metadata.namespace}/${serviceAccount}`).toHaveLength(1);
  return bindings[0]!;
}

describe('RBAC rules are exactly the requests of the Kubernetes source', () => {
  test('base: the ClusterRole bound to the control plane grants what the source uses in all namespaces, and no more', async () => {
    const manifests = renderKustomization(BASE_DIR);
    const deployment = only<DeploymentManifest>(manifests, 'Deployment');
    const namespaces = watchedNamespaces(deployment);
    expect(namespaces, 'the base watches every namespace').toBeUndefined();
    const binding = bindingFor(manifests, deployment, 'ClusterRoleBinding');
    expect(binding.roleRef).toMatchObject({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole' });
    const clusterRole = only<KubeManifest & { rules: PolicyRule[] }>(manifests, 'ClusterRole', binding.roleRef.name);
    expect(manifests.filter((m) => m.kind === 'Role' || m.kind === 'RoleBinding')).toEqual([]);

    const requests = await recordSourceRequests(namespaces);
    const needed = new Set(requests.map((r) => authorizationOf(r).rule));
    expect([...needed].sort()).toEqual([
      'discovery.k8s.io|endpointslices|list',
      'discovery.k8s.io|endpointslices|watch',
      'gateway.networking.k8s.io|grpcroutes/status|patch',
      'gateway.networking.k8s.io|grpcroutes|list',
      'gateway.networking.k8s.io|grpcroutes|watch',
      'gateway.networking.k8s.io|referencegrants|list',
      'gateway.networking.k8s.io|referencegrants|watch',
      '|nodes|list',
      '|nodes|watch',
      '|services|list',
      '|services|watch',
    ]);
    expect([...ruleSet(clusterRole.rules)].sort()).toEqual([...needed].sort());
  });

  test('single-namespace overlay: the Role grants what the source uses in its own namespace, and nothing is cluster-scoped', async () => {
    const manifests = renderKustomization(SINGLE_NAMESPACE_DIR);
    const deployment = only<DeploymentManifest>(manifests, 'Deployment');
    const namespaces = watchedNamespaces(deployment);
    expect(namespaces, 'the overlay watches the namespace it is installed in').toEqual([deployment.metadata.namespace]);
    expect(manifests.filter((m) => m.kind === 'ClusterRole' || m.kind === 'ClusterRoleBinding')).toEqual([]);
    const binding = bindingFor(manifests, deployment, 'RoleBinding');
    expect(binding.metadata.namespace).toBe(deployment.metadata.namespace);
    expect(binding.roleRef).toMatchObject({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role' });
    const role = only<KubeManifest & { rules: PolicyRule[] }>(manifests, 'Role', binding.roleRef.name);
    expect(role.metadata.namespace).toBe(deployment.metadata.namespace);

    const requests = await recordSourceRequests(namespaces);
    const authorizations = requests.map(authorizationOf);
    // A Role authorizes requests in its namespace only.
    expect(authorizations.filter((a) => a.namespace !== deployment.metadata.namespace)).toEqual([]);
    const needed = new Set(authorizations.map((a) => a.rule));
    expect([...ruleSet(role.rules)].sort()).toEqual([...needed].sort());
  });

  test('requests map to RBAC verbs as the API server maps them', () => {
    const of = (method: string, path: string, query: Record<string, string> = {}) => authorizationOf({ method, path, query });
    expect(of('GET', '/api/v1/services')).toEqual({ rule: '|services|list', namespace: undefined });
    expect(of('GET', '/api/v1/namespaces/a/services', { watch: 'true' })).toEqual({ rule: '|services|watch', namespace: 'a' });
    expect(of('GET', '/api/v1/namespaces/a/services/greeter')).toEqual({ rule: '|services|get', namespace: 'a' });
    expect(of('GET', '/api/v1/namespaces/a')).toEqual({ rule: '|namespaces|get', namespace: undefined });
    expect(of('GET', '/apis/discovery.k8s.io/v1/endpointslices', { watch: '1' })).toEqual({ rule: 'discovery.k8s.io|endpointslices|watch', namespace: undefined });
    expect(of('PATCH', '/apis/apps/v1/namespaces/a/deployments/x/status')).toEqual({ rule: 'apps|deployments/status|patch', namespace: 'a' });
    expect(of('GET', '/version')).toEqual({ rule: 'nonResourceURL|/version|get', namespace: undefined });
    // API discovery is a non-resource request, which system:discovery grants every authenticated user.
    expect(of('GET', '/apis/gateway.networking.k8s.io/v1')).toEqual({ rule: 'nonResourceURL|/apis/gateway.networking.k8s.io/v1|get', namespace: undefined });
    expect(grantedToEveryone(of('GET', '/apis/gateway.networking.k8s.io/v1'))).toBe(true);
    expect(grantedToEveryone(of('GET', '/api/v1/services'))).toBe(false);
    expect(grantedToEveryone(of('GET', '/version'))).toBe(false);
  });

  test('pod-weights overlay: with --pod-weights the base ClusterRole plus the overlay\'s grant exactly what the source uses', async () => {
    const manifests = renderKustomization(POD_WEIGHTS_DIR);
    const deployment = only<DeploymentManifest>(manifests, 'Deployment');
    const env = new Map((deployment.spec.template.spec.containers[0]!.env ?? []).map((e) => [e.name, e.value]));
    expect(env.get('LOOKASIDE_POD_WEIGHTS')).toBe('true');
    const roles = manifests.filter((m) => m.kind === 'ClusterRole') as unknown as { metadata: { name: string }; rules: PolicyRule[] }[];
    const granted = new Set(roles.flatMap((role) => [...ruleSet(role.rules)]));
    // Each ClusterRole is bound to the control plane's ServiceAccount.
    const serviceAccount = deployment.spec.template.spec.serviceAccountName;
    for (const role of roles) {
      const bound = manifests.some(
        (m) => m.kind === 'ClusterRoleBinding' && (m as BindingManifest).roleRef.name === role.metadata.name && (m as BindingManifest).subjects.some((s) => s.kind === 'ServiceAccount' && s.name === serviceAccount),
      );
      expect(bound, `ClusterRole ${role.metadata.name} bound to the control plane`).toBe(true);
    }
    const requests = await recordSourceRequests(watchedNamespaces(deployment), true);
    const needed = new Set(requests.map((r) => authorizationOf(r).rule));
    expect(needed.has('|pods|watch')).toBe(true);
    expect([...granted].sort()).toEqual([...needed].sort());
  });

  test('caller-auth overlay: the control plane may create exactly the reviews caller authorization makes, through system:auth-delegator', async () => {
    const manifests = renderKustomization(CALLER_AUTH_DIR);
    const deployment = only<DeploymentManifest>(manifests, 'Deployment');
    const env = new Map((deployment.spec.template.spec.containers[0]!.env ?? []).map((e) => [e.name, e.value]));
    expect(env.get('LOOKASIDE_CALLER_AUTH')).toBe('kubernetes');
    const serviceAccount = deployment.spec.template.spec.serviceAccountName;
    const delegation = manifests.filter(
      (m): m is BindingManifest =>
        m.kind === 'ClusterRoleBinding' &&
        (m as BindingManifest).roleRef.name === 'system:auth-delegator' &&
        (m as BindingManifest).subjects.some((s) => s.kind === 'ServiceAccount' && s.name === serviceAccount && s.namespace === deployment.metadata.namespace),
    );
    expect(delegation, 'one ClusterRoleBinding of the control plane to system:auth-delegator').toHaveLength(1);
    expect(delegation[0]!.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' });
    // Everything else is the base's: the source's ClusterRole, unchanged.
    expect(manifests.filter((m) => m.kind === 'ClusterRole').map((m) => m.metadata.name)).toEqual(['lookaside']);

    const authorizations = (await recordCallerAuthRequests()).map(authorizationOf);
    // Reviews are cluster-scoped: no Role could grant them.
    expect(authorizations.filter((a) => a.namespace !== undefined)).toEqual([]);
    const needed = new Set(authorizations.map((a) => a.rule));
    expect([...needed].sort()).toEqual(['authentication.k8s.io|tokenreviews|create', 'authorization.k8s.io|subjectaccessreviews|create']);
    expect([...ruleSet(AUTH_DELEGATOR_RULES)].sort()).toEqual([...needed].sort());
  });
});

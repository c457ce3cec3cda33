// What the control plane's manifests promise, read from the rendered
// kustomizations: two spread replicas that drain within the kubelet's
// grace period, grpc probes on the served port, a locked-down container,
// a headless Service, a PodDisruptionBudget and a NetworkPolicy that select
// those pods; the single-namespace overlay; and the example application
// wired to them. (RBAC: rbac.test.ts; the image's command: image-command.test.ts.)

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseLookasideTargetString } from 'grpc-lookaside-client';
import { parseDuration } from '../../src/cli/option-parsers.js';
import { DEFAULT_CALLER_AUTH_AUDIENCE, ENDPOINT_SLICE_LIST_RULE } from '../../src/server/shared/caller-authorization/caller-authorizer.js';
import { ruleSet } from './rbac-rules.js';
import {
  BASE_DIR,
  CALLER_AUTH_DIR,
  EXAMPLE_APP_FILE,
  REPO_ROOT,
  SINGLE_NAMESPACE_DIR,
  flagValue,
  only,
  selects,
  type BindingManifest,
  type DeploymentManifest,
  type LabelSelector,
  type PolicyRule,
  type ServiceManifest,
} from './deploy-files.js';
import { isClusterScoped, readManifests, renderKustomization, type KubeManifest } from './kustomization-renderer.js';

const base = renderKustomization(BASE_DIR);
const overlay = renderKustomization(SINGLE_NAMESPACE_DIR);
const deployment = only<DeploymentManifest>(base, 'Deployment');
const pod = deployment.spec.template;
const container = pod.spec.containers[0]!;
const grpcPort = container.ports!.find((p) => p.name === 'grpc')!;

describe('base', () => {
  test('holds the namespace, service account, RBAC, deployment, headless service, disruption budget and network policy', () => {
    expect(base.map((m) => m.kind).sort()).toEqual(
      ['ClusterRole', 'ClusterRoleBinding', 'Deployment', 'Namespace', 'NetworkPolicy', 'PodDisruptionBudget', 'Service', 'ServiceAccount'].sort(),
    );
    const namespace = only(base, 'Namespace').metadata.name;
    for (const manifest of base.filter((m) => !isClusterScoped(m))) expect(manifest.metadata.namespace, `${manifest.kind} ${manifest.metadata.name}`).toBe(namespace);
    expect(only(base, 'ServiceAccount').metadata.name).toBe(pod.spec.serviceAccountName);
  });

  test('two replicas spread over nodes and zones', () => {
    expect(deployment.spec.replicas).toBe(2);
    expect(selects(deployment.spec.selector, pod.metadata.labels)).toBe(true);
    const spread = pod.spec.topologySpreadConstraints ?? [];
    expect(spread.map((c) => c.topologyKey).sort()).toEqual(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
    for (const constraint of spread) {
      expect(constraint.maxSkew).toBe(1);
      expect(selects(constraint.labelSelector, pod.metadata.labels)).toBe(true);
    }
  });

  test('probes are grpc probes of grpc.health.v1 on the port the server listens on', () => {
    expect(flagValue(container.args ?? [], 'port')).toBe(String(grpcPort.containerPort));
    for (const [name, probe] of Object.entries({ startup: container.startupProbe, readiness: container.readinessProbe, liveness: container.livenessProbe })) {
      expect(probe?.grpc?.port, `${name} probe`).toBe(grpcPort.containerPort);
      expect(['', 'lookaside.v1.LoadBalancer'], `${name} probe service`).toContain(probe!.grpc!.service ?? '');
    }
    expect(container.readinessProbe!.grpc!.service).toBe('lookaside.v1.LoadBalancer');
  });

  test('the server drains within the termination grace period', () => {
    const graceMs = parseDuration(flagValue(container.args ?? [], 'grace')!);
    expect(graceMs).toBe(20_000);
    expect(pod.spec.terminationGracePeriodSeconds).toBe(30);
    // Time after the drain to close the server and the watches before SIGKILL.
    expect(pod.spec.terminationGracePeriodSeconds! * 1000 - graceMs).toBeGreaterThanOrEqual(5_000);
  });

  test('requests and limits for CPU and memory', () => {
    for (const kind of ['requests', 'limits'] as const) {
      expect(Object.keys(container.resources?.[kind] ?? {}).sort(), kind).toEqual(['cpu', 'memory']);
    }
  });

  test('a memory limit above the measured peak at 100,000 endpoints plus 2,000 watchers, with 25 % headroom', () => {
    const results = (name: string) => JSON.parse(readFileSync(join(REPO_ROOT, 'bench/results', `${name}.json`), 'utf8')) as { params: Record<string, number>; metrics: Record<string, number> };
    const scale = results('registry-scale');
    const watchers = results('watcher-memory');
    expect(scale.params.endpoints).toBe(100_000);
    const plannedMiB = scale.metrics.peakRssMb! + (2_000 * watchers.metrics.rssPerWatcherOwnConnectionKiB!) / 1024;
    const mebibytes = (quantity: string) => Number(/^(\d+)Mi$/.exec(quantity)?.[1] ?? Number.NaN);
    expect(mebibytes(String(container.resources!.limits!.memory))).toBeGreaterThanOrEqual(plannedMiB * 1.25);
    expect(mebibytes(String(container.resources!.requests!.memory))).toBeGreaterThan(scale.metrics.rssBeforeStartMb!);
  });

  test('non-root, read-only root file system, no privilege escalation, no capabilities, the runtime seccomp profile', () => {
    expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.spec.securityContext!.runAsUser).toBeGreaterThan(0);
    expect(container.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ['ALL'] } });
    expect(container.securityContext!.capabilities!.add ?? []).toEqual([]);
  });

  test('the image is this version of the project', () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(container.image).toBe(`grpc-lookaside:${version}`);
  });

  test('a headless Service selects the pods and names their ports', () => {
    const service = only<ServiceManifest>(base, 'Service');
    expect(service.spec.clusterIP).toBe('None');
    expect(selects(service.spec.selector, pod.metadata.labels)).toBe(true);
    const containerPorts = new Map(container.ports!.map((p) => [p.name, p.containerPort]));
    for (const port of service.spec.ports) {
      expect(containerPorts.get(String(port.targetPort)), `Service port ${port.name}`).toBe(port.port);
    }
  });

  test('the PodDisruptionBudget keeps one replica and lets drains proceed', () => {
    const budget = only<KubeManifest & { spec: { maxUnavailable?: number; minAvailable?: number; selector: LabelSelector } }>(base, 'PodDisruptionBudget');
    expect(selects(budget.spec.selector, pod.metadata.labels)).toBe(true);
    const available = budget.spec.minAvailable ?? deployment.spec.replicas - budget.spec.maxUnavailable!;
    expect(available).toBeGreaterThanOrEqual(1);
    expect(available).toBeLessThan(deployment.spec.replicas);
  });

  test('the NetworkPolicy admits the gRPC and metrics ports from every namespace and lets out only API server traffic', () => {
    type Peer = { namespaceSelector?: object; podSelector?: object; ipBlock?: object };
    type Rule = { from?: Peer[]; to?: Peer[]; ports?: { port: number | string; protocol?: string }[] };
    const policy = only<KubeManifest & { spec: { podSelector: LabelSelector; policyTypes: string[]; ingress: Rule[]; egress: Rule[] } }>(base, 'NetworkPolicy');
    expect(selects(policy.spec.podSelector, pod.metadata.labels)).toBe(true);
    expect(policy.spec.policyTypes.sort()).toEqual(['Egress', 'Ingress']);
    expect(policy.spec.ingress).toHaveLength(1);
    expect(policy.spec.ingress[0]!.from).toEqual([{ namespaceSelector: {} }]);
    expect(policy.spec.ingress[0]!.ports!.map((p) => p.port).sort()).toEqual(container.ports!.map((p) => p.name).sort());
    expect(policy.spec.egress.flatMap((r) => r.ports!.map((p) => p.port)).sort()).toEqual([443, 6443]);
  });
});

describe('single-namespace overlay', () => {
  const overlayDeployment = only<DeploymentManifest>(overlay, 'Deployment');
  const namespace = overlayDeployment.metadata.namespace!;

  test('has nothing cluster-scoped: a Role and RoleBinding in its namespace instead', () => {
    expect(overlay.filter(isClusterScoped)).toEqual([]);
    expect(overlay.map((m) => m.kind).sort()).toEqual(['Deployment', 'NetworkPolicy', 'PodDisruptionBudget', 'Role', 'RoleBinding', 'Service', 'ServiceAccount'].sort());
    for (const manifest of overlay) expect(manifest.metadata.namespace, `${manifest.kind} ${manifest.metadata.name}`).toBe(namespace);
  });

  test('watches the namespace it runs in, and is otherwise the base', () => {
    const overlayContainer = overlayDeployment.spec.template.spec.containers[0]!;
    expect(overlayContainer.env).toEqual([{ name: 'LOOKASIDE_NAMESPACES', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }]);
    const withoutEnv = structuredClone(overlayDeployment);
    delete withoutEnv.spec.template.spec.containers[0]!.env;
    expect({ ...withoutEnv, metadata: { ...withoutEnv.metadata, namespace: deployment.metadata.namespace } }).toEqual(deployment);
  });
});

describe('example application', () => {
  const example = readManifests(EXAMPLE_APP_FILE);
  const controlPlaneService = only<ServiceManifest>(base, 'Service');

  test('its client targets lookaside:/// at a Service port defined beside it, and finds the control plane through the headless Service', () => {
    const client = only<DeploymentManifest>(example, 'Deployment', 'greeter-client').spec.template.spec.containers[0]!;
    const env = new Map((client.env ?? []).map((e) => [e.name, e.value]));
    const target = parseLookasideTargetString(env.get('GREETER_TARGET')!);
    const service = only<ServiceManifest>(example, 'Service', target.name);
    expect(service.metadata.namespace).toBe(target.namespace);
    expect(service.spec.ports.map((p) => p.name)).toContain(target.port);
    const backends = only<DeploymentManifest>(example, 'Deployment', target.name);
    expect(selects(service.spec.selector, backends.spec.template.metadata.labels)).toBe(true);

    const grpcServicePort = controlPlaneService.spec.ports.find((p) => p.name === 'grpc')!.port;
    expect(env.get('LOOKASIDE_CONTROL_PLANE')).toBe(`dns:///${controlPlaneService.metadata.name}.${controlPlaneService.metadata.namespace}.svc.cluster.local:${grpcServicePort}`);
  });

  test('its client presents a projected token for the audience the caller-auth overlay expects, and may list the EndpointSlices of its target\'s namespace', () => {
    const overlayContainer = only<DeploymentManifest>(renderKustomization(CALLER_AUTH_DIR), 'Deployment').spec.template.spec.containers[0]!;
    const audience = (overlayContainer.env ?? []).find((e) => e.name === 'LOOKASIDE_CALLER_AUTH_AUDIENCE')?.value ?? DEFAULT_CALLER_AUTH_AUDIENCE;

    const deployment = only<DeploymentManifest>(example, 'Deployment', 'greeter-client');
    const podSpec = deployment.spec.template.spec as DeploymentManifest['spec']['template']['spec'] & {
      volumes?: { name: string; projected?: { sources: { serviceAccountToken?: { audience?: string; expirationSeconds?: number; path: string } }[] } }[];
    };
    const client = podSpec.containers[0]! as DeploymentManifest['spec']['template']['spec']['containers'][number] & { volumeMounts?: { name: string; mountPath: string }[] };
    const env = new Map((client.env ?? []).map((e) => [e.name, e.value]));
    const tokenFile = env.get('LOOKASIDE_TOKEN_FILE')!;
    const mount = (client.volumeMounts ?? []).find((m) => tokenFile.startsWith(`${m.mountPath}/`));
    expect(mount, `a volume mounted where ${tokenFile} is`).toBeDefined();
    const source = podSpec.volumes?.find((v) => v.name === mount!.name)?.projected?.sources.find((s) => s.serviceAccountToken)?.serviceAccountToken;
    expect(source).toMatchObject({ audience, path: tokenFile.slice(mount!.mountPath.length + 1) });
    // The kubelet refuses tokens shorter than 10 minutes.
    expect(source!.expirationSeconds).toBeGreaterThanOrEqual(600);

    const target = parseLookasideTargetString(env.get('GREETER_TARGET')!);
    const serviceAccount = podSpec.serviceAccountName!;
    const binding = example.find(
      (m): m is BindingManifest =>
        m.kind === 'RoleBinding' && m.metadata.namespace === target.namespace && (m as BindingManifest).subjects.some((s) => s.kind === 'ServiceAccount' && s.name === serviceAccount && s.namespace === deployment.metadata.namespace),
    );
    expect(binding, `a RoleBinding in ${target.namespace} for ServiceAccount ${serviceAccount}`).toBeDefined();
    const role = only<KubeManifest & { rules: PolicyRule[] }>(example, 'Role', binding!.roleRef.name);
    const rule = ENDPOINT_SLICE_LIST_RULE;
    expect([...ruleSet(role.rules)]).toEqual([`${rule.group}|${rule.resource}|${rule.verb}`]);
  });
});

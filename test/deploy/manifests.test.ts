// Every manifest in deploy/ is valid against the Kubernetes API's schemas:
// each YAML file as written, and the kustomizations as `kubectl apply -k`
// renders them. See manifest-validation.ts for what "valid" covers.

import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, test } from 'vitest';
import { BASE_DIR, CALLER_AUTH_DIR, EXAMPLE_APP_FILE, KUBERNETES_DIR, POD_WEIGHTS_DIR, REPO_ROOT, SINGLE_NAMESPACE_DIR } from './deploy-files.js';
import { readManifests, renderKustomization, type KubeManifest } from './kustomization-renderer.js';
import { validateManifest } from './manifest-validation.js';

function yamlFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.yaml') && entry.name !== 'kustomization.yaml')
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

const label = (m: KubeManifest) => `${m.apiVersion} ${m.kind} ${m.metadata.namespace ? `${m.metadata.namespace}/` : ''}${m.metadata.name}`;

const sources: [string, () => KubeManifest[]][] = [
  ...yamlFiles(KUBERNETES_DIR).map((file): [string, () => KubeManifest[]] => [relative(REPO_ROOT, file), () => readManifests(file)]),
  [relative(REPO_ROOT, EXAMPLE_APP_FILE), () => readManifests(EXAMPLE_APP_FILE)],
  ['kustomize build deploy/kubernetes/base', () => renderKustomization(BASE_DIR)],
  ['kustomize build deploy/kubernetes/overlays/single-namespace', () => renderKustomization(SINGLE_NAMESPACE_DIR)],
  ['kustomize build deploy/kubernetes/overlays/caller-auth', () => renderKustomization(CALLER_AUTH_DIR)],
  ['kustomize build deploy/kubernetes/overlays/pod-weights', () => renderKustomization(POD_WEIGHTS_DIR)],
];

describe('every manifest is valid against the Kubernetes API schemas', () => {
  test('there are manifests to check', () => {
    expect(yamlFiles(KUBERNETES_DIR).length).toBeGreaterThanOrEqual(10);
  });

  test.each(sources)('%s', async (_name, load) => {
    const manifests = load();
    expect(manifests.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const manifest of manifests) for (const problem of await validateManifest(manifest)) problems.push(`${label(manifest)}: ${problem}`);
    expect(problems).toEqual([]);
  });

  test('the check finds a wrong type, a missing required field and an unknown field', async () => {
    const [deployment] = renderKustomization(BASE_DIR).filter((m) => m.kind === 'Deployment');
    const broken = structuredClone(deployment!) as KubeManifest & { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
    const container = broken.spec.template.spec.containers[0]!;
    container.readinessProbe = { grpc: { port: 'grpc' } };
    delete container.name;
    container.readinesProbe = container.livenessProbe;
    const problems = (await validateManifest(broken)).join('\n');
    expect(problems).toMatch(/readinessProbe\/grpc\/port must be integer/);
    expect(problems).toMatch(/containers\/0 must have required property '?name'?/);
    expect(problems).toMatch(/containers\[0\]\.readinesProbe: unknown field/);
  });
});

// The renderer stands in for kustomize so the tests need no binary; where a
// kubectl is installed, its kustomize must agree with the renderer.
describe('the test renderer agrees with kubectl kustomize', () => {
  const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  const available = kubectl.status === 0;
  if (!available) console.warn(`skipping the comparison with kubectl kustomize: no working kubectl on PATH (${kubectl.error?.message ?? kubectl.stderr.trim()})`);

  const key = (m: KubeManifest) => `${m.kind}/${m.metadata.namespace ?? ''}/${m.metadata.name}`;
  const sorted = (manifests: KubeManifest[]) => [...manifests].sort((a, b) => key(a).localeCompare(key(b)));

  test.skipIf(!available).each([
    ['base', BASE_DIR],
    ['single-namespace', SINGLE_NAMESPACE_DIR],
    ['caller-auth', CALLER_AUTH_DIR],
    ['pod-weights', POD_WEIGHTS_DIR],
  ])('%s', (_name, directory) => {
    const rendered = spawnSync('kubectl', ['kustomize', directory], { encoding: 'utf8' });
    expect(rendered.stderr).toBe('');
    expect(rendered.status).toBe(0);
    const fromKubectl = parseAllDocuments(rendered.stdout).map((d) => d.toJS() as KubeManifest);
    expect(sorted(renderKustomization(directory))).toEqual(sorted(fromKubectl));
  });
});

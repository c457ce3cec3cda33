// Renders the kustomizations in deploy/kubernetes the way `kubectl apply -k`
// does, without a kustomize binary (CI may have no kubectl, and no npm
// library implements kustomize). It implements only the features those
// kustomizations use, in kustomize's order (patches, then the namespace):
//   - resources: YAML files and directories holding a kustomization;
//   - patches: strategic-merge patches that delete an object
//     (`$patch: delete`) and JSON 6902 patches (add, replace, remove) with a
//     target;
//   - namespace: set on every namespaced object, and on RoleBinding and
//     ClusterRoleBinding subjects that name a ServiceAccount of the
//     kustomization, as kustomize does.
// Anything else throws, naming the feature, so a kustomization that grows
// past this renderer fails its tests instead of being rendered wrongly.
// manifests.test.ts compares this renderer with `kubectl kustomize` where a
// kubectl binary exists.

import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** A Kubernetes object as plain JSON. */
export type KubeManifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
};

/** Kinds that have no namespace (of those a kustomization here could hold). */
const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'APIService',
]);

export function isClusterScoped(manifest: KubeManifest): boolean {
  return CLUSTER_SCOPED_KINDS.has(manifest.kind);
}

const SUPPORTED_FIELDS = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'patches']);

interface PatchEntry {
  patch?: string;
  path?: string;
  target?: { group?: string; version?: string; kind?: string; name?: string; namespace?: string };
}

interface Kustomization {
  resources?: string[];
  namespace?: string;
  patches?: PatchEntry[];
}

/** Parses every document of a YAML file into manifests (empty documents are skipped). */
export function readManifests(file: string): KubeManifest[] {
  const documents = parseAllDocuments(readFileSync(file, 'utf8'));
  const manifests: KubeManifest[] = [];
  for (const document of documents) {
    if (document.errors.length > 0) throw new Error(`${file}: ${document.errors.map((e) => e.message).join('; ')}`);
    const value: unknown = document.toJS();
    if (value === null || value === undefined) continue;
    const manifest = value as KubeManifest;
    if (typeof manifest.apiVersion !== 'string' || typeof manifest.kind !== 'string' || typeof manifest.metadata?.name !== 'string') {
      throw new Error(`${file}: a document without apiVersion, kind or metadata.name`);
    }
    manifests.push(manifest);
  }
  return manifests;
}

/** Renders the kustomization in `directory`. */
export function renderKustomization(directory: string): KubeManifest[] {
  const file = join(directory, 'kustomization.yaml');
  const documents = parseAllDocuments(readFileSync(file, 'utf8'));
  if (documents.length !== 1) throw new Error(`${file}: expected one YAML document`);
  const kustomization = documents[0]!.toJS() as Kustomization & Record<string, unknown>;
  for (const field of Object.keys(kustomization)) {
    if (!SUPPORTED_FIELDS.has(field)) throw new Error(`${file}: the field "${field}" is not supported by the test renderer; extend test/deploy/kustomization-renderer.ts`);
  }

  let manifests: KubeManifest[] = [];
  for (const resource of kustomization.resources ?? []) {
    const path = join(directory, resource);
    manifests.push(...(statSync(path).isDirectory() ? renderKustomization(path) : readManifests(path)));
  }
  manifests = manifests.map((m) => structuredClone(m));

  for (const entry of kustomization.patches ?? []) {
    const text = entry.patch ?? (entry.path !== undefined ? readFileSync(join(directory, entry.path), 'utf8') : undefined);
    if (text === undefined) throw new Error(`${file}: a patch needs "patch" or "path"`);
    const parsed = parseAllDocuments(text).map((d) => d.toJS() as unknown);
    if (parsed.length !== 1) throw new Error(`${file}: one document per patch is supported`);
    const patch = parsed[0];
    if (Array.isArray(patch)) {
      if (!entry.target) throw new Error(`${file}: a JSON 6902 patch needs a target`);
      const targets = manifests.filter((m) => matchesTarget(m, entry.target!));
      if (targets.length === 0) throw new Error(`${file}: the patch target ${JSON.stringify(entry.target)} matches no object`);
      for (const target of targets) applyJsonPatch(target, patch as JsonPatchOperation[]);
    } else {
      const deletion = patch as Partial<KubeManifest> & { $patch?: string };
      if (deletion.$patch !== 'delete' || entry.target) {
        throw new Error(`${file}: only strategic-merge patches that delete an object ("$patch: delete") are supported by the test renderer`);
      }
      const index = manifests.findIndex(
        (m) => m.apiVersion === deletion.apiVersion && m.kind === deletion.kind && m.metadata.name === deletion.metadata?.name && (deletion.metadata?.namespace === undefined || m.metadata.namespace === deletion.metadata.namespace),
      );
      if (index < 0) throw new Error(`${file}: the delete patch for ${deletion.kind} ${deletion.metadata?.name} matches no object`);
      manifests.splice(index, 1);
    }
  }

  const namespace = kustomization.namespace;
  if (namespace !== undefined) {
    const serviceAccounts = new Set(manifests.filter((m) => m.kind === 'ServiceAccount').map((m) => `${m.metadata.namespace ?? ''}/${m.metadata.name}`));
    for (const manifest of manifests) {
      if (manifest.kind === 'RoleBinding' || manifest.kind === 'ClusterRoleBinding') {
        for (const subject of (manifest.subjects ?? []) as { kind: string; name: string; namespace?: string }[]) {
          if (subject.kind === 'ServiceAccount' && serviceAccounts.has(`${subject.namespace ?? ''}/${subject.name}`)) subject.namespace = namespace;
        }
      }
      if (!isClusterScoped(manifest)) manifest.metadata.namespace = namespace;
    }
  }
  return manifests;
}

function matchesTarget(manifest: KubeManifest, target: NonNullable<PatchEntry['target']>): boolean {
  const [group, version] = manifest.apiVersion.includes('/') ? manifest.apiVersion.split('/') : ['', manifest.apiVersion];
  return (
    (target.group === undefined || target.group === group) &&
    (target.version === undefined || target.version === version) &&
    (target.kind === undefined || target.kind === manifest.kind) &&
    (target.name === undefined || target.name === manifest.metadata.name) &&
    (target.namespace === undefined || target.namespace === manifest.metadata.namespace)
  );
}

interface JsonPatchOperation {
  op: string;
  path: string;
  value?: unknown;
}

/** RFC 6902 add, replace and remove, on plain JSON, in place. */
function applyJsonPatch(document: object, operations: readonly JsonPatchOperation[]): void {
  for (const operation of operations) {
    const tokens = operation.path
      .split('/')
      .slice(1)
      .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
    const last = tokens.pop();
    if (last === undefined) throw new Error(`JSON patch: the path "${operation.path}" names the whole document`);
    let parent: unknown = document;
    for (const token of tokens) {
      parent = (parent as Record<string, unknown> | undefined)?.[token];
      if (parent === undefined || parent === null || typeof parent !== 'object') throw new Error(`JSON patch: "${operation.path}" does not exist`);
    }
    if (!['add', 'replace', 'remove'].includes(operation.op)) throw new Error(`JSON patch: the op "${operation.op}" is not supported by the test renderer`);
    if (Array.isArray(parent)) {
      const index = last === '-' ? parent.length : Number(last);
      if (!Number.isInteger(index) || index < 0 || index > parent.length) throw new Error(`JSON patch: "${operation.path}" is out of range`);
      if (operation.op === 'add') parent.splice(index, 0, structuredClone(operation.value));
      else if (index >= parent.length) throw new Error(`JSON patch: "${operation.path}" does not exist`);
      else if (operation.op === 'replace') parent[index] = structuredClone(operation.value);
      else parent.splice(index, 1);
    } else {
      const object = parent as Record<string, unknown>;
      if (operation.op !== 'add' && !(last in object)) throw new Error(`JSON patch: "${operation.path}" does not exist`);
      if (operation.op === 'remove') delete object[last];
      else object[last] = structuredClone(operation.value);
    }
  }
}

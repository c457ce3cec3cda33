// Checks a manifest against the Kubernetes API's schemas, twice over:
//  - kubernetes-models validates it against the OpenAPI schema of its kind
//    (required fields, types, enums, formats). Those schemas allow unknown
//    fields, though, which `kubectl apply` rejects (strict field validation
//    is the default since Kubernetes 1.27), so
//  - every field is also looked up in the type map of @kubernetes/client-node,
//    which is generated from the same OpenAPI document and lists each
//    model's fields with their types: a misspelt or misplaced field
//    (`readinesProbe`, `ports` under the pod spec) is reported with its path.

import * as kubernetesClient from '@kubernetes/client-node';
import * as appsV1 from 'kubernetes-models/apps/v1';
import * as networkingV1 from 'kubernetes-models/networking.k8s.io/v1';
import * as policyV1 from 'kubernetes-models/policy/v1';
import * as rbacV1 from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import * as coreV1 from 'kubernetes-models/v1';
import type { KubeManifest } from './kustomization-renderer.js';

interface ModelClass {
  new (data: unknown): { validate(): void };
}

/** The kubernetes-models modules of the API versions the manifests use; add one here when a manifest needs it. */
const MODEL_MODULES: Record<string, Record<string, unknown>> = {
  v1: coreV1,
  'apps/v1': appsV1,
  'policy/v1': policyV1,
  'networking.k8s.io/v1': networkingV1,
  'rbac.authorization.k8s.io/v1': rbacV1,
};

function modelClass(manifest: KubeManifest): ModelClass {
  const module = MODEL_MODULES[manifest.apiVersion];
  if (!module) throw new Error(`no kubernetes-models module for ${manifest.apiVersion} in test/deploy/manifest-validation.ts`);
  const model = module[manifest.kind] as ModelClass | undefined;
  if (!model) throw new Error(`kubernetes-models has no ${manifest.kind} in ${manifest.apiVersion}`);
  return model;
}

interface AttributeType {
  readonly baseName: string;
  readonly type: string;
}

type ClientModel = { getAttributeTypeMap?: () => AttributeType[] };

/** The client-node model of an apiVersion and kind: apps/v1 Deployment → V1Deployment. */
function clientModelName(manifest: KubeManifest): string {
  const version = manifest.apiVersion.split('/').pop()!;
  return `${version[0]!.toUpperCase()}${version.slice(1)}${manifest.kind}`;
}

function unknownFields(value: unknown, type: string, path: string, problems: string[]): void {
  if (value === null || value === undefined) return;
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (!Array.isArray(value)) problems.push(`${path}: must be a list`);
    else value.forEach((item, index) => unknownFields(item, array[1]!, `${path}[${index}]`, problems));
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    if (typeof value !== 'object' || Array.isArray(value)) problems.push(`${path}: must be a map`);
    else for (const [key, item] of Object.entries(value)) unknownFields(item, map[1]!, `${path}.${key}`, problems);
    return;
  }
  const model = (kubernetesClient as unknown as Record<string, ClientModel | undefined>)[type];
  if (!model?.getAttributeTypeMap) return; // a scalar (string, number, IntOrString, Date, any)
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push(`${path}: must be an object (${type})`);
    return;
  }
  const attributes = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  for (const [key, item] of Object.entries(value)) {
    const itemType = attributes.get(key);
    if (itemType === undefined) problems.push(`${path}.${key}: unknown field (${type} has ${[...attributes.keys()].join(', ')})`);
    else unknownFields(item, itemType, `${path}.${key}`, problems);
  }
}

/** Every problem of a manifest, each naming the field; empty when it is valid. */
export async function validateManifest(manifest: KubeManifest): Promise<string[]> {
  const problems: string[] = [];
  try {
    new (modelClass(manifest))(manifest).validate();
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  }
  const name = clientModelName(manifest);
  if (!(kubernetesClient as unknown as Record<string, ClientModel | undefined>)[name]?.getAttributeTypeMap) {
    problems.push(`@kubernetes/client-node has no model ${name} to check the fields of ${manifest.apiVersion} ${manifest.kind} against`);
  } else {
    unknownFields(manifest, name, manifest.kind, problems);
  }
  return problems;
}

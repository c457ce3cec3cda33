// Where the deployment files are, and typed views of the objects the tests
// look into.

import { fileURLToPath } from 'node:url';
import type { KubeManifest } from './kustomization-renderer.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const KUBERNETES_DIR = fileURLToPath(new URL('../../deploy/kubernetes/', import.meta.url));
export const BASE_DIR = fileURLToPath(new URL('../../deploy/kubernetes/base/', import.meta.url));
export const SINGLE_NAMESPACE_DIR = fileURLToPath(new URL('../../deploy/kubernetes/overlays/single-namespace/', import.meta.url));
export const CALLER_AUTH_DIR = fileURLToPath(new URL('../../deploy/kubernetes/overlays/caller-auth/', import.meta.url));
export const POD_WEIGHTS_DIR = fileURLToPath(new URL('../../deploy/kubernetes/overlays/pod-weights/', import.meta.url));
export const EXAMPLE_APP_FILE = fileURLToPath(new URL('../../deploy/examples/client-app.yaml', import.meta.url));
export const DOCKERFILE = fileURLToPath(new URL('../../deploy/Dockerfile', import.meta.url));

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string } };
}

export interface Probe {
  grpc?: { port: number; service?: string };
  periodSeconds?: number;
  failureThreshold?: number;
}

export interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: EnvVar[];
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  startupProbe?: Probe;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    runAsNonRoot?: boolean;
    runAsUser?: number;
    privileged?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
  };
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
}

export interface DeploymentManifest extends KubeManifest {
  spec: {
    replicas: number;
    selector: LabelSelector;
    template: {
      metadata: { labels: Record<string, string> };
      spec: {
        serviceAccountName?: string;
        terminationGracePeriodSeconds?: number;
        securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; seccompProfile?: { type: string } };
        topologySpreadConstraints?: { topologyKey: string; maxSkew: number; whenUnsatisfiable: string; labelSelector: LabelSelector }[];
        containers: Container[];
      };
    };
  };
}

export interface ServiceManifest extends KubeManifest {
  spec: { clusterIP?: string; selector: Record<string, string>; ports: { name?: string; port: number; targetPort?: number | string }[] };
}

export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface BindingManifest extends KubeManifest {
  roleRef: { apiGroup: string; kind: string; name: string };
  subjects: { kind: string; name: string; namespace?: string }[];
}

/** The one object of a kind (and name), or a failure naming what is there. */
export function only<T extends KubeManifest>(manifests: readonly KubeManifest[], kind: string, name?: string): T {
  const found = manifests.filter((m) => m.kind === kind && (name === undefined || m.metadata.name === name));
  if (found.length !== 1) {
    throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length} among ${manifests.map((m) => `${m.kind}/${m.metadata.name}`).join(', ')}`);
  }
  return found[0] as T;
}

/** Whether a label selector selects these labels. */
export function selects(selector: LabelSelector | Record<string, string>, labels: Record<string, string>): boolean {
  const matchLabels = 'matchLabels' in selector && typeof selector.matchLabels === 'object' ? selector.matchLabels : (selector as Record<string, string>);
  return Object.keys(matchLabels).length > 0 && Object.entries(matchLabels).every(([key, value]) => labels[key] === value);
}

/** The value of `--name=value` or `--name value` in an argument list. */
export function flagValue(args: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  args.forEach((arg, index) => {
    if (arg.startsWith(`--${name}=`)) value = arg.slice(name.length + 3);
    else if (arg === `--${name}`) value = args[index + 1];
  });
  return value;
}

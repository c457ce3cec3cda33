// Which discovery source `lookaside serve` uses when --source is not given:
// Kubernetes when there is a way to reach a cluster (running in one, or a
// kubeconfig on this machine), the bundled registry file otherwise. Pure, so
// the rule is tested without a cluster; the caller logs `reason`.

import { delimiter, join } from 'node:path';

export type SourceKind = 'kubernetes' | 'file';

export const IN_CLUSTER_TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export interface SourceChoiceInput {
  /** --source, if given. */
  readonly flag?: string | undefined;
  /** --kubeconfig, if given: asking for a kubeconfig means Kubernetes. */
  readonly kubeconfig?: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly homedir: string;
  readonly fileExists: (path: string) => boolean;
}

export interface SourceChoice {
  readonly kind: SourceKind;
  /** Why, in words for the log: "--source kubernetes", "running in a cluster ...". */
  readonly reason: string;
}

export function chooseSource(input: SourceChoiceInput): SourceChoice {
  if (input.flag !== undefined) {
    if (input.flag !== 'kubernetes' && input.flag !== 'file') {
      throw new Error(`--source: "${input.flag}" is not a source; use "kubernetes" or "file"`);
    }
    return { kind: input.flag, reason: `--source ${input.flag}` };
  }
  if (input.kubeconfig) return { kind: 'kubernetes', reason: `--kubeconfig ${input.kubeconfig} was given` };
  const envPaths = (input.env.KUBECONFIG ?? '').split(delimiter).filter((p) => p.length > 0);
  const existing = envPaths.find((p) => input.fileExists(p));
  if (existing) return { kind: 'kubernetes', reason: `KUBECONFIG names ${existing}, which exists` };
  const homeConfig = join(input.homedir, '.kube', 'config');
  if (input.fileExists(homeConfig)) return { kind: 'kubernetes', reason: `${homeConfig} exists` };
  if (input.env.KUBERNETES_SERVICE_HOST && input.fileExists(IN_CLUSTER_TOKEN_PATH)) {
    return { kind: 'kubernetes', reason: `running in a cluster (KUBERNETES_SERVICE_HOST is set and ${IN_CLUSTER_TOKEN_PATH} exists)` };
  }
  return {
    kind: 'file',
    reason: `no Kubernetes found (not in a cluster, no kubeconfig at ${envPaths.length > 0 ? `KUBECONFIG=${input.env.KUBECONFIG} or ` : ''}${homeConfig}); using the bundled registry file`,
  };
}

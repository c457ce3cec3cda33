// Finds the credentials to talk to the API server, in kubectl's order: an
// explicit --kubeconfig, then $KUBECONFIG, then ~/.kube/config, then the
// pod's service account. client-node's loadFromDefault() would silently
// fall back to http://localhost:8080 when none exists; this refuses instead,
// and says what it looked for.
//
// In a cluster the service account token is a projected, rotating file;
// client-node re-reads it every 60 s (its tokenFile auth provider), so
// rotation needs nothing here.

import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

export const SERVICE_ACCOUNT_TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export interface KubeConfigLoadOptions {
  /** A kubeconfig file; --kubeconfig. */
  readonly kubeconfig?: string;
  /** A context of that kubeconfig; --context. */
  readonly context?: string;
}

export interface LoadedKubeConfig {
  readonly kubeConfig: KubeConfig;
  /** Where the configuration came from and which server it points at, for the log. */
  readonly description: string;
  readonly server: string;
}

export class KubeConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubeConfigError';
  }
}

export function loadKubeConfig(options: KubeConfigLoadOptions = {}): LoadedKubeConfig {
  const kubeConfig = new KubeConfig();
  let origin: string;
  const envPaths = (process.env.KUBECONFIG ?? '').split(delimiter).filter((p) => p.length > 0);
  const homeConfig = join(homedir(), '.kube', 'config');
  const inCluster = Boolean(process.env.KUBERNETES_SERVICE_HOST) && existsSync(SERVICE_ACCOUNT_TOKEN_PATH);
  try {
    if (options.kubeconfig) {
      if (!existsSync(options.kubeconfig)) throw new KubeConfigError(`the kubeconfig ${options.kubeconfig} given with --kubeconfig does not exist`);
      kubeConfig.loadFromFile(options.kubeconfig);
      origin = `kubeconfig ${options.kubeconfig}`;
    } else if (envPaths.some((p) => existsSync(p)) || existsSync(homeConfig)) {
      kubeConfig.loadFromDefault();
      origin = envPaths.length > 0 ? `kubeconfig from KUBECONFIG=${process.env.KUBECONFIG}` : `kubeconfig ${homeConfig}`;
    } else if (inCluster) {
      kubeConfig.loadFromCluster();
      origin = 'in-cluster service account';
    } else {
      throw new KubeConfigError(
        `no Kubernetes configuration found: no --kubeconfig, no existing file in KUBECONFIG, no ${homeConfig}, and not running in a cluster ` +
          `(KUBERNETES_SERVICE_HOST unset or ${SERVICE_ACCOUNT_TOKEN_PATH} missing)`,
      );
    }
  } catch (error) {
    if (error instanceof KubeConfigError) throw error;
    throw new KubeConfigError(`cannot load the Kubernetes configuration: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (options.context) {
    if (!kubeConfig.getContextObject(options.context)) {
      const known = kubeConfig.getContexts().map((c) => c.name);
      throw new KubeConfigError(`context "${options.context}" is not in the ${origin}; its contexts are: ${known.length > 0 ? known.join(', ') : '(none)'}`);
    }
    kubeConfig.setCurrentContext(options.context);
  }
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) {
    throw new KubeConfigError(`the ${origin} has no current cluster (current context "${kubeConfig.getCurrentContext()}"); pass --context`);
  }
  const context = kubeConfig.getCurrentContext();
  return {
    kubeConfig,
    server: cluster.server,
    description: `${origin}${origin.startsWith('kubeconfig') ? `, context ${context}` : ''}, server ${cluster.server}`,
  };
}

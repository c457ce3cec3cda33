// A real control plane on 127.0.0.1 (port 0) serving TLS from PEM files
// through ReloadingServerCredentials, with one service on a manual source.

import type { Logger } from 'pino';
import { ControlPlane } from '../../src/control-plane.js';
import { ReloadingServerCredentials, type TlsFiles } from '../../src/server/shared/tls-credentials.js';
import { ManualSource } from './manual-source.js';
import { testLogger } from './test-logger.js';

export const TLS_TEST_SERVICES = [{ name: 'greeter', namespace: 'default', ports: [{ name: 'grpc', port: 50051, backends: [{ host: '127.10.0.1', port: 8080 }] }] }];

export interface TlsControlPlane {
  readonly controlPlane: ControlPlane;
  readonly creds: ReloadingServerCredentials;
  readonly address: string;
  stop(): Promise<void>;
}

/** `credentialsLogger` receives the TLS log lines (loaded, reloaded, refused). */
export async function startTlsControlPlane(files: TlsFiles, options: { reloadIntervalMs?: number; credentialsLogger?: Logger } = {}): Promise<TlsControlPlane> {
  const creds = await ReloadingServerCredentials.create(files, options.credentialsLogger ?? testLogger(), options.reloadIntervalMs ?? 0);
  const controlPlane = await ControlPlane.start({
    logger: testLogger(),
    host: '127.0.0.1',
    port: 0,
    credentials: creds,
    createSource: (registry) => {
      const source = new ManualSource(registry);
      source.sync(TLS_TEST_SERVICES);
      return source;
    },
  });
  return {
    controlPlane,
    creds,
    address: `127.0.0.1:${controlPlane.port}`,
    stop: async () => {
      creds.stop();
      await controlPlane.stop(100);
    },
  };
}

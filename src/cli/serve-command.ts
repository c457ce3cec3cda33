// `lookaside serve`: runs the control plane until SIGTERM or SIGINT, then
// shuts down gracefully within the grace period.

import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { ControlPlane } from '../control-plane.js';
import { FileSource } from '../discovery/file/file-source.js';
import { RegistryFileError } from '../discovery/file/registry-file.js';
import type { DiscoverySource } from '../discovery/source.js';
import type { Registry } from '../registry/registry.js';
import { ReloadingServerCredentials, TlsFileError, type TlsFiles } from '../server/tls-credentials.js';
import { ExitCode } from './exit-codes.js';
import { createRootLogger, type LogLevel } from './logger.js';

/** The bundled example registry: the default when no cluster is configured. */
export const BUNDLED_REGISTRY_FILE = fileURLToPath(new URL('../../deploy/examples/registry.yaml', import.meta.url));

export interface ServeOptions {
  readonly host: string;
  readonly port: number;
  readonly source: 'auto' | 'file' | 'kubernetes';
  readonly file: string | undefined;
  readonly logLevel: LogLevel;
  readonly graceMs: number;
  readonly keepaliveTimeMs: number;
  readonly maxConnectionAgeMs: number;
  /** Where to serve /metrics; undefined turns metrics off. */
  readonly metrics: { readonly host: string; readonly port: number } | undefined;
  /** Serve TLS (mutual TLS with a client CA) from these files. */
  readonly tls: TlsFiles | undefined;
  readonly tlsReloadIntervalMs: number;
}

function createSource(options: ServeOptions, log: Logger): (registry: Registry, logger: Logger) => DiscoverySource {
  const file = options.file ?? BUNDLED_REGISTRY_FILE;
  log.info({ source: 'file', file, reason: options.source === 'file' ? '--source file' : 'no cluster configured' }, 'discovery source chosen');
  return (registry, logger) => new FileSource({ path: file, registry, logger });
}

export async function runServe(options: ServeOptions): Promise<ExitCode> {
  const log = createRootLogger(options.logLevel);
  // Invariant 9: a stray rejection from an event handler is logged, not fatal.
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled promise rejection (kept running)'));
  let controlPlane: ControlPlane;
  let credentials: ReloadingServerCredentials | undefined;
  try {
    if (options.tls) credentials = await ReloadingServerCredentials.create(options.tls, log, options.tlsReloadIntervalMs);
    controlPlane = await ControlPlane.start({
      logger: log,
      host: options.host,
      port: options.port,
      keepaliveTimeMs: options.keepaliveTimeMs,
      maxConnectionAgeMs: options.maxConnectionAgeMs,
      ...(credentials && { credentials }),
      ...(options.metrics && { metrics: options.metrics }),
      createSource: createSource(options, log),
    });
  } catch (error) {
    credentials?.stop();
    if (error instanceof TlsFileError) log.fatal({ file: error.file }, error.message);
    else if (error instanceof RegistryFileError) log.fatal({ file: error.file, problems: error.problems }, error.message);
    else log.fatal({ err: error }, `cannot start: ${error instanceof Error ? error.message : String(error)}`);
    log.flush();
    return ExitCode.FAILURE;
  }
  return new Promise<ExitCode>((resolve) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals += 1;
      if (signals > 1) {
        log.warn({ signal }, 'second signal; exiting now');
        log.flush();
        resolve(ExitCode.FAILURE);
        return;
      }
      log.info({ signal, graceMs: options.graceMs }, 'shutting down');
      controlPlane.stop(options.graceMs).then(
        () => {
          credentials?.stop();
          resolve(ExitCode.OK);
        },
        (error: unknown) => {
          log.error({ err: error }, 'shutdown failed');
          resolve(ExitCode.FAILURE);
        },
      );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

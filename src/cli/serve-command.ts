// `lookaside serve`: runs the control plane until SIGTERM or SIGINT, then
// shuts down gracefully within the grace period.

import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { ControlPlane } from '../control-plane.js';
import type { ServerLimits } from '../server/control-plane-server.js';
import { FileSource } from '../discovery/file/file-source.js';
import { RegistryFileError } from '../discovery/file/registry-file.js';
import type { IpFamilyPreference } from '../discovery/kubernetes/endpoint-slice-merger.js';
import { chooseSource } from '../discovery/source-choice.js';
import type { DiscoverySource } from '../discovery/source.js';
import type { ControlPlaneMetrics } from '../server/metrics.js';
import type { Registry } from '../registry/registry.js';
import { RouteTranslator } from '../translation/route-table.js';
import { ReloadingServerCredentials, TlsFileError, type TlsFiles } from '../server/shared/tls-credentials.js';
import { ReviewingCallerAuthorizer, type CallerAuthorizer } from '../server/shared/caller-authorization/caller-authorizer.js';
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
  /** Default: a tenth of maxConnectionAgeMs. */
  readonly maxConnectionAgeGraceMs?: number;
  readonly limits: ServerLimits;
  /** Where to serve /metrics; undefined turns metrics off. */
  readonly metrics: { readonly host: string; readonly port: number; readonly perBackend?: boolean } | undefined;
  /** How often clients are asked to report their calls (--load-report-interval). */
  readonly loadReportIntervalMs?: number;
  /** Serve the live page at /live on the metrics port (--live-page); remote: not only to loopback connections. */
  readonly livePage?: { readonly remote: boolean };
  /** Serve TLS (mutual TLS with a client CA) from these files. */
  readonly tls: TlsFiles | undefined;
  readonly tlsReloadIntervalMs: number;
  readonly kubeconfig: string | undefined;
  readonly context: string | undefined;
  /** Namespaces to watch; empty: all. */
  readonly namespaces: readonly string[];
  readonly ipFamily: IpFamilyPreference;
  /** Weights from Pods' lookaside.dev/weight annotations (--pod-weights). */
  readonly podWeights?: boolean;
  /** Slow start for Services without their own annotation (--slow-start); 0: off. */
  readonly slowStartMs?: number;
  /** Caller authorization (--caller-auth kubernetes); undefined serves every caller. */
  readonly callerAuth?: { readonly mode: 'kubernetes'; readonly audience: string; readonly cacheTtlMs: number } | undefined;
}

type SourceFactory = (registry: Registry, logger: Logger, metrics: ControlPlaneMetrics | undefined) => Promise<DiscoverySource> | DiscoverySource;

function createSource(options: ServeOptions, log: Logger): SourceFactory {
  const choice = chooseSource({
    flag: options.source === 'auto' ? undefined : options.source,
    kubeconfig: options.kubeconfig,
    env: process.env,
    homedir: homedir(),
    fileExists: existsSync,
  });
  if (choice.kind === 'file') {
    const file = options.file ?? BUNDLED_REGISTRY_FILE;
    log.info({ source: 'file', file, reason: choice.reason }, 'discovery source chosen');
    return (registry, logger) => new FileSource({ path: file, registry, logger });
  }
  log.info({ source: 'kubernetes', namespaces: options.namespaces.length > 0 ? options.namespaces : 'all', ipFamily: options.ipFamily, reason: choice.reason }, 'discovery source chosen');
  if (options.file) log.warn({ file: options.file }, '--file is ignored: the source is Kubernetes');
  return async (registry, logger, metrics) => {
    // Loaded only now: @kubernetes/client-node cannot be imported on Node
    // versions the file source still runs on.
    const { createKubernetesSource } = await import('../discovery/kubernetes/kubernetes-source.js');
    const translator = new RouteTranslator(registry, registry.routes);
    return createKubernetesSource({
      registry,
      logger,
      ...(options.kubeconfig !== undefined && { kubeconfig: options.kubeconfig }),
      ...(options.context !== undefined && { context: options.context }),
      namespaces: options.namespaces,
      ipFamily: options.ipFamily,
      ...(options.podWeights && { podWeights: true }),
      ...(options.slowStartMs && { slowStartMs: options.slowStartMs }),
      // The source writes each GRPCRoute's status from what the translation makes of it.
      routeStatuses: () => translator.statuses(),
      ...(metrics && {
        onWatchRestart: (resource: string, reason: string) => metrics.watchRestarted(resource, reason),
        onEventLag: (resource: string, seconds: number) => metrics.eventReceived(resource, seconds),
      }),
    });
  };
}

type AuthorizerFactory = (logger: Logger, metrics: ControlPlaneMetrics | undefined) => Promise<CallerAuthorizer>;

function createAuthorizer(options: ServeOptions, log: Logger): AuthorizerFactory | undefined {
  const callerAuth = options.callerAuth;
  if (!callerAuth) {
    log.info('caller authorization off (--caller-auth none): any caller that reaches the control plane may read the backends of every Service it serves');
    return undefined;
  }
  return async (logger, metrics) => {
    // Loaded only now, as the Kubernetes source is: client-node needs a newer Node than the file source.
    const [{ loadKubeConfig }, { KubernetesAccessReviewer }] = await Promise.all([
      import('../discovery/kubernetes/kube-config-loader.js'),
      import('../server/shared/caller-authorization/kubernetes-access-reviewer.js'),
    ]);
    const loaded = loadKubeConfig({
      ...(options.kubeconfig !== undefined && { kubeconfig: options.kubeconfig }),
      ...(options.context !== undefined && { context: options.context }),
    });
    const authorizer = new ReviewingCallerAuthorizer({
      reviewer: new KubernetesAccessReviewer({ kubeConfig: loaded.kubeConfig }),
      logger,
      audience: callerAuth.audience,
      cacheTtlMs: callerAuth.cacheTtlMs,
      ...(metrics && { hooks: metrics.callerAuthorizationHooks() }),
    });
    logger.info(
      { callerAuth: callerAuth.mode, audience: callerAuth.audience, cacheTtlMs: callerAuth.cacheTtlMs, config: loaded.description },
      `caller authorization on: callers send a ServiceAccount token for audience "${callerAuth.audience}" and may read a namespace's backends if they may list endpointslices there (TokenReview and SubjectAccessReview against ${loaded.server})`,
    );
    return authorizer;
  };
}

export async function runServe(options: ServeOptions): Promise<ExitCode> {
  const log = createRootLogger(options.logLevel);
  // Invariant 9 (docs/design.md): a stray rejection from an event handler is logged, not fatal.
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled promise rejection (kept running)'));
  let controlPlane: ControlPlane;
  let credentials: ReloadingServerCredentials | undefined;
  try {
    const sourceFactory = createSource(options, log);
    const authorizerFactory = createAuthorizer(options, log);
    if (options.tls) credentials = await ReloadingServerCredentials.create(options.tls, log, options.tlsReloadIntervalMs);
    controlPlane = await ControlPlane.start({
      logger: log,
      host: options.host,
      port: options.port,
      keepaliveTimeMs: options.keepaliveTimeMs,
      maxConnectionAgeMs: options.maxConnectionAgeMs,
      ...(options.maxConnectionAgeGraceMs !== undefined && { maxConnectionAgeGraceMs: options.maxConnectionAgeGraceMs }),
      limits: options.limits,
      ...(credentials && { credentials }),
      ...(options.metrics && { metrics: options.metrics }),
      ...(options.loadReportIntervalMs !== undefined && { loadReports: { intervalMs: options.loadReportIntervalMs } }),
      ...(options.livePage && { livePage: options.livePage }),
      createSource: sourceFactory,
      ...(authorizerFactory && { createAuthorizer: authorizerFactory }),
    });
  } catch (error) {
    credentials?.stop();
    const message = error instanceof Error ? error.message : String(error);
    // The JSON line is for log collectors (one line, the problems as a
    // list); the person who just ran the command reads stderr, where the
    // message keeps its line breaks: "invalid registry file F:" and one
    // "file:line:column: field: rule" line per problem.
    if (error instanceof TlsFileError) log.fatal({ file: error.file }, message);
    else if (error instanceof RegistryFileError) log.fatal({ file: error.file, problems: error.problems }, `invalid registry file ${error.file}: ${error.problems.join('; ')}`);
    else log.fatal({ err: error }, `cannot start: ${message}`);
    log.flush();
    process.stderr.write(`lookaside: cannot start: ${message}\n`);
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

// The `lookaside serve` command's definition: its flags, with their
// environment variables and defaults, in groups; the checks of flags that
// must agree; and the options runServe takes from them.

import { InvalidArgumentError, Option, type Command } from 'commander';
import { ExitCode } from './exit-codes.js';
import { LOG_LEVELS, type LogLevel } from './logger.js';
import { parseAudience, parseDuration, parseDurationUpTo, parseLimit, parseNamespaces, parsePort } from './option-parsers.js';
import { runServe, type ServeOptions } from './serve-command.js';
import { ambientEnvironmentHelp } from './ambient-environment.js';
import { DEFAULT_METRICS_PORT, DEFAULT_PORT } from './default-ports.js';
import type { TlsFiles } from '../server/shared/tls-credentials.js';
import { DEFAULT_MAX_REQUEST_BYTES } from '../server/control-plane-server.js';
import { DEFAULT_LOAD_REPORT_INTERVAL_MS, MAX_LOAD_REPORT_INTERVAL_MS, MIN_LOAD_REPORT_INTERVAL_MS } from '../server/xds/load-reporting-service.js';
import { DEFAULT_MAX_WATCH_STREAMS, DEFAULT_MAX_WATCH_STREAMS_PER_CONNECTION } from '../server/shared/watch-stream-limits.js';
import { DEFAULT_CALLER_AUTH_AUDIENCE, DEFAULT_CALLER_AUTH_CACHE_TTL_MS, MAX_CALLER_AUTH_CACHE_TTL_MS } from '../server/shared/caller-authorization/caller-authorizer.js';

interface ServeFlags {
  host: string;
  port: number;
  source: 'auto' | 'file' | 'kubernetes';
  file?: string;
  logLevel: LogLevel;
  grace: number;
  keepaliveTime: number;
  maxConnectionAge: number;
  maxConnectionAgeGrace?: number;
  maxWatchStreamsPerConnection: number;
  maxWatchStreams: number;
  maxRequestBytes: number;
  metrics: boolean;
  metricsHost: string;
  metricsPerBackend?: boolean;
  loadReportInterval: number;
  metricsPort: number;
  livePage?: boolean;
  livePageRemote?: boolean;
  tlsCertFile?: string;
  tlsKeyFile?: string;
  tlsClientCaFile?: string;
  tlsReloadInterval: number;
  kubeconfig?: string;
  context?: string;
  namespaces: string[];
  ipFamily: 'IPv4' | 'IPv6' | 'both';
  podWeights?: boolean;
  slowStart: number;
  callerAuth: 'none' | 'kubernetes';
  callerAuthAudience: string;
  callerAuthCacheTtl: number;
}

/** Where it listens, where services come from, and how much it logs. */
function addListenOptions(command: Command): Command {
  return command
    .addOption(new Option('--host <address>', 'address to listen on').env('LOOKASIDE_HOST').default('0.0.0.0'))
    .addOption(new Option('--port <number>', 'gRPC port to listen on (0 picks a free one)').env('LOOKASIDE_PORT').default(DEFAULT_PORT).argParser(parsePort))
    .addOption(
      new Option('--source <kind>', 'where services come from: a registry file, or the Kubernetes API')
        .env('LOOKASIDE_SOURCE')
        .choices(['auto', 'file', 'kubernetes'])
        .default('auto'),
    )
    .addOption(new Option('--file <path>', 'registry file for --source file (default: the bundled example, deploy/examples/registry.yaml)').env('LOOKASIDE_FILE'))
    .addOption(new Option('--log-level <level>', 'log level').env('LOOKASIDE_LOG_LEVEL').choices(LOG_LEVELS).default('info'));
}

/** The clients' connections and streams: shutdown grace, keepalive, connection age, limits. */
function addConnectionOptions(command: Command): Command {
  return command
    .addOption(new Option('--grace <duration>', 'how long shutdown waits for calls to finish before closing them').env('LOOKASIDE_GRACE').default(10_000, '10s').argParser(parseDuration))
    .addOption(new Option('--keepalive-time <duration>', 'interval of keepalive pings to clients').env('LOOKASIDE_KEEPALIVE_TIME').default(30_000, '30s').argParser(parseDuration))
    .addOption(
      new Option('--max-connection-age <duration>', 'close client connections after this age (±10%), and end their WatchServers and xDS streams soon after, so clients spread over new replicas (0: never)')
        .env('LOOKASIDE_MAX_CONNECTION_AGE')
        .default(0, '0')
        .argParser(parseDuration),
    )
    .addOption(
      new Option(
        '--max-connection-age-grace <duration>',
        "the window after 1.1 × --max-connection-age in which a connection's watch streams end, each connection at a random moment, so clients that connected together do not reconnect together (default: a tenth of --max-connection-age)",
      )
        .env('LOOKASIDE_MAX_CONNECTION_AGE_GRACE')
        .argParser(parseDuration),
    )
    .addOption(
      new Option('--max-watch-streams-per-connection <n>', 'long-lived streams (WatchServers, ADS, load reports) one connection may hold; more get RESOURCE_EXHAUSTED')
        .env('LOOKASIDE_MAX_WATCH_STREAMS_PER_CONNECTION')
        .default(DEFAULT_MAX_WATCH_STREAMS_PER_CONNECTION)
        .argParser(parseLimit),
    )
    .addOption(new Option('--max-watch-streams <n>', 'long-lived streams (WatchServers, ADS, load reports) in all; more get RESOURCE_EXHAUSTED').env('LOOKASIDE_MAX_WATCH_STREAMS').default(DEFAULT_MAX_WATCH_STREAMS).argParser(parseLimit))
    .addOption(new Option('--max-request-bytes <n>', 'largest request message accepted; larger ones get RESOURCE_EXHAUSTED').env('LOOKASIDE_MAX_REQUEST_BYTES').default(DEFAULT_MAX_REQUEST_BYTES).argParser(parseLimit));
}

/** Reading the Kubernetes API: which cluster and namespaces, and how backends are weighted. */
function addKubernetesOptions(command: Command): Command {
  return command
    .addOption(new Option('--kubeconfig <path>', 'kubeconfig for --source kubernetes (default: $KUBECONFIG, ~/.kube/config, then the in-cluster service account)').env('LOOKASIDE_KUBECONFIG'))
    .addOption(new Option('--context <name>', 'kubeconfig context to use').env('LOOKASIDE_CONTEXT'))
    .addOption(new Option('--namespaces <list>', 'comma-separated namespaces to watch').env('LOOKASIDE_NAMESPACES').default([], 'all').argParser(parseNamespaces))
    .addOption(
      new Option('--slow-start <duration>', 'ramp backends that become ready from 10% to their full weight over this window, for Services without their own lookaside.dev/slow-start annotation (0: off)')
        .env('LOOKASIDE_SLOW_START')
        .default(0, '0')
        .argParser(parseDuration),
    )
    .addOption(
      new Option('--pod-weights', "weight each backend by its Pod's lookaside.dev/weight annotation (1 to 10000); needs list/watch on pods (the pod-weights RBAC overlay)").env('LOOKASIDE_POD_WEIGHTS'),
    )
    .addOption(new Option('--ip-family <family>', 'which addresses of a dual-stack Service to publish').env('LOOKASIDE_IP_FAMILY').choices(['IPv4', 'IPv6', 'both']).default('IPv4'));
}

/** The metrics port: Prometheus metrics, load reports and the live page. */
function addMetricsOptions(command: Command): Command {
  return command
    .addOption(new Option('--metrics-host <address>', 'address to serve Prometheus metrics on').env('LOOKASIDE_METRICS_HOST').default('0.0.0.0'))
    .addOption(new Option('--metrics-port <number>', 'HTTP port for GET /metrics (0 picks a free one)').env('LOOKASIDE_METRICS_PORT').default(DEFAULT_METRICS_PORT).argParser(parsePort))
    .addOption(new Option('--no-metrics', 'do not serve metrics'))
    .addOption(new Option('--metrics-per-backend', 'also export traffic series per backend (intended and measured share, error ratio): one series per pod, off by default for cardinality (docs/observability.md)').env('LOOKASIDE_METRICS_PER_BACKEND'))
    .addOption(
      new Option('--load-report-interval <duration>', 'how often clients report their calls: xDS clients (LRS) and lookaside clients (ReportLoad), 100ms to 10m')
        .env('LOOKASIDE_LOAD_REPORT_INTERVAL')
        .default(DEFAULT_LOAD_REPORT_INTERVAL_MS, '10s')
        .argParser((value: string) => {
          const parsed = parseDurationUpTo(MAX_LOAD_REPORT_INTERVAL_MS)(value);
          if (parsed < MIN_LOAD_REPORT_INTERVAL_MS) throw new InvalidArgumentError('must be at least 100ms');
          return parsed;
        }),
    )
    .addOption(
      new Option('--live-page', 'serve a live page of services, backends, measured shares and clients at /live on the metrics port, to loopback connections only (kubectl port-forward); it shows pod IPs').env(
        'LOOKASIDE_LIVE_PAGE',
      ),
    )
    .addOption(new Option('--live-page-remote', 'serve the live page to every address the metrics port listens on, not only loopback (refused with --caller-auth kubernetes)').env('LOOKASIDE_LIVE_PAGE_REMOTE'));
}

/** The server's TLS. */
function addServingTlsOptions(command: Command): Command {
  return command
    .addOption(new Option('--tls-cert-file <path>', 'serve TLS with this PEM certificate chain (needs --tls-key-file)').env('LOOKASIDE_TLS_CERT_FILE'))
    .addOption(new Option('--tls-key-file <path>', 'PEM private key of --tls-cert-file').env('LOOKASIDE_TLS_KEY_FILE'))
    .addOption(new Option('--tls-client-ca-file <path>', 'require client certificates signed by this PEM CA bundle (mutual TLS)').env('LOOKASIDE_TLS_CLIENT_CA_FILE'))
    .addOption(new Option('--tls-reload-interval <duration>', 'how often the TLS files are re-read to pick up a rotated certificate').env('LOOKASIDE_TLS_RELOAD_INTERVAL').default(30_000, '30s').argParser(parseDuration));
}

/** Who may read backends. */
function addCallerAuthOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--caller-auth <mode>', 'who may read backends: none (any caller), or kubernetes (a ServiceAccount token, and RBAC list on endpointslices in the target\'s namespace)')
        .env('LOOKASIDE_CALLER_AUTH')
        .choices(['none', 'kubernetes'])
        .default('none'),
    )
    .addOption(new Option('--caller-auth-audience <audience>', 'the audience callers\' tokens must be issued for (--caller-auth kubernetes)').env('LOOKASIDE_CALLER_AUTH_AUDIENCE').default(DEFAULT_CALLER_AUTH_AUDIENCE).argParser(parseAudience))
    .addOption(
      new Option('--caller-auth-cache-ttl <duration>', 'how long a token review and an allow are reused (the longest a revocation waits); denials at most 5s; 0: no reuse')
        .env('LOOKASIDE_CALLER_AUTH_CACHE_TTL')
        .default(DEFAULT_CALLER_AUTH_CACHE_TTL_MS, '30s')
        .argParser(parseDurationUpTo(MAX_CALLER_AUTH_CACHE_TTL_MS)),
    );
}

/** The TLS flags must come as a set: certificate and key, and a client CA only with both. */
function tlsFiles(opts: ServeFlags, command: Command): TlsFiles | undefined {
  const { tlsCertFile, tlsKeyFile, tlsClientCaFile } = opts;
  if (!tlsCertFile && !tlsKeyFile) {
    if (tlsClientCaFile) command.error('error: --tls-client-ca-file needs --tls-cert-file and --tls-key-file (mutual TLS is TLS plus client certificates)', { exitCode: ExitCode.USAGE, code: 'commander.tls' });
    return undefined;
  }
  if (!tlsCertFile || !tlsKeyFile) command.error('error: --tls-cert-file and --tls-key-file go together: give both or neither', { exitCode: ExitCode.USAGE, code: 'commander.tls' });
  return { certFile: tlsCertFile!, keyFile: tlsKeyFile!, clientCaFile: tlsClientCaFile };
}

/**
 * The live page's flags must agree with the rest: it is served on the
 * metrics port, and under --caller-auth, where every read of the backends is
 * authorized, a page showing every namespace's pod IPs stays on loopback,
 * reached through kubectl port-forward (which Kubernetes RBAC authorizes).
 */
function livePageFlagProblem(opts: ServeFlags): string | undefined {
  if (opts.livePageRemote && !opts.livePage) return '--live-page-remote needs --live-page';
  if (opts.livePage && !opts.metrics) return '--live-page is served on the metrics port: drop --no-metrics';
  if (opts.livePageRemote && opts.callerAuth === 'kubernetes') {
    return '--live-page-remote is refused with --caller-auth kubernetes: the page shows the backends of every namespace to whoever reaches it; keep it on loopback and reach it with kubectl port-forward';
  }
  return undefined;
}

/** The flags that must agree with each other besides TLS's; a disagreement is a usage error. */
function checkServeFlags(opts: ServeFlags, command: Command): void {
  if (opts.maxConnectionAgeGrace !== undefined && !(opts.maxConnectionAge > 0)) {
    command.error('error: --max-connection-age-grace needs --max-connection-age (a grace after an age that never comes does nothing)', { exitCode: ExitCode.USAGE, code: 'commander.connectionAge' });
  }
  const livePageProblem = livePageFlagProblem(opts);
  if (livePageProblem) command.error(`error: ${livePageProblem}`, { exitCode: ExitCode.USAGE, code: 'commander.livePage' });
}

/** What runServe is given for the flags. */
function serveOptionsOf(opts: ServeFlags, tls: TlsFiles | undefined): ServeOptions {
  return {
    host: opts.host,
    port: opts.port,
    source: opts.source,
    file: opts.file,
    logLevel: opts.logLevel,
    graceMs: opts.grace,
    keepaliveTimeMs: opts.keepaliveTime,
    maxConnectionAgeMs: opts.maxConnectionAge,
    ...(opts.maxConnectionAgeGrace !== undefined && { maxConnectionAgeGraceMs: opts.maxConnectionAgeGrace }),
    limits: { maxWatchStreamsPerConnection: opts.maxWatchStreamsPerConnection, maxWatchStreams: opts.maxWatchStreams, maxRequestBytes: opts.maxRequestBytes },
    metrics: opts.metrics ? { host: opts.metricsHost, port: opts.metricsPort, perBackend: opts.metricsPerBackend === true } : undefined,
    loadReportIntervalMs: opts.loadReportInterval,
    ...(opts.livePage && { livePage: { remote: opts.livePageRemote === true } }),
    tls,
    tlsReloadIntervalMs: opts.tlsReloadInterval,
    kubeconfig: opts.kubeconfig,
    context: opts.context,
    namespaces: opts.namespaces,
    ipFamily: opts.ipFamily,
    podWeights: opts.podWeights === true,
    slowStartMs: opts.slowStart,
    callerAuth: opts.callerAuth === 'kubernetes' ? { mode: 'kubernetes', audience: opts.callerAuthAudience, cacheTtlMs: opts.callerAuthCacheTtl } : undefined,
  };
}

/** Adds `serve` to the program; its exit code goes to `setExit`. */
export function defineServeCommand(program: Command, setExit: (code: ExitCode) => void): void {
  const serve = program
    .command('serve')
    .description('Run the control plane: watch the discovery source and serve lookaside.v1.LoadBalancer, xDS (ADS), health and reflection.');
  for (const addOptions of [addListenOptions, addConnectionOptions, addKubernetesOptions, addMetricsOptions, addServingTlsOptions, addCallerAuthOptions]) addOptions(serve);
  serve.addHelpText('after', ambientEnvironmentHelp('serve')).action(async (opts: ServeFlags, command: Command) => {
    const tls = tlsFiles(opts, command);
    checkServeFlags(opts, command);
    setExit(await runServe(serveOptionsOf(opts, tls)));
  });
}

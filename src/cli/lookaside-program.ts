// The `lookaside` command: run the control plane, and ask one what it serves.
// main.ts checks the Node version first and then runs this.

import { Command, InvalidArgumentError, Option } from 'commander';
import { ExitCode } from './exit-codes.js';
import { runGet, runWatch } from './control-plane-commands.js';
import { LOG_LEVELS, type LogLevel } from './logger.js';
import { collectValues, parseAudience, parseCallCount, parseDeadline, parseDuration, parseDurationUpTo, parseLimit, parseNamespaces, parsePort, parseServiceArgument, type ServiceArgument } from './option-parsers.js';
import { runServe } from './serve-command.js';
import { runXdsBootstrap } from './xds-bootstrap.js';
import { packageVersion } from './package-version.js';
import { ambientEnvironmentHelp } from './ambient-environment.js';
import type { TlsFiles } from '../server/shared/tls-credentials.js';
import { channelCredentials, type ClientTlsFlags } from './channel-credentials.js';
import { CallerTokenError, readCallerTokenFile, TOKEN_FILE_ENV } from 'grpc-lookaside-client';
import type { DoctorFlags } from './doctor/doctor-command.js';
import { DEFAULT_MAX_REQUEST_BYTES } from '../server/control-plane-server.js';
import { runStatus } from './status-command.js';
import { DEFAULT_LOAD_REPORT_INTERVAL_MS, MAX_LOAD_REPORT_INTERVAL_MS, MIN_LOAD_REPORT_INTERVAL_MS } from '../server/xds/load-reporting-service.js';
import { DEFAULT_MAX_WATCH_STREAMS, DEFAULT_MAX_WATCH_STREAMS_PER_CONNECTION } from '../server/shared/watch-stream-limits.js';
import { DEFAULT_CALLER_AUTH_AUDIENCE, DEFAULT_CALLER_AUTH_CACHE_TTL_MS, MAX_CALLER_AUTH_CACHE_TTL_MS } from '../server/shared/caller-authorization/caller-authorizer.js';

const DEFAULT_PORT = 50051;
/** The port OpenTelemetry's Prometheus exporter uses; free of gRPC's usual ports. */
const DEFAULT_METRICS_PORT = 9464;

interface CallerFlags {
  zone?: string;
  node?: string;
}

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

/**
 * The whole command tree, every flag with its environment variable and
 * default. scripts/generate-configuration-reference.ts renders
 * docs/configuration.md from it.
 */
export function buildProgram(setExit: (code: ExitCode) => void): Command {
  const program = new Command('lookaside')
    .description('Lookaside load balancing for gRPC on Kubernetes.')
    .version(packageVersion(), '-V, --version', 'print the version and exit')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Exit codes: 0 ok, 1 failure, 2 usage error, 3 service or port not found,
4 control plane unreachable or not serving yet, 5 a doctor check failed.`,
    );

  program
    .command('serve')
    .description('Run the control plane: watch the discovery source and serve lookaside.v1.LoadBalancer, xDS (ADS), health and reflection.')
    .addOption(new Option('--host <address>', 'address to listen on').env('LOOKASIDE_HOST').default('0.0.0.0'))
    .addOption(new Option('--port <number>', 'gRPC port to listen on (0 picks a free one)').env('LOOKASIDE_PORT').default(DEFAULT_PORT).argParser(parsePort))
    .addOption(
      new Option('--source <kind>', 'where services come from: a registry file, or the Kubernetes API')
        .env('LOOKASIDE_SOURCE')
        .choices(['auto', 'file', 'kubernetes'])
        .default('auto'),
    )
    .addOption(new Option('--file <path>', 'registry file for --source file (default: the bundled example, deploy/examples/registry.yaml)').env('LOOKASIDE_FILE'))
    .addOption(new Option('--log-level <level>', 'log level').env('LOOKASIDE_LOG_LEVEL').choices(LOG_LEVELS).default('info'))
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
      new Option('--max-watch-streams-per-connection <n>', 'WatchServers streams one connection may hold; more get RESOURCE_EXHAUSTED')
        .env('LOOKASIDE_MAX_WATCH_STREAMS_PER_CONNECTION')
        .default(DEFAULT_MAX_WATCH_STREAMS_PER_CONNECTION)
        .argParser(parseLimit),
    )
    .addOption(new Option('--max-watch-streams <n>', 'WatchServers streams in all; more get RESOURCE_EXHAUSTED').env('LOOKASIDE_MAX_WATCH_STREAMS').default(DEFAULT_MAX_WATCH_STREAMS).argParser(parseLimit))
    .addOption(new Option('--max-request-bytes <n>', 'largest request message accepted; larger ones get RESOURCE_EXHAUSTED').env('LOOKASIDE_MAX_REQUEST_BYTES').default(DEFAULT_MAX_REQUEST_BYTES).argParser(parseLimit))
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
    .addOption(new Option('--ip-family <family>', 'which addresses of a dual-stack Service to publish').env('LOOKASIDE_IP_FAMILY').choices(['IPv4', 'IPv6', 'both']).default('IPv4'))
    .addOption(new Option('--metrics-host <address>', 'address to serve Prometheus metrics on').env('LOOKASIDE_METRICS_HOST').default('0.0.0.0'))
    .addOption(new Option('--metrics-port <number>', 'HTTP port for GET /metrics (0 picks a free one)').env('LOOKASIDE_METRICS_PORT').default(DEFAULT_METRICS_PORT).argParser(parsePort))
    .addOption(new Option('--no-metrics', 'do not serve metrics'))
    .addOption(new Option('--metrics-per-backend', 'also export traffic series per backend (intended and measured share, error ratio): one series per pod, off by default for cardinality (docs/observability.md)').env('LOOKASIDE_METRICS_PER_BACKEND'))
    .addOption(
      new Option('--load-report-interval <duration>', 'how often xDS clients report their calls (LRS), 100ms to 10m')
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
    .addOption(new Option('--live-page-remote', 'serve the live page to every address the metrics port listens on, not only loopback (refused with --caller-auth kubernetes)').env('LOOKASIDE_LIVE_PAGE_REMOTE'))
    .addOption(new Option('--tls-cert-file <path>', 'serve TLS with this PEM certificate chain (needs --tls-key-file)').env('LOOKASIDE_TLS_CERT_FILE'))
    .addOption(new Option('--tls-key-file <path>', 'PEM private key of --tls-cert-file').env('LOOKASIDE_TLS_KEY_FILE'))
    .addOption(new Option('--tls-client-ca-file <path>', 'require client certificates signed by this PEM CA bundle (mutual TLS)').env('LOOKASIDE_TLS_CLIENT_CA_FILE'))
    .addOption(new Option('--tls-reload-interval <duration>', 'how often the TLS files are re-read to pick up a rotated certificate').env('LOOKASIDE_TLS_RELOAD_INTERVAL').default(30_000, '30s').argParser(parseDuration))
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
    )
    .addHelpText('after', ambientEnvironmentHelp('serve'))
    .action(async (opts: ServeFlags, command: Command) => {
      const tls = tlsFiles(opts, command);
      if (opts.maxConnectionAgeGrace !== undefined && !(opts.maxConnectionAge > 0)) {
        command.error('error: --max-connection-age-grace needs --max-connection-age (a grace after an age that never comes does nothing)', { exitCode: ExitCode.USAGE, code: 'commander.connectionAge' });
      }
      const livePageProblem = livePageFlagProblem(opts);
      if (livePageProblem) command.error(`error: ${livePageProblem}`, { exitCode: ExitCode.USAGE, code: 'commander.livePage' });
      setExit(
        await runServe({
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
        }),
      );
    });

  // Not from LOOKASIDE_ZONE / NODE_NAME: asking as another caller is a deliberate act.
  const zoneOption = () => new Option('--zone <zone>', 'ask as a caller in this zone (topology-aware Services answer per caller)');
  const nodeOption = () => new Option('--node <name>', 'ask as a caller on this Kubernetes node');
  const callerOf = (opts: CallerFlags) => ({ ...(opts.zone !== undefined && { zone: opts.zone }), ...(opts.node !== undefined && { node: opts.node }) });
  const serverOption = () => new Option('--server <host:port>', 'control plane address').env('LOOKASIDE_CONTROL_PLANE').default(`localhost:${DEFAULT_PORT}`);
  const outputOption = () => new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table');
  const withTlsOptions = (command: Command) =>
    command
      // LOOKASIDE_CLIENT_TLS_*: the client side's own names, so that the
      // server's LOOKASIDE_TLS_CERT_FILE (its serving certificate) in the
      // same environment never becomes get's client certificate.
      .addOption(new Option('--tls', 'connect with TLS, trusting the system CAs').env('LOOKASIDE_CLIENT_TLS'))
      .addOption(new Option('--tls-ca-file <path>', 'connect with TLS, trusting this PEM CA bundle').env('LOOKASIDE_CLIENT_TLS_CA_FILE'))
      .addOption(new Option('--tls-cert-file <path>', 'client certificate for mutual TLS').env('LOOKASIDE_CLIENT_TLS_CERT_FILE'))
      .addOption(new Option('--tls-key-file <path>', 'private key of --tls-cert-file').env('LOOKASIDE_CLIENT_TLS_KEY_FILE'))
      // The client package's own variable: in a client pod, `lookaside get`
      // presents the same projected token as the application.
      .addOption(new Option('--token-file <path>', 'send the token in this file as "authorization: Bearer <token>" (for serve --caller-auth kubernetes)').env(TOKEN_FILE_ENV));
  /**
   * The token reader of --token-file: read once now, so a bad file is a
   * usage error, then again at every call (a watch's reconnects pick up a rotated token).
   */
  const tokenOf = (opts: { tokenFile?: string }, command: Command): (() => string) | undefined => {
    const file = opts.tokenFile;
    if (file === undefined) return undefined;
    try {
      readCallerTokenFile(file);
    } catch (error) {
      if (!(error instanceof CallerTokenError)) throw error;
      return command.error(`error: --token-file: ${error.message}`, { exitCode: ExitCode.USAGE, code: 'commander.token' });
    }
    return () => readCallerTokenFile(file);
  };
  /** Builds credentials from the TLS flags; a bad flag is a usage error. */
  const credentialsOf = (opts: ClientTlsFlags, command: Command) => {
    try {
      return channelCredentials(opts);
    } catch (error) {
      return command.error(`error: ${error instanceof Error ? error.message : String(error)}`, { exitCode: ExitCode.USAGE, code: 'commander.tls' });
    }
  };

  withTlsOptions(program
    .command('get'))
    .description('Print the current backends of a service port, e.g. `lookaside get greeter.default:grpc`.')
    .argument('<service>', 'name.namespace:port (port name or number)', parseServiceArgument)
    .addOption(serverOption())
    .addOption(outputOption())
    .addOption(new Option('--timeout <duration>', 'deadline of the call').default(5_000, '5s').argParser(parseDuration))
    .addOption(zoneOption())
    .addOption(nodeOption())
    .action(async (service: ServiceArgument, opts: { server: string; output: 'table' | 'json'; timeout: number; tokenFile?: string } & CallerFlags & ClientTlsFlags, command: Command) => {
      const token = tokenOf(opts, command);
      setExit(await runGet(service, { server: opts.server, output: opts.output, timeoutMs: opts.timeout, credentials: credentialsOf(opts, command), ...(token && { token }), caller: callerOf(opts) }));
    });

  withTlsOptions(program
    .command('watch'))
    .description('Print the backends of a service port, then again after every change, until interrupted.')
    .argument('<service>', 'name.namespace:port (port name or number)', parseServiceArgument)
    .addOption(serverOption())
    .addOption(outputOption())
    .addOption(new Option('--once', 'print the first answer and exit'))
    .addOption(new Option('--exit-on-error', 'exit with the status code when the stream fails, instead of reconnecting'))
    .addOption(zoneOption())
    .addOption(nodeOption())
    .action(async (service: ServiceArgument, opts: { server: string; output: 'table' | 'json'; once?: boolean; exitOnError?: boolean; tokenFile?: string } & CallerFlags & ClientTlsFlags, command: Command) => {
      const token = tokenOf(opts, command);
      setExit(
        await runWatch(service, {
          server: opts.server,
          output: opts.output,
          credentials: credentialsOf(opts, command),
          ...(token && { token }),
          caller: callerOf(opts),
          once: opts.once === true,
          exitOnError: opts.exitOnError === true,
        }),
      );
    });

  program
    .command('status')
    .description('Print what clients reported against what they were told: per service port, each backend\'s intended and measured share, call rate, error rate; every client and whether it is in sync.')
    .argument('[service]', 'name.namespace (every port) or name.namespace:port; all when absent')
    .addOption(new Option('--metrics-server <host:port>', 'the control plane\'s metrics port (GET /status.json answers loopback connections only: use kubectl port-forward)').env('LOOKASIDE_METRICS_SERVER').default(`localhost:${DEFAULT_METRICS_PORT}`))
    .addOption(outputOption())
    .addOption(new Option('--timeout <duration>', 'deadline of the request').default(5_000, '5s').argParser(parseDuration))
    .action(async (service: string | undefined, opts: { metricsServer: string; output: 'table' | 'json'; timeout: number }) => {
      const result = await runStatus(service, { metricsServer: opts.metricsServer, output: opts.output, timeoutMs: opts.timeout });
      process.stdout.write(result.stdout);
      process.stderr.write(result.stderr);
      setExit(result.code);
    });

  program
    .command('xds-bootstrap')
    .description(
      'Print the xDS bootstrap file that makes proxyless gRPC clients (Go, Java, Python, C++, Node) balance through the control plane: point GRPC_XDS_BOOTSTRAP at it and target xds:///name.namespace:port.',
    )
    .addOption(new Option('--control-plane <host:port>', 'the control plane as clients dial it').env('LOOKASIDE_CONTROL_PLANE').default(`lookaside.lookaside.svc:${DEFAULT_PORT}`))
    .addOption(new Option('--node-id <id>', "the client's node id in the control plane's logs (default: the host name, a pod's name)").env('LOOKASIDE_NODE_ID'))
    .addOption(new Option('--zone <zone>', "the client's zone (topology.kubernetes.io/zone)").env('LOOKASIDE_ZONE'))
    .addOption(new Option('--node-name <name>', 'the Kubernetes node the client runs on (spec.nodeName from the downward API)').env('NODE_NAME'))
    .addOption(new Option('--output <file>', 'write the bootstrap to this file instead of stdout'))
    .action(async (opts: { controlPlane: string; nodeId?: string; zone?: string; nodeName?: string; output?: string }) => {
      setExit(
        await runXdsBootstrap(
          {
            controlPlane: opts.controlPlane,
            ...(opts.nodeId !== undefined && { nodeId: opts.nodeId }),
            ...(opts.zone !== undefined && { zone: opts.zone }),
            ...(opts.nodeName !== undefined && { nodeName: opts.nodeName }),
          },
          opts.output,
        ),
      );
    });

  withTlsOptions(program.command('doctor'))
    .description('Check a service port end to end: control plane, endpoints, connections, health, latency, balancing and DNS, with causes and fixes.')
    .argument('<service>', 'name.namespace:port (port name or number)', parseServiceArgument)
    .addOption(serverOption())
    .addOption(new Option('--metrics-server <host:port>', "the control plane's metrics port: set measured shares from the clients' load reports beside the intended ones (GET /status.json, loopback only: kubectl port-forward)").env('LOOKASIDE_METRICS_SERVER'))
    .addOption(new Option('--kubeconfig <path>', 'read the cluster (Service, EndpointSlices, Pods) with this kubeconfig'))
    .addOption(new Option('--context <name>', 'read the cluster with this context of the kubeconfig'))
    .addOption(new Option('--cluster', 'read the cluster with the default kubeconfig ($KUBECONFIG, ~/.kube/config, in-cluster)'))
    .addOption(new Option('--calls <n>', 'health calls per backend for latency and distribution').default(100).argParser(parseCallCount))
    .addOption(new Option('--deadline <duration>', 'deadline of each network step (connect, call, API request, DNS query)').default(2_000, '2s').argParser(parseDeadline))
    .addOption(new Option('--health-service <name>', 'grpc.health.v1 service name to check, repeatable (default: "" and the Service\'s name)').argParser(collectValues))
    .addOption(new Option('--dns', 'resolve name.namespace.svc.cluster.local from where doctor runs'))
    .addOption(new Option('--backend-tls', 'connect to the backends with TLS (certificates checked against name.namespace.svc)'))
    .addOption(new Option('--backend-tls-ca-file <path>', 'trust this PEM CA bundle for the backends (implies --backend-tls)'))
    .addOption(new Option('--json', 'print the report as JSON (schema: schemas/doctor-report.schema.json)'))
    .addOption(new Option('--strict', 'exit 5 on warnings too'))
    .addHelpText('after', '\nExit codes: 0 every check passed (warnings allowed), 2 usage error, 4 control plane unreachable or\nnot serving yet, 5 a check failed (or warned, with --strict).')
    .addHelpText('after', ambientEnvironmentHelp('doctor'))
    .action(async (service: ServiceArgument, opts: DoctorFlags, command: Command) => {
      // Loaded only now, as serve loads the Kubernetes source: doctor reads
      // kubeconfigs through @kubernetes/client-node, whose load is most of a
      // command's start-up, and get, watch and status never need it.
      const { doctorCommand } = await import('./doctor/doctor-command.js');
      setExit(await doctorCommand(service, opts, command, credentialsOf(opts, command)));
    });

  return program;
}

/** Where commander writes help and usage errors; main() leaves it on the process's own streams. */
export interface ProgramOutput {
  writeOut(text: string): void;
  writeErr(text: string): void;
}

/**
 * Runs the program once and resolves with its exit code instead of exiting,
 * so that argument parsing, exit codes and messages can be checked without a
 * process per case. Commander's own output (help, usage errors) goes to
 * `output` when given; the commands write to process.stdout and stderr.
 */
export async function runProgram(argv: string[], output?: ProgramOutput): Promise<ExitCode> {
  let exitCode: ExitCode = ExitCode.OK;
  const program = buildProgram((code) => (exitCode = code));
  program.exitOverride();
  for (const command of program.commands) command.exitOverride();
  if (output) for (const command of [program, ...program.commands]) command.configureOutput(output);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    const code = (error as { code?: string }).code;
    // Help and version are successes; every other commander error is usage.
    if (code === 'commander.helpDisplayed' || code === 'commander.help' || code === 'commander.version') return ExitCode.OK;
    if (typeof code === 'string' && code.startsWith('commander.')) return ExitCode.USAGE;
    const text = `lookaside: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`;
    if (output) output.writeErr(text);
    else process.stderr.write(text);
    return ExitCode.FAILURE;
  }
  return exitCode;
}

export async function main(argv: string[]): Promise<void> {
  // Streams and servers are closed by now; exit explicitly so that a stray
  // handle cannot keep a finished command alive.
  process.exit(await runProgram(argv));
}

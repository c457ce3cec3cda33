// The definitions of the commands that read from a control plane (get,
// watch, status, doctor) or tell clients where it is (xds-bootstrap): each
// one's flags, help and action. serve has its own (serve-definition.ts).

import { Option, type Command } from 'commander';
import type { ExitCode } from './exit-codes.js';
import { runGet, runWatch } from './control-plane-commands.js';
import { collectValues, parseCallCount, parseDeadline, parseDuration, parseServiceArgument, type ServiceArgument } from './option-parsers.js';
import { runXdsBootstrap } from './xds-bootstrap.js';
import { ambientEnvironmentHelp } from './ambient-environment.js';
import type { ClientTlsFlags } from './channel-credentials.js';
import type { DoctorFlags } from './doctor/doctor-command.js';
import { runStatus } from './status-command.js';
import { DEFAULT_METRICS_PORT, DEFAULT_PORT } from './default-ports.js';
import { callerOf, credentialsOf, nodeOption, outputOption, serverOption, tokenOf, withTlsOptions, zoneOption, type CallerFlags } from './client-flags.js';

type SetExit = (code: ExitCode) => void;

/** Adds `get`: one GetServers answer, printed. */
export function defineGetCommand(program: Command, setExit: SetExit): void {
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
}

/** Adds `watch`: WatchServers answers, printed as they come. */
export function defineWatchCommand(program: Command, setExit: SetExit): void {
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
}

/** Adds `status`: the control plane's traffic status, read from its metrics port. */
export function defineStatusCommand(program: Command, setExit: SetExit): void {
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
}

/** Adds `xds-bootstrap`: the bootstrap file of proxyless xDS clients. */
export function defineXdsBootstrapCommand(program: Command, setExit: SetExit): void {
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
}

/** Adds `doctor`: the end-to-end checks of a service port. */
export function defineDoctorCommand(program: Command, setExit: SetExit): void {
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
}

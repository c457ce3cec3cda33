// `lookaside doctor`: runs the checks in order, each on what the earlier
// ones found, and prints one report. Checks that need the backend list are
// skipped (and say so) when the control plane could not give one. Every
// network step has the run's deadline, so the run always ends.

import type { ServerEntry } from 'grpc-lookaside-client';
import { ExitCode } from '../exit-codes.js';
import { skippedCheck, worstVerdict } from './check-result.js';
import { readCluster, ClusterReadError } from './cluster-reader.js';
import { checkConnect } from './connect-check.js';
import { checkControlPlane, finishVersion } from './control-plane-check.js';
import { checkDistribution } from './distribution-check.js';
import { checkDns } from './dns-check.js';
import { resolveServiceName } from './dns-resolution.js';
import type { BackendState, DoctorRun, DoctorSettings } from './doctor-context.js';
import type { CheckResult, DoctorReport } from './doctor-report-schema.js';
import { checkEndpoints } from './endpoints-check.js';
import { checkHealth } from './health-check.js';
import { checkLatency } from './latency-check.js';
import { progressLine, type ProgressLine } from './progress-line.js';
import { renderReport } from './report-text.js';
import { routeStatusFindings } from './route-status-check.js';

export interface DoctorOutput {
  readonly json: boolean;
  /** Warnings fail the run too. */
  readonly strict: boolean;
  readonly progress?: ProgressLine;
  readonly write?: (text: string) => void;
}

function backendState(server: ServerEntry): BackendState {
  return {
    report: { address: server.address, weight: server.weight, zone: server.zone, ...(server.metadata.pod && { pod: server.metadata.pod }) },
    grpcAnswers: false,
    probe: undefined,
  };
}

/** The exit code of a finished report: unreachable first, then failures, then (with --strict) warnings. */
export function exitCodeOf(checks: readonly CheckResult[], unavailable: boolean, strict: boolean): ExitCode {
  if (unavailable) return ExitCode.UNAVAILABLE;
  const worst = worstVerdict(checks.map((c) => c.verdict));
  if (worst === 'fail' || (strict && worst === 'warn')) return ExitCode.CHECK_FAILED;
  return ExitCode.OK;
}

export async function runDoctor(settings: DoctorSettings, output: DoctorOutput): Promise<ExitCode> {
  const startedAt = Date.now();
  const progress = output.progress ?? progressLine();
  const run: DoctorRun = {
    settings,
    progress,
    controlPlane: { reachable: false, health: null, synced: null, exists: null, version: null, versionAtEnd: null },
    backends: [],
    cluster: undefined,
    dns: null,
    pickFirst: null,
  };
  const checks: CheckResult[] = [];
  try {
    progress.update(`control plane: asking ${settings.server}`);
    // The cluster is read while the control plane is asked: neither waits on the other.
    const clusterRead = settings.cluster
      ? readCluster(settings.cluster.kubeConfig, settings.target, settings.deadlineMs).then(
          (view) => ({ view, error: undefined }),
          (error: unknown) => ({ view: undefined, error: error instanceof ClusterReadError ? error : new ClusterReadError(String(error)) }),
        )
      : Promise.resolve({ view: undefined, error: undefined });
    const controlPlane = await checkControlPlane(run);
    checks.push(controlPlane.result);
    const cluster = await clusterRead;
    run.cluster = cluster.view;
    run.backends = (controlPlane.servers?.servers ?? []).map(backendState);
    if (run.cluster) {
      const conditions = new Map(run.cluster.endpoints.map((e) => [e.address, e]));
      for (const backend of run.backends) {
        const endpoint = conditions.get(backend.report.address);
        backend.report.kubernetes = endpoint?.condition ?? 'absent';
        if (endpoint?.pod && !backend.report.pod) backend.report.pod = endpoint.pod;
      }
    }

    const haveList = controlPlane.servers !== undefined;
    const noList = (id: CheckResult['id']) => skippedCheck(id, 'no backend list from the control plane (see control plane)');
    // The GRPCRoutes bound to the Service: one not Accepted is in no route table, only in its status.
    const routeStatus = settings.cluster && run.cluster ? await routeStatusFindings(settings.cluster.kubeConfig, settings.target, run.cluster.port?.port, settings.deadlineMs) : [];
    checks.push(haveList ? checkEndpoints(run, cluster.error, routeStatus) : noList('endpoints'));
    progress.update(`dns: ${settings.resolveDns ? 'resolving' : 'reading'} the Service's name`);
    const dns = await resolveServiceName(run);
    run.dns = { name: dns.name, method: dns.method, addresses: [...dns.addresses] };
    if (haveList && run.backends.length > 0) {
      checks.push(await checkConnect(run));
      checks.push(await checkHealth(run));
      checks.push(await checkLatency(run));
      checks.push(await checkDistribution(run, dns));
    } else {
      const why = haveList ? 'the service has no backend' : 'no backend list from the control plane (see control plane)';
      for (const id of ['connect', 'health', 'latency', 'distribution'] as const) checks.push(skippedCheck(id, why));
    }
    checks.push(checkDns(run, dns));
    await finishVersion(run, controlPlane.result, startedAt);

    const exitCode = exitCodeOf(checks, controlPlane.unavailable, output.strict);
    const verdict = worstVerdict(checks.map((c) => c.verdict));
    const report: DoctorReport = {
      schemaVersion: 1,
      target: { service: settings.target.service, port: settings.target.port },
      server: settings.server,
      startedAt: new Date(startedAt).toISOString(),
      durationMs: Date.now() - startedAt,
      verdict: verdict === 'skip' ? 'pass' : verdict,
      exitCode,
      controlPlane: run.controlPlane,
      backends: run.backends.map((b) => b.report),
      cluster: run.cluster
        ? {
            serviceType: run.cluster.service.headless ? 'Headless' : run.cluster.service.type,
            clusterIP: run.cluster.service.clusterIP ?? null,
            ready: run.cluster.endpoints.filter((e) => e.condition === 'ready').length,
            servingTerminating: run.cluster.endpoints.filter((e) => e.condition === 'serving-terminating').length,
            notReady: run.cluster.endpoints.filter((e) => e.condition === 'not-ready').length,
            podsSelected: run.cluster.pods?.length ?? null,
            podsMissingFromSlices: (run.cluster.pods ?? []).filter((p) => p.podIP && !p.deleting && p.phase !== 'Succeeded' && p.phase !== 'Failed' && !run.cluster!.podsInSlices.has(p.name)).map((p) => p.name),
          }
        : null,
      dns: run.dns,
      pickFirst: run.pickFirst,
      checks,
    };
    progress.clear();
    const write = output.write ?? ((text: string) => process.stdout.write(text));
    write(output.json ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report, output.strict));
    return exitCode;
  } finally {
    progress.clear();
    for (const backend of run.backends) backend.probe?.close();
  }
}

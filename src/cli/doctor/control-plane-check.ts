// Check 1, the control plane: reachable, its own health SERVING, synced with
// its source, and the target known. Everything after depends on the backend
// list it answers with; without it the backend checks are skipped.

import { routeFindings } from './route-check.js';
import { status, type ServiceError } from '@grpc/grpc-js';
import { LoadBalancerStub, readCallerTokenFile, type ServersUpdate } from 'grpc-lookaside-client';
import { checkResult } from './check-result.js';
import type { DoctorRun } from './doctor-context.js';
import type { CheckResult, Finding } from './doctor-report-schema.js';
import { HealthProbe } from './health-probe.js';
import { findTlsMismatch, tlsMismatchCause, tlsMismatchFix } from '../tls-mismatch.js';

/** Keepalive as get/watch use it; doctor's channel lives only for the run. */
const CHANNEL_OPTIONS = { 'grpc.keepalive_time_ms': 30_000, 'grpc.keepalive_timeout_ms': 10_000 };

export interface ControlPlaneOutcome {
  readonly result: CheckResult;
  /** The answer to GetServers, when there was one. */
  readonly servers: ServersUpdate | undefined;
  /** Unreachable, or not serving yet: the documented exit code 4 applies. */
  readonly unavailable: boolean;
}

/** Unreachable, or TLS at one end only: grpc-js says the same for both, so the server is asked what it speaks. */
async function unreachableFinding(run: DoctorRun, code: string, details: string | undefined): Promise<Finding> {
  const { server, controlPlaneCredentials, deadlineMs } = run.settings;
  const mismatch = await findTlsMismatch(server, controlPlaneCredentials, deadlineMs);
  return {
    verdict: 'fail',
    subject: server,
    seen: `cannot reach the control plane at ${server} (${code}${details ? `: ${details}` : ''})`,
    cause: mismatch ? tlsMismatchCause(mismatch, server, 'doctor') : 'it is not running, --server names the wrong address, or TLS is on at one end only',
    fix: mismatch ? tlsMismatchFix(mismatch) : 'check --server or LOOKASIDE_CONTROL_PLANE (kubectl -n lookaside get pods,svc), and pass --tls / --tls-ca-file when it serves TLS',
  };
}

/** The caller token of --token-file, read at each call (a projected token rotates). */
function tokenOptions(run: DoctorRun): { token?: string } {
  return run.settings.tokenFile === undefined ? {} : { token: readCallerTokenFile(run.settings.tokenFile) };
}

export async function checkControlPlane(run: DoctorRun): Promise<ControlPlaneOutcome> {
  const { server, controlPlaneCredentials, deadlineMs, target } = run.settings;
  const state = run.controlPlane;
  const health = new HealthProbe(server, controlPlaneCredentials, CHANNEL_OPTIONS);
  const stub = new LoadBalancerStub(server, controlPlaneCredentials, CHANNEL_OPTIONS);
  try {
    const answer = await health.check('', deadlineMs);
    if (!answer.answered) {
      return { result: checkResult('control-plane', `unreachable at ${server}`, [await unreachableFinding(run, answer.status, answer.details)]), servers: undefined, unavailable: true };
    }
    state.reachable = true;
    state.health = answer.status;
    const findings: Finding[] = [];
    if (answer.status === 'UNIMPLEMENTED') {
      findings.push({
        verdict: 'warn',
        subject: server,
        seen: `${server} has no grpc.health.v1 service`,
        cause: 'it may not be a lookaside control plane (every version serves health)',
        fix: 'check that --server points at `lookaside serve`',
      });
    }
    let servers: ServersUpdate;
    try {
      servers = await stub.getServers({ service: target.service, port: target.port, client: { clientId: 'lookaside-doctor' } }, deadlineMs, tokenOptions(run));
    } catch (error) {
      const failure = error as ServiceError;
      const code = status[failure.code] ?? String(failure.code);
      if (failure.code === status.UNAVAILABLE && /not synced/.test(failure.details)) {
        state.synced = false;
        findings.push({
          verdict: 'fail',
          subject: server,
          seen: `the control plane is up but has not synced with its discovery source (health ${answer.status})`,
          cause: 'it cannot list Services and EndpointSlices yet: the API server is unreachable from it, or its RBAC is missing',
          fix: 'read its log (kubectl -n lookaside logs deploy/lookaside): a "forbidden" line names the missing permission',
        });
        return { result: checkResult('control-plane', 'reachable, not synced yet', findings), servers: undefined, unavailable: true };
      }
      if (failure.code === status.UNAVAILABLE || failure.code === status.DEADLINE_EXCEEDED) {
        state.reachable = false;
        return { result: checkResult('control-plane', `unreachable at ${server}`, [await unreachableFinding(run, code, failure.details)]), servers: undefined, unavailable: true };
      }
      state.synced = true;
      if (failure.code === status.NOT_FOUND) {
        state.exists = false;
        findings.push({
          verdict: 'fail',
          subject: `${target.service}:${target.port}`,
          seen: failure.details,
          cause: 'a typo in the target, a Service in another namespace, or a Service the control plane does not watch (--namespaces)',
          fix: 'use one of the ports named above, or check the Service with kubectl get svc',
        });
        return { result: checkResult('control-plane', 'reachable and synced; target not found', findings), servers: undefined, unavailable: false };
      }
      findings.push({ verdict: 'fail', subject: server, seen: `GetServers failed: ${failure.details} (${code})`, cause: failure.code === status.UNIMPLEMENTED ? 'the server at --server is not a lookaside control plane' : undefined });
      return { result: checkResult('control-plane', 'GetServers failed', findings), servers: undefined, unavailable: false };
    }
    state.synced = true;
    state.exists = true;
    state.version = servers.version;
    if (answer.status !== 'SERVING' && answer.status !== 'UNIMPLEMENTED') {
      findings.push({
        verdict: 'warn',
        subject: server,
        seen: `health says ${answer.status} although GetServers answers`,
        cause: 'the control plane is shutting down',
        fix: 'run doctor again in a moment; clients move to another replica',
      });
    }
    // A routed Service: its route's targets and its rules' failing shares (route-check.ts).
    findings.push(...(await routeFindings(stub, servers, (own, service, port) => own.getServers({ service, port, client: { clientId: 'lookaside-doctor' } }, deadlineMs, tokenOptions(run)))));
    return { result: checkResult('control-plane', `reachable, health ${answer.status}, synced; version ${servers.version}`, findings), servers, unavailable: false };
  } finally {
    health.close();
    stub.close();
  }
}

/** Milliseconds as "42 s", "5 min", "3 h" or "2 d". */
export function formatAge(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} d`;
}

/**
 * Asks for the version again at the end of the run and tells when it last
 * changed, as far as anyone can say: the lookaside API carries versions, not
 * times, so a change is dated when it happened during the run, or from the
 * EndpointSlices' recorded change time when the cluster was read.
 */
export async function finishVersion(run: DoctorRun, result: CheckResult, startedAt: number): Promise<void> {
  const { server, controlPlaneCredentials, deadlineMs, target } = run.settings;
  const state = run.controlPlane;
  if (state.version === null) return;
  const stub = new LoadBalancerStub(server, controlPlaneCredentials, CHANNEL_OPTIONS);
  try {
    const end = await stub.getServers({ service: target.service, port: target.port, client: { clientId: 'lookaside-doctor' } }, deadlineMs, tokenOptions(run));
    state.versionAtEnd = end.version;
  } catch {
    state.versionAtEnd = null;
  } finally {
    stub.close();
  }
  if (state.versionAtEnd !== null && state.versionAtEnd !== state.version) {
    result.summary += `; changed to ${state.versionAtEnd} during the run`;
    result.findings.push({
      verdict: 'warn',
      seen: `the backends changed while doctor ran (version ${state.version} -> ${state.versionAtEnd})`,
      cause: 'a rollout, a scale, or pods turning ready or unready',
      fix: 'results for backends that came or went are partial; run doctor again when it settles',
    });
    if (result.verdict === 'pass') result.verdict = 'warn';
    return;
  }
  const ranFor = formatAge(Date.now() - startedAt);
  if (run.cluster?.lastChangeMs !== undefined) {
    result.summary += `; unchanged during the run, slices last changed ${formatAge(Date.now() - run.cluster.lastChangeMs)} ago`;
  } else {
    result.summary += `; unchanged during the ${ranFor} run (the API carries no change time${run.settings.cluster ? '' : '; --kubeconfig dates it from the EndpointSlices'})`;
  }
}

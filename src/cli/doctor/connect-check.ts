// Check 3, connect: each backend takes a TCP connection and answers a gRPC
// call over HTTP/2. grpc-js reports every transport failure as UNAVAILABLE,
// so when the call fails the layers are probed one by one to tell refused,
// silent (timeout), TLS on one side only, and "not HTTP/2 at all" apart.

import type { ChannelOptions } from '@grpc/grpc-js';
import { backendLabel, checkResult, plural } from './check-result.js';
import type { BackendState, DoctorRun } from './doctor-context.js';
import type { BackendReport, CheckResult, Finding } from './doctor-report-schema.js';
import { HealthProbe } from './health-probe.js';
import { probeTcp, speaksPlaintextHttp2, speaksTls } from './transport-probes.js';

type Connect = NonNullable<BackendReport['connect']>;

/** Options of the per-backend channels: a TLS certificate is checked against the Service's in-cluster name, as a lookaside client checks it. */
export function backendChannelOptions(run: DoctorRun): ChannelOptions {
  const authority = `${run.settings.target.service}.svc`;
  return {
    // Each probe gets its own connection, not one pooled with the lookaside channel's.
    'grpc.use_local_subchannel_pool': 1,
    ...(run.settings.backendTls && { 'grpc.ssl_target_name_override': authority, 'grpc.default_authority': authority }),
  };
}

async function connectOne(run: DoctorRun, backend: BackendState): Promise<Finding | undefined> {
  const { deadlineMs, backendTls, backendCredentials } = run.settings;
  const report = backend.report;
  const label = backendLabel(report);
  const tcp = await probeTcp(report.address, deadlineMs);
  if (tcp.outcome !== 'ok') {
    report.connect = { tcp: tcp.outcome, grpc: 'skipped', ...(tcp.detail && { detail: tcp.detail }) };
    if (tcp.outcome === 'refused') {
      return {
        verdict: 'fail',
        subject: label,
        seen: `connection refused by ${report.address}`,
        cause: 'nothing listens on that port: the process is down or restarting, or the Service\'s targetPort is not the port the server listens on',
        fix: 'compare the container\'s listening port with targetPort; kubectl logs for a crash',
      };
    }
    if (tcp.outcome === 'timeout') {
      return {
        verdict: 'fail',
        subject: label,
        seen: `no answer to a TCP connect within ${deadlineMs} ms`,
        cause: 'packets are dropped: a NetworkPolicy or firewall, or the pod is gone while its address is still listed',
        fix: 'check NetworkPolicies that select the pod; run doctor from inside the cluster (kubectl run) if you are outside it',
      };
    }
    return { verdict: 'fail', subject: label, seen: `cannot connect to ${report.address} (${tcp.detail})`, cause: 'no route to the address from where doctor runs', fix: 'run doctor from inside the cluster' };
  }
  backend.probe = new HealthProbe(report.address, backendCredentials, backendChannelOptions(run));
  const answer = await backend.probe.check('', deadlineMs);
  if (answer.answered) {
    backend.grpcAnswers = true;
    report.connect = { tcp: 'ok', grpc: 'ok' };
    return undefined;
  }
  // The call failed below gRPC: find out which layer.
  let connect: Connect;
  let finding: Finding;
  if (backendTls) {
    if (await speaksPlaintextHttp2(report.address, deadlineMs)) {
      connect = { tcp: 'ok', grpc: 'tls-mismatch', detail: 'backend speaks plaintext HTTP/2' };
      finding = { verdict: 'fail', subject: label, seen: 'TLS mismatch: doctor connected with TLS (--backend-tls) and the backend speaks plaintext', cause: 'the backend serves without TLS', fix: 'drop --backend-tls, or make the server use TLS credentials if clients expect them' };
    } else if (await speaksTls(report.address, deadlineMs)) {
      connect = { tcp: 'ok', grpc: 'tls-error', detail: answer.details ?? answer.status };
      finding = { verdict: 'fail', subject: label, seen: `the TLS handshake succeeds but the gRPC call fails: ${answer.details ?? answer.status}`, cause: 'the certificate is not trusted (--backend-tls-ca-file) or does not name the Service (name.namespace.svc)', fix: 'issue the certificate for name.namespace.svc, or trust its CA with --backend-tls-ca-file' };
    } else {
      connect = { tcp: 'ok', grpc: 'not-http2', detail: answer.details ?? answer.status };
      finding = { verdict: 'fail', subject: label, seen: 'the port accepts TCP but speaks neither TLS nor HTTP/2', cause: 'another protocol listens there (HTTP/1, a database, a metrics port)', fix: 'point the Service port at the gRPC port' };
    }
  } else if (await speaksTls(report.address, deadlineMs)) {
    connect = { tcp: 'ok', grpc: 'tls-mismatch', detail: 'backend speaks TLS' };
    finding = { verdict: 'fail', subject: label, seen: 'TLS mismatch: the backend speaks TLS and doctor connected plaintext', cause: 'the server uses TLS credentials; plaintext clients fail with UNAVAILABLE', fix: 'give clients TLS credentials (doctor: --backend-tls), or serve plaintext' };
  } else if (await speaksPlaintextHttp2(report.address, deadlineMs)) {
    const timedOut = answer.status === 'DEADLINE_EXCEEDED';
    connect = { tcp: 'ok', grpc: timedOut ? 'timeout' : 'error', detail: answer.details ?? answer.status };
    finding = timedOut
      ? { verdict: 'fail', subject: label, seen: `HTTP/2 answers but the gRPC call got no answer within ${deadlineMs} ms`, cause: 'the server is overloaded or its event loop is blocked', fix: 'look at the backend\'s CPU and logs; raise --deadline to measure it' }
      : { verdict: 'fail', subject: label, seen: `HTTP/2 answers but the gRPC call failed: ${answer.details ?? answer.status}`, cause: 'a proxy or non-gRPC HTTP/2 server on the port', fix: 'point the Service port at the gRPC server' };
  } else {
    connect = { tcp: 'ok', grpc: 'not-http2', detail: answer.details ?? answer.status };
    finding = { verdict: 'fail', subject: label, seen: 'the port accepts TCP but does not speak HTTP/2', cause: 'another protocol listens there (HTTP/1, a database, a metrics port)', fix: 'point the Service port at the gRPC port' };
  }
  report.connect = connect;
  return finding;
}

export async function checkConnect(run: DoctorRun): Promise<CheckResult> {
  let done = 0;
  const findings = await Promise.all(
    run.backends.map(async (backend) => {
      const finding = await connectOne(run, backend);
      run.progress.update(`connect: ${++done}/${run.backends.length} backends`);
      return finding;
    }),
  );
  const failed = findings.filter((f): f is Finding => f !== undefined);
  const answering = run.backends.filter((b) => b.grpcAnswers).length;
  return checkResult('connect', `${answering}/${plural(run.backends.length, 'backend')} answer TCP and gRPC over HTTP/2${run.settings.backendTls ? ' with TLS' : ''}`, failed);
}

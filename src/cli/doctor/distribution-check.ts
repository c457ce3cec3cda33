// Check 6, distribution: health calls through a real lookaside channel
// (registerLookaside against the same control plane, the default weighted
// round robin), counted per backend by the registration's pick observer,
// against each backend's weight share. Beside it, what a plain pick_first
// channel to the Service's DNS name does with the same calls: measured when
// the name resolves from here, else told from the Service type (and the
// report says which).

import { registerLookaside, lookasideChannelOptions, type PickEvent } from 'grpc-lookaside-client';
import { backendLabel, checkResult, plural } from './check-result.js';
import { backendChannelOptions } from './connect-check.js';
import type { DoctorRun } from './doctor-context.js';
import type { CheckResult, DoctorReport, Finding } from './doctor-report-schema.js';
import type { DnsOutcome } from './dns-resolution.js';
import { HealthProbe } from './health-probe.js';
import { measuredShareFindings } from './measured-shares.js';

/** Calls in flight at once, on each channel. */
const CONCURRENCY = 8;
/** A share may miss its weight's share by this fraction of it (plus sampling noise) before it is uneven. */
export const SHARE_TOLERANCE = 0.25;

/** Runs `total` calls, at most CONCURRENCY at a time. */
async function spread(total: number, call: () => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < total) {
      next++;
      await call();
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, total) }, worker));
}

function dnsPort(run: DoctorRun): number | undefined {
  if (run.cluster?.port) return run.cluster.port.port;
  return /^[0-9]+$/.test(run.settings.target.port) ? Number(run.settings.target.port) : undefined;
}

async function pickFirstComparison(run: DoctorRun, dns: DnsOutcome, total: number): Promise<NonNullable<DoctorReport['pickFirst']>> {
  const port = dnsPort(run);
  const target = `dns:///${dns.name}:${port ?? 'PORT'}`;
  const backends = run.backends.length;
  if (dns.method === 'resolved' && port !== undefined) {
    const probe = new HealthProbe(target, run.settings.backendCredentials, {
      ...backendChannelOptions(run),
      'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ pick_first: {} }] }),
    });
    const peers = new Map<string, number>();
    let failed = 0;
    try {
      await spread(total, async () => {
        const answer = await probe.check('', run.settings.deadlineMs);
        if (answer.answered && answer.peer) peers.set(answer.peer, (peers.get(answer.peer) ?? 0) + 1);
        else failed++;
      });
    } finally {
      probe.close();
    }
    const connections = [...peers].map(([peer, calls]) => ({ peer, calls }));
    const where = connections.map((c) => `${c.peer} (${c.calls})`).join(', ') || 'nowhere';
    return {
      method: 'measured',
      target,
      connections,
      summary: `pick_first to ${target} (measured): ${total - failed}/${total} calls answered, over ${plural(connections.length, 'connection')}: ${where}`,
    };
  }
  const why = dns.method === 'resolved' ? 'the port is named and no cluster was read to number it' : dns.resolveError ? `${dns.name} does not resolve from here` : '--dns not given';
  const service = run.cluster?.service;
  let behaviour: string;
  if (service && !service.headless && service.type !== 'ExternalName') {
    behaviour = `one connection to the virtual IP ${service.clusterIP ?? ''}; kube-proxy picks a pod per connection, so all of a client's calls go to 1 of ${backends} backends`;
  } else if (service?.headless) {
    behaviour = `one connection to the first address DNS returns: all of a client's calls go to 1 of ${backends} backends (round_robin over the records would spread them, without weights)`;
  } else {
    behaviour = `one connection whatever the Service type: all of a client's calls go to 1 backend (behind a cluster IP, to the pod kube-proxy picked)`;
  }
  return { method: 'modelled', target, connections: [], summary: `pick_first to ${target} (modelled from ${service ? `the Service type, ${service.headless ? 'headless' : service.type}` : 'how pick_first works'}; ${why}): ${behaviour}` };
}

export async function checkDistribution(run: DoctorRun, dns: DnsOutcome): Promise<CheckResult> {
  const reachable = run.backends.filter((b) => b.grpcAnswers);
  if (reachable.length === 0) return { ...checkResult('distribution', 'no backend answers gRPC (see connect)', []), verdict: 'skip' };
  const { service, port } = run.settings.target;
  const total = run.settings.calls * reachable.length;
  const picks = new Map<string, number>();
  let counting = false;
  const onPick = (event: PickEvent) => {
    if (counting) picks.set(event.address, (picks.get(event.address) ?? 0) + 1);
    else picks.set(`warm:${event.address}`, 1);
  };
  const registration = registerLookaside({
    controlPlane: run.settings.server,
    credentials: run.settings.controlPlaneCredentials,
    startTimeoutMs: run.settings.deadlineMs,
    onPick,
    client: { clientId: 'lookaside-doctor' },
    // Doctor's probe calls are not the service's traffic: reporting them would skew the measured shares it reads.
    loadReports: false,
    ...(run.settings.tokenFile !== undefined && { callerToken: { file: run.settings.tokenFile } }),
    // The client's log goes to grpc-js tracing by default; doctor's report says what matters.
    logger: () => {},
  });
  const probe = new HealthProbe(`lookaside:///${service}:${port}`, run.settings.backendCredentials, lookasideChannelOptions(backendChannelOptions(run)));
  try {
    // Warm up until every reachable backend has been picked once (bounded):
    // a channel is READY as soon as its first backend is, and counting from
    // then would credit the first-connected backend with the early calls.
    const warmUntil = Date.now() + 2 * run.settings.deadlineMs;
    for (let round = 0; round < 20 && Date.now() < warmUntil; round++) {
      await spread(reachable.length, async () => void (await probe.check('', run.settings.deadlineMs)));
      if (reachable.every((b) => picks.has(`warm:${b.report.address}`))) break;
    }
    picks.clear();
    counting = true;
    let done = 0;
    await spread(total, async () => {
      await probe.check('', run.settings.deadlineMs);
      run.progress.update(`distribution: ${++done}/${total} calls through lookaside:///${service}:${port}`);
    });
    counting = false;
  } finally {
    probe.close();
    registration.close();
  }
  run.progress.update(`distribution: ${total} calls through pick_first`);
  run.pickFirst = await pickFirstComparison(run, dns, total);

  const counted = [...picks.values()].reduce((sum, n) => sum + n, 0);
  const weightSum = reachable.reduce((sum, b) => sum + b.report.weight, 0);
  const findings: Finding[] = [];
  for (const backend of reachable) {
    const report = backend.report;
    const count = picks.get(report.address) ?? 0;
    const share = counted === 0 ? 0 : count / counted;
    const expected = report.weight / weightSum;
    report.distribution = { picks: count, share: Math.round(share * 10_000) / 10_000, expectedShare: Math.round(expected * 10_000) / 10_000 };
    // Sampling noise of `counted` independent picks, three standard deviations; EDF scheduling is far tighter.
    const noise = counted === 0 ? 0 : 3 * Math.sqrt((expected * (1 - expected)) / counted);
    if (Math.abs(share - expected) > SHARE_TOLERANCE * expected + noise) {
      findings.push({
        verdict: 'fail',
        subject: backendLabel(report),
        seen: `got ${(share * 100).toFixed(1)}% of ${counted} calls, its weight's share is ${(expected * 100).toFixed(1)}%`,
        cause: 'the lookaside channel could not use it for part of the run (it failed or reconnected), or the policy is not the weighted one',
        fix: 'run doctor again; check the client\'s service config names lookaside_weighted_round_robin',
      });
    }
  }
  const excluded = run.backends.length - reachable.length;
  const uneven = findings.length;
  const verdictText = uneven === 0 ? `every share within ${SHARE_TOLERANCE * 100}% of its weight's share` : `${uneven} of ${reachable.length} backends off their weight's share`;
  findings.push({ verdict: 'pass', seen: run.pickFirst.summary });
  if (run.settings.metricsServer !== undefined) findings.push(...(await measuredShareFindings(run.settings.metricsServer, `${service}:${port}`, run.settings.deadlineMs)));
  return checkResult(
    'distribution',
    `${counted} calls through lookaside:///${service}:${port}: ${verdictText}${excluded ? ` (${plural(excluded, 'unreachable backend')} left out)` : ''}`,
    findings,
  );
}

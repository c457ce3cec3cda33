// Check 5, latency: p50 and p99 of --calls health calls per backend, on the
// backend's own channel, one call at a time. A backend is named slow by
// comparison with the others (its p50 several times the median of theirs),
// never by an absolute number: what is slow depends on the network and the
// server, what stands out does not.

import { backendLabel, checkResult, plural } from './check-result.js';
import type { BackendState, DoctorRun } from './doctor-context.js';
import type { CheckResult, Finding } from './doctor-report-schema.js';

/** How many times the others' median p50 makes a backend slow. */
export const SLOW_FACTOR = 4;
/** Differences below this are jitter, whatever the ratio (sub-millisecond answers on a local network). */
const NOISE_FLOOR_MS = 1;

/** Nearest-rank percentile of a sorted array. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const round = (ms: number) => Math.round(ms * 100) / 100;
const shown = (ms: number | null) => (ms === null ? '-' : ms >= 10 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`);

export async function checkLatency(run: DoctorRun): Promise<CheckResult> {
  const { calls, deadlineMs } = run.settings;
  const reachable = run.backends.filter((b) => b.grpcAnswers && b.probe);
  if (reachable.length === 0) return { ...checkResult('latency', 'no backend answers gRPC (see connect)', []), verdict: 'skip' };
  let done = 0;
  const total = calls * reachable.length;
  const measure = async (backend: BackendState) => {
    const times: number[] = [];
    for (let i = 0; i < calls; i++) {
      const answer = await backend.probe!.check('', deadlineMs);
      if (answer.answered) times.push(answer.elapsedMs);
      run.progress.update(`latency: ${++done}/${total} health calls`);
    }
    times.sort((a, b) => a - b);
    const p50 = percentile(times, 50);
    const p99 = percentile(times, 99);
    backend.report.latency = { calls, answered: times.length, p50Ms: p50 === null ? null : round(p50), p99Ms: p99 === null ? null : round(p99), slow: false };
  };
  await Promise.all(reachable.map(measure));

  const findings: Finding[] = [];
  for (const backend of reachable) {
    const latency = backend.report.latency!;
    if (latency.answered < latency.calls) {
      findings.push({
        verdict: 'warn',
        subject: backendLabel(backend.report),
        seen: `${latency.calls - latency.answered} of ${latency.calls} calls got no answer within ${deadlineMs} ms`,
        cause: 'the backend stalls now and then (GC pauses, CPU throttling, a blocked event loop) or the network drops packets',
        fix: 'look at the pod\'s CPU limit and throttling (container_cpu_cfs_throttled_seconds_total)',
      });
    }
    const others = reachable.filter((b) => b !== backend && b.report.latency!.p50Ms !== null).map((b) => b.report.latency!.p50Ms!);
    const typical = median(others);
    if (latency.p50Ms === null || typical === null) continue;
    if (latency.p50Ms > SLOW_FACTOR * typical && latency.p50Ms - typical >= NOISE_FLOOR_MS) {
      latency.slow = true;
      findings.push({
        verdict: 'warn',
        subject: backendLabel(backend.report),
        seen: `p50 ${shown(latency.p50Ms)}, ${Math.round(latency.p50Ms / Math.max(typical, 0.001))}x the other backends' median p50 (${shown(typical)})`,
        cause: 'this backend is overloaded, throttled, on a busy node, or in a farther zone',
        fix: 'compare its node and zone with the others\' (kubectl get pod -o wide); lower its weight or fix the node; least-request balancing (lookaside_least_request) routes around it',
      });
    }
  }
  const measured = reachable.filter((b) => b.report.latency!.p50Ms !== null);
  const slowest = measured.reduce<BackendState | undefined>((worst, b) => (worst && worst.report.latency!.p50Ms! >= b.report.latency!.p50Ms! ? worst : b), undefined);
  const typical = median(measured.map((b) => b.report.latency!.p50Ms!));
  const table =
    slowest === undefined
      ? 'no call answered'
      : `median p50 ${shown(typical)}; slowest ${slowest.report.address} p50 ${shown(slowest.report.latency!.p50Ms)}, p99 ${shown(slowest.report.latency!.p99Ms)}`;
  return checkResult('latency', `${plural(calls, 'health call')} per backend: ${table}`, findings);
}

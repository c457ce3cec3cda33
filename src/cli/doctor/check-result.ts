// Building blocks of check results: the order of verdicts, and a check's
// verdict as the worst of its findings.

import type { CheckId, CheckResult, Finding, Verdict } from './doctor-report-schema.js';

const SEVERITY: Record<Verdict, number> = { skip: 0, pass: 1, warn: 2, fail: 3 };

export const CHECK_TITLES: Record<CheckId, string> = {
  'control-plane': 'control plane',
  endpoints: 'endpoints',
  connect: 'connect',
  health: 'health',
  latency: 'latency',
  distribution: 'distribution',
  dns: 'dns',
};

/** The worst of some verdicts; `skip` only when all are skips (or there are none). */
export function worstVerdict(verdicts: readonly Verdict[]): Verdict {
  let worst: Verdict = 'skip';
  for (const verdict of verdicts) if (SEVERITY[verdict] > SEVERITY[worst]) worst = verdict;
  return worst;
}

/**
 * A check whose verdict is the worst of its findings, or `verdict` when
 * given (a check that passes with informational findings, say).
 */
export function checkResult(id: CheckId, summary: string, findings: Finding[], verdict?: Verdict): CheckResult {
  const fromFindings = worstVerdict(findings.map((f) => f.verdict));
  return { id, title: CHECK_TITLES[id], verdict: verdict ?? (findings.length === 0 ? 'pass' : fromFindings === 'skip' ? 'pass' : fromFindings), summary, findings };
}

export function skippedCheck(id: CheckId, why: string): CheckResult {
  return { id, title: CHECK_TITLES[id], verdict: 'skip', summary: why, findings: [] };
}

/** "10.0.0.7:8080 (pod greeter-1)", or the address alone. */
export function backendLabel(backend: { address: string; pod?: string | undefined }): string {
  return backend.pod ? `${backend.address} (pod ${backend.pod})` : backend.address;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

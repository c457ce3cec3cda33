// The human form of a doctor report: one line per check, its findings
// indented beneath it (what was seen, the likely cause, the fix), a table of
// the backends, and a summary line with the exit code. Long lines are
// wrapped to the terminal (100 columns when not on one) with a hanging indent.

import type { BackendReport, DoctorReport, Verdict } from './doctor-report-schema.js';

const LABEL: Record<Verdict, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skip: 'SKIP' };

function wrap(text: string, width: number, indent: string, firstIndent = indent): string[] {
  const lines: string[] = [];
  let line = firstIndent;
  let empty = true;
  for (const word of text.split(' ')) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent + word;
    } else {
      line += (empty ? '' : ' ') + word;
    }
    empty = false;
  }
  lines.push(line);
  return lines;
}

const ms = (value: number | null | undefined) => (value === null || value === undefined ? '-' : value >= 10 ? `${Math.round(value)} ms` : `${value.toFixed(1)} ms`);

function healthCell(backend: BackendReport): string {
  if (!backend.health || backend.health.length === 0) return '-';
  // One status when every name agrees, which is the usual case.
  if (backend.health.every((h) => h.status === backend.health![0]!.status)) return backend.health[0]!.status;
  return backend.health.map((h) => (h.service === '' ? h.status : `${h.service}=${h.status}`)).join(' ');
}

function connectCell(backend: BackendReport): string {
  if (!backend.connect) return '-';
  return backend.connect.tcp !== 'ok' ? backend.connect.tcp : backend.connect.grpc;
}

function backendTable(backends: readonly BackendReport[]): string[] {
  if (backends.length === 0) return [];
  const rows = backends.map((b) => [
    b.pod ? `${b.address} ${b.pod}` : b.address,
    String(b.weight),
    b.zone || '-',
    ...(b.kubernetes ? [b.kubernetes] : []),
    connectCell(b),
    healthCell(b),
    `${ms(b.latency?.p50Ms)}/${ms(b.latency?.p99Ms)}${b.latency?.slow ? ' SLOW' : ''}`,
    b.distribution ? `${(b.distribution.share * 100).toFixed(1)}%/${(b.distribution.expectedShare * 100).toFixed(1)}%` : '-',
  ]);
  const header = ['BACKEND', 'WEIGHT', 'ZONE', ...(backends.some((b) => b.kubernetes) ? ['K8S'] : []), 'CONNECT', 'HEALTH', 'P50/P99', 'SHARE/EXPECTED'];
  const table = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...table.map((row) => (row[column] ?? '').length)));
  return table.map((row) => `  ${row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()}`);
}

const EXIT_MEANING: Record<number, string> = { 0: 'ok', 4: 'control plane unreachable or not serving', 5: 'a check failed' };

export function renderReport(report: DoctorReport, strict: boolean, width = process.stdout.isTTY ? Math.max(60, process.stdout.columns || 100) : 100): string {
  const lines: string[] = [`lookaside doctor ${report.target.service}:${report.target.port}  (control plane ${report.server})`, ''];
  const titleWidth = Math.max(...report.checks.map((c) => c.title.length));
  for (const check of report.checks) {
    const head = `${LABEL[check.verdict]}  ${check.title.padEnd(titleWidth)}  `;
    lines.push(...wrap(check.summary, width, ' '.repeat(head.length), head));
    for (const finding of check.findings) {
      const mark = finding.verdict === 'pass' || finding.verdict === 'skip' ? '-   ' : `${LABEL[finding.verdict]}`;
      const subject = finding.subject ? `${finding.subject}: ` : '';
      lines.push(...wrap(`${subject}${finding.seen}`, width, '           ', `      ${mark} `));
      if (finding.cause) lines.push(...wrap(`cause: ${finding.cause}`, width, '                  ', '           '));
      if (finding.fix) lines.push(...wrap(`fix:   ${finding.fix}`, width, '                  ', '           '));
    }
  }
  const table = backendTable(report.backends);
  if (table.length > 0) lines.push('', ...table);
  const count = (verdict: Verdict) => report.checks.filter((c) => c.verdict === verdict).length;
  const meaning = report.exitCode === 5 && strict && count('fail') === 0 ? 'a check warned (--strict)' : (EXIT_MEANING[report.exitCode] ?? '');
  lines.push(
    '',
    `${report.checks.length} checks: ${count('pass')} pass, ${count('warn')} warn, ${count('fail')} fail, ${count('skip')} skipped; exit ${report.exitCode} (${meaning}) in ${(report.durationMs / 1000).toFixed(1)} s`,
  );
  return `${lines.join('\n')}\n`;
}

// What every benchmark records: its parameters, its measurements, and each
// goal with whether it was met, in bench/results/<name>.json. bench/run.ts
// turns the files into the table bench/README.md shows.

import { cpus, totalmem } from 'node:os';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface Goal {
  /** The metric's key in `metrics`. */
  readonly metric: string;
  /** "<=" for limits (latency, memory), ">=" for floors (ratios, throughput). */
  readonly op: '<=' | '>=';
  readonly limit: number;
}

export interface BenchResult {
  readonly name: string;
  readonly params: Record<string, unknown>;
  /** Numbers, or nested records of numbers for per-case results. */
  readonly metrics: Record<string, unknown>;
  readonly goals?: readonly Goal[];
  /** One line per row for the summary table: label and formatted value. */
  readonly summary: readonly { readonly label: string; readonly value: string; readonly goal?: string; readonly met?: boolean }[];
}

/** Where results go: bench/results under the directory npm runs scripts in. */
export function resultsDirectory(): string {
  return process.env.BENCH_RESULTS_DIR ?? join(process.cwd(), 'bench', 'results');
}

export function machine() {
  return { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, v8Flags: process.execArgv.join(' ') };
}

export async function recordResult(result: BenchResult): Promise<void> {
  const goals = (result.goals ?? []).map((goal) => {
    const value = Number(result.metrics[goal.metric]);
    return { ...goal, value, met: goal.op === '<=' ? value <= goal.limit : value >= goal.limit };
  });
  const file = { name: result.name, date: new Date().toISOString(), machine: machine(), params: result.params, metrics: result.metrics, goals, summary: result.summary };
  const dir = resultsDirectory();
  await mkdir(dir, { recursive: true });
  // A --quick run must not overwrite the full-size results bench/README.md shows.
  await writeFile(join(dir, `${result.name}${quick ? '.quick' : ''}.json`), `${JSON.stringify(file, null, 2)}\n`);
  console.log(`${result.name}:`);
  for (const row of result.summary) console.log(`  ${row.label.padEnd(48)} ${row.value}${row.goal ? `   (goal ${row.goal}: ${row.met ? 'met' : 'NOT met'})` : ''}`);
}

/** `--name value` from the command line, or the default. */
export function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number, got ${process.argv[index + 1]}`);
  return value;
}

/** `--name 1000,10000` from the command line as whole numbers of at least 1, or the default. */
export function listArgument(name: string, fallback: readonly number[]): number[] {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0) return [...fallback];
  const values = String(process.argv[index + 1]).split(',').map(Number);
  if (values.some((v) => !Number.isInteger(v) || v < 1)) throw new Error(`--${name} must be whole numbers separated by commas, such as 1000,10000; got ${process.argv[index + 1]}`);
  return values;
}

/** True with --quick: every benchmark then runs a small size, for a smoke run. */
export const quick = process.argv.includes('--quick');

/** Percentile (0..100) of numbers, nearest-rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** Resident set size now, in MiB. */
export function rssMiB(): number {
  return process.memoryUsage().rss / 2 ** 20;
}

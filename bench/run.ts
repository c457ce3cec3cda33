// Runs every benchmark, each in a fresh process (so one's memory and JIT
// state cannot colour another's), then writes bench/results/summary.md, the
// table bench/README.md shows.
//
//   npm run bench             full sizes
//   npm run bench -- --quick  small sizes, for a smoke run
//   npm run bench -- balance  only the named benchmarks
//
// Benchmarks run as compiled JavaScript on plain node (npm run bench builds
// them into .bench-build/), as the control plane runs in production; with the
// production V8 flags (see PRODUCTION_NODE_FLAGS).

import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine, resultsDirectory } from './support/bench-result.js';
import { PRODUCTION_NODE_FLAGS } from './support/production-flags.js';

/** In the order they run; each is bench/<name>.ts. */
export const BENCHMARKS = ['balance', 'propagation', 'fanout-cost', 'watcher-memory', 'registry-scale', 'get-servers-throughput', 'rolling-restart', 'topology', 'xds', 'slow-start', 'heterogeneous', 'l7-proxy', 'scale-out', 'client-scale', 'xds-scale', 'routing', 'load-reports', 'lookaside-load-reports', 'client-load-reports'] as const;

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const selected = args.filter((a) => !a.startsWith('--'));
for (const name of selected) {
  if (!(BENCHMARKS as readonly string[]).includes(name)) throw new Error(`unknown benchmark "${name}"; the benchmarks are: ${BENCHMARKS.join(', ')}`);
}
const names = selected.length > 0 ? selected : [...BENCHMARKS];
const here = fileURLToPath(new URL('.', import.meta.url));

const failed: string[] = [];
for (const name of names) {
  console.log(`\n=== ${name}${quick ? ' (quick)' : ''}`);
  const run = spawnSync(process.execPath, [...PRODUCTION_NODE_FLAGS, '--expose-gc', join(here, `${name}.js`), ...(quick ? ['--quick'] : [])], { stdio: 'inherit', env: process.env });
  if (run.status !== 0) failed.push(`${name} (exit ${run.status ?? run.signal})`);
}

if (quick) {
  // Quick runs write <name>.quick.json and leave the full-size summary alone.
  if (failed.length > 0) console.error(`benchmarks that failed: ${failed.join(', ')}`);
  process.exit(failed.length > 0 ? 1 : 0);
}

// The summary covers every benchmark with a result file, not only this run's.
const rows: string[] = [];
for (const name of BENCHMARKS) {
  let result: { date: string; summary: { label: string; value: string; goal?: string; met?: boolean }[] };
  try {
    result = JSON.parse(await readFile(join(resultsDirectory(), `${name}.json`), 'utf8'));
  } catch {
    continue;
  }
  for (const row of result.summary) rows.push(`| ${name} | ${row.label} | ${row.value} | ${row.goal ?? ''} | ${row.goal ? (row.met ? 'met' : '**not met**') : ''} |`);
}
const m = machine();
const summary = [
  `Measured ${new Date().toISOString().slice(0, 10)} on ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, flags \`${PRODUCTION_NODE_FLAGS.join(' ')}\`.`,
  '',
  '| benchmark | measurement | value | goal | |',
  '|---|---|---|---|---|',
  ...rows,
  '',
].join('\n');
await writeFile(join(resultsDirectory(), 'summary.md'), summary);
console.log(`\n${summary}`);
if (failed.length > 0) {
  console.error(`benchmarks that failed: ${failed.join(', ')}`);
  process.exit(1);
}

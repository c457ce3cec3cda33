// Pools several runs of the propagation or xds benchmark change by change,
// as one run pools its trials: for a before/after comparison, run the two
// builds back to back in alternation (before, after, before, after), then
// pool each side's runs.
//
//   npx tsx bench/pool-runs.ts propagation OUT.json RUN.json RUN.json ...
//   npx tsx bench/pool-runs.ts xds OUT.json RUN.json RUN.json ...
//
// The runs must keep their samples (bench/propagation.ts has since
// 2026-12-02; bench/xds.ts always has). OUT.json has the benchmark's own
// format, with params.pooledRuns naming the runs pooled.

import { readFile, writeFile } from 'node:fs/promises';
import { percentile } from './support/bench-result.js';

interface Row {
  label: string;
  value: string;
  goal?: string;
  met?: boolean;
}
interface Run {
  name: string;
  date: string;
  machine: unknown;
  params: Record<string, unknown>;
  metrics: Record<string, unknown>;
  summary: Row[];
}
interface Trial {
  cpuPerChangeMs: number;
  samplesMs: { endToEnd: number[]; afterSource: number[] };
}
interface BaselineTrial {
  cpuPerChangeMs: number;
  samplesMs: number[];
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
const stats = (values: number[]) => ({ p50: round(percentile(values, 50), 1), p99: round(percentile(values, 99), 1), max: round(Math.max(...values), 1), samples: values.length });
const triple = (s: { p50: number; p99: number; max: number }) => `${s.p50} / ${s.p99} / ${s.max} ms`;
/** Mean CPU per change, each trial weighted by its changes. */
const cpuOf = (trials: { cpuPerChangeMs: number; changes: number }[]) => round(trials.reduce((sum, t) => sum + t.cpuPerChangeMs * t.changes, 0) / trials.reduce((sum, t) => sum + t.changes, 0), 2);

function poolPropagation(runs: Run[]) {
  const by = (run: Run) => run.metrics['byWatchers'] as Record<string, { trials: Trial[]; coldEndToEndMs: { p50: number; max: number }; pickerMs: { p50: number; p99: number } }>;
  const counts = Object.keys(by(runs[0]!));
  const metrics: Record<string, unknown> = { byWatchers: {} };
  const summary: Row[] = [];
  const goals: { metric: string; op: '<='; limit: number; value: number; met: boolean }[] = [];
  const judged = runs.reduce((sum, run) => sum + Number(run.params['trialsAtJudgedSizes']), 0);
  for (const count of counts) {
    const trials = runs.flatMap((run) => by(run)[count]!.trials);
    if (trials.some((t) => !t.samplesMs)) throw new Error(`a run of propagation has no samples for ${count} watchers: run it with a bench/propagation.ts that keeps them`);
    const endToEnd = stats(trials.flatMap((t) => t.samplesMs.endToEnd));
    const afterSource = stats(trials.flatMap((t) => t.samplesMs.afterSource));
    const cpu = cpuOf(trials.map((t) => ({ cpuPerChangeMs: t.cpuPerChangeMs, changes: t.samplesMs.endToEnd.length })));
    (metrics['byWatchers'] as Record<string, unknown>)[count] = { endToEndMs: endToEnd, afterSourceMs: afterSource, cpuPerChangeMs: cpu, trials };
    const pooled = `${runs.length} runs, ${trials.length} trials pooled (${endToEnd.samples} changes)`;
    summary.push({ label: `${count} grpc-js watchers: slice write → last watcher, p50 / p99 / max, ${pooled}`, value: triple(endToEnd), ...(count === '1000' && { goal: 'p99 ≤ 50 ms', met: endToEnd.p99 <= 50 }) });
    summary.push({ label: `${count} grpc-js watchers: registry write → last watcher, p50 / p99 / max`, value: triple(afterSource) });
    if (count === '1000') goals.push({ metric: 'endToEndP99MsAt1000', op: '<=', limit: 50, value: endToEnd.p99, met: endToEnd.p99 <= 50 });
    const baselineKey = `baselineAt${count}`;
    if (runs[0]!.metrics[baselineKey]) {
      if (trials.length !== judged) throw new Error(`expected ${judged} trials at ${count} watchers, found ${trials.length}`);
      const baselines = runs.flatMap((run) => (run.metrics[baselineKey] as { trials: BaselineTrial[] }).trials);
      const base = stats(baselines.flatMap((b) => b.samplesMs));
      const baseCpu = cpuOf(baselines.map((b) => ({ cpuPerChangeMs: b.cpuPerChangeMs, changes: b.samplesMs.length })));
      const ratio = round(afterSource.p99 / base.p99, 2);
      metrics[baselineKey] = { pooled: base, cpuPerChangeMs: baseCpu, trials: baselines };
      metrics[`p99RatioToBaselineAt${count}`] = ratio;
      goals.push({ metric: `p99RatioToBaselineAt${count}`, op: '<=', limit: 1.2, value: ratio, met: ratio <= 1.2 });
      summary.push({ label: `${count} grpc-js watchers, baseline: bare grpc-js server, write → last watcher, p50 / p99 / max, pooled`, value: triple(base) });
      summary.push({ label: `${count} grpc-js watchers: registry write → last watcher p99 over the baseline's p99`, value: String(ratio), goal: '≤ 1.2', met: ratio <= 1.2 });
      summary.push({ label: `${count} grpc-js watchers: p99 of every trial, registry write → last watcher / baseline`, value: `${trials.map((t) => round(percentile(t.samplesMs.afterSource, 99), 1)).join(', ')} / ${baselines.map((b) => round(percentile(b.samplesMs, 99), 1)).join(', ')} ms` });
      summary.push({ label: `${count} grpc-js watchers: CPU time of the server's process per change, control plane / bare server`, value: `${cpu} / ${baseCpu} ms` });
      summary.push({ label: `${count} grpc-js watchers: first 20 changes of each new fleet (cold), p50 / max, per run`, value: runs.map((run) => `${by(run)[count]!.coldEndToEndMs.p50} / ${by(run)[count]!.coldEndToEndMs.max}`).join('; ') + ' ms' });
    }
  }
  const http2 = runs.map((run) => run.metrics['http2WatchersAt1000'] as { endToEndMs: { p50: number; p99: number; max: number } } | undefined);
  if (http2.every(Boolean)) summary.push({ label: '1000 HTTP/2 readers (one trial per run, not judged): slice write → last watcher, p50 / p99 / max, per run', value: http2.map((h) => triple(h!.endToEndMs)).join('; ') });
  const picker = runs.map((run) => by(run)['1000']?.pickerMs).filter(Boolean);
  if (picker.length === runs.length) summary.push({ label: 'picker uses a new backend (at 1000 watchers), p50 / p99, per run', value: picker.map((p) => `${p!.p50} / ${p!.p99}`).join('; ') + ' ms' });
  metrics['endToEndP99MsAt1000'] = (metrics['byWatchers'] as Record<string, { endToEndMs: { p99: number } }>)['1000']?.endToEndMs.p99;
  return { metrics, summary, goals };
}

function poolXds(runs: Run[]) {
  const samples = (face: 'lookaside' | 'xds') => runs.flatMap((run) => (run.metrics['propagationMs'] as Record<string, number[]>)[face]!);
  const p = (face: 'lookaside' | 'xds', at: number) => round(percentile(samples(face), at), 1);
  const ratio = round(p('xds', 99) / p('lookaside', 99), 2);
  const each = (key: string) => runs.map((run) => run.metrics[key] as number);
  const changes = samples('lookaside').length;
  const metrics = {
    propagationMs: { lookaside: samples('lookaside'), xds: samples('xds') },
    lookasideP50Ms: p('lookaside', 50),
    lookasideP99Ms: p('lookaside', 99),
    xdsP50Ms: p('xds', 50),
    xdsP99Ms: p('xds', 99),
    xdsToLookasideP99: ratio,
    encodesPerChangeLookaside: Math.max(...each('encodesPerChangeLookaside')),
    encodesPerChangeXds: Math.max(...each('encodesPerChangeXds')),
    rssPerIdleXdsSubscriberKiB: Math.max(...each('rssPerIdleXdsSubscriberKiB')),
    heapPerIdleXdsSubscriberKiB: each('heapPerIdleXdsSubscriberKiB'),
    heapPerIdleWatcherKiB: each('heapPerIdleWatcherKiB'),
  };
  const goals = [
    { metric: 'rssPerIdleXdsSubscriberKiB', op: '<=' as const, limit: 16, value: metrics.rssPerIdleXdsSubscriberKiB, met: metrics.rssPerIdleXdsSubscriberKiB <= 16 },
    { metric: 'encodesPerChangeXds', op: '<=' as const, limit: 1, value: metrics.encodesPerChangeXds, met: metrics.encodesPerChangeXds <= 1 },
    { metric: 'encodesPerChangeLookaside', op: '<=' as const, limit: 1, value: metrics.encodesPerChangeLookaside, met: metrics.encodesPerChangeLookaside <= 1 },
  ];
  const summary: Row[] = [
    { label: `1000 lookaside.v1 watchers: registry write → last watcher, p50 / p99, ${runs.length} runs pooled (${changes} changes)`, value: `${p('lookaside', 50)} / ${p('lookaside', 99)} ms` },
    { label: '1000 xDS subscribers, same changes: registry write → last subscriber, p50 / p99', value: `${p('xds', 50)} / ${p('xds', 99)} ms` },
    { label: 'xDS p99 as a ratio to lookaside.v1 p99, same runs', value: String(ratio) },
    { label: 'encodes per change, lookaside.v1 / xDS, most of any run', value: `${metrics.encodesPerChangeLookaside} / ${metrics.encodesPerChangeXds}`, goal: '1 each', met: metrics.encodesPerChangeLookaside <= 1 && metrics.encodesPerChangeXds <= 1 },
    { label: 'RSS per idle xDS subscriber, 10000 subscribers, 100 per connection, per run', value: `${each('rssPerIdleXdsSubscriberKiB').join(' / ')} KiB (heap ${metrics.heapPerIdleXdsSubscriberKiB.join(' / ')} KiB)`, goal: '≤ 16 KiB', met: metrics.rssPerIdleXdsSubscriberKiB <= 16 },
    { label: 'heap per idle WatchServers watcher, same runs and layout, per run', value: `${metrics.heapPerIdleWatcherKiB.join(' / ')} KiB` },
  ];
  return { metrics, summary, goals };
}

const [name, out, ...files] = process.argv.slice(2);
if ((name !== 'propagation' && name !== 'xds') || !out || files.length === 0) throw new Error('usage: npx tsx bench/pool-runs.ts propagation|xds OUT.json RUN.json [RUN.json ...]');
const runs: Run[] = await Promise.all(files.map(async (file) => JSON.parse(await readFile(file, 'utf8')) as Run));
for (const [i, run] of runs.entries()) if (run.name !== name) throw new Error(`${files[i]} is a result of ${run.name}, not ${name}`);
const pooled = name === 'propagation' ? poolPropagation(runs) : poolXds(runs);
const result = {
  name,
  date: runs.at(-1)!.date,
  machine: runs[0]!.machine,
  params: { ...runs[0]!.params, pooledRuns: runs.map((run) => run.date) },
  ...pooled,
};
await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
for (const row of pooled.summary) console.log(`  ${row.label.padEnd(48)} ${row.value}${row.goal ? `   (goal ${row.goal}: ${row.met ? 'met' : 'NOT met'})` : ''}`);

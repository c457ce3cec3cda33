// An L7 proxy peer: the same calls direct through lookaside, and through
// NGINX's grpc_pass, in one run.
//
//   npx tsx bench/l7-proxy.ts [--quick] [--calls 10000] [--rounds 5] [--concurrency 32]
//                             [--backends 8] [--delay-ms 5] [--keepalive <concurrency>]
//
// Needs nginx: Debian's nginx-light (apt-get install -y nginx-light), which
// the benchmark starts itself (bench/support/nginx-proxy.ts: one process,
// master_process off, generated config in a temporary directory).
//
// --backends grpc-js backends (bench/support/call-load.ts) and a real control
// plane on the file source run in a child process of their own
// (bench/support/backend-process.ts), so this process's CPU is the client's.
// The same grpc-js client code (the identity service, --concurrency calls
// kept in flight through ONE channel) calls them three ways:
//   direct lookaside  "lookaside:///echo.bench:grpc", the client package's
//                     default policy (lookaside_weighted_round_robin; equal
//                     weights), a connection to every backend;
//   nginx grpc_pass   "dns:///127.0.0.1:<nginx port>", grpc-js's default
//                     pick_first: one HTTP/2 connection to nginx, which sends
//                     every call to the next backend of an `upstream` block
//                     of the same backends (round robin, `keepalive`
//                     --keepalive), as an app behind an L7 proxy does;
//   round_robin       grpc-js's own over a static "ipv4:" list of the
//                     backends: a floor with no control plane and no proxy.
// Cases: backends answering at once (0 ms: the per-call overhead alone) and
// after --delay-ms. Each case runs --rounds rounds; a round is one trial of
// --calls calls per path, the paths' order rotating from round to round so
// that drift on the shared machine falls on all of them. Channels are made
// and warmed (every backend answered, then 2,000 calls at full concurrency)
// before the first round of a case and kept through its rounds.
// Reported per path and case: every trial, and pooled over all its trials:
// p50 and p99 latency per call (measured by the client), calls per second
// (calls over the trials' wall time), the backends' shares (counted by the
// backends), TCP connections the backends accepted per 1,000 calls, and CPU
// per 1,000 calls of this process (the client, process.cpuUsage), of nginx
// (utime + stime from /proc/<pid>/stat: ~0 when nginx is not in the path)
// and of the backends' process. And what nginx adds over direct lookaside:
// the p50 and p99 differences and ratios, from the pooled percentiles.

import { registerLookaside } from 'grpc-lookaside-client';
import { IdentityClient } from '../test/support/identity-backends.js';
import { argument, percentile, quick, recordResult } from './support/bench-result.js';
import { BackendProcess, type BackendSample } from './support/backend-process.js';
import { keepCallsInFlight, round, warmUp } from './support/call-load.js';
import { findNginx, startNginxProxy, type NginxProxy } from './support/nginx-proxy.js';

const calls = argument('calls', quick ? 2_000 : 10_000);
const rounds = argument('rounds', quick ? 2 : 5);
const concurrency = argument('concurrency', 32);
const backendCount = argument('backends', 8);
const delayMs = argument('delay-ms', 5);
const keepalive = argument('keepalive', concurrency);
const DELAYS = [0, delayMs];
const SERVICE = 'echo';
/** Unmeasured calls per path and case before its first trial, at full concurrency. */
const WARM_CALLS = Math.max(2_000, concurrency * 20);

const PATHS = ['lookaside', 'nginx', 'round_robin'] as const;
type Path = (typeof PATHS)[number];
const LABEL: Record<Path, string> = { lookaside: 'direct lookaside', nginx: 'nginx grpc_pass', round_robin: 'round_robin' };

interface Trial {
  round: number;
  calls: number;
  failed: number;
  p50Ms: number;
  p99Ms: number;
  callsPerSecond: number;
  clientCpuMsPer1kCalls: number;
  nginxCpuMsPer1kCalls: number;
  backendsCpuMsPer1kCalls: number;
}

interface PathResult {
  /** Pooled over every trial of the path. */
  p50Ms: number;
  p99Ms: number;
  callsPerSecond: number;
  calls: number;
  failed: number;
  clientCpuMsPer1kCalls: number;
  nginxCpuMsPer1kCalls: number;
  backendsCpuMsPer1kCalls: number;
  /** Client and nginx together: the CPU the caller's side pays per 1,000 calls. */
  clientPlusNginxCpuMsPer1kCalls: number;
  /** TCP connections the backends accepted during the trials, per 1,000 calls. */
  backendConnectionsPer1kCalls: number;
  /** Percent of calls per backend, counted by the backends. */
  shares: Record<string, number>;
  /** Largest |share - 100/backends|, in percentage points. */
  maxShareDeviationPts: number;
  trials: Trial[];
}

interface Accumulator {
  latenciesMs: number[];
  calls: number;
  failed: number;
  seconds: number;
  clientCpuMs: number;
  nginxCpuMs: number;
  backendsCpuMs: number;
  connections: number;
  received: number[];
  trials: Trial[];
}

// Before anything starts: without nginx this throws, naming the package to install.
findNginx();
const backends = await BackendProcess.start({ count: backendCount, delayMs: 0, service: SERVICE });
let nginx: NginxProxy | undefined;
let nginxTickMs: number | undefined;
const open = new Set<IdentityClient>();
const metrics: Record<string, Partial<Record<Path, PathResult>>> = {};
const added: Record<string, { p50AddedMs: number; p99AddedMs: number; p50Ratio: number; p99Ratio: number; callsPerSecondRatio: number }> = {};

function clientFor(path: Path, proxy: NginxProxy): IdentityClient {
  const options = { 'grpc.use_local_subchannel_pool': 1 };
  let client: IdentityClient;
  if (path === 'lookaside') client = new IdentityClient(`lookaside:///${SERVICE}.bench:grpc`, options);
  else if (path === 'nginx') client = new IdentityClient(`dns:///${proxy.address}`, options);
  else client = new IdentityClient(`ipv4:${backends.addresses.join(',')}`, { ...options, 'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }) });
  open.add(client);
  return client;
}

const cpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
const per1k = (ms: number, n: number) => round((ms / n) * 1000, 1);

async function trial(client: IdentityClient, proxy: NginxProxy, roundIndex: number, into: Accumulator): Promise<Trial> {
  const gone = () => {
    const how = proxy.exited();
    if (how) throw new Error(`nginx ${how} during the run; its error log:\n${proxy.errorLog().trim() || '(empty)'}`);
  };
  gone();
  const b0: BackendSample = await backends.sample();
  const nginx0 = proxy.cpuMs();
  const client0 = cpuMs();
  const started = performance.now();
  const record = await keepCallsInFlight(client, { concurrency, total: calls, maxMs: 120_000 }).done;
  const seconds = (performance.now() - started) / 1000;
  const clientMs = cpuMs() - client0;
  gone();
  const nginxMs = proxy.cpuMs() - nginx0;
  const b1 = await backends.sample();
  const received = b1.calls.map((n, i) => n - b0.calls[i]!);
  into.latenciesMs.push(...record.latenciesMs);
  into.calls += record.total;
  into.failed += record.failed;
  into.seconds += seconds;
  into.clientCpuMs += clientMs;
  into.nginxCpuMs += nginxMs;
  into.backendsCpuMs += b1.cpuMs - b0.cpuMs;
  into.connections += sum(b1.connections) - sum(b0.connections);
  received.forEach((n, i) => (into.received[i] = (into.received[i] ?? 0) + n));
  for (const [failure, count] of record.failures) console.log(`    failed ${count}× ${failure}`);
  const t: Trial = {
    round: roundIndex + 1,
    calls: record.total,
    failed: record.failed,
    p50Ms: round(percentile(record.latenciesMs, 50), 2),
    p99Ms: round(percentile(record.latenciesMs, 99), 2),
    callsPerSecond: Math.round(record.total / seconds),
    clientCpuMsPer1kCalls: per1k(clientMs, record.total),
    nginxCpuMsPer1kCalls: per1k(nginxMs, record.total),
    backendsCpuMsPer1kCalls: per1k(b1.cpuMs - b0.cpuMs, record.total),
  };
  into.trials.push(t);
  return t;
}

function pooled(a: Accumulator): PathResult {
  const total = sum(a.received);
  const fair = 100 / backendCount;
  const shares: Record<string, number> = {};
  let maxDeviation = 0;
  backends.names.forEach((name, i) => {
    const share = total > 0 ? ((a.received[i] ?? 0) / total) * 100 : 0;
    shares[name] = round(share, 2);
    maxDeviation = Math.max(maxDeviation, Math.abs(share - fair));
  });
  return {
    p50Ms: round(percentile(a.latenciesMs, 50), 2),
    p99Ms: round(percentile(a.latenciesMs, 99), 2),
    callsPerSecond: Math.round(a.calls / a.seconds),
    calls: a.calls,
    failed: a.failed,
    clientCpuMsPer1kCalls: per1k(a.clientCpuMs, a.calls),
    nginxCpuMsPer1kCalls: per1k(a.nginxCpuMs, a.calls),
    backendsCpuMsPer1kCalls: per1k(a.backendsCpuMs, a.calls),
    clientPlusNginxCpuMsPer1kCalls: per1k(a.clientCpuMs + a.nginxCpuMs, a.calls),
    backendConnectionsPer1kCalls: round((a.connections / a.calls) * 1000, 2),
    shares,
    maxShareDeviationPts: round(maxDeviation, 2),
    trials: a.trials,
  };
}

const fmt = (t: Trial | PathResult) =>
  `p50 ${t.p50Ms.toFixed(2)} ms  p99 ${t.p99Ms.toFixed(2)} ms  ${t.callsPerSecond}/s  CPU/1k calls: client ${t.clientCpuMsPer1kCalls} ms, nginx ${t.nginxCpuMsPer1kCalls} ms, backends ${t.backendsCpuMsPer1kCalls} ms${t.failed ? `  FAILED ${t.failed}` : ''}`;

try {
  nginx = await startNginxProxy({ backends: backends.addresses, keepalive });
  nginxTickMs = nginx.cpuTickMs;
  console.log(`${nginx.version} pid ${nginx.pid} on ${nginx.address}; ${backendCount} backends; control plane ${backends.controlPlane}`);
  registerLookaside({ controlPlane: backends.controlPlane, startTimeoutMs: 5_000 });

  for (const [caseIndex, delay] of DELAYS.entries()) {
    await backends.setDelay(delay);
    const key = `${delay}ms`;
    const clients = new Map<Path, IdentityClient>();
    const acc = new Map<Path, Accumulator>();
    for (const path of PATHS) {
      const client = clientFor(path, nginx);
      clients.set(path, client);
      await warmUp(client, backends.names);
      // Every connection the path will use open (nginx's upstream ones too), JIT warm.
      const warm = await keepCallsInFlight(client, { concurrency, total: WARM_CALLS, maxMs: 60_000 }).done;
      if (warm.failed > 0) throw new Error(`${LABEL[path]}: ${warm.failed} warm-up calls failed: ${[...warm.failures.keys()].join('; ')}`);
      acc.set(path, { latenciesMs: [], calls: 0, failed: 0, seconds: 0, clientCpuMs: 0, nginxCpuMs: 0, backendsCpuMs: 0, connections: 0, received: [], trials: [] });
    }
    for (let r = 0; r < rounds; r++) {
      // Rotate the order each round (and each case), so no path always runs first or last.
      const order = PATHS.map((_, i) => PATHS[(i + r + caseIndex) % PATHS.length]!);
      for (const path of order) {
        const t = await trial(clients.get(path)!, nginx, r, acc.get(path)!);
        console.log(`${key.padEnd(5)} round ${r + 1} ${LABEL[path].padEnd(17)} ${fmt(t)}`);
      }
    }
    for (const client of clients.values()) {
      client.close();
      open.delete(client);
    }
    metrics[key] = {};
    for (const path of PATHS) {
      const result = pooled(acc.get(path)!);
      metrics[key][path] = result;
      const shares = Object.values(result.shares).map((s) => s.toFixed(1).padStart(5)).join(' ');
      console.log(`${key.padEnd(5)} pooled  ${LABEL[path].padEnd(17)} ${fmt(result)}  shares% [${shares}]  backend conns/1k calls ${result.backendConnectionsPer1kCalls}`);
    }
    const direct = metrics[key].lookaside!;
    const proxied = metrics[key].nginx!;
    added[key] = {
      p50AddedMs: round(proxied.p50Ms - direct.p50Ms, 2),
      p99AddedMs: round(proxied.p99Ms - direct.p99Ms, 2),
      p50Ratio: round(proxied.p50Ms / direct.p50Ms, 2),
      p99Ratio: round(proxied.p99Ms / direct.p99Ms, 2),
      callsPerSecondRatio: round(proxied.callsPerSecond / direct.callsPerSecond, 2),
    };
  }
  const log = nginx.errorLog().trim();
  if (log) console.log(`nginx error log:\n${log.split('\n').slice(-20).join('\n')}`);
} finally {
  for (const client of open) client.close();
  await nginx?.stop();
  await backends.close();
}

const signed = (ms: number) => `${ms >= 0 ? '+' : ''}${ms.toFixed(2)}`;
const summary = DELAYS.flatMap((delay) => {
  const key = `${delay}ms`;
  const m = metrics[key]!;
  const a = added[key]!;
  return [
    { label: `nginx grpc_pass vs direct lookaside, ${delay} ms backends: p50 / p99 added`, value: `${signed(a.p50AddedMs)} / ${signed(a.p99AddedMs)} ms (×${a.p50Ratio.toFixed(2)} / ×${a.p99Ratio.toFixed(2)})` },
    ...PATHS.map((p) => ({
      label: `${delay} ms backends, ${LABEL[p]}: p50 / p99, calls/s`,
      value: `${m[p]!.p50Ms.toFixed(2)} / ${m[p]!.p99Ms.toFixed(2)} ms, ${m[p]!.callsPerSecond}/s${m[p]!.failed ? `, ${m[p]!.failed} FAILED` : ''}`,
    })),
    {
      label: `${delay} ms backends, CPU ms per 1,000 calls: client direct; client + nginx via nginx`,
      value: `${m.lookaside!.clientCpuMsPer1kCalls.toFixed(1)}; ${m.nginx!.clientCpuMsPer1kCalls.toFixed(1)} + ${m.nginx!.nginxCpuMsPer1kCalls.toFixed(1)}`,
    },
    { label: `${delay} ms backends, max share deviation: direct / nginx`, value: `${m.lookaside!.maxShareDeviationPts.toFixed(1)} / ${m.nginx!.maxShareDeviationPts.toFixed(1)} pts` },
  ];
});

await recordResult({
  name: 'l7-proxy',
  params: {
    callsPerTrial: calls,
    rounds,
    concurrency,
    backends: backendCount,
    backendDelaysMs: DELAYS,
    nginx: {
      version: nginx?.version,
      mode: 'one process (daemon off, master_process off, worker_processes 1), access_log off',
      upstream: `round robin over the ${backendCount} backends, keepalive ${keepalive}, keepalive_requests 1000000`,
      listen: '127.0.0.1, HTTP/2 cleartext (listen … http2), grpc_pass grpc://backends',
      cpu: `utime + stime of the nginx process from /proc/<pid>/stat, resolution ${nginxTickMs} ms per reading`,
    },
    paths: {
      lookaside: "lookaside:///echo.bench:grpc, the client package's default policy, control plane on the file source",
      nginx: 'dns:///<nginx address>, one channel, pick_first (one HTTP/2 connection to nginx)',
      round_robin: 'ipv4:<backends>, grpc-js round_robin',
    },
    processes: 'client (this process), backends + control plane (one child process), nginx (one process)',
    warmUpCallsPerPathAndCase: WARM_CALLS,
    method: 'per case: channels warmed, then rounds of one trial per path in rotating order; percentiles pooled over all trials; CPU per 1,000 calls from process.cpuUsage (client, backends) and /proc/<pid>/stat (nginx)',
  },
  metrics: { ...metrics, nginxAdded: added },
  summary,
});
process.exit(0);

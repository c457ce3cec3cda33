// Scale-out: how long until new pods get traffic, per way of finding them.
//
//   npx tsx bench/scale-out.ts [--quick] [--window-s 60] [--concurrency 8] [--delay-ms 5] [--stop-after-ms 500]
//
// Needs Debian's dnsmasq (apt-get install -y dnsmasq): the DNS paths ask a
// real DNS server (bench/support/dns-server.ts).
//
// The story: a service scaled from 3 to 10 pods, and the 7 new ones never
// got traffic. Ten real grpc-js backends (the identity service, answering
// after --delay-ms), each on its own loopback address (127.0.0.2 ...
// 127.0.0.11) and all on the same port, as the pods behind a headless
// Service; 3 of them are in the service at first. One grpc-js channel per
// path, each keeping --concurrency calls in flight, all four at once through
// the same events:
//   dns_round_robin  round_robin over dns://127.0.0.1:<dnsmasq>/<name>:<port>:
//                    grpc-js's own DNS resolver, with its default options,
//                    against dnsmasq serving one A record per ready pod with
//                    a 5 s TTL (CoreDNS's default for a headless Service);
//   dns_pick_first   pick_first over the same name (grpc-js's default policy);
//   lookaside        lookaside:///<name>.<namespace>:grpc through a real
//                    control plane on the file source, the client package's
//                    default policy;
//   xds              a real @grpc/grpc-js-xds channel, xds:///<name>.<namespace>:<port>,
//                    on the same control plane's ADS face.
// After a steady spell, the 7 new backends are added at one instant to DNS
// (hosts file rewritten, dnsmasq re-reads it on SIGHUP) and to the registry
// (file rewritten and reloaded). Measured per path, at the client: seconds
// from that instant until each new backend answers its first call; how many
// new backends answered within 10 s and within --window-s; each backend's
// share of the calls over [0, 10 s] and [0, --window-s]. Then 10 -> 3: the 7
// leave DNS and the registry, --stop-after-ms later they shut down as a
// terminating pod does (stop listening, GOAWAY on every connection, 1 s for
// calls in flight, then connections cut), and the failed calls of each path
// are counted from the removal until a few seconds after the last exit.
// dnsmasq's query log tells when each DNS channel asked again.

import './support/grpc-dns-authority.js';
import { createRequire } from 'node:module';
import { register as registerXds } from '@grpc/grpc-js-xds';
import { registerLookaside } from 'grpc-lookaside-client';
import { xdsBootstrap } from '../src/cli/xds-bootstrap.js';
import { startFileControlPlane, type FileService } from '../test/support/file-control-plane.js';
import { IdentityClient, startIdentityBackend, type IdentityBackend } from '../test/support/identity-backends.js';
import { argument, quick, recordResult } from './support/bench-result.js';
import { keepCallsInFlight, round, warmUp, type CallRecord } from './support/call-load.js';
import { DnsServerMissingError, startDnsServer, type DnsServer } from './support/dns-server.js';

const windowS = argument('window-s', quick ? 15 : 60);
const shortS = Math.min(10, windowS);
const concurrency = argument('concurrency', 8);
const delayMs = argument('delay-ms', 5);
const stopAfterMs = argument('stop-after-ms', 500);
const steadyS = quick ? 2 : 3;
const tailS = quick ? 3 : 5;
const OLD = 3;
const TOTAL = 10;
const TTL_S = 5;
const NAMESPACE = 'bench';
const SERVICE = 'scale-out';
const DNS_NAME = `${SERVICE}.${NAMESPACE}.svc.cluster.local`;
const PATHS = ['dns_round_robin', 'dns_pick_first', 'lookaside', 'xds'] as const;
type PathName = (typeof PATHS)[number];
const LABEL: Record<PathName, string> = { dns_round_robin: 'dns round_robin', dns_pick_first: 'dns pick_first', lookaside: 'lookaside', xds: 'xDS' };

const require = createRequire(import.meta.url);
const grpcVersion = (require('@grpc/grpc-js/package.json') as { version: string }).version;
const grpcXdsVersion = (require('@grpc/grpc-js-xds/package.json') as { version: string }).version;
// The target's DNS server is asked only if grpc-js loaded after grpc-dns-authority.ts set the variable.
if (!(require('@grpc/grpc-js/build/src/environment.js') as { GRPC_NODE_USE_ALTERNATIVE_RESOLVER: boolean }).GRPC_NODE_USE_ALTERNATIVE_RESOLVER) {
  throw new Error('grpc-js loaded before bench/support/grpc-dns-authority.ts set GRPC_NODE_USE_ALTERNATIVE_RESOLVER: it would ignore the DNS server in dns:// targets');
}

interface PathResult {
  readonly newWithCallWithinShort: number;
  readonly newWithCallWithinWindow: number;
  /** Seconds from the scale-up to each new backend's first answer; null: none within the window. */
  readonly firstCallS: Record<string, number | null>;
  readonly sharePercentShort: Record<string, number>;
  readonly sharePercentWindow: Record<string, number>;
  readonly newSharePercentShort: number;
  readonly newSharePercentWindow: number;
  /** Calls answered within the window. */
  readonly callsInWindow: number;
  /** Failed calls from the start of the load to the scale-down. */
  readonly failedBeforeScaleDown: number;
  /** Calls that ended (answered or failed) from the scale-down to the end, and how many failed, by reason. */
  readonly scaleDown: { calls: number; failed: number; failures: Record<string, number> };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * An Identity client that notes, from the scale-up on, when each backend
 * first answers (the answer's arrival, so the backend's delay is included)
 * and how many calls each answers per window.
 */
class ObservedClient extends IdentityClient {
  private since = Number.POSITIVE_INFINITY;
  readonly firstAnswerS = new Map<string, number>();
  readonly shortCounts = new Map<string, number>();
  readonly windowCounts = new Map<string, number>();

  startObserving(at: number): void {
    this.since = at;
  }

  override async who(options: { timeoutMs?: number; waitForReady?: boolean } = {}): Promise<string> {
    const backend = await super.who(options);
    const elapsedS = (performance.now() - this.since) / 1_000;
    if (elapsedS >= 0) {
      if (!this.firstAnswerS.has(backend)) this.firstAnswerS.set(backend, elapsedS);
      if (elapsedS <= shortS) this.shortCounts.set(backend, (this.shortCounts.get(backend) ?? 0) + 1);
      if (elapsedS <= windowS) this.windowCounts.set(backend, (this.windowCounts.get(backend) ?? 0) + 1);
    }
    return backend;
  }
}

/** Ten backends on 127.0.0.2 ... 127.0.0.11, one port for all (tried again on another port if one address has it taken). */
async function startPods(): Promise<IdentityBackend[]> {
  for (let attempt = 0; ; attempt++) {
    const first = await startIdentityBackend('pod-0', { host: '127.0.0.2', delayMs });
    const rest = await Promise.allSettled(Array.from({ length: TOTAL - 1 }, (_, i) => startIdentityBackend(`pod-${i + 1}`, { host: `127.0.0.${i + 3}`, port: first.port, delayMs })));
    const started = rest.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    if (started.length === TOTAL - 1) return [first, ...started];
    for (const backend of [first, ...started]) backend.kill();
    const reason = rest.find((r) => r.status === 'rejected')?.reason as Error;
    if (attempt >= 4 || !/EADDRINUSE/.test(String(reason))) throw reason;
  }
}

const cleanups: (() => unknown)[] = [];
async function cleanUp(): Promise<void> {
  for (const step of cleanups.splice(0).reverse()) {
    try {
      await step();
    } catch {
      // best effort: the rest still runs
    }
  }
}

let result: Awaited<ReturnType<typeof run>>;
try {
  result = await run();
} catch (error) {
  await cleanUp();
  if (error instanceof DnsServerMissingError) {
    console.error(`scale-out: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
await cleanUp();
await report(result);
// grpc-js and the control plane's timers are closed; exit in case a socket lingers.
process.exit(0);

async function run() {
  const dnsServer: DnsServer = await startDnsServer({ ttlSeconds: TTL_S });
  cleanups.push(() => dnsServer.stop());
  const pods = await startPods();
  cleanups.push(() => pods.forEach((p) => p.kill()));
  const port = pods[0]!.port;
  const oldPods = pods.slice(0, OLD);
  const newPods = pods.slice(OLD);
  const service = (members: readonly IdentityBackend[]): FileService[] => [{ name: SERVICE, namespace: NAMESPACE, ports: [{ name: 'grpc', port, backends: members.map((p) => ({ address: p.address })) }] }];
  const hosts = (members: readonly IdentityBackend[]) => members.map((p) => p.address.slice(0, p.address.lastIndexOf(':')));

  await dnsServer.setRecords(DNS_NAME, hosts(oldPods));
  const controlPlane = await startFileControlPlane(service(oldPods));
  cleanups.push(() => controlPlane.close());
  const registration = registerLookaside({ controlPlane: controlPlane.address, startTimeoutMs: 5_000 });
  cleanups.push(() => registration.close());
  registerXds();

  // Each channel has its own subchannels, so one path's connections cannot help or hurt another's.
  const ownSubchannels = { 'grpc.use_local_subchannel_pool': 1 };
  const dnsTarget = `dns://${dnsServer.address}/${DNS_NAME}:${port}`;
  const clients: Record<PathName, ObservedClient> = {
    dns_round_robin: new ObservedClient(dnsTarget, { ...ownSubchannels, 'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }) }),
    dns_pick_first: new ObservedClient(dnsTarget, { ...ownSubchannels, 'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ pick_first: {} }] }) }),
    lookaside: new ObservedClient(`lookaside:///${SERVICE}.${NAMESPACE}:grpc`, ownSubchannels),
    // grpc-js-xds needs the port by number (docs/xds.md, "Known limits").
    xds: new ObservedClient(`xds:///${SERVICE}.${NAMESPACE}:${port}`, {
      ...ownSubchannels,
      'grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config': JSON.stringify(xdsBootstrap({ controlPlane: controlPlane.address, nodeId: 'scale-out-bench' })),
    }),
  };
  cleanups.push(() => Object.values(clients).forEach((c) => c.close()));
  const oldNames = oldPods.map((p) => p.name);
  for (const path of PATHS) {
    // pick_first sends every call to one backend: any answer will do.
    if (path === 'dns_pick_first') await clients[path].who({ timeoutMs: 10_000, waitForReady: true });
    else await warmUp(clients[path], oldNames);
  }

  const loads = Object.fromEntries(PATHS.map((path) => [path, keepCallsInFlight(clients[path], { concurrency, maxMs: 30 * 60_000, timeoutMs: 5_000 })])) as Record<PathName, ReturnType<typeof keepCallsInFlight>>;
  cleanups.push(() => Promise.all(Object.values(loads).map((l) => l.stop())));
  await sleep(steadyS * 1_000);
  const strayBefore = newPods.reduce((sum, p) => sum + p.calls, 0);
  if (strayBefore > 0) throw new Error(`the new backends answered ${strayBefore} calls before the scale-up`);

  // ---- 3 -> 10 ----------------------------------------------------------------
  const loopBefore = performance.eventLoopUtilization();
  const cpuBefore = process.cpuUsage();
  const scaledUpAt = performance.now();
  for (const path of PATHS) clients[path].startObserving(scaledUpAt);
  const [dnsUpMs, registryUpMs] = await Promise.all([
    dnsServer.setRecords(DNS_NAME, hosts(pods)),
    controlPlane.write(service(pods)).then(() => performance.now() - scaledUpAt),
  ]);
  const failedBeforeScaleDown = {} as Record<PathName, number>;
  const callsBeforeScaleDown = {} as Record<PathName, number>;
  const failuresBeforeScaleDown = {} as Record<PathName, Map<string, number>>;
  await sleep(scaledUpAt + windowS * 1_000 - performance.now());
  const loop = performance.eventLoopUtilization(loopBefore);
  const cpu = process.cpuUsage(cpuBefore);
  for (const path of PATHS) {
    failedBeforeScaleDown[path] = loads[path].record.failed;
    callsBeforeScaleDown[path] = loads[path].record.total;
    failuresBeforeScaleDown[path] = new Map(loads[path].record.failures);
  }

  // ---- 10 -> 3 ----------------------------------------------------------------
  const scaledDownAt = performance.now();
  const [dnsDownMs, registryDownMs] = await Promise.all([
    dnsServer.setRecords(DNS_NAME, hosts(oldPods)),
    controlPlane.write(service(oldPods)).then(() => performance.now() - scaledDownAt),
  ]);
  await sleep(scaledDownAt + stopAfterMs - performance.now());
  await Promise.all(newPods.map((p) => p.stop()));
  await sleep(tailS * 1_000);
  const endedAt = performance.now();
  const records = {} as Record<PathName, CallRecord>;
  for (const path of PATHS) records[path] = await loads[path].stop();

  // What grpc-js asked dnsmasq, both DNS channels together: A and AAAA per resolution, and TXT for a service config.
  const nameQueries = dnsServer.queries().filter((q) => q.name === DNS_NAME);
  const between = (from: number, to: number) => nameQueries.filter((q) => q.at >= from && q.at < to);
  const secondsAfter = (from: number, to: number) => between(from, to).filter((q) => q.type === 'A').map((q) => round((q.at - from) / 1_000, 2));
  const byType = (from: number, to: number) => Object.fromEntries([...new Set(between(from, to).map((q) => q.type))].map((t) => [t, between(from, to).filter((q) => q.type === t).length]));
  return {
    dnsServer,
    port,
    pods,
    newPods,
    clients,
    records,
    failedBeforeScaleDown,
    callsBeforeScaleDown,
    failuresBeforeScaleDown,
    timings: { dnsUpMs, registryUpMs, dnsDownMs, registryDownMs, scaleDownObservedS: (endedAt - scaledDownAt) / 1_000 },
    dnsQueries: {
      beforeScaleUp: byType(0, scaledUpAt),
      afterScaleUp: byType(scaledUpAt, scaledDownAt),
      afterScaleDown: byType(scaledDownAt, Number.POSITIVE_INFINITY),
      aAfterScaleUpS: secondsAfter(scaledUpAt, scaledDownAt),
      aAfterScaleDownS: secondsAfter(scaledDownAt, Number.POSITIVE_INFINITY),
    },
    load: { eventLoopUtilization: round(loop.utilization, 2), cpuSecondsPerSecond: round((cpu.user + cpu.system) / 1e6 / windowS, 2) },
  };
}

async function report(r: Awaited<ReturnType<typeof run>>): Promise<void> {
  const newNames = r.newPods.map((p) => p.name);
  const allNames = r.pods.map((p) => p.name);
  const percent = (counts: Map<string, number>) => {
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    return Object.fromEntries(allNames.map((n) => [n, round(((counts.get(n) ?? 0) / Math.max(1, total)) * 100, 1)]));
  };
  const describe = (path: PathName): PathResult => {
    const client = r.clients[path];
    const record = r.records[path];
    const within = (s: number) => newNames.filter((n) => (client.firstAnswerS.get(n) ?? Number.POSITIVE_INFINITY) <= s).length;
    const sharesShort = percent(client.shortCounts);
    const sharesWindow = percent(client.windowCounts);
    const newShare = (shares: Record<string, number>) => round(newNames.reduce((sum, n) => sum + shares[n]!, 0), 1);
    const failuresDown = new Map(record.failures);
    for (const [key, n] of r.failuresBeforeScaleDown[path]) failuresDown.set(key, (failuresDown.get(key) ?? 0) - n);
    for (const [key, n] of failuresDown) if (n === 0) failuresDown.delete(key);
    return {
      newWithCallWithinShort: within(shortS),
      newWithCallWithinWindow: within(windowS),
      firstCallS: Object.fromEntries(newNames.map((n) => [n, client.firstAnswerS.has(n) ? round(client.firstAnswerS.get(n)!, 3) : null])),
      sharePercentShort: sharesShort,
      sharePercentWindow: sharesWindow,
      newSharePercentShort: newShare(sharesShort),
      newSharePercentWindow: newShare(sharesWindow),
      callsInWindow: [...client.windowCounts.values()].reduce((a, b) => a + b, 0),
      failedBeforeScaleDown: r.failedBeforeScaleDown[path],
      scaleDown: { calls: record.total - r.callsBeforeScaleDown[path], failed: record.failed - r.failedBeforeScaleDown[path], failures: Object.fromEntries(failuresDown) },
    };
  };
  const results = Object.fromEntries(PATHS.map((path) => [path, describe(path)])) as Record<PathName, PathResult>;

  const fmtFirst = (first: Record<string, number | null>) => {
    const values = newNames.map((n) => first[n] ?? null);
    if (values.every((v) => v === null)) return `none within ${windowS} s`;
    return `${values.map((v) => (v === null ? '—' : v.toFixed(2))).join(' ')} s${values.includes(null) ? ` (— none within ${windowS} s)` : ''}`;
  };
  const fmtShares = (shares: Record<string, number>) => {
    const f = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));
    return `old ${allNames.slice(0, OLD).map((n) => f(shares[n]!)).join('/')} · new ${newNames.map((n) => f(shares[n]!)).join('/')} %`;
  };

  // Where lookaside or xDS does worse than a DNS path on a row, say why.
  const notes: string[] = [];
  for (const path of ['lookaside', 'xds'] as const) {
    for (const dnsPath of ['dns_round_robin', 'dns_pick_first'] as const) {
      const ours = results[path];
      const theirs = results[dnsPath];
      if (ours.scaleDown.failed > theirs.scaleDown.failed) {
        notes.push(
          theirs.newSharePercentWindow === 0
            ? `10 -> 3: ${LABEL[path]} had ${ours.scaleDown.failed} failed calls and ${LABEL[dnsPath]} ${theirs.scaleDown.failed}: ${LABEL[dnsPath]} never sent a call to the 7 backends that were removed, so their shutdown could not fail any of its calls`
            : `10 -> 3: ${LABEL[path]} had ${ours.scaleDown.failed} failed calls, ${LABEL[dnsPath]} ${theirs.scaleDown.failed}; see metrics.paths.${path}.scaleDown.failures`,
        );
      }
      if (ours.newWithCallWithinWindow < theirs.newWithCallWithinWindow || ours.newSharePercentWindow < theirs.newSharePercentWindow - 5) {
        notes.push(`3 -> 10: ${LABEL[path]} reached fewer new backends or sent them less than ${LABEL[dnsPath]}; see metrics.paths`);
      }
    }
  }

  for (const dnsPath of ['dns_round_robin', 'dns_pick_first'] as const) {
    if (results[dnsPath].newWithCallWithinWindow === 0) {
      notes.push(`10 -> 3: ${LABEL[dnsPath]} had sent no call to the 7 backends removed, so its failed-call count says nothing about how it handles a scale-down`);
    }
  }

  const summary: { label: string; value: string }[] = [];
  for (const path of PATHS) {
    const p = results[path];
    summary.push(
      {
        label: `3 -> 10, ${LABEL[path]}: new backends with a call within ${shortS} s / ${windowS} s`,
        value: `${p.newWithCallWithinShort} of ${newNames.length} / ${p.newWithCallWithinWindow} of ${newNames.length}${p.newWithCallWithinWindow < newNames.length ? ` (${newNames.length - p.newWithCallWithinWindow} got no call within ${windowS} s)` : ''}`,
      },
      { label: `3 -> 10, ${LABEL[path]}: first call on each new backend, after the scale-up`, value: fmtFirst(p.firstCallS) },
      { label: `3 -> 10, ${LABEL[path]}: share of calls over [0, ${shortS} s] (fair: 10% each)`, value: fmtShares(p.sharePercentShort) },
      { label: `3 -> 10, ${LABEL[path]}: share of calls over [0, ${windowS} s]`, value: fmtShares(p.sharePercentWindow) },
      { label: `10 -> 3, ${LABEL[path]}: failed calls`, value: `${p.scaleDown.failed} of ${p.scaleDown.calls}` },
    );
  }
  for (const note of notes) summary.push({ label: 'note', value: note });

  const dnsAfterUp = r.dnsQueries.aAfterScaleUpS;
  await recordResult({
    name: 'scale-out',
    params: {
      backends: `${OLD} -> ${TOTAL} -> ${OLD}, identity service answering after ${delayMs} ms, 127.0.0.2 ... 127.0.0.${TOTAL + 1}, all on one port`,
      concurrencyPerPath: concurrency,
      pathsRun: 'all four at once, one channel each, through the same scale-up and scale-down',
      steadyBeforeScaleUpS: steadyS,
      windowS,
      shortWindowS: shortS,
      scaleDown: `removed from DNS and the registry; ${stopAfterMs} ms later each removed backend stops listening, sends GOAWAY on its connections, lets calls in flight finish for 1 s, then cuts its connections; failed calls counted from the removal to ${tailS} s after the last backend exited`,
      firstCall: 'seconds from the scale-up (the instant the hosts file and the registry file were rewritten together) to the first answer from that backend at the client',
      retries: 'none configured on any path (no retryPolicy); grpc-js transparent retry applies to all alike',
      subchannelPool: 'grpc.use_local_subchannel_pool=1 on every channel, so paths share no connections',
      grpcJs: grpcVersion,
      grpcJsXds: grpcXdsVersion,
      dns: {
        server: `${r.dnsServer.version}, ${r.dnsServer.flags.join(' ')}`,
        name: DNS_NAME,
        target: `dns://${r.dnsServer.address}/${DNS_NAME}:${r.port}`,
        recordTtlS: TTL_S,
        ttlNote: 'grpc-js ignores the TTL: it resolves again only when its load balancing policy asks (a connection lost, a channel gone idle), at most every grpc.dns_min_time_between_resolutions_ms',
        grpcDnsOptions: 'defaults, none set: grpc.dns_min_time_between_resolutions_ms 30000, grpc.client_idle_timeout_ms 1800000, grpc.initial_reconnect_backoff_ms 1000, grpc.max_reconnect_backoff_ms 120000',
        environment: 'GRPC_NODE_USE_ALTERNATIVE_RESOLVER=true, without which grpc-js ignores the DNS server named in the target and calls getaddrinfo (see bench/support/grpc-dns-authority.ts)',
      },
      lookaside: 'lookaside:///scale-out.bench:grpc, client package default policy, control plane on the file source (registry file rewritten and reloaded)',
      xds: `xds:///scale-out.bench:${r.port}, @grpc/grpc-js-xds with a per-channel bootstrap, same control plane`,
      ...(notes.length > 0 && { notes }),
    },
    metrics: {
      scaleUp: { dnsAnsweringAllAfterMs: round(r.timings.dnsUpMs, 1), registryHoldingAllAfterMs: round(r.timings.registryUpMs, 1) },
      scaleDown: { dnsAnsweringAfterMs: round(r.timings.dnsDownMs, 1), registryAfterMs: round(r.timings.registryDownMs, 1), observedS: round(r.timings.scaleDownObservedS, 1) },
      dnsQueries: {
        note: "queries for the name that dnsmasq received from the two DNS channels together, by type (grpc-js asks A and AAAA on each resolution, and TXT for a service config); the A queries' times in seconds after the scale-up and after the scale-down",
        beforeScaleUp: r.dnsQueries.beforeScaleUp,
        afterScaleUp: r.dnsQueries.afterScaleUp,
        afterScaleDown: r.dnsQueries.afterScaleDown,
        aSecondsAfterScaleUp: dnsAfterUp,
        aSecondsAfterScaleDown: r.dnsQueries.aAfterScaleDownS,
      },
      processDuringWindow: r.load,
      paths: results,
    },
    summary,
  });
  const listed = (s: readonly number[]) => (s.length === 0 ? 'none' : `at ${s.join(', ')} s`);
  console.log(`DNS A queries from the channels: before the scale-up ${r.dnsQueries.beforeScaleUp.A ?? 0}; after it ${listed(dnsAfterUp)}; after the scale-down ${listed(r.dnsQueries.aAfterScaleDownS)}`);
  console.log(`event loop utilization during the window ${r.load.eventLoopUtilization}, CPU ${r.load.cpuSecondsPerSecond} s/s`);
}

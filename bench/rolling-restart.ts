// Rolling restart: failed calls while every backend is replaced, one by one,
// under steady load; lookaside against a DNS-style round_robin client.
//
//   npx tsx bench/rolling-restart.ts [--quick] [--pods 10] [--grace-ms 1000] [--dns-refresh-ms 5000] [--concurrency 16]
//
// Each pod is a real grpc-js backend on its own port (so each has its own
// EndpointSlice: ports are per slice). Each step follows what the
// Deployment and EndpointSlice controllers write in a rollout with
// maxSurge 1, maxUnavailable 0:
//   1. a new pod's process starts; its endpoint appears not ready (STARTING);
//   2. 300 ms later it is READY;
//   3. 100 ms later the old pod is deleted: its endpoint turns TERMINATING
//      (ready=false, serving=true, terminating=true) and the pod gets SIGTERM;
//   4. --grace-ms later the old process exits: every connection is cut at
//      once, calls in flight on it fail, as a process that exits does;
//   5. 100 ms later its endpoint is gone (the slice is deleted);
//   then 200 ms before the next pod.
// Both clients run at once, through the same rollout, each keeping
// --concurrency calls in flight (backends answer after 2 ms):
//   lookaside     "lookaside:///…" through a real control plane on the
//                 Kubernetes source (production flush pacing and timings),
//                 fed by the API harness through client-node;
//   dns           grpc-js round_robin over a resolver that re-reads the
//                 ready addresses (what CoreDNS answers for a headless
//                 Service) every --dns-refresh-ms, and also at once whenever
//                 the channel asks for re-resolution (a connection dropped).
//                 That is kinder than grpc-js's own DNS resolver, which
//                 re-resolves only when asked, at most every 30 s.
// Calls are retry-free on both (a method config without retryPolicy), so
// every failure is counted; grpc-js's transparent retry of calls that never
// left the client applies to both alike.

import { pino } from 'pino';
import { registerLookaside } from 'grpc-lookaside-client';
import { ControlPlane } from '../src/control-plane.js';
import { createKubernetesSource } from '../src/discovery/kubernetes/kubernetes-source.js';
import { IdentityClient } from '../test/support/identity-backends.js';
import { KubernetesApiHarness } from '../test/support/kubernetes-api-harness.js';
import { harnessKubeConfig } from '../test/support/kubernetes-control-plane.js';
import { endpointSlice, READY, service, STARTING, TERMINATING } from '../test/support/kubernetes-objects.js';
import { argument, percentile, quick, recordResult } from './support/bench-result.js';
import { defineDnsName, keepCallsInFlight, round, startBenchBackend, warmUp, type BenchBackend, type CallRecord } from './support/call-load.js';

const pods = argument('pods', quick ? 4 : 10);
const graceMs = argument('grace-ms', 1_000);
const dnsRefreshMs = argument('dns-refresh-ms', 5_000);
const concurrency = argument('concurrency', 16);
const BACKEND_DELAY_MS = 2;
const STEP = { readyAfterMs: 300, terminateAfterMs: 100, goneAfterExitMs: 100, pauseMs: 200 };

const NAMESPACE = 'bench';
const SERVICE = 'rolling';
const RETRY_FREE = { methodConfig: [{ name: [{}] }] };

type Phase = 'starting' | 'ready' | 'terminating';
interface Pod {
  readonly backend: BenchBackend;
  phase: Phase;
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const harness = await KubernetesApiHarness.start();
const podSet = new Set<Pod>();
let generation = 0;

function writeSlice(pod: Pod): void {
  const conditions = pod.phase === 'ready' ? READY : pod.phase === 'starting' ? STARTING : TERMINATING;
  harness.apply(
    'endpointslices',
    endpointSlice({ name: `${SERVICE}-${pod.backend.name}`, namespace: NAMESPACE, service: SERVICE, ports: [{ name: 'grpc', port: pod.backend.port }], endpoints: [{ address: '127.0.0.1', ...conditions, pod: pod.backend.name }] }),
  );
}
async function startPod(phase: Phase): Promise<Pod> {
  const pod: Pod = { backend: await startBenchBackend(`pod-${generation++}`, BACKEND_DELAY_MS), phase };
  podSet.add(pod);
  writeSlice(pod);
  return pod;
}

harness.apply('services', service(SERVICE, NAMESPACE, [{ name: 'grpc', port: 50051, targetPort: 'grpc' }]));
for (let i = 0; i < pods; i++) await startPod('ready');

const controlPlane = await ControlPlane.start({
  logger: pino({ level: 'silent' }),
  host: '127.0.0.1',
  port: 0,
  createSource: (registry, logger) => createKubernetesSource({ registry, logger, kubeConfig: harnessKubeConfig(harness.url) }),
});
await new Promise<void>((resolve) => controlPlane.registry.onSynced(resolve));
registerLookaside({ controlPlane: `127.0.0.1:${controlPlane.port}`, startTimeoutMs: 5_000 });

const dnsTarget = defineDnsName(`${SERVICE}.${NAMESPACE}`, {
  answer: () => [...podSet].filter((p) => p.phase === 'ready').map((p) => p.backend.address),
  refreshMs: dnsRefreshMs,
  reresolveOnRequest: true,
});
const clients = {
  lookaside: new IdentityClient(`lookaside:///${SERVICE}.${NAMESPACE}:grpc`, { 'grpc.service_config': JSON.stringify(RETRY_FREE) }),
  dns: new IdentityClient(dnsTarget, { 'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }], ...RETRY_FREE }) }),
};
const initialNames = [...podSet].map((p) => p.backend.name);
await warmUp(clients.lookaside, initialNames);
await warmUp(clients.dns, initialNames);

const loads = {
  lookaside: keepCallsInFlight(clients.lookaside, { concurrency, maxMs: 10 * 60_000, timeoutMs: 5_000 }),
  dns: keepCallsInFlight(clients.dns, { concurrency, maxMs: 10 * 60_000, timeoutMs: 5_000 }),
};
const rolloutStarted = performance.now();
let records: { lookaside: CallRecord; dns: CallRecord };
try {
  await sleep(500);
  for (const old of [...podSet]) {
    const fresh = await startPod('starting');
    await sleep(STEP.readyAfterMs);
    fresh.phase = 'ready';
    writeSlice(fresh);
    await sleep(STEP.terminateAfterMs);
    old.phase = 'terminating';
    writeSlice(old);
    await sleep(graceMs);
    old.backend.kill();
    await sleep(STEP.goneAfterExitMs);
    podSet.delete(old);
    harness.delete('endpointslices', NAMESPACE, `${SERVICE}-${old.backend.name}`);
    await sleep(STEP.pauseMs);
  }
  // Calls keep flowing a little after the last step, to catch late failures.
  await sleep(Math.min(dnsRefreshMs, 2_000));
} finally {
  records = { lookaside: await loads.lookaside.stop(), dns: await loads.dns.stop() };
}
const rolloutSeconds = (performance.now() - rolloutStarted) / 1000;
for (const c of Object.values(clients)) c.close();
await controlPlane.stop(500);
await harness.close();
for (const pod of podSet) pod.backend.kill();

const newNames = new Set([...podSet].map((p) => p.backend.name));
function describe(record: CallRecord) {
  const onNew = [...record.counts].filter(([name]) => newNames.has(name)).reduce((sum, [, n]) => sum + n, 0);
  return {
    calls: record.total,
    failed: record.failed,
    failedPercent: round((record.failed / Math.max(1, record.total)) * 100, 3),
    failures: Object.fromEntries(record.failures),
    p99Ms: round(percentile(record.latenciesMs, 99), 1),
    callsOnNewPodsPercent: round((onNew / Math.max(1, record.total - record.failed)) * 100, 1),
  };
}
const lookaside = describe(records.lookaside);
const dns = describe(records.dns);
for (const [name, r] of Object.entries({ lookaside, dns })) {
  console.log(`${name.padEnd(9)} ${r.calls} calls, ${r.failed} failed (${r.failedPercent}%), p99 ${r.p99Ms} ms${r.failed ? `: ${JSON.stringify(r.failures)}` : ''}`);
}
await recordResult({
  name: 'rolling-restart',
  params: {
    pods,
    graceMs,
    dnsRefreshMs,
    concurrencyPerClient: concurrency,
    backendDelayMs: BACKEND_DELAY_MS,
    step: STEP,
    retries: 'none on either client (methodConfig without retryPolicy)',
    dnsBaseline: `round_robin over the ready addresses, re-read every ${dnsRefreshMs} ms and on every re-resolution request`,
    lookaside: 'control plane on the Kubernetes source (registry writes at least 100 ms apart, production timings), API harness in the same process',
  },
  metrics: { rolloutSeconds: round(rolloutSeconds, 1), lookaside, dns, lookasideFailed: lookaside.failed, dnsFailed: dns.failed },
  goals: [{ metric: 'lookasideFailed', op: '<=', limit: 0 }],
  summary: [
    { label: `lookaside: failed calls while ${pods} pods are replaced`, value: `${lookaside.failed} of ${lookaside.calls}`, goal: '0', met: lookaside.failed === 0 },
    { label: `DNS round_robin (re-read every ${dnsRefreshMs / 1000} s): failed calls`, value: `${dns.failed} of ${dns.calls}` },
  ],
});
process.exit(0);

// The control plane's cost of lookaside.v1 load reports (ReportLoad): CPU and
// memory per reporting client at 1,000 clients, against the same run without
// reports. bench/load-reports.ts measures the same for xDS clients (LRS).
//
//   npx tsx --expose-gc bench/lookaside-load-reports.ts [--quick] [--clients 1000] [--seconds 10] [--rounds 5]
//
// Each trial starts a control plane in this process on busy.default (10
// backends) and forks a child that opens `clients` lookaside clients, 100 per
// connection, raw grpc-js calls on the generated lookaside.v1 descriptors:
// each a WatchServers stream that decodes every server list, as the client
// package does. With reports on, each also keeps a ReportLoad stream on the
// same connection (as the client package does, so the applied version
// acknowledges its watch) and sends, at the interval the control plane sets
// (1 s here, a tenth of the default), a report of all 10 backends and the
// list it applied. With reports off the control plane has load reports off
// and the clients only watch. The machine is shared and its load drifts, so
// the two sides alternate (off then on, then on then off, ...) after a
// warm-up trial that is not kept, and each side's CPU is pooled over all its
// windows; the heap (after a full GC) is each side's mean.

import { fileURLToPath } from 'node:url';
import { Client, credentials, Metadata, type ClientDuplexStream, type ClientReadableStream } from '@grpc/grpc-js';
import { REPORT_LOAD_METHOD } from '../src/server/lookaside/load-report-service.js';
import { LOAD_BALANCER_SERVICE, lookasideType } from '../src/wire/lookaside-messages.js';
import { BENCH_SERVICE, busyService } from './support/bench-control-plane.js';
import { argument, quick, recordResult } from './support/bench-result.js';
import { clientRole, closeOnRequest, measureReportCost, type ReportCostRun } from './support/control-plane-report-cost.js';

const CLIENTS = argument('clients', quick ? 200 : 1_000);
const SECONDS = argument('seconds', quick ? 3 : 10);
const ROUNDS = argument('rounds', quick ? 1 : 5);
const INTERVAL_MS = 1_000;
const PER_CHANNEL = 100;
const WATCH_PATH = `/${LOAD_BALANCER_SERVICE}/WatchServers`;
const REPORT_PATH = `/${LOAD_BALANCER_SERVICE}/${REPORT_LOAD_METHOD}`;

type Message = Record<string, unknown>;

/** Encoder and decoder of one lookaside.v1 message, field names as the proto spells them. */
function coder(name: string): { serialize: (value: Message) => Buffer; deserialize: (bytes: Buffer) => Message } {
  const type = lookasideType(name);
  return {
    serialize: (value) => Buffer.from(type.encode(type.fromObject(value)).finish()),
    deserialize: (bytes) => type.toObject(type.decode(bytes), { longs: Number, arrays: true }),
  };
}

/** The child: lookaside watchers, and with --reports a reporter each on the same connection. */
function runClients(address: string, withReports: boolean): void {
  const watchRequest = coder('WatchServersRequest');
  const watchResponse = coder('WatchServersResponse');
  const reportRequest = coder('ReportLoadRequest');
  const reportResponse = coder('ReportLoadResponse');
  const target = { service: BENCH_SERVICE.service, port: BENCH_SERVICE.port };
  const addresses = busyService(0).ports[0]!.backends.map((backend) => `${backend.host}:${backend.port}`);
  const backends = addresses.map((address, b) => ({ address, succeeded_calls: 100 + b, failed_calls: b % 2, issued_calls: 101 + b, in_progress_calls: 1 }));
  const clients: Client[] = [];
  const watches: ClientReadableStream<Message>[] = [];
  const reports: ClientDuplexStream<Message, Message>[] = [];
  let watching = 0;
  for (let i = 0; i < CLIENTS; i++) {
    if (i % PER_CHANNEL === 0) clients.push(new Client(address, credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 }));
    const client = clients.at(-1)!;
    const info = { client_id: `bench-client-${i}`, zone: 'zone-0' };
    let applied: { version: number; exists: boolean } | undefined;
    const watch = client.makeServerStreamRequest(WATCH_PATH, watchRequest.serialize, watchResponse.deserialize, { target, client: info }, new Metadata());
    watch.on('data', (response: Message) => {
      const first = applied === undefined;
      applied = { version: response.version as number, exists: response.exists as boolean };
      if (first && ++watching === CLIENTS) process.send!({ ready: true });
    });
    watch.on('error', (error: Error) => process.send!({ error: `watcher ${i}: ${error.message}` }));
    watches.push(watch);
    if (!withReports) continue;
    const report = client.makeBidiStreamRequest(REPORT_PATH, reportRequest.serialize, reportResponse.deserialize, new Metadata());
    report.on('error', (error: Error) => process.send!({ error: `reporter ${i}: ${error.message}` }));
    report.write({ client: info, targets: [] });
    // The answer sets the interval; the reporter then sends every interval, as the client package does.
    report.once('data', (response: Message) =>
      setInterval(() => report.write({ client: info, targets: [{ target, ...(applied && { applied }), backends }] }), response.report_interval_ms as number).unref(),
    );
    reports.push(report);
  }
  closeOnRequest([...watches, ...reports], clients);
}

const measure = (withReports: boolean) => measureReportCost({ script: fileURLToPath(import.meta.url), intervalMs: INTERVAL_MS, seconds: SECONDS }, withReports);

/** A side's trials pooled: CPU over all its windows, the mean heap, the range of each. */
function pool(runs: readonly ReportCostRun[]) {
  const seconds = runs.reduce((sum, run) => sum + run.seconds, 0);
  const cpuMsPerSecond = runs.reduce((sum, run) => sum + run.cpuMsPerSecond * run.seconds, 0) / seconds;
  const heapMiB = runs.reduce((sum, run) => sum + run.heapMiB, 0) / runs.length;
  const cpus = runs.map((run) => run.cpuMsPerSecond);
  const heaps = runs.map((run) => run.heapMiB);
  return { cpuMsPerSecond, heapMiB, seconds, cpuRange: [Math.min(...cpus), Math.max(...cpus)], heapRange: [Math.min(...heaps), Math.max(...heaps)] };
}

const role = clientRole();
if (role) {
  runClients(role.address, role.withReports);
} else {
  // A first run warms up the code paths of both; its figures are not kept.
  await measure(true);
  const runs = { off: [] as ReportCostRun[], on: [] as ReportCostRun[] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const withReports of round % 2 === 0 ? [false, true] : [true, false]) {
      const run = await measure(withReports);
      console.log(`  round ${round + 1}, reports ${withReports ? 'on ' : 'off'}: ${run.cpuMsPerSecond.toFixed(1)} ms/s, heap ${run.heapMiB.toFixed(1)} MiB, load average ${run.loadAverage.toFixed(1)}`);
      (withReports ? runs.on : runs.off).push(run);
    }
  }
  const off = pool(runs.off);
  const on = pool(runs.on);
  const cpuPerClientUs = ((on.cpuMsPerSecond - off.cpuMsPerSecond) * 1000) / CLIENTS;
  const heapPerClientKiB = ((on.heapMiB - off.heapMiB) * 1024) / CLIENTS;
  const reportsHandled = runs.on.reduce((sum, run) => sum + run.reportsSeen, 0);
  const reportsExpected = Math.round((CLIENTS * on.seconds * 1000) / INTERVAL_MS);
  const loads = [...runs.off, ...runs.on].map((run) => run.loadAverage);
  const range = ([low, high]: number[], digits = 1) => `${low!.toFixed(digits)} to ${high!.toFixed(digits)}`;
  await recordResult({
    name: 'lookaside-load-reports',
    params: { clients: CLIENTS, seconds: SECONDS, rounds: ROUNDS, reportIntervalMs: INTERVAL_MS, backendsPerReport: busyService(0).ports[0]!.backends.length, streamsPerConnection: PER_CHANNEL },
    metrics: {
      cpuMsPerSecondWithout: Number(off.cpuMsPerSecond.toFixed(1)),
      cpuMsPerSecondWith: Number(on.cpuMsPerSecond.toFixed(1)),
      cpuMsPerSecondTrialsWithout: runs.off.map((run) => Number(run.cpuMsPerSecond.toFixed(1))),
      cpuMsPerSecondTrialsWith: runs.on.map((run) => Number(run.cpuMsPerSecond.toFixed(1))),
      cpuUsPerClientPerSecond: Number(cpuPerClientUs.toFixed(2)),
      heapMiBWithout: Number(off.heapMiB.toFixed(1)),
      heapMiBWith: Number(on.heapMiB.toFixed(1)),
      heapMiBTrialsWithout: runs.off.map((run) => Number(run.heapMiB.toFixed(1))),
      heapMiBTrialsWith: runs.on.map((run) => Number(run.heapMiB.toFixed(1))),
      heapKiBPerClient: Number(heapPerClientKiB.toFixed(2)),
      rssMiBWith: Number(Math.max(...runs.on.map((run) => run.rssMiB)).toFixed(1)),
      reportsHandled,
      reportsExpected,
      backendsTracked: runs.on.at(-1)!.backendsTracked,
      loadAverageMin: Number(Math.min(...loads).toFixed(2)),
      loadAverageMax: Number(Math.max(...loads).toFixed(2)),
    },
    summary: [
      { label: `control plane CPU, ${CLIENTS} lookaside clients, no reports`, value: `${off.cpuMsPerSecond.toFixed(1)} ms/s (trials ${range(off.cpuRange)})` },
      { label: `the same with a ReportLoad per client per ${INTERVAL_MS / 1000} s`, value: `${on.cpuMsPerSecond.toFixed(1)} ms/s (trials ${range(on.cpuRange)})` },
      { label: 'CPU per reporting client', value: `${cpuPerClientUs.toFixed(2)} µs/s (${((cpuPerClientUs * INTERVAL_MS) / 1000).toFixed(1)} µs per report)` },
      { label: 'heap per reporting client (after GC)', value: `${heapPerClientKiB.toFixed(2)} KiB (heap ${off.heapMiB.toFixed(1)} against ${on.heapMiB.toFixed(1)} MiB)` },
      { label: 'reports handled in the windows', value: `${reportsHandled} of ${reportsExpected}` },
      { label: `trials per side (${SECONDS} s windows, alternating), load average`, value: `${runs.on.length}; ${range([Math.min(...loads), Math.max(...loads)])}` },
    ],
  });
}

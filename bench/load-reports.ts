// The control plane's cost of load reports: CPU and memory per reporting
// client at 1,000 clients, against the same run without reports.
//
//   npx tsx bench/load-reports.ts [--quick] [--clients 1000] [--seconds 20]
//
// Each run starts a control plane in this process on busy.default (10
// backends, each its own EDS locality) and forks a child that opens
// `clients` ADS streams (subscribe and ACK, as proxyless clients do, see
// support/ads-subscribers.ts), 100 per connection. In the reporting run the
// Clusters name the control plane as LRS server and every client also opens
// StreamLoadStats and sends, at the interval the control plane sets (1 s
// here, a tenth of the default, so the run sees ten times the production
// rate), a report of all 10 localities, as grpc-js-xds does. In the baseline
// run load reports are off (no LRS stream). The child's CPU is its own: this
// process's CPU over the window is the control plane's, and its heap after
// a full GC the control plane's memory.
// bench/lookaside-load-reports.ts measures the same for lookaside.v1
// clients (ReportLoad); both run through support/control-plane-report-cost.ts.
//
// Then the client's side: a real grpc-js-xds channel sends calls to a local
// backend, through a control plane with reports on and one with them off;
// the CPU of this process per call (client, backend and control plane, the
// same in both but for the reporting) is compared.

import { fileURLToPath } from 'node:url';
import { Client, credentials, Metadata, type ClientDuplexStream } from '@grpc/grpc-js';
import pino from 'pino';
import { ControlPlane } from '../src/control-plane.js';
import { decodeMessage, encodeMessage } from '../src/wire/xds-messages.js';
import { openAdsSubscribers } from './support/ads-subscribers.js';
import { StaticSource } from './support/bench-control-plane.js';
import { argument, quick, recordResult } from './support/bench-result.js';
import { clientRole, closeOnRequest, measureReportCost } from './support/control-plane-report-cost.js';
import { startIdentityBackends } from '../test/support/identity-backends.js';
import { xdsIdentityClient } from '../test/support/xds-client.js';

const CLIENTS = argument('clients', quick ? 200 : 1_000);
const SECONDS = argument('seconds', quick ? 5 : 20);
const INTERVAL_MS = 1_000;
const PER_CHANNEL = 100;
const RESOURCE = 'busy.default:50051';
const LRS_PATH = '/envoy.service.load_stats.v3.LoadReportingService/StreamLoadStats';

/** The child: ADS subscribers, and with --reports a load reporter each. */
async function runClients(address: string, withReports: boolean): Promise<void> {
  let acked = 0;
  const seen = new Set<number>();
  const ads = openAdsSubscribers({
    address,
    subscribers: CLIENTS,
    perChannel: PER_CHANNEL,
    resource: RESOURCE,
    onResponse: (index) => {
      if (seen.has(index)) return;
      seen.add(index);
      if (++acked === CLIENTS) process.send!({ ready: true });
    },
    onError: (index, error) => process.send!({ error: `subscriber ${index}: ${error.message}` }),
  });
  const calls: ClientDuplexStream<Record<string, unknown>, Record<string, unknown>>[] = [];
  const clients: Client[] = [];
  if (withReports) {
    const serialize = (value: Record<string, unknown>) => Buffer.from(encodeMessage('envoy.service.load_stats.v3.LoadStatsRequest', value));
    const deserialize = (bytes: Buffer) => decodeMessage('envoy.service.load_stats.v3.LoadStatsResponse', bytes);
    const report = {
      cluster_stats: [
        {
          cluster_name: RESOURCE,
          upstream_locality_stats: Array.from({ length: 10 }, (_, b) => ({
            locality: { zone: `zone-${b % 3}`, sub_zone: `10.0.0.${b}:8080` },
            total_successful_requests: 100 + b,
            total_error_requests: b % 2,
            total_requests_in_progress: 1,
            total_issued_requests: 101 + b,
          })),
          load_report_interval: { seconds: 1 },
        },
      ],
    };
    for (let i = 0; i < CLIENTS; i++) {
      if (i % PER_CHANNEL === 0) clients.push(new Client(address, credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 }));
      const call = clients.at(-1)!.makeBidiStreamRequest(LRS_PATH, serialize, deserialize, new Metadata());
      call.on('error', (error) => process.send!({ error: `reporter ${i}: ${error.message}` }));
      call.write({ node: { id: `bench-client-${i}`, locality: {} }, cluster_stats: [] });
      // The answer sets the interval; the reporter then sends every interval, as grpc-js-xds does.
      call.once('data', () => setInterval(() => call.write(report), INTERVAL_MS).unref());
      calls.push(call);
    }
  }
  closeOnRequest(calls, [ads, ...clients]);
}

const measure = (withReports: boolean) => measureReportCost({ script: fileURLToPath(import.meta.url), intervalMs: INTERVAL_MS, seconds: SECONDS }, withReports);

const CALLS = argument('calls', quick ? 5_000 : 40_000);

/** CPU of this process per call of a grpc-js-xds channel, with the Cluster naming an LRS server or not. */
async function clientCostPerCall(withReports: boolean): Promise<number> {
  const [backend] = await startIdentityBackends(1, 'cost');
  const controlPlane = await ControlPlane.start({
    logger: pino({ level: 'silent' }),
    host: '127.0.0.1',
    port: 0,
    createSource: (registry) => new StaticSource(registry, [{ name: 'cost', namespace: 'bench', ports: [{ name: 'grpc', port: 8080, backends: [{ host: '127.0.0.1', port: backend!.port }] }] }]),
    loadReports: withReports ? { intervalMs: INTERVAL_MS } : false,
  });
  const client = xdsIdentityClient('cost.bench:8080', { controlPlane: `127.0.0.1:${controlPlane.port}`, nodeId: 'cost' });
  await client.spread(2_000, 16, { timeoutMs: 30_000 });
  const before = process.cpuUsage();
  const { failures } = await client.spread(CALLS, 16, { timeoutMs: 30_000 });
  const cpu = process.cpuUsage(before);
  if (failures.length > 0) throw new Error(`${failures.length} calls failed: ${failures[0]!.message}`);
  client.close();
  await controlPlane.stop(1_000);
  await backend!.stop();
  return (cpu.user + cpu.system) / CALLS;
}

const role = clientRole();
if (role) {
  await runClients(role.address, role.withReports);
} else {
  // A first run warms up the code paths of both; its figures are not kept.
  await measure(true);
  const without = await measure(false);
  const withReports = await measure(true);
  const cpuPerClientUs = ((withReports.cpuMsPerSecond - without.cpuMsPerSecond) * 1000) / CLIENTS;
  const heapPerClientKiB = ((withReports.heapMiB - without.heapMiB) * 1024) / CLIENTS;
  const expectedReports = (CLIENTS * SECONDS * 1000) / INTERVAL_MS;
  // Alternated, twice each, so drift of the machine's load falls on both.
  const callCost = { on: [] as number[], off: [] as number[] };
  for (let round = 0; round < 2; round++) {
    callCost.off.push(await clientCostPerCall(false));
    callCost.on.push(await clientCostPerCall(true));
  }
  const perCallOff = Math.min(...callCost.off);
  const perCallOn = Math.min(...callCost.on);
  await recordResult({
    name: 'load-reports',
    params: { clients: CLIENTS, seconds: SECONDS, reportIntervalMs: INTERVAL_MS, localitiesPerReport: 10, streamsPerConnection: PER_CHANNEL },
    metrics: {
      cpuMsPerSecondWithout: Number(without.cpuMsPerSecond.toFixed(1)),
      cpuMsPerSecondWith: Number(withReports.cpuMsPerSecond.toFixed(1)),
      cpuUsPerClientPerSecond: Number(cpuPerClientUs.toFixed(2)),
      heapMiBWithout: Number(without.heapMiB.toFixed(1)),
      heapMiBWith: Number(withReports.heapMiB.toFixed(1)),
      heapKiBPerClient: Number(heapPerClientKiB.toFixed(2)),
      rssMiBWith: Number(withReports.rssMiB.toFixed(1)),
      reportsHandled: withReports.reportsSeen,
      reportsExpected: expectedReports,
      backendsTracked: withReports.backendsTracked,
      clientUsPerCallWithout: Number(perCallOff.toFixed(2)),
      clientUsPerCallWith: Number(perCallOn.toFixed(2)),
      clientCallCostRatio: Number((perCallOn / perCallOff).toFixed(3)),
    },
    summary: [
      { label: `control plane CPU, ${CLIENTS} xDS clients, no reports`, value: `${without.cpuMsPerSecond.toFixed(1)} ms/s` },
      { label: `the same with a report per client per ${INTERVAL_MS / 1000} s`, value: `${withReports.cpuMsPerSecond.toFixed(1)} ms/s` },
      { label: 'CPU per reporting client', value: `${cpuPerClientUs.toFixed(2)} µs/s (${((cpuPerClientUs * INTERVAL_MS) / 1000).toFixed(1)} µs per report)` },
      { label: 'heap per reporting client (after GC)', value: `${heapPerClientKiB.toFixed(2)} KiB` },
      { label: 'reports handled in the window', value: `${withReports.reportsSeen} of ${expectedReports}` },
      { label: `grpc-js-xds CPU per call, ${CALLS} calls, reports off`, value: `${perCallOff.toFixed(1)} µs` },
      { label: 'the same with reports on', value: `${perCallOn.toFixed(1)} µs (x${(perCallOn / perCallOff).toFixed(3)})` },
    ],
  });
}

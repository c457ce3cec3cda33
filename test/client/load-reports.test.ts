// lookaside_weighted_round_robin with "loadReports": backends that report
// their load in each call's trailers (ORCA, grpc-js's per-call metric
// recorder) get shares by gRFC A58's weight (qps / utilization) times the
// control plane's weight; with reports off, or no backend reporting, the
// shares are the control plane's weights alone. Real grpc-js servers and
// channels on 127.0.0.1, through a real control plane on the file source.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Metadata, Server, ServerCredentials, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { LOAD_REPORT_TRAILER, decodeLoadReport, encodeLoadReport, registerLookaside, type LookasideRegistration } from 'grpc-lookaside-client';
import { startFileControlPlane, type FileControlPlane } from '../support/file-control-plane.js';
import { IDENTITY_SERVICE, IdentityClient, waitFor } from '../support/identity-backends.js';

interface ReportingBackend {
  readonly name: string;
  readonly address: string;
  calls: number;
  stop(): Promise<void>;
}

/**
 * A backend that reports qps 100 and `utilization` with every answer, through
 * grpc-js's own per-call recorder or as a trailer made by the client
 * package's encodeLoadReport.
 */
async function startReportingBackend(name: string, utilization: number, via: 'recorder' | 'encodeLoadReport'): Promise<ReportingBackend> {
  // With metric recording on, grpc-js replaces the trailer by its recorder's report.
  const server = new Server(via === 'recorder' ? { 'grpc.server_call_metric_recording': 1 } : {});
  const backend = { name, address: '', calls: 0, stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())) };
  server.addService(IDENTITY_SERVICE, {
    Who: (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
      backend.calls++;
      if (via === 'encodeLoadReport') {
        const trailer = new Metadata();
        trailer.set(LOAD_REPORT_TRAILER, encodeLoadReport({ qps: 100, applicationUtilization: utilization }));
        return callback(null, { backend: name }, trailer);
      }
      const recorder = call.getMetricsRecorder();
      recorder.recordQpsMetric(100);
      recorder.recordApplicationUtilizationMetric(utilization);
      callback(null, { backend: name });
    },
  });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
  backend.address = `127.0.0.1:${port}`;
  return backend;
}

let busy: ReportingBackend;
let idle: ReportingBackend;
let cp: FileControlPlane;

let registration: LookasideRegistration | undefined;
beforeAll(async () => {
  // Both ways of reporting in one service: the shares hold only if the policy reads both.
  busy = await startReportingBackend('busy', 0.9, 'recorder');
  idle = await startReportingBackend('idle', 0.3, 'encodeLoadReport');
  cp = await startFileControlPlane([{ name: 'orca', namespace: 'test', ports: [{ name: 'grpc', port: 8080, backends: [{ address: busy.address }, { address: idle.address }] }] }]);
  registration = registerLookaside({ controlPlane: cp.address, startTimeoutMs: 5_000 });
});
afterAll(async () => {
  registration?.close();
  await cp?.close();
  await busy?.stop();
  await idle?.stop();
});

function channel(policy: object): IdentityClient {
  return new IdentityClient('lookaside:///orca.test:grpc', { 'grpc.use_local_subchannel_pool': 1, 'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ lookaside_weighted_round_robin: policy }] }) });
}

/**
 * Calls until both backends have answered: shares are measured only once the
 * channel has both connections, or a slow connect (a loaded machine) would
 * count as imbalance.
 */
async function untilBothAnswer(client: IdentityClient): Promise<void> {
  await waitFor('both backends to answer', async () => (await client.spread(20, 4)).counts.size === 2, 20_000);
}

/** The idle backend's share (percent) of `total` calls. */
async function idleShare(client: IdentityClient, total: number): Promise<number> {
  const before = idle.calls;
  const beforeBusy = busy.calls;
  const { failures } = await client.spread(total, 8);
  expect(failures).toEqual([]);
  return ((idle.calls - before) / (idle.calls - before + busy.calls - beforeBusy)) * 100;
}

// Generous: on a loaded machine the calls that let the weights settle are slow.
// The measured runs are short (800 and 400 calls): weighted round robin picks
// in a fixed order, so a share is exact to a call or two, and every call to
// the busy backend costs grpc-js's recorder some milliseconds of CPU.
const MEASURED_CALLS = { weighted: 800, equal: 400 };
describe('loadReports', { timeout: 60_000 }, () => {
  it('sends a backend reporting a third of the utilization three times the calls (A58: qps / utilization)', async () => {
    const client = channel({ loadReports: { blackoutPeriod: '0s', weightUpdatePeriod: '0.1s' } });
    try {
      await untilBothAnswer(client);
      // Reports arrive with the answers; the weights count from the next update period.
      await waitFor('the load weights take effect', async () => (await idleShare(client, 400)) > 70, 30_000);
      expect(Math.abs((await idleShare(client, MEASURED_CALLS.weighted)) - 75)).toBeLessThanOrEqual(3);
    } finally {
      client.close();
    }
  });

  it('is plain weighted round robin without it: equal weights, equal shares', async () => {
    const client = channel({});
    try {
      await untilBothAnswer(client);
      expect(Math.abs((await idleShare(client, MEASURED_CALLS.equal)) - 50)).toBeLessThanOrEqual(1);
    } finally {
      client.close();
    }
  });

  it('waits out the blackout period before a backend\'s reports count', async () => {
    const client = channel({ loadReports: { blackoutPeriod: '60s', weightUpdatePeriod: '0.1s' } });
    try {
      await untilBothAnswer(client);
      await client.spread(200, 8);
      // A fixed wait, and the one place it cannot be otherwise: the policy
      // recomputes weights on grpc-js's own timer (weightUpdatePeriod) and
      // tells no one; three periods pass here, so reports that counted
      // would have moved the shares measured next.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(Math.abs((await idleShare(client, MEASURED_CALLS.equal)) - 50)).toBeLessThanOrEqual(1);
    } finally {
      client.close();
    }
  });
});

describe('encodeLoadReport', () => {
  it('writes the OrcaLoadReport fields A58 reads, and leaves out the ones not given', () => {
    const report = { qps: 123.5, applicationUtilization: 0.25, cpuUtilization: 0.5, eps: 2 };
    expect(decodeLoadReport(encodeLoadReport(report))).toEqual({ qps: 123.5, applicationUtilization: 0.25, cpuUtilization: 0.5, eps: 2 });
    // Only qps: field 6 (rps_fractional), a double: one tag byte and eight value bytes.
    const qpsOnly = encodeLoadReport({ qps: 7 });
    expect([qpsOnly.length, qpsOnly[0]]).toEqual([9, (6 << 3) | 1]);
    expect(encodeLoadReport({}).length).toBe(0);
  });

  it('refuses a negative or non-finite value, naming the field', () => {
    expect(() => encodeLoadReport({ qps: -1 })).toThrow(/qps must be a finite number ≥ 0 \(got -1\)/);
    expect(() => encodeLoadReport({ applicationUtilization: Number.NaN })).toThrow(/utilization or eps must be a finite number ≥ 0/);
  });
});

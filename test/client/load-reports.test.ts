// lookaside_weighted_round_robin with "loadReports": backends that report
// their load in each call's trailers (ORCA, grpc-js's per-call metric
// recorder) get shares by gRFC A58's weight (qps / utilization) times the
// control plane's weight; with reports off, or no backend reporting, the
// shares are the control plane's weights alone. Real grpc-js servers and
// channels on 127.0.0.1, through a real control plane on the file source.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Server, ServerCredentials, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { registerLookaside } from 'grpc-lookaside-client';
import { startFileControlPlane, type FileControlPlane } from '../support/file-control-plane.js';
import { IDENTITY_SERVICE, IdentityClient, waitFor } from '../support/identity-backends.js';

interface ReportingBackend {
  readonly name: string;
  readonly address: string;
  calls: number;
  stop(): Promise<void>;
}

/** A backend that reports qps 100 and `utilization` with every answer. */
async function startReportingBackend(name: string, utilization: number): Promise<ReportingBackend> {
  const server = new Server({ 'grpc.server_call_metric_recording': 1 });
  const backend = { name, address: '', calls: 0, stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())) };
  server.addService(IDENTITY_SERVICE, {
    Who: (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
      backend.calls++;
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

beforeAll(async () => {
  busy = await startReportingBackend('busy', 0.9);
  idle = await startReportingBackend('idle', 0.3);
  cp = await startFileControlPlane([{ name: 'orca', namespace: 'test', ports: [{ name: 'grpc', port: 8080, backends: [{ address: busy.address }, { address: idle.address }] }] }]);
  registerLookaside({ controlPlane: cp.address, startTimeoutMs: 5_000 });
});
afterAll(async () => {
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
describe('loadReports', { timeout: 60_000 }, () => {
  it('sends a backend reporting a third of the utilization three times the calls (A58: qps / utilization)', async () => {
    const client = channel({ loadReports: { blackoutPeriod: '0s', weightUpdatePeriod: '0.1s' } });
    try {
      await untilBothAnswer(client);
      // Reports arrive with the answers; the weights count from the next update period.
      await waitFor('the load weights take effect', async () => (await idleShare(client, 400)) > 70, 30_000);
      expect(Math.abs((await idleShare(client, 4_000)) - 75)).toBeLessThanOrEqual(3);
    } finally {
      client.close();
    }
  });

  it('is plain weighted round robin without it: equal weights, equal shares', async () => {
    const client = channel({});
    try {
      await untilBothAnswer(client);
      expect(Math.abs((await idleShare(client, 2_000)) - 50)).toBeLessThanOrEqual(1);
    } finally {
      client.close();
    }
  });

  it('waits out the blackout period before a backend\'s reports count', async () => {
    const client = channel({ loadReports: { blackoutPeriod: '60s', weightUpdatePeriod: '0.1s' } });
    try {
      await untilBothAnswer(client);
      await client.spread(200, 8);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(Math.abs((await idleShare(client, 2_000)) - 50)).toBeLessThanOrEqual(1);
    } finally {
      client.close();
    }
  });
});

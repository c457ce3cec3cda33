// A lookaside policy whose config changes while the channel lives: the
// load-report settings of the new config apply, the update period included.
// The lookaside resolver gives a channel one config for its life, so the
// config here comes from a resolver of the test's own (real grpc-js
// resolver API) that can hand the channel a new one; the backends are real
// grpc-js servers reporting their load with every answer.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { experimental, Metadata, Server, ServerCredentials, type ChannelOptions, type sendUnaryData } from '@grpc/grpc-js';
import { LOAD_REPORT_TRAILER, encodeLoadReport, registerLookasidePolicies, WEIGHTED_ROUND_ROBIN_POLICY } from 'grpc-lookaside-client';
import { IDENTITY_SERVICE, IdentityClient, waitFor } from '../support/identity-backends.js';

interface ReportingBackend {
  readonly name: string;
  port: number;
  calls: number;
  server: Server;
}

/** A backend that reports qps 100 and `utilization` in every answer's trailer. */
async function startReportingBackend(name: string, utilization: number): Promise<ReportingBackend> {
  const server = new Server();
  const backend: ReportingBackend = { name, port: 0, calls: 0, server };
  server.addService(IDENTITY_SERVICE, {
    Who: (_call: unknown, callback: sendUnaryData<unknown>) => {
      backend.calls++;
      const trailer = new Metadata();
      trailer.set(LOAD_REPORT_TRAILER, encodeLoadReport({ qps: 100, applicationUtilization: utilization }));
      callback(null, { backend: name }, trailer);
    },
  });
  backend.port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port))));
  return backend;
}

/** What the test resolver hands its channels: the backends and the policy's config, changed by setPolicy(). */
const resolution = { ports: [] as number[], policy: {} as object };
const listeners = new Set<() => void>();

function report(listener: experimental.ResolverListener): void {
  const endpoints = resolution.ports.map((port) => ({ addresses: [{ host: '127.0.0.1', port }] }));
  const serviceConfig = { loadBalancingConfig: [{ [WEIGHTED_ROUND_ROBIN_POLICY]: resolution.policy }], methodConfig: [] };
  listener(experimental.statusOrFromValue(endpoints), {}, experimental.statusOrFromValue(serviceConfig), 'config-switch');
}

class ConfigSwitchResolver implements experimental.Resolver {
  private readonly push = () => report(this.listener);
  constructor(
    _target: experimental.GrpcUri,
    private readonly listener: experimental.ResolverListener,
    _options: ChannelOptions,
  ) {
    listeners.add(this.push);
  }
  updateResolution(): void {
    setImmediate(this.push);
  }
  destroy(): void {
    listeners.delete(this.push);
  }
  static getDefaultAuthority(): string {
    return 'config-switch';
  }
}

function setPolicy(policy: object): void {
  resolution.policy = policy;
  for (const push of listeners) push();
}

let busy: ReportingBackend;
let idle: ReportingBackend;

beforeAll(async () => {
  busy = await startReportingBackend('busy', 0.9);
  idle = await startReportingBackend('idle', 0.3);
  resolution.ports = [busy.port, idle.port];
  registerLookasidePolicies();
  experimental.registerResolver('config-switch', ConfigSwitchResolver);
});
afterAll(() => {
  busy?.server.forceShutdown();
  idle?.server.forceShutdown();
});

/** The idle backend's share (percent) of `total` calls. */
async function idleShare(client: IdentityClient, total: number): Promise<number> {
  const before = [idle.calls, busy.calls];
  const { failures } = await client.spread(total, 8);
  expect(failures).toEqual([]);
  return ((idle.calls - before[0]!) / (idle.calls - before[0]! + busy.calls - before[1]!)) * 100;
}

it('a new weightUpdatePeriod applies at once: the weights follow the reports from then on', { timeout: 60_000 }, async () => {
  // At first the picker is rebuilt with the reports' weights only once an hour.
  setPolicy({ loadReports: { blackoutPeriod: '0s', weightUpdatePeriod: '3600s' } });
  const client = new IdentityClient('config-switch:///orca', { 'grpc.use_local_subchannel_pool': 1 });
  try {
    await waitFor('both backends to answer', async () => (await client.spread(20, 4)).counts.size === 2, 20_000);
    expect(Math.abs((await idleShare(client, 400)) - 50)).toBeLessThanOrEqual(1);
    // Every 0.1 s from now on: the reports (idle reports a third of busy's utilization) count.
    setPolicy({ loadReports: { blackoutPeriod: '0s', weightUpdatePeriod: '0.1s' } });
    await waitFor('the load weights to take effect', async () => (await idleShare(client, 200)) > 70, 30_000);
  } finally {
    client.close();
  }
});

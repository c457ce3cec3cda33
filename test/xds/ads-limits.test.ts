// xDS streams share the watch-stream budget with WatchServers
// (--max-watch-streams, --max-watch-streams-per-connection): one past it is
// refused with RESOURCE_EXHAUSTED naming the flag, and a stream that ends
// gives its place back.

import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ControlPlane } from '../../src/control-plane.js';
import { ManualSource } from '../support/manual-source.js';
import { RawAdsClient, TYPES } from '../support/raw-ads-client.js';
import { testLogger } from '../support/test-logger.js';
import { WatchRecorder } from '../support/watch-recorder.js';
import { LoadBalancerStub } from 'grpc-lookaside-client';
import { waitFor } from '../support/wait-until.js';

let controlPlane: ControlPlane;
let address: string;
beforeAll(async () => {
  let source: ManualSource | undefined;
  controlPlane = await ControlPlane.start({ logger: testLogger(), host: '127.0.0.1', port: 0, limits: { maxWatchStreams: 2 }, createSource: (registry) => (source = new ManualSource(registry)) });
  source!.sync([{ name: 'greeter', namespace: 'app', ports: [{ name: 'grpc', port: 50051, backends: [{ host: '10.0.0.1', port: 8080 }] }] }]);
  address = `127.0.0.1:${controlPlane.port}`;
});
afterAll(() => controlPlane.stop(200));

function subscribe(): RawAdsClient {
  const client = new RawAdsClient(address);
  client.send({ node: { id: 'limits' }, type_url: TYPES.listener, resource_names: ['greeter.app:grpc'] });
  return client;
}

it('counts xDS streams and WatchServers streams against one budget', async () => {
  const stub = new LoadBalancerStub(address);
  const watcher = new WatchRecorder(stub, { service: 'greeter.app', port: 'grpc' });
  await watcher.waitFor((r) => r.updates.length === 1);
  const first = subscribe();
  await first.next();
  const refused = subscribe();
  const ended = await refused.status();
  expect(ended.code).toBe(status.RESOURCE_EXHAUSTED);
  expect((ended as { details: string }).details).toMatch(/already serves 2 watch streams \(WatchServers and xDS\), its limit \(--max-watch-streams 2\)/);

  first.close();
  await waitFor('the closed stream to give its place back', () => controlPlane.server.xds.size === 0);
  const next = subscribe();
  expect((await next.next()).resources).toHaveLength(1);
  next.close();
  refused.close();
  watcher.close();
  stub.close();
});

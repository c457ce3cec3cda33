// The propagation benchmark judges its goal with bare HTTP/2 watchers
// (bench/support/http2-watchers.ts). Its numbers are only worth something if
// those watchers see exactly what the client package's own stub sees, and if
// a refused or broken stream is reported rather than waited on.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { openHttp2Watchers, type Http2Watchers } from '../../bench/support/http2-watchers.js';
import { LoadBalancerStub } from '../../src/client/load-balancer-stub.js';
import { ControlPlane } from '../../src/control-plane.js';
import { busyService, BUSY_SERVICE } from '../support/busy-service.js';
import { ManualSource } from '../support/manual-source.js';
import { testLogger } from '../support/test-logger.js';
import { waitFor } from '../support/wait-until.js';
import { WatchRecorder } from '../support/watch-recorder.js';

let controlPlane: ControlPlane;
let source: ManualSource;
let stub: LoadBalancerStub;
const opened: Http2Watchers[] = [];

beforeAll(async () => {
  controlPlane = await ControlPlane.start({ logger: testLogger(), host: '127.0.0.1', port: 0, createSource: (registry) => (source = new ManualSource(registry)) });
  source.sync([busyService(0)]);
  stub = new LoadBalancerStub(`127.0.0.1:${controlPlane.port}`);
});

afterAll(async () => {
  for (const watchers of opened) watchers.close();
  stub.close();
  await controlPlane.stop(500);
});

function open(options: { watchers: number; perSession: number; service: string }) {
  const versions = Array.from({ length: options.watchers }, () => [] as number[]);
  const errors: Error[] = [];
  const watchers = openHttp2Watchers({
    address: `127.0.0.1:${controlPlane.port}`,
    port: BUSY_SERVICE.port,
    ...options,
    onVersion: (index, version) => versions[index]!.push(version),
    onError: (_index, error) => errors.push(error),
  });
  opened.push(watchers);
  return { versions, errors };
}

it('every HTTP/2 watcher receives the versions the grpc-js stub receives, across several connections', async () => {
  const reference = new WatchRecorder(stub, BUSY_SERVICE);
  const { versions, errors } = open({ watchers: 5, perSession: 2, service: BUSY_SERVICE.service });
  await reference.waitFor((r) => r.updates.length === 1);
  await waitFor('every HTTP/2 watcher to get the first version', () => versions.every((v) => v.length === 1));

  for (let i = 1; i <= 3; i++) {
    controlPlane.registry.upsert(busyService(i));
    await reference.waitFor((r) => r.updates.length === i + 1);
    await waitFor(`every HTTP/2 watcher to get update ${i}`, () => versions.every((v) => v.length === i + 1));
  }

  const expected = reference.updates.map((u) => u.version);
  expect(new Set(expected).size).toBe(4);
  for (const seen of versions) expect(seen).toEqual(expected);
  expect(errors).toEqual([]);
  reference.call.cancel();
});

it('a refused stream is reported with its gRPC status, not waited on', async () => {
  const { versions, errors } = open({ watchers: 1, perSession: 1, service: 'Not_A_Service' });
  await waitFor('the refusal to be reported', () => errors.length > 0);
  expect(errors[0]!.message).toMatch(/grpc-status 3\b/);
  expect(versions[0]).toEqual([]);
});

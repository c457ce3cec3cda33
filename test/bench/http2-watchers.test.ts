// The propagation benchmark judges its goal with bare HTTP/2 watchers
// (bench/support/http2-watchers.ts). Its numbers are only worth something if
// those watchers see exactly what the client package's own stub sees, and if
// a refused or broken stream is reported rather than waited on.

import { createServer, type Http2Server, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadBalancerDefinition } from '../../src/server/lookaside/proto-definitions.js';
import type { ServersResponse } from '../../src/server/lookaside/snapshot-encoder.js';
import { openHttp2Watchers, type Http2Watchers } from '../../bench/support/http2-watchers.js';
import { LoadBalancerStub } from 'grpc-lookaside-client';
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

/** Opens HTTP/2 watchers, on the control plane unless `address` says otherwise. */
function open(options: { watchers: number; perSession: number; service: string; address?: string }) {
  const versions = Array.from({ length: options.watchers }, () => [] as number[]);
  const errors: Error[] = [];
  const watchers = openHttp2Watchers({
    port: BUSY_SERVICE.port,
    ...options,
    address: options.address ?? `127.0.0.1:${controlPlane.port}`,
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

/**
 * A bare HTTP/2 server that answers one WatchServers stream by hand, so a
 * test decides how the messages are cut into writes.
 */
async function handRolledServer(serve: (stream: ServerHttp2Stream) => Promise<void>): Promise<{ address: string; server: Http2Server }> {
  const server = createServer();
  server.on('stream', (stream) => {
    // Breaking a stream off with an error code makes it emit that error here too.
    stream.on('error', () => {});
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' });
    void serve(stream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { address: `127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** A WatchServers message of `version` as it goes on the wire, framing included. */
function framedMessage(version: number): Buffer {
  const serialize = loadBalancerDefinition().WatchServers!.responseSerialize as (value: ServersResponse) => Buffer;
  const body = serialize({ target: { service: BUSY_SERVICE.service, port: BUSY_SERVICE.port }, version: String(version), exists: true, servers: [{ address: '10.0.0.1:8080', weight: 100, zone: 'zone-a', metadata: { pod: 'p' } }] });
  const framed = Buffer.alloc(5 + body.length);
  framed.writeUInt32BE(body.length, 1);
  body.copy(framed, 5);
  return framed;
}

/** Lets the client read what was written so far before the next write. */
const pause = () => new Promise((resolve) => setTimeout(resolve, 20));

it('reads messages that share a write and messages cut across writes', async () => {
  const [one, two, three] = [framedMessage(1), framedMessage(2), framedMessage(3)];
  const { address, server } = await handRolledServer(async (stream) => {
    stream.write(Buffer.concat([one, two]));
    await pause();
    stream.write(three.subarray(0, 3)); // inside the 5-byte prefix
    await pause();
    stream.write(three.subarray(3, 10)); // inside the body
    await pause();
    stream.write(three.subarray(10));
  });
  try {
    const { versions, errors } = open({ watchers: 1, perSession: 1, service: BUSY_SERVICE.service, address });
    await waitFor('three versions', () => versions[0]!.length === 3);
    expect(versions[0]).toEqual([1, 2, 3]);
    expect(errors).toEqual([]);
  } finally {
    server.close();
  }
});

it('a stream the server breaks off is reported, once', async () => {
  const { address, server } = await handRolledServer(async (stream) => {
    stream.write(framedMessage(1));
    await pause();
    stream.close(0x2); // INTERNAL_ERROR, no trailers
  });
  try {
    const { versions, errors } = open({ watchers: 1, perSession: 1, service: BUSY_SERVICE.service, address });
    await waitFor('the break to be reported', () => errors.length > 0);
    await pause();
    expect(versions[0]).toEqual([1]);
    expect(errors).toHaveLength(1);
  } finally {
    server.close();
  }
});

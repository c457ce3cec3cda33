// A bounded soak of hostile and careless callers against a real `lookaside
// serve` process (so its RSS is its own), all on loopback: 10,000
// WatchServers streams on one connection and on 200 connections, 50,000
// streams opened and cancelled at once, garbage protobuf, a 4 MB request,
// HTTP/1.1 on the gRPC port, and 100 readers that never read while updates
// flow. Throughout, the server stays up and answers another caller; what a
// limit refuses gets RESOURCE_EXHAUSTED naming the limit; and when the
// callers are gone, its RSS comes back near where it started.

import { connect, type ClientHttp2Session, type ClientHttp2Stream } from 'node:http2';
import { request as httpRequest } from 'node:http';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LoadBalancerStub } from 'grpc-lookaside-client';
import { LOOKASIDE_DESCRIPTOR } from '../../packages/client/src/generated/lookaside-v1.js';
import { runCli, type CliRun } from '../support/cli-process.js';
import { registryYaml, type FileService } from '../support/file-control-plane.js';
import { waitFor } from '../support/wait-until.js';

const PER_CONNECTION = 1_000;
const WATCH_PATH = '/lookaside.v1.LoadBalancer/WatchServers';
const GET_PATH = '/lookaside.v1.LoadBalancer/GetServers';
const root = protobuf.Root.fromJSON(LOOKASIDE_DESCRIPTOR as protobuf.INamespace);
const WatchRequest = root.lookupType('lookaside.v1.WatchServersRequest');

let dir: string;
let file: string;
let serve: CliRun;
let address: string;
let stub: LoadBalancerStub;
let metricsUrl: string;
const sessions: ClientHttp2Session[] = [];

function services(version: number): FileService[] {
  return [{ name: 'soak', namespace: 'test', ports: [{ name: 'grpc', port: 8080, backends: [{ address: `10.0.0.1:${8000 + (version % 1000)}` }, { address: '10.0.0.2:8080' }] }] }];
}

/** gRPC's length-prefixed framing of one message. */
function frame(message: Uint8Array): Buffer {
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(message.length, 1);
  return Buffer.concat([prefix, message]);
}

const WATCH_BODY = frame(WatchRequest.encode(WatchRequest.fromObject({ target: { service: 'soak.test', port: 'grpc' } })).finish());

function session(): ClientHttp2Session {
  const s = connect(`http://${address}`);
  s.on('error', () => {});
  sessions.push(s);
  return s;
}

function open(s: ClientHttp2Session, path = WATCH_PATH, body: Buffer = WATCH_BODY): ClientHttp2Stream {
  const stream = s.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers' });
  stream.on('error', () => {});
  stream.end(body);
  return stream;
}

/** Resolves with the stream's grpc-status and grpc-message once it ends (trailers-only or trailers). */
function statusOf(stream: ClientHttp2Stream): Promise<{ code: number; message: string }> {
  return new Promise((resolve) => {
    let result = { code: -1, message: 'no status' };
    const take = (headers: Record<string, unknown>) => {
      if (headers['grpc-status'] !== undefined) result = { code: Number(headers['grpc-status']), message: decodeURIComponent(String(headers['grpc-message'] ?? '')) };
    };
    stream.on('response', take);
    stream.on('trailers', take);
    stream.resume();
    stream.on('close', () => resolve(result));
  });
}

/** Resolves once the stream has received its first data (the current version). */
function firstMessage(stream: ClientHttp2Stream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('data', () => resolve());
    stream.once('close', () => reject(new Error('the stream closed before its first message')));
  });
}

function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match![1]) / 1024;
}

async function stillAnswers(): Promise<void> {
  const answer = await stub.getServers({ service: 'soak.test', port: 'grpc' }, 10_000);
  expect(answer.exists).toBe(true);
}

/** Drops every caller's connection at once, as clients that go away do. */
async function closeSessions(): Promise<void> {
  await Promise.all(sessions.splice(0).map((s) => new Promise<void>((resolve) => (s.destroyed ? resolve() : (s.once('close', () => resolve()), s.destroy())))));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lookaside-soak-'));
  file = join(dir, 'registry.yaml');
  await writeFile(file, registryYaml(services(0)));
  // SIGUSR2 makes the server write a heap snapshot, which runs a full GC
  // first: the test's way to ask "what is still held?" of another process.
  serve = runCli(
    ['serve', '--source', 'file', '--file', file, '--host', '127.0.0.1', '--port', '0', '--metrics-host', '127.0.0.1', '--metrics-port', '0', '--max-watch-streams-per-connection', String(PER_CONNECTION)],
    { NODE_OPTIONS: `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${dir}` },
  );
  address = (JSON.parse(await serve.waitForLine(/"msg":"listening"/)) as { address: string }).address;
  metricsUrl = `http://${(JSON.parse(await serve.waitForLine(/"msg":"serving metrics"/)) as { address: string }).address}/metrics`;
  stub = new LoadBalancerStub(address);
  await waitFor('the control plane to serve', async () => (await stub.getServers({ service: 'soak.test', port: 'grpc' }, 1_000).then(() => true, () => false)));
}, 60_000);

afterAll(async () => {
  stub?.close();
  await closeSessions();
  serve?.child.kill('SIGKILL');
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Has the server write a heap snapshot, which runs a full GC first, and waits until it is written. */
async function fullGc(): Promise<void> {
  const before = new Set(readdirSync(dir));
  serve.child.kill('SIGUSR2');
  await waitFor('the heap snapshot (a full GC) to be written', () => readdirSync(dir).some((f) => !before.has(f) && f.endsWith('.heapsnapshot') && statSync(join(dir, f)).size > 0), 60_000, 200);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
}

it('stays up, answers others, refuses past its limits by name, and gives the memory back', async () => {
  const pid = serve.child.pid!;
  // Both ends are measured the same way: after a full GC (a heap snapshot,
  // whose own buffers count at both ends).
  await fullGc();
  const startRss = rssMiB(pid);
  let peakRss = startRss;
  const sample = () => (peakRss = Math.max(peakRss, rssMiB(pid)));

  // 10,000 streams on one connection: the first 1,000 are served, the rest
  // refused with RESOURCE_EXHAUSTED naming the per-connection limit. The rest
  // are opened 50 at a time: HTTP/2 itself allows the connection only 100
  // streams beyond the watch limit at once.
  const one = session();
  const served = Array.from({ length: PER_CONNECTION }, () => open(one));
  await Promise.all(served.map(firstMessage));
  const refused: { code: number; message: string }[] = [];
  while (refused.length < 10_000 - PER_CONNECTION) refused.push(...(await Promise.all(Array.from({ length: 50 }, () => statusOf(open(one))))));
  expect(refused.filter((s) => s.code === 8)).toHaveLength(10_000 - PER_CONNECTION);
  expect(refused[0]!.message).toMatch(/the most the control plane allows per connection \(--max-watch-streams-per-connection 1000\)/);
  sample();
  await stillAnswers();
  await closeSessions();

  // 10,000 streams over 200 connections (50 each): all served.
  const spread = Array.from({ length: 200 }, () => session());
  const many = spread.flatMap((s) => Array.from({ length: 50 }, () => open(s)));
  await Promise.all(many.map(firstMessage));
  sample();
  await stillAnswers();
  await closeSessions();

  // 50,000 streams opened and cancelled at once, 500 at a time per connection.
  const churn = Array.from({ length: 10 }, () => session());
  for (let round = 0; round < 10; round++) {
    await Promise.all(
      churn.map(async (s) => {
        const streams = Array.from({ length: 500 }, () => open(s));
        for (const stream of streams) stream.close(0x8); // RST_STREAM CANCEL
        await Promise.all(streams.map((stream) => new Promise((resolve) => stream.on('close', resolve))));
      }),
    );
  }
  sample();
  await stillAnswers();
  await closeSessions();

  // Garbage protobuf, a 4 MB request, and HTTP/1.1 on the gRPC port.
  const odd = session();
  const garbage = await statusOf(open(odd, GET_PATH, frame(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x08]))));
  expect(garbage.code).toBe(3); // INVALID_ARGUMENT, or the server's own decode error below
  const huge = await statusOf(open(odd, GET_PATH, frame(Buffer.alloc(4 * 1024 * 1024, 0x0a))));
  expect(huge.code).toBe(8);
  expect(huge.message).toMatch(/larger than max/i);
  const http1 = await new Promise<string>((resolve) => {
    const [host, port] = address.split(':');
    const req = httpRequest({ host, port: Number(port), path: '/', method: 'GET' }, (res) => resolve(`status ${res.statusCode}`));
    req.on('error', (error) => resolve(`error ${(error as NodeJS.ErrnoException).code ?? error.message}`));
    req.end();
  });
  expect(http1).toMatch(/^(status|error) /);
  await stillAnswers();
  await closeSessions();

  // 100 readers that never read, while 50 updates are published.
  const stuck = session();
  const sleepers = Array.from({ length: 100 }, () => open(stuck));
  await Promise.all(sleepers.map(firstMessage));
  for (const stream of sleepers) stream.pause();
  for (let version = 1; version <= 50; version++) {
    await writeFile(file, registryYaml(services(version)));
    await new Promise((resolve) => setTimeout(resolve, 40));
  }
  sample();
  await stillAnswers();
  await closeSessions();

  expect(serve.child.exitCode).toBeNull();
  // Every stream is released: the server counts none open.
  await waitFor('the server to count no watch stream', async () => /^lookaside_watchers 0$/m.test(await (await fetch(metricsUrl)).text()));
  // After a full GC, RSS comes back near where it started. V8 keeps some of
  // what it grew, so the bound is generous, but a leak of streams (10-20 KiB
  // each, 80,000+ opened) would pass it several times over.
  await fullGc();
  const endRss = rssMiB(pid);
  console.info(`soak RSS: start ${startRss.toFixed(0)} MiB, peak ${peakRss.toFixed(0)} MiB, after the callers left and a full GC ${endRss.toFixed(0)} MiB`);
  expect(endRss).toBeLessThan(startRss + 100);
}, 240_000);

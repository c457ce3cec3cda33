// The source's own list/watch loop (informer-supervisor.ts) against an API
// server that misbehaves, through the real @kubernetes/client-node request
// API and the API harness (answerInstead plays the faults): a watch ended
// at once after one event, again and again, is re-opened after a doubling
// delay rather than at once forever; a paged list whose continue token
// comes round again fails as a whole, once logged with the resource named,
// instead of paging forever; a list answered 200 with HTML or a JSON that
// is no List is an error that says so; a watch line that never ends is
// given up past its bound, and a line split inside a UTF-8 character is
// read whole. In every case the backends already
// known keep being served (invariant 2). Time runs on an injected clock.

import type { ServerResponse } from 'node:http';
import { afterEach, expect, it } from 'vitest';
import { capturedLogger, type LogLine } from '../../support/captured-logger.js';
import { startKubernetesControlPlane, type KubernetesControlPlane, type KubernetesControlPlaneOptions } from '../../support/kubernetes-control-plane.js';
import type { KubernetesApiHarness } from '../../support/kubernetes-api-harness.js';
import { endpointSlice, service } from '../../support/kubernetes-objects.js';
import { ManualClock } from '../../support/manual-clock.js';
import { MAX_WATCH_LINE_CHARS } from '../../../src/discovery/kubernetes/watch-event-stream.js';
import { waitFor } from '../../support/wait-until.js';

const ns = 'default';
const ports = [{ name: 'grpc', port: 8080 }];
const open: KubernetesControlPlane[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((cp) => cp.close()));
});

function seed(h: KubernetesApiHarness): void {
  h.apply('services', service('greeter', ns, [{ name: 'grpc', port: 50051, targetPort: 8080 }]));
  for (let i = 1; i <= 3; i++) h.apply('endpointslices', endpointSlice({ name: `greeter-${i}`, namespace: ns, service: 'greeter', ports, endpoints: [{ address: `10.0.0.${i}` }] }));
}
const seeded = [1, 2, 3].map((i) => `10.0.0.${i}:8080`);

async function start(options: KubernetesControlPlaneOptions = {}): Promise<KubernetesControlPlane> {
  const cp = await startKubernetesControlPlane({ seed, ...options });
  open.push(cp);
  await cp.synced();
  return cp;
}

async function served(cp: KubernetesControlPlane): Promise<string[]> {
  const answer = await cp.stub.getServers({ service: `greeter.${ns}`, port: 'grpc' }, 2_000);
  return answer.servers.map((s) => s.address).sort();
}

/**
 * A control plane synced and watching slices, with no bookmarks and its
 * watch loop on a manual clock (the quiet timeout out of the way).
 */
async function watching(source: KubernetesControlPlaneOptions['source'] = {}) {
  const clock = new ManualClock();
  const log = capturedLogger();
  const cp = await start({ logger: log.logger, harness: { bookmarkIntervalMs: 0 }, source: { watchClock: clock, ...source, timing: { watchTimeoutMs: 60_000, ...source.timing } } });
  await cp.harness.waitForWatches('endpointslices');
  return { cp, h: cp.harness, clock, log };
}

/** Makes the slice watch relist: history is compacted past it and it is ended. */
function forceRelist(h: KubernetesApiHarness): void {
  h.apply('services', service('unrelated', 'elsewhere', [{ port: 80 }]));
  h.compact();
  h.closeWatches('endpointslices');
}

const ofSlices = (line: LogLine) => String(line.resource).startsWith('endpointslices');

function answerWatchWith(h: KubernetesApiHarness, lines: (h: KubernetesApiHarness) => string): void {
  h.answerInstead = (request, response: ServerResponse) => {
    if (request.resource !== 'endpointslices' || request.verb !== 'watch') return false;
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end(lines(h));
    return true;
  };
}

const bookmark = (h: KubernetesApiHarness) => `${JSON.stringify({ type: 'BOOKMARK', object: { kind: 'EndpointSlice', apiVersion: 'discovery.k8s.io/v1', metadata: { resourceVersion: String(h.resourceVersion) } } })}\n`;
const errorEvent = () => `${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'etcdserver: leader changed', reason: 'InternalError', code: 500 } })}\n`;

it.each([
  ['a bookmark', bookmark],
  ['an ERROR event (500)', errorEvent],
])('re-opens a watch the API server ends at once after %s, again and again, after a doubling delay (no hot loop)', async (_what, lines) => {
  const { cp, h, clock, log } = await watching({ timing: { reconnectDelayScale: 1 } });
  answerWatchWith(h, lines);
  const delays = () => log.lines.filter((l) => ofSlices(l) && /the API server ended the watch; re-opening it in/.test(l.msg)).map((l) => l.delayMs);

  expect(h.closeWatches('endpointslices')).toBe(1);
  // The first close re-opens at once; that watch ends after its one event, and the loop waits 1 s on the clock.
  await waitFor('the loop waiting 1 s', () => delays().includes(1_000));
  expect(delays()).toEqual([0, 1_000]);
  expect(h.requestsOf('endpointslices', 'watch')).toHaveLength(2);

  clock.advance(1_000);
  await waitFor('the loop waiting 2 s', () => delays().includes(2_000));
  expect(delays()).toEqual([0, 1_000, 2_000]);
  expect(h.requestsOf('endpointslices', 'watch')).toHaveLength(3);
  expect(await served(cp)).toEqual(seeded);
});

it('fails a paged list whose continue token comes round again, logs it once naming the resource, and keeps serving what it knew', async () => {
  const { cp, h, clock, log } = await watching({ listPageSize: 2, timing: { restartInitialMs: 1_000, restartMaxMs: 30_000 } });
  const listsBefore = h.requestsOf('endpointslices', 'list').length;
  // From now on every page of a slice list names the same next page.
  h.answerInstead = (request, response) => {
    if (request.resource !== 'endpointslices' || request.verb !== 'list') return false;
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify({ kind: 'EndpointSliceList', apiVersion: 'discovery.k8s.io/v1', metadata: { resourceVersion: String(h.resourceVersion), continue: 'round-and-round' }, items: [] }));
    return true;
  };
  forceRelist(h);

  const failure = await log.waitFor((l) => ofSlices(l) && /continue token it had answered before/.test(l.msg), 'the list failure logged');
  expect(failure.msg).toMatch(/^list endpointslices\.discovery\.k8s\.io in all namespaces \(cluster scope\) failed: .*"round-and-round", after 2 pages.*restarting the watch$/);
  // The first page and its one repeat, then the restart waits on the clock.
  expect(h.requestsOf('endpointslices', 'list')).toHaveLength(listsBefore + 2);
  expect(log.lines.filter((l) => ofSlices(l) && /continue token/.test(l.msg))).toHaveLength(1);
  expect(await served(cp)).toEqual(seeded);

  h.answerInstead = undefined;
  clock.advance(30_000);
  await waitFor('the list applied again', () => log.lines.some((l) => ofSlices(l) && l.msg === 'list applied' && l.lists === 2));
  expect(await served(cp)).toEqual(seeded);
});

it.each([
  ['an HTML page', 'text/html', '<html><body><h1>Sign in</h1></body></html>', /failed: the answer is not JSON \(Content-Type text\/html, body "<html><body><h1>Sign in<\/h1>.*expected a List object/],
  ['JSON null', 'application/json', 'null', /failed: the answer is JSON but not a List object with an "items" array \(body "null"\)/],
  ['items that are no array', 'application/json', '{"metadata":{"resourceVersion":"5"},"items":{"a":1}}', /failed: the answer is JSON but not a List object with an "items" array/],
])('says a list answered 200 with %s is not a List, and keeps serving what it knew', async (_what, contentType, body, message) => {
  const { cp, h, log } = await watching();
  h.answerInstead = (request, response) => {
    if (request.resource !== 'endpointslices' || request.verb !== 'list') return false;
    response.writeHead(200, { 'Content-Type': contentType });
    response.end(body);
    return true;
  };
  forceRelist(h);
  const failure = await log.waitFor((l) => ofSlices(l) && l.level >= 40 && /^list endpointslices/.test(l.msg), 'the list failure logged');
  expect(failure.msg).toMatch(message);
  expect(await served(cp)).toEqual(seeded);
});

it('gives up a watch whose line grows past its bound without an end, logs it naming the resource, and keeps serving what it knew', async () => {
  const { cp, h, log } = await watching();
  h.answerInstead = (request, response) => {
    if (request.resource !== 'endpointslices' || request.verb !== 'watch') return false;
    response.writeHead(200, { 'Content-Type': 'application/json' });
    // The start of an event whose object never ends, in 1 MiB writes; the connection stays open.
    const chunk = 'x'.repeat(1024 * 1024);
    response.write('{"type":"ADDED","object":{"metadata":{"name":"');
    for (let sent = 0; sent <= MAX_WATCH_LINE_CHARS; sent += chunk.length) response.write(chunk);
    return true;
  };
  h.closeWatches('endpointslices');
  const failure = await log.waitFor((l) => ofSlices(l) && l.level >= 40 && /^watch endpointslices/.test(l.msg), 'the watch failure logged');
  expect(failure.msg).toMatch(new RegExp(`failed: a watch line had \\d+ characters and no end; at most ${MAX_WATCH_LINE_CHARS} are held`));
  expect(await served(cp)).toEqual(seeded);
});

it('reads a watch line split inside a multi-byte UTF-8 character as one event', async () => {
  const { cp, h } = await watching();
  const slice = endpointSlice({ name: 'greeter-4', namespace: ns, service: 'greeter', ports, endpoints: [{ address: '10.0.0.4' }] });
  slice.metadata.resourceVersion = String(h.resourceVersion + 1);
  slice.metadata.annotations = { note: 'zoné ✓ 𝄞' };
  const bytes = Buffer.from(`${JSON.stringify({ type: 'ADDED', object: { kind: 'EndpointSlice', apiVersion: 'discovery.k8s.io/v1', ...slice } })}\n`);
  const inside = bytes.indexOf(Buffer.from('é')) + 1;
  h.answerInstead = (request, response) => {
    if (request.resource !== 'endpointslices' || request.verb !== 'watch') return false;
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.flushHeaders();
    // Two writes, the first ending after the first byte of "é": two chunks on the wire.
    response.write(bytes.subarray(0, inside), () => setImmediate(() => response.write(bytes.subarray(inside))));
    return true;
  };
  h.closeWatches('endpointslices');
  const watcher = cp.watch({ service: `greeter.${ns}`, port: 'grpc' });
  await watcher.waitForAddresses([...seeded, '10.0.0.4:8080']);
});

it('leaves out list items and watch objects without metadata.name, says so once per list or event naming the resource, and keeps the rest', async () => {
  const { cp, h, log } = await watching();
  const nameless = () => ({ kind: 'EndpointSlice', apiVersion: 'discovery.k8s.io/v1', metadata: { namespace: ns, resourceVersion: String(h.resourceVersion) }, addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.9'] }], ports });
  // A relist whose answer carries two nameless objects beside the real ones.
  h.answerInstead = (request, response) => {
    if (request.resource !== 'endpointslices' || request.verb !== 'list') return false;
    const real = [1, 2, 3].map((i) => h.get('endpointslices', ns, `greeter-${i}`));
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify({ kind: 'EndpointSliceList', apiVersion: 'discovery.k8s.io/v1', metadata: { resourceVersion: String(h.resourceVersion) }, items: [...real, nameless(), nameless()] }));
    return true;
  };
  forceRelist(h);
  const listed = await log.waitFor((l) => ofSlices(l) && /of the list had no/.test(l.msg), 'the nameless list items told');
  expect(listed.msg).toBe('2 objects of the list had no metadata.name and metadata.namespace (strings); left out');
  await log.waitFor((l) => ofSlices(l) && l.msg === 'list applied' && l.lists === 2, 'the relist applied');
  expect(await served(cp)).toEqual(seeded);

  h.answerInstead = undefined;
  await h.waitForWatches('endpointslices');
  h.writeRawLine('endpointslices', JSON.stringify({ type: 'DELETED', object: nameless() }));
  const watched = await log.waitFor((l) => ofSlices(l) && /a watch event's object had no/.test(l.msg), 'the nameless watch object told');
  expect(watched).toMatchObject({ type: 'DELETED', msg: "a watch event's object had no metadata.name and metadata.namespace (strings); left out" });
  expect(await served(cp)).toEqual(seeded);
  expect(log.lines.filter((l) => ofSlices(l) && /had no metadata\.name/.test(l.msg))).toHaveLength(2);
});

it('waits the Retry-After of a 429 before listing again (within the longest restart delay), and keeps serving what it knew', async () => {
  const { cp, h, clock, log } = await watching({ timing: { restartInitialMs: 1_000, restartMaxMs: 30_000 } });
  let refusals = 0;
  h.answerInstead = (request, response) => {
    if (request.resource !== 'endpointslices' || request.verb !== 'list' || refusals++ > 0) return false;
    response.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': '20' });
    response.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'Too many requests, please try again later.', reason: 'TooManyRequests', code: 429 }));
    return true;
  };
  forceRelist(h);
  const refused = await log.waitFor((l) => ofSlices(l) && /^HTTP 429 while trying to list endpointslices/.test(l.msg), 'the 429 logged');
  expect(refused).toMatchObject({ status: 429, retryInMs: 20_000 });
  expect(await served(cp)).toEqual(seeded);
  clock.advance(20_000);
  await log.waitFor((l) => ofSlices(l) && l.msg === 'list applied' && l.lists === 2, 'the list applied after the wait');
  expect(await served(cp)).toEqual(seeded);
});

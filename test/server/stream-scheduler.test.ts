// The fan-out is one mechanism for both faces (src/server/shared/stream-scheduler.ts):
// each scenario here runs unchanged against WatchServers, read by the client
// package's LoadBalancerStub, and against StreamAggregatedResources, read by
// a grpc-js ADS client, and expects the same of both: writes in chunks of
// FLUSH_CHUNK streams per event-loop turn that never send a version older
// than one already written, propagation reported once per change after the
// last write, a slow reader written only until its socket fills and then
// handed the newest state, and one stream budget.

import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoadBalancerStub } from 'grpc-lookaside-client';
import { ControlPlane } from '../../src/control-plane.js';
import { FLUSH_CHUNK } from '../../src/server/shared/stream-scheduler.js';
import { busyService, BUSY_SERVICE } from '../support/busy-service.js';
import { ManualSource } from '../support/manual-source.js';
import { adsChannel, RawAdsClient, TYPES, type AdsChannel } from '../support/raw-ads-client.js';
import { testLogger } from '../support/test-logger.js';
import { waitFor } from '../support/wait-until.js';
import { WatchRecorder } from '../support/watch-recorder.js';

const CLUSTER = 'busy.default:50051';

/** One client stream of either face, as the scenarios read it. */
interface Reader {
  /** The version of every message received, in order. */
  versions(): string[];
  pause(): void;
  resume(): void;
  /** Resolves with the status the stream ended with. */
  ended(): Promise<{ code: number; details?: string }>;
  close(): void;
}

/** A client channel (one connection) of a face, on which readers are opened. */
interface Channel {
  open(): Reader;
  close(): void;
}

interface Face {
  readonly name: 'lookaside' | 'xds';
  channel(address: string): Channel;
}

const lookaside: Face = {
  name: 'lookaside',
  channel(address) {
    const stub = new LoadBalancerStub(address, undefined, { 'grpc.use_local_subchannel_pool': 1 });
    return {
      open() {
        const recorder = new WatchRecorder(stub, BUSY_SERVICE);
        return {
          versions: () => recorder.updates.map((update) => String(update.version)),
          pause: () => recorder.call.pause(),
          resume: () => recorder.call.resume(),
          ended: async () => {
            await recorder.waitFor((r) => r.error !== undefined || r.ended);
            return recorder.error ?? { code: status.OK };
          },
          close: () => recorder.close(),
        };
      },
      close: () => stub.close(),
    };
  },
};

const xds: Face = {
  name: 'xds',
  channel(address) {
    const channel: AdsChannel = adsChannel(address);
    return {
      open() {
        const client = new RawAdsClient(address, {}, channel);
        client.send({ node: { id: 'scheduler-test' }, type_url: TYPES.endpoints, resource_names: [CLUSTER] });
        return {
          versions: () => client.responses.map((response) => response.version_info),
          pause: () => client.call.pause(),
          resume: () => client.call.resume(),
          ended: () => client.status(),
          close: () => client.close(),
        };
      },
      close: () => channel.close(),
    };
  },
};

/** Per server-side stream: messages written, and the most the call had queued after one. */
type Writes = Map<object, { count: number; maxQueued: number }>;

function countWrite(writes: Writes, stream: { call: { writableLength: number } }): void {
  const entry = writes.get(stream) ?? { count: 0, maxQueued: 0 };
  entry.count += 1;
  entry.maxQueued = Math.max(entry.maxQueued, stream.call.writableLength);
  writes.set(stream, entry);
}

const writes = { lookaside: new Map() as Writes, xds: new Map() as Writes };
const propagated = { lookaside: [] as string[], xds: [] as string[] };
let controlPlane: ControlPlane;
let address: string;

beforeAll(async () => {
  controlPlane = await ControlPlane.start({
    logger: testLogger(),
    host: '127.0.0.1',
    port: 0,
    createSource: (registry) => {
      const source = new ManualSource(registry);
      source.sync([busyService(0, 60)]);
      return source;
    },
    hooks: { onSent: (stream) => countWrite(writes.lookaside, stream), onPropagated: (key) => propagated.lookaside.push(key) },
    xdsHooks: { onPush: (_type, stream) => countWrite(writes.xds, stream), onPropagated: (key) => propagated.xds.push(key) },
  });
  address = `127.0.0.1:${controlPlane.port}`;
});
afterAll(() => controlPlane.stop(500));

let versionCounter = 0;
/** Publishes a new version of busy.default (60 backends: a few kilobytes per message). */
function publish(): void {
  controlPlane.registry.upsert(busyService(++versionCounter, 60));
}

/** The newest version as the face names it: what a stream opened now is sent first. */
async function newestVersion(face: Face): Promise<string> {
  const channel = face.channel(address);
  const probe = channel.open();
  try {
    await waitFor(`a ${face.name} probe's first message`, () => probe.versions().length > 0);
    return probe.versions()[0]!;
  } finally {
    probe.close();
    channel.close();
  }
}

describe.each([lookaside, xds])('$name', (face) => {
  it(`writes a fan-out of ${FLUSH_CHUNK * 2 + 44} streams over several turns: a version superseded mid-way is skipped after the first chunk, none goes back`, async () => {
    const channels = [0, 1, 2].map(() => face.channel(address));
    const readers = Array.from({ length: FLUSH_CHUNK * 2 + 44 }, (_, i) => channels[i % channels.length]!.open());
    try {
      await waitFor('every stream has its first message', () => readers.every((r) => r.versions().length === 1));
      const first = readers[0]!.versions()[0]!;
      propagated[face.name].length = 0;
      publish();
      // Runs right after the first chunk was written: the rest of the batch is still to come.
      await new Promise<void>((resolve) =>
        setImmediate(() => {
          publish();
          resolve();
        }),
      );
      const newest = await newestVersion(face);
      await waitFor('every stream has the newest version', () => readers.every((r) => r.versions().at(-1) === newest));
      const superseded = new Set(readers.flatMap((r) => r.versions()).filter((v) => v !== first && v !== newest));
      expect(superseded.size).toBe(1);
      const order = [first, ...superseded, newest];
      for (const reader of readers) {
        const positions = reader.versions().map((v) => order.indexOf(v));
        // In order, each version once: nothing older after something newer.
        expect(positions).toEqual([...new Set(positions)].sort((a, b) => a - b));
      }
      const gotSuperseded = readers.filter((r) => r.versions().length === 3).length;
      expect(gotSuperseded).toBeGreaterThan(0);
      expect(gotSuperseded).toBeLessThan(readers.length);
      // One report per change, each after the last stream of its batch was written.
      expect(propagated[face.name]).toEqual(['busy.default', 'busy.default']);
    } finally {
      for (const reader of readers) reader.close();
      for (const channel of channels) channel.close();
    }
  });

  it('writes a reader that stopped reading only until its socket fills, delays nobody, and hands it the newest version when it drains', async () => {
    const UPDATES = 600;
    const slowChannel = face.channel(address);
    const fastChannel = face.channel(address);
    const slow = slowChannel.open();
    const fast = fastChannel.open();
    try {
      await waitFor('both streams have their first message', () => slow.versions().length === 1 && fast.versions().length === 1);
      writes[face.name].clear();
      slow.pause();
      for (let i = 0; i < UPDATES; i++) {
        publish();
        // Let the scheduler run between versions, as it would between real events.
        await new Promise((resolve) => setImmediate(resolve));
      }
      const newest = await newestVersion(face);
      await waitFor('the fast reader has the newest version', () => fast.versions().at(-1) === newest);
      const received = slow.versions().length;
      const [slowWrites, fastWrites] = [...writes[face.name].values()].filter((w) => w.count > 1).sort((a, b) => a.count - b.count);
      expect(fastWrites!.count).toBeGreaterThan(UPDATES / 2);
      expect(slowWrites!.count).toBeLessThan(UPDATES / 5);
      // Bounded: the call's own buffer never grows past grpc-js's high-water
      // mark (16 messages) plus the one write that reported it full.
      expect(slowWrites!.maxQueued).toBeLessThanOrEqual(17);

      slow.resume();
      await waitFor('the slow reader has the newest version', () => slow.versions().at(-1) === newest);
      // What it reads after the drain is what was written before it plus the newest: no backlog.
      expect(slow.versions().length - received).toBeLessThanOrEqual(slowWrites!.count + 1);
    } finally {
      slow.close();
      fast.close();
      slowChannel.close();
      fastChannel.close();
    }
  });

  it('refuses a stream past the watch-stream limit with RESOURCE_EXHAUSTED naming the flag, and takes one again once a stream ends', async () => {
    let source: ManualSource | undefined;
    const limited = await ControlPlane.start({ logger: testLogger(), host: '127.0.0.1', port: 0, limits: { maxWatchStreams: 2 }, createSource: (registry) => (source = new ManualSource(registry)) });
    source!.sync([busyService(0)]);
    const limitedAddress = `127.0.0.1:${limited.port}`;
    const channel = face.channel(limitedAddress);
    const open = [channel.open(), channel.open()];
    try {
      await waitFor('two streams served', () => open.every((r) => r.versions().length === 1));
      const refused = channel.open();
      open.push(refused);
      const ended = await refused.ended();
      expect(ended.code).toBe(status.RESOURCE_EXHAUSTED);
      expect(ended.details).toMatch(/already serves 2 watch streams \(WatchServers and xDS\), its limit \(--max-watch-streams 2\)/);
      open[0]!.close();
      const size = () => (face.name === 'xds' ? limited.server.xds.size : limited.server.loadBalancer.fanout.size);
      await waitFor('the closed stream gives its place back', () => size() === 1);
      const next = channel.open();
      open.push(next);
      await waitFor('a new stream served', () => next.versions().length === 1);
    } finally {
      for (const reader of open) reader.close();
      channel.close();
      await limited.stop(200);
    }
  });
});

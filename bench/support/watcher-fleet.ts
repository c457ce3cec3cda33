// A fleet of WatchServers clients in a child process, so that what a
// benchmark measures in its own process (CPU, RSS) is the control plane's
// alone. The parent drives it over IPC:
//
//   parent → { open: { kind, address, watchers, channels, service, port } }
//                                       kind 'grpc-js' or 'http2'; channels is
//                                       the number of connections (grpc-js
//                                       channels or HTTP/2 sessions)
//   child  → { opened: n }              every watcher has its first message
//   parent → { await: version }
//   child  → { reached: version }       every watcher has seen >= version
//   parent → { versions: true }
//   child  → { min, max }               the lowest and highest version held
//   parent → { above: version }
//   child  → { above, first, last }     every watcher has a version > `above`;
//                                       when the first and the last of them
//                                       got it (epoch ms, performance clock)
//   parent → { next: token }
//   child  → { armed: token }           the question is taken
//   child  → { next: token, first, last }  every watcher has received a
//                                       message after the question (for xDS
//                                       subscribers, whose versions are digests)
//   parent → { close: true }            the child cancels everything and exits

import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LoadBalancerStub, type ServersUpdate } from 'grpc-lookaside-client';
import { openAdsSubscribers } from './ads-subscribers.js';
import { openHttp2Watchers } from './http2-watchers.js';

/**
 * What the watchers are: the client package's LoadBalancerStub on grpc-js, as
 * a lookaside channel runs it; bare HTTP/2 readers that take less of the
 * shared CPU (bench/support/http2-watchers.ts); or xDS subscribers on
 * grpc-js that decode and ACK every response (bench/support/ads-subscribers.ts),
 * whose "version" is the count of responses they have received.
 */
export type WatcherKind = 'grpc-js' | 'http2' | 'xds';

interface OpenCommand {
  readonly kind: WatcherKind;
  readonly address: string;
  readonly watchers: number;
  readonly channels: number;
  readonly service: string;
  readonly port: string;
  /** For 'xds': the ClusterLoadAssignment to subscribe to ("busy.default:50051"). */
  readonly resource?: string;
}

type FleetMessage = { opened: number } | { reached: number } | { min: number; max: number } | { above: number; first: number; last: number } | { armed: number } | { next: number; first: number; last: number };

let nextToken = 0;

/** Milliseconds since the epoch on the high-resolution clock, comparable across processes. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

/** The parent's handle on a fleet. */
export class WatcherFleet {
  private constructor(private readonly child: ChildProcess) {}

  static start(): WatcherFleet {
    // This very file: compiled .js, or .ts under tsx (the child inherits the loader).
    // The watchers stand for client applications: they run without the
    // control plane's V8 flags (a small young generation would slow their
    // reading), but keep a TypeScript loader if there is one.
    const execArgv = process.execArgv.filter((arg) => !arg.startsWith('--max-semi-space-size') && arg !== '--expose-gc');
    const child = fork(fileURLToPath(import.meta.url), ['--fleet'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv });
    return new WatcherFleet(child);
  }

  private next<T extends FleetMessage>(match: (m: FleetMessage) => m is T, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the watcher fleet did not answer within ${timeoutMs} ms`)), timeoutMs);
      const onMessage = (message: FleetMessage) => {
        if (!match(message)) return;
        clearTimeout(timer);
        this.child.off('message', onMessage);
        resolve(message);
      };
      this.child.on('message', onMessage);
    });
  }

  /** Opens the watchers and resolves once each has its first message. */
  async open(command: OpenCommand, timeoutMs = 120_000): Promise<void> {
    const opened = this.next((m): m is { opened: number } => 'opened' in m, timeoutMs);
    this.child.send({ open: command });
    await opened;
  }

  /** Resolves when every watcher has seen `version` or a later one. */
  async reached(version: number, timeoutMs = 60_000): Promise<void> {
    const reached = this.next((m): m is { reached: number } => 'reached' in m && m.reached === version, timeoutMs);
    this.child.send({ await: version });
    await reached;
  }

  /** The lowest and highest version the watchers hold. */
  async versions(timeoutMs = 10_000): Promise<{ min: number; max: number }> {
    const answer = this.next((m): m is { min: number; max: number } => 'min' in m, timeoutMs);
    this.child.send({ versions: true });
    return answer;
  }

  /**
   * Resolves when every watcher holds a version above `version`, with when
   * the first and the last watcher received theirs (epochNow() times).
   */
  async above(version: number, timeoutMs = 60_000): Promise<{ first: number; last: number }> {
    const answer = this.next((m): m is { above: number; first: number; last: number } => 'above' in m && m.above === version, timeoutMs);
    this.child.send({ above: version });
    return answer;
  }

  /**
   * Asks to be told when every watcher has received a message after this
   * call: returns a promise of when the first and the last of them did.
   * Resolves once the fleet has taken the question, so that a change made
   * after `await fleet.armNext()` is what they receive.
   */
  async armNext(timeoutMs = 60_000): Promise<{ arrived: Promise<{ first: number; last: number }> }> {
    const token = ++nextToken;
    const arrived = this.next((m): m is { next: number; first: number; last: number } => 'next' in m && m.next === token, timeoutMs);
    // The child says it has taken the question: only then is a change certain to come after it.
    const armed = this.next((m): m is { armed: number } => 'armed' in m && m.armed === token, timeoutMs);
    this.child.send({ next: token });
    await armed;
    // Wrapped: an async function returning the promise itself would wait for it.
    return { arrived };
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.send({ close: true });
    await exited;
  }
}

/**
 * Watchers split over several fleet processes, answering as one fleet. The
 * watchers stand for clients on other machines: in one process they read
 * their streams one after another on one core, while the other core idles
 * once the control plane has written them all.
 */
export class WatcherFleetGroup {
  private constructor(private readonly fleets: readonly WatcherFleet[]) {}

  static start(processes: number): WatcherFleetGroup {
    return new WatcherFleetGroup(Array.from({ length: processes }, () => WatcherFleet.start()));
  }

  /** Opens `command.watchers` watchers in all, as evenly as possible, `perChannel` streams per channel. */
  async open(command: Omit<OpenCommand, 'channels'>, perChannel: number): Promise<void> {
    const n = this.fleets.length;
    await Promise.all(
      this.fleets.map((fleet, i) => {
        const watchers = Math.floor(command.watchers / n) + (i < command.watchers % n ? 1 : 0);
        return fleet.open({ ...command, watchers, channels: Math.max(1, Math.ceil(watchers / perChannel)) });
      }),
    );
  }

  async versions(): Promise<{ min: number; max: number }> {
    const all = await Promise.all(this.fleets.map((f) => f.versions()));
    return { min: Math.min(...all.map((v) => v.min)), max: Math.max(...all.map((v) => v.max)) };
  }

  async above(version: number, timeoutMs?: number): Promise<{ first: number; last: number }> {
    const all = await Promise.all(this.fleets.map((f) => f.above(version, timeoutMs)));
    return { first: Math.min(...all.map((a) => a.first)), last: Math.max(...all.map((a) => a.last)) };
  }

  /** WatcherFleet.armNext() over every fleet of the group. */
  async armNext(timeoutMs?: number): Promise<{ arrived: Promise<{ first: number; last: number }> }> {
    const armed = await Promise.all(this.fleets.map((f) => f.armNext(timeoutMs)));
    return { arrived: Promise.all(armed.map((a) => a.arrived)).then((all) => ({ first: Math.min(...all.map((a) => a.first)), last: Math.max(...all.map((a) => a.last)) })) };
  }

  async close(): Promise<void> {
    await Promise.all(this.fleets.map((f) => f.close()));
  }
}

function runFleet(): void {
  let latest: number[] = [];
  let opened = 0;
  let total = 0;
  let awaiting: number | undefined;
  const check = () => {
    if (awaiting === undefined) return;
    for (const version of latest) if (version < awaiting) return;
    process.send!({ reached: awaiting });
    awaiting = undefined;
  };
  /** While answering { above }: when each watcher first held a version above it. */
  let above: { version: number; arrivedAt: (number | undefined)[]; missing: number } | undefined;
  const checkAbove = () => {
    if (!above || above.missing > 0) return;
    const times = above.arrivedAt as number[];
    process.send!({ above: above.version, first: Math.min(...times), last: Math.max(...times) });
    above = undefined;
  };
  /** While answering { next }: each watcher's count of messages when asked, and when it got the next. */
  let nextQuestion: { token: number; countAt: number[]; arrivedAt: (number | undefined)[]; missing: number } | undefined;
  const counts: number[] = [];
  /** Watcher `w` received `version`. */
  const received = (w: number, version: number) => {
    const receivedAt = epochNow();
    counts[w] = (counts[w] ?? 0) + 1;
    if (nextQuestion && nextQuestion.arrivedAt[w] === undefined && counts[w]! > nextQuestion.countAt[w]!) {
      nextQuestion.arrivedAt[w] = receivedAt;
      if (--nextQuestion.missing === 0) {
        const times = nextQuestion.arrivedAt as number[];
        process.send!({ next: nextQuestion.token, first: Math.min(...times), last: Math.max(...times) });
        nextQuestion = undefined;
      }
    }
    const first = latest[w] === -1;
    latest[w] = version;
    if (first && ++opened === total) process.send!({ opened });
    if (above && above.arrivedAt[w] === undefined && version > above.version) {
      above.arrivedAt[w] = receivedAt;
      above.missing -= 1;
      checkAbove();
    }
    check();
  };
  let closing = false;
  /** A watcher that fails mid-run would stall the benchmark until its timeout: say why at once. */
  const failed = (w: number, error: Error) => {
    if (!closing) console.error(`watcher ${w} failed: ${error.message}`);
  };
  const closers: (() => void)[] = [];
  process.on('message', (message: { open?: OpenCommand; await?: number; versions?: boolean; above?: number; next?: number; close?: boolean }) => {
    if (message.open) {
      const { kind, address, watchers, channels, service, port } = message.open;
      total = watchers;
      latest = new Array<number>(watchers).fill(-1);
      if (kind === 'xds') {
        const resource = message.open.resource ?? `${service}:${port}`;
        const subscribers = openAdsSubscribers({ address, subscribers: watchers, perChannel: Math.ceil(watchers / channels), resource, onResponse: (w) => received(w, (counts[w] ?? 0) + 1), onError: failed });
        closers.push(() => subscribers.close());
      } else if (kind === 'http2') {
        const fleet = openHttp2Watchers({ address, watchers, perSession: Math.ceil(watchers / channels), service, port, onVersion: received, onError: failed });
        closers.push(() => fleet.close());
      } else {
        const stubs = Array.from({ length: channels }, () => new LoadBalancerStub(address, undefined, { 'grpc.use_local_subchannel_pool': 1 }));
        for (let w = 0; w < watchers; w++) {
          const call = stubs[w % channels]!.watchServers({ service, port });
          call.on('data', (update: ServersUpdate) => received(w, update.version));
          call.on('error', (error) => failed(w, error));
          closers.push(() => call.cancel());
        }
        for (const stub of stubs) closers.push(() => stub.close());
      }
    }
    if (message.await !== undefined) {
      awaiting = message.await;
      check();
    }
    if (message.versions) process.send!({ min: Math.min(...latest), max: Math.max(...latest) });
    if (message.above !== undefined) {
      const version = message.above;
      // Watchers that already hold a newer version got it before this question: now.
      const arrivedAt = latest.map((v) => (v > version ? epochNow() : undefined));
      above = { version, arrivedAt, missing: arrivedAt.filter((t) => t === undefined).length };
      checkAbove();
    }
    if (message.next !== undefined) {
      nextQuestion = { token: message.next, countAt: latest.map((_, w) => counts[w] ?? 0), arrivedAt: new Array<number | undefined>(total).fill(undefined), missing: total };
      process.send!({ armed: message.next });
    }
    if (message.close) {
      closing = true;
      for (const close of closers) close();
      process.disconnect();
      setImmediate(() => process.exit(0));
    }
  });
}

if (process.argv.includes('--fleet')) runFleet();

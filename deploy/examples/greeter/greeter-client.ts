// An example application client. It registers lookaside once, then uses an
// ordinary grpc-js client on "lookaside:///greeter.default:grpc": every call
// is balanced across the service's current backends by their weights.
//
// Two ways to run it:
//   - a number of calls, then the spread, then exit (on one machine):
//       LOOKASIDE_CONTROL_PLANE=127.0.0.1:50051 npx tsx deploy/examples/greeter/greeter-client.ts 1000
//   - forever, as deploy/examples/client-app.yaml runs it in a Deployment
//     (GREETER_CALLS=forever): a steady load of GREETER_RATE calls a second
//     (default 20), printing the spread of each GREETER_REPORT_EVERY (default
//     10s) window, until SIGTERM; then it ends its calls and exits 0. The
//     logs (`kubectl logs deploy/greeter-client`) show the spread follow
//     the greeter pods as they scale, restart or change weight.
// The target is GREETER_TARGET, default lookaside:///greeter.default:grpc.

import { pathToFileURL } from 'node:url';
import { credentials, Metadata } from '@grpc/grpc-js';
import ms from 'ms';
import { lookasideChannelOptions, registerLookaside } from 'grpc-lookaside-client';
import { Greeter, type GreeterClient, type SayHelloResponse } from './greeter-proto.js';

export const GREETER_TARGET = 'lookaside:///greeter.default:grpc';

function sayHello(client: GreeterClient, name: string): Promise<SayHelloResponse> {
  return new Promise<SayHelloResponse>((resolve, reject) =>
    client.SayHello({ name }, new Metadata(), { deadline: Date.now() + 5_000 }, (error, response) => (error ? reject(error) : resolve(response!))),
  );
}

/**
 * Makes `calls` calls (16 at a time) and returns how many each backend
 * answered. With `warmUpUntil`, calls are first made (and not counted) until
 * that many backends have answered, so that the count starts with every
 * connection up rather than with the first one to connect.
 */
export async function runGreeterClient(options: { calls: number; controlPlane?: string; target?: string; warmUpUntil?: number }): Promise<Map<string, number>> {
  const lookaside = registerLookaside({ ...(options.controlPlane && { controlPlane: options.controlPlane }) });
  const client = new Greeter(options.target ?? GREETER_TARGET, credentials.createInsecure(), lookasideChannelOptions());
  const counts = new Map<string, number>();
  let started = 0;
  const worker = async () => {
    while (started < options.calls) {
      started++;
      const { backend } = await sayHello(client, 'lookaside');
      counts.set(backend, (counts.get(backend) ?? 0) + 1);
    }
  };
  try {
    if (options.warmUpUntil !== undefined) {
      const answered = new Set<string>();
      // Bounded: a backend that never answers leaves the count to show it.
      for (let i = 0; i < 1_000 && answered.size < options.warmUpUntil; i++) answered.add((await sayHello(client, 'warm-up')).backend);
    }
    await Promise.all(Array.from({ length: 16 }, worker));
  } finally {
    // Closing the last client closes the shared watch, and the registration
    // its streams: the process can exit, or register again.
    client.close();
    lookaside.close();
  }
  return counts;
}

export interface SteadyLoadOptions {
  readonly target: string;
  /** Calls started per second. */
  readonly rate: number;
  /** Length of a window whose spread is reported. */
  readonly reportEveryMs: number;
  /** Told the counts (and failures) of every finished window. */
  readonly report: (counts: Map<string, number>, failures: Map<string, number>) => void;
}

/**
 * A steady load until stop() is called: `rate` calls a second, each window's
 * spread reported. A failed call is counted by its status and the load goes
 * on: a long-running client rides out restarts of backends and of the
 * control plane (it keeps its last server list meanwhile).
 */
export function startSteadyLoad(options: SteadyLoadOptions): { stop(): Promise<void> } {
  const lookaside = registerLookaside();
  const client = new Greeter(options.target, credentials.createInsecure(), lookasideChannelOptions());
  let counts = new Map<string, number>();
  let failures = new Map<string, number>();
  const inFlight = new Set<Promise<void>>();
  const call = () => {
    const done = sayHello(client, 'load').then(
      ({ backend }) => void counts.set(backend, (counts.get(backend) ?? 0) + 1),
      (error: { code?: number; details?: string }) => {
        const reason = `${error.code ?? '?'} ${error.details ?? String(error)}`;
        failures.set(reason, (failures.get(reason) ?? 0) + 1);
      },
    );
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
  };
  const caller = setInterval(call, Math.max(1, Math.round(1_000 / options.rate)));
  const reporter = setInterval(() => {
    options.report(counts, failures);
    counts = new Map();
    failures = new Map();
  }, options.reportEveryMs);
  return {
    async stop() {
      clearInterval(caller);
      clearInterval(reporter);
      await Promise.all(inFlight);
      client.close();
      lookaside.close();
    },
  };
}

/** The spread as a table: backend, calls, share. */
export function formatSpread(counts: Map<string, number>, expected?: Map<string, number>): string {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const rows = [...counts.entries()].sort(([a], [b]) => a.localeCompare(b));
  const lines = [`${'backend'.padEnd(12)} ${'calls'.padStart(6)} ${'share'.padStart(7)}${expected ? ` ${'expected'.padStart(9)}` : ''}`];
  for (const [backend, count] of rows) {
    const share = `${((count / total) * 100).toFixed(1)}%`;
    const want = expected?.get(backend);
    lines.push(`${backend.padEnd(12)} ${String(count).padStart(6)} ${share.padStart(7)}${want !== undefined ? ` ${`${(want * 100).toFixed(1)}%`.padStart(9)}` : ''}`);
  }
  lines.push(`${'total'.padEnd(12)} ${String(total).padStart(6)}`);
  return lines.join('\n');
}

/** A positive number from the environment, or the default; anything else is an error naming the variable and what it takes. */
function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, parse: (text: string) => number = Number, takes = 'a number above 0'): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = parse(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name}="${text}" must be ${takes}`);
  return value;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const calls = process.argv[2] ?? process.env.GREETER_CALLS ?? '1000';
  const target = process.env.GREETER_TARGET ?? GREETER_TARGET;
  if (calls === 'forever') {
    const rate = positiveNumber(process.env, 'GREETER_RATE', 20);
    const reportEveryMs = positiveNumber(
      process.env,
      'GREETER_REPORT_EVERY',
      10_000,
      (text) => (/^[0-9]+$/.test(text) ? Number(text) : (ms(text as ms.StringValue) ?? NaN)),
      'a duration above 0 such as 10s or 500ms (a bare number is milliseconds)',
    );
    console.log(`calling ${target} ${rate} times a second; the spread every ${ms(reportEveryMs)}`);
    const load = startSteadyLoad({
      target,
      rate,
      reportEveryMs,
      report: (counts, failures) => {
        console.log(`${new Date().toISOString()}\n${formatSpread(counts)}`);
        for (const [reason, count] of failures) console.log(`failed ${count}: ${reason}`);
      },
    });
    const stop = () => void load.stop().then(() => process.exit(0));
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  } else {
    if (!/^[0-9]+$/.test(calls) || Number(calls) < 1) throw new Error(`calls "${calls}" must be a whole number of calls, or "forever"`);
    const counts = await runGreeterClient({ calls: Number(calls), target });
    console.log(formatSpread(counts));
  }
}

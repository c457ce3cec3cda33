// What the balance, propagation and rolling-restart benchmarks share: real
// grpc-js backends on 127.0.0.1 that answer the identity service after a
// chosen delay and can be killed like a process that exits; a fixed number
// of calls kept in flight through one channel, with each call's latency and
// outcome, or calls started at a fixed rate; and a "bench-dns" resolver that
// hands grpc-js a list of addresses re-read on a period, as a DNS client of a
// headless Service sees.

import { experimental, status, type ServiceError } from '@grpc/grpc-js';
import { IdentityClient, startIdentityBackend, type IdentityBackend } from '../../test/support/identity-backends.js';

/** A backend of the benchmarks: an identity backend that answers after a delay. */
export type BenchBackend = IdentityBackend;

export function startBenchBackend(name: string, delayMs = 0): Promise<BenchBackend> {
  return startIdentityBackend(name, { delayMs });
}

export interface CallRecord {
  /** Latencies of the calls that succeeded, in ms. */
  readonly latenciesMs: number[];
  /** Calls answered, by backend name. */
  readonly counts: Map<string, number>;
  /** Failed calls by "CODE: details" (first 120 characters). */
  readonly failures: Map<string, number>;
  readonly failed: number;
  readonly total: number;
}

type MutableCallRecord = { -readonly [K in keyof CallRecord]: CallRecord[K] };

function emptyRecord(): MutableCallRecord {
  return { latenciesMs: [], counts: new Map(), failures: new Map(), failed: 0, total: 0 };
}

/** Makes one call and adds its latency and backend, or its failure, to `record`. */
async function recordOneCall(client: IdentityClient, record: MutableCallRecord, timeoutMs: number): Promise<void> {
  const begun = performance.now();
  try {
    const backend = await client.who({ timeoutMs });
    record.latenciesMs.push(performance.now() - begun);
    record.counts.set(backend, (record.counts.get(backend) ?? 0) + 1);
  } catch (error) {
    const e = error as ServiceError;
    const key = `${status[e.code] ?? e.code}: ${String(e.details).slice(0, 120)}`;
    record.failures.set(key, (record.failures.get(key) ?? 0) + 1);
    record.failed++;
  }
  record.total++;
}

/**
 * Keeps `concurrency` calls in flight through `client` until `total` calls
 * are done, `stop()` is called, or `maxMs` has passed, whichever is first.
 */
export function keepCallsInFlight(client: IdentityClient, options: { concurrency: number; total?: number; maxMs: number; timeoutMs?: number }) {
  const record = emptyRecord();
  const until = performance.now() + options.maxMs;
  const limit = options.total ?? Number.POSITIVE_INFINITY;
  let started = 0;
  let running = true;
  const worker = async () => {
    while (running && started < limit && performance.now() < until) {
      started++;
      await recordOneCall(client, record, options.timeoutMs ?? 5_000);
    }
  };
  const done = Promise.all(Array.from({ length: options.concurrency }, worker)).then(() => record as CallRecord);
  return {
    record: record as CallRecord,
    done,
    stop(): Promise<CallRecord> {
      running = false;
      return done;
    },
  };
}

/**
 * Starts calls through `client` at a fixed rate, `perSecond`, whatever the
 * answers (an open loop: arrivals do not wait for answers, as the traffic of
 * many independent users does not), for `durationMs`; each call has a
 * deadline of `timeoutMs`. A backend that cannot keep up then builds a queue,
 * where a closed loop (keepCallsInFlight) would only slow the arrivals down.
 * Resolves when every call started has ended.
 */
export async function sendCallsAtRate(client: IdentityClient, options: { perSecond: number; durationMs: number; timeoutMs: number }): Promise<CallRecord> {
  const record = emptyRecord();
  const calls: Promise<void>[] = [];
  const started = performance.now();
  let sent = 0;
  // A tick every 5 ms sends the calls due by now, so a late timer catches up
  // instead of lowering the rate.
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const elapsed = performance.now() - started;
      const due = Math.floor((Math.min(elapsed, options.durationMs) / 1000) * options.perSecond);
      while (sent < due) {
        sent++;
        calls.push(recordOneCall(client, record, options.timeoutMs));
      }
      if (elapsed >= options.durationMs) {
        clearInterval(tick);
        resolve();
      }
    }, 5);
  });
  await Promise.all(calls);
  return record;
}

/** Calls until every named backend has answered (bounded by `maxMs`); throws if some never does. */
export async function warmUp(client: IdentityClient, names: readonly string[], maxMs = 10_000): Promise<void> {
  const seen = new Set<string>();
  const until = performance.now() + maxMs;
  while (!names.every((n) => seen.has(n))) {
    if (performance.now() > until) throw new Error(`warm-up: no answer from ${names.filter((n) => !seen.has(n)).join(', ')} within ${maxMs} ms`);
    const { counts } = await client.spread(names.length * 4, 8);
    for (const name of counts.keys()) seen.add(name);
  }
}

// ---- a DNS-style resolver ----------------------------------------------

/** The scheme of the DNS-style resolver: "bench-dns:///<name>". */
export const BENCH_DNS_SCHEME = 'bench-dns';

interface DnsName {
  /** The addresses "DNS" answers now ("127.0.0.1:port"). */
  readonly answer: () => readonly string[];
  /** How often a resolver re-reads the answer (the client's cache lifetime). */
  readonly refreshMs: number;
  /** Also re-read when the channel asks (a connection failed), as grpc-js's DNS resolver does. */
  readonly reresolveOnRequest: boolean;
}

const dnsNames = new Map<string, DnsName>();
let dnsRegistered = false;

/**
 * Makes "bench-dns:///<name>" resolve to `answer()`, re-read every
 * `refreshMs`, and on the channel's request when `reresolveOnRequest`.
 */
export function defineDnsName(name: string, definition: DnsName): string {
  dnsNames.set(name, definition);
  if (!dnsRegistered) {
    dnsRegistered = true;
    experimental.registerResolver(BENCH_DNS_SCHEME, DnsStyleResolver);
  }
  return `${BENCH_DNS_SCHEME}:///${name}`;
}

class DnsStyleResolver implements experimental.Resolver {
  private timer: NodeJS.Timeout | undefined;
  private pending: NodeJS.Immediate | undefined;
  private readonly name: DnsName;

  constructor(
    target: experimental.GrpcUri,
    private readonly listener: experimental.ResolverListener,
  ) {
    const name = dnsNames.get(target.path);
    if (!name) throw new Error(`bench-dns: unknown name ${target.path}`);
    this.name = name;
  }

  static getDefaultAuthority(target: experimental.GrpcUri): string {
    return target.path;
  }

  updateResolution(): void {
    if (!this.timer) {
      this.timer = setInterval(() => this.resolve(), this.name.refreshMs);
      this.timer.unref();
      this.resolve();
    } else if (this.name.reresolveOnRequest) {
      this.resolve();
    }
  }

  destroy(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.pending) clearImmediate(this.pending);
    this.timer = undefined;
    this.pending = undefined;
  }

  private resolve(): void {
    if (this.pending) return;
    // Never synchronously with updateResolution (the Resolver contract).
    this.pending = setImmediate(() => {
      this.pending = undefined;
      const endpoints = this.name.answer().map((address) => {
        const colon = address.lastIndexOf(':');
        return { addresses: [{ host: address.slice(0, colon), port: Number(address.slice(colon + 1)) }] };
      });
      if (endpoints.length === 0) {
        this.listener(experimental.statusOrFromError({ code: status.UNAVAILABLE, details: 'bench-dns: no addresses' }), {}, null, 'no addresses');
      } else {
        this.listener(experimental.statusOrFromValue(endpoints), {}, null, `${endpoints.length} addresses`);
      }
    });
  }
}

// ---- small formatting helpers ---------------------------------------------

export function round(value: number, digits = 1): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export { IdentityClient };

// GetServers throughput as a ratio to an empty unary method on the same
// server, channel and client setup: what the lookup, validation and the
// response cost on top of a bare gRPC round trip.
//
//   npx tsx bench/get-servers-throughput.ts [--quick] [--calls 40000] [--inflight 64]
//
// Both methods are served by the control plane's own grpc-js server (the
// empty one is added beside LoadBalancer for the benchmark) and called over
// one shared connection with the same number of calls in flight. Rounds
// alternate between the two, in pairs ordered A B, B A, A B ..., and the
// ratio is the median of all the pairs' ratios, reported with their spread: the drift of a shared machine's
// speed moves both rates of a pair alike and cancels out, and neither method
// always runs first (or always inherits the other's garbage: each round
// starts after a full GC).

import { credentials, Metadata, makeGenericClientConstructor, type Client, type ServiceDefinition, type ServiceError } from '@grpc/grpc-js';
import { argument, percentile, quick, recordResult } from './support/bench-result.js';
import { BENCH_SERVICE, startBenchControlPlane } from './support/bench-control-plane.js';

const rounds = quick ? 6 : 20;
// Whole calls per round: a round ends when exactly this many have finished.
const callsPerRound = Math.max(1, Math.round(argument('calls', quick ? 4_000 : 40_000) / rounds));
const inflight = argument('inflight', 64);
const GOAL_RATIO = 0.8;

const EMPTY = Buffer.alloc(0);
const emptyService: ServiceDefinition = {
  Call: {
    path: '/bench.v1.Empty/Call',
    requestStream: false,
    responseStream: false,
    requestSerialize: () => EMPTY,
    requestDeserialize: () => ({}),
    responseSerialize: () => EMPTY,
    responseDeserialize: () => ({}),
  },
};

const controlPlane = await startBenchControlPlane();
controlPlane.server.server.addService(emptyService, { Call: (_call: unknown, callback: (error: null, value: object) => void) => callback(null, {}) });
const address = `127.0.0.1:${controlPlane.port}`;

type UnaryFn = (request: object, metadata: Metadata, options: { deadline: number }, callback: (error: ServiceError | null) => void) => void;
const channelCredentials = credentials.createInsecure();
const EmptyClient = makeGenericClientConstructor(emptyService, 'Empty');
const { LoadBalancerStub } = await import('grpc-lookaside-client');
const lookaside = new LoadBalancerStub(address, channelCredentials);
// The empty client rides on the very same channel as the LoadBalancer client.
const empty = new EmptyClient(address, channelCredentials, { channelOverride: lookaside.raw.getChannel() }) as unknown as Client & { Call: UnaryFn };

const getServersRequest = { target: { service: BENCH_SERVICE.service, port: BENCH_SERVICE.port } };
const callGetServers: UnaryFn = (r, m, o, cb) => lookaside.raw.GetServers(r, m, o, (error) => cb(error));
const callEmpty: UnaryFn = (r, m, o, cb) => empty.Call(r, m, o, cb);

/** Runs `count` calls with `inflight` outstanding; resolves with calls per second. */
function round(call: UnaryFn, request: object, count: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let started = 0;
    let finished = 0;
    const begin = performance.now();
    const next = () => {
      if (started >= count) return;
      started += 1;
      call(request, new Metadata(), { deadline: Date.now() + 10_000 }, (error) => {
        if (error) return reject(error);
        finished += 1;
        if (finished === count) resolve(count / ((performance.now() - begin) / 1000));
        else next();
      });
    };
    for (let i = 0; i < inflight; i++) next();
  });
}

// Warm up both paths.
await round(callGetServers, getServersRequest, 2_000);
await round(callEmpty, {}, 2_000);
const getServersRates: number[] = [];
const emptyRates: number[] = [];
const measure = async (which: 'getServers' | 'empty') => {
  global.gc?.();
  if (which === 'getServers') getServersRates.push(await round(callGetServers, getServersRequest, callsPerRound));
  else emptyRates.push(await round(callEmpty, {}, callsPerRound));
};
for (let r = 0; r < rounds; r++) {
  for (const which of r % 2 === 0 ? (['getServers', 'empty'] as const) : (['empty', 'getServers'] as const)) await measure(which);
}
empty.close();
lookaside.close();
await controlPlane.stop(1_000);

const getServersPerSecond = Math.round(percentile(getServersRates, 50));
const emptyPerSecond = Math.round(percentile(emptyRates, 50));
// Every round's ratio counts: the median stands for them, and the spread
// (lowest, quartiles, highest) says how far one round can be from it.
const ratios = getServersRates.map((rate, i) => rate / emptyRates[i]!);
const ratio = Number(percentile(ratios, 50).toFixed(3));
const spread = { min: Math.min(...ratios), p25: percentile(ratios, 25), p75: percentile(ratios, 75), max: Math.max(...ratios) };
const fixed = (n: number) => n.toFixed(2);
await recordResult({
  name: 'get-servers-throughput',
  params: { calls: callsPerRound * rounds, rounds, inflight, backendsInAnswer: 10, client: 'same process, same channel' },
  metrics: { getServersPerSecond, emptyPerSecond, ratio, ratioSpread: spread, ratios: ratios.map((r) => Number(r.toFixed(3))), getServersRates: getServersRates.map(Math.round), emptyRates: emptyRates.map(Math.round) },
  goals: [{ metric: 'ratio', op: '>=', limit: GOAL_RATIO }],
  summary: [
    { label: 'GetServers calls/s (10 backends per answer)', value: String(getServersPerSecond) },
    { label: 'empty unary calls/s, same server and channel', value: String(emptyPerSecond) },
    { label: `ratio GetServers / empty, median of all ${rounds} paired rounds`, value: String(ratio), goal: `≥ ${GOAL_RATIO}`, met: ratio >= GOAL_RATIO },
    { label: 'ratio per round: lowest / 25th pct / 75th pct / highest', value: `${fixed(spread.min)} / ${fixed(spread.p25)} / ${fixed(spread.p75)} / ${fixed(spread.max)}` },
  ],
});

// xDS scale: what a big service costs a proxyless gRPC client (grpc-js-xds).
//
//   npx tsx bench/xds-scale.ts [--quick] [--sizes 1000,3000,10000] [--settle-s 5] [--first-call-s 120]
//
// A real control plane in this process serves one Service per size: one live
// backend and the rest closed loopback ports (127.x.y.z on a port nothing
// listens on, so each connection is refused at once), every backend in one
// zone with the same weight, as a Deployment's pods are. For each size, a
// fresh client process (the real @grpc/grpc-js-xds, its bootstrap pointing
// here) creates an xds:/// channel and makes its first call (waitForReady),
// then keeps calling for --settle-s seconds while the other backends fail to
// connect. Measured in the client's process: the time to the first answer,
// the calls that failed after it, and the longest event-loop stall.
//
// The measure of issue 25, item 9: how the client's cost grows with the
// backends. With a locality per backend, a client builds a child policy per
// backend; with backends that share zone, rank and weight in one locality,
// it holds one child whatever the size. Run it on a commit before and after
// that change to compare (the README's xDS section has both).

import { fork } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { ServiceSpec } from '../src/registry/snapshot.js';
import { xdsBootstrap } from '../src/cli/xds-bootstrap.js';
import { argument as numberArgument, listArgument, quick, recordResult } from './support/bench-result.js';
import { closedHost, closedPort } from './support/closed-backends.js';
import { startBenchControlPlane } from './support/bench-control-plane.js';
import { IdentityClient, round, startBenchBackend } from './support/call-load.js';

const NAMESPACE = 'xdsscale';
const SERVICE_PORT = 50051;


function scaleService(size: number, live: { host: string; port: number }, closed: number): ServiceSpec {
  const backends = Array.from({ length: size - 1 }, (_, i) => ({ host: closedHost(i), port: closed, weight: 100, zone: 'zone-a' }));
  // The live backend last: nothing about its place helps it.
  backends.push({ host: live.host, port: live.port, weight: 100, zone: 'zone-a' });
  return { name: `n${size}`, namespace: NAMESPACE, ports: [{ name: 'grpc', port: SERVICE_PORT, backends }] };
}

interface SizeResult {
  readonly backends: number;
  /** ms from creating the channel to the first answer; undefined if none came in time. */
  readonly firstCallMs: number | undefined;
  readonly firstCallError?: string;
  /** Calls after the first that failed, of `calls`. */
  readonly failedCalls: number;
  readonly calls: number;
  readonly stallMs: number;
}

// ---- the client's process ----------------------------------------------------

async function clientProcess(): Promise<void> {
  const [size, controlPlane, liveName, settleS, firstCallS] = process.argv.slice(process.argv.indexOf('--client') + 1);
  const { register } = await import('@grpc/grpc-js-xds');
  register();
  const stalls = monitorEventLoopDelay({ resolution: 10 });
  stalls.enable();
  const started = performance.now();
  const client = new IdentityClient(`xds:///n${size}.${NAMESPACE}:${SERVICE_PORT}`, {
    'grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config': JSON.stringify(xdsBootstrap({ controlPlane: controlPlane!, nodeId: `xds-scale-${size}`, zone: 'zone-a' })),
  });
  let firstCallMs: number | undefined;
  let firstCallError: string | undefined;
  try {
    const backend = await client.who({ waitForReady: true, timeoutMs: Number(firstCallS) * 1_000 });
    if (backend !== liveName) throw new Error(`the first call was answered by ${backend}`);
    firstCallMs = round(performance.now() - started, 0);
  } catch (error) {
    firstCallError = (error as Error).message;
  }
  let calls = 0;
  let failedCalls = 0;
  const until = performance.now() + Number(settleS) * 1_000;
  while (firstCallMs !== undefined && performance.now() < until) {
    calls++;
    await client.who({ timeoutMs: 10_000 }).catch(() => failedCalls++);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  stalls.disable();
  client.close();
  const result: SizeResult = { backends: Number(size), firstCallMs, ...(firstCallError !== undefined && { firstCallError }), failedCalls, calls, stallMs: round(stalls.max / 1e6, 0) };
  process.send!(result, () => process.exit(0));
}

// ---- the control plane's process (this one) -------------------------------------

function measure(size: number, controlPlane: string, liveName: string, settleS: number, firstCallS: number): Promise<SizeResult> {
  const child = fork(fileURLToPath(import.meta.url), ['--client', String(size), controlPlane, liveName, String(settleS), String(firstCallS)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (result: SizeResult) => resolve(result));
    child.once('exit', (code) => reject(new Error(`the client process for ${size} backends exited with ${code} before reporting`)));
  });
}

async function main(): Promise<void> {
  const sizes = listArgument('sizes', quick ? [300, 1_000] : [1_000, 3_000, 10_000]);
  const settleS = numberArgument('settle-s', quick ? 2 : 5);
  const firstCallS = numberArgument('first-call-s', 120);
  const live = await startBenchBackend('live');
  const [liveHost, livePort] = live.address.split(':');
  const closed = await closedPort();
  const controlPlane = await startBenchControlPlane(sizes.map((size) => scaleService(size, { host: liveHost!, port: Number(livePort) }, closed)));
  const results: SizeResult[] = [];
  try {
    for (const size of sizes) {
      const result = await measure(size, `127.0.0.1:${controlPlane.port}`, live.name, settleS, firstCallS);
      console.log(
        `  ${size} backends: first call ${result.firstCallMs ?? `none within ${firstCallS} s (${result.firstCallError})`} ms, ` +
          `${result.failedCalls} of ${result.calls} later calls failed, longest stall ${result.stallMs} ms`,
      );
      results.push(result);
    }
  } finally {
    await controlPlane.stop(1_000);
    await live.stop();
  }
  const metrics: Record<string, unknown> = { sizes: results };
  for (const r of results) metrics[`firstCallMs_${r.backends}`] = r.firstCallMs ?? null;
  await recordResult({
    name: 'xds-scale',
    params: { sizes, settleS, firstCallS, layout: 'one live backend, the rest refused loopback ports; one zone, one weight' },
    metrics,
    summary: results.map((r) => ({
      label: `grpc-js-xds first call, ${r.backends.toLocaleString('en-US')} backends`,
      value: `${r.firstCallMs === undefined ? 'none' : `${r.firstCallMs} ms`}; ${r.failedCalls} of ${r.calls} later calls failed; stall ${r.stallMs} ms`,
    })),
  });
}

if (process.argv.includes('--client')) await clientProcess();
else await main();

// Slow start through the API harness and the real client-node: a backend
// that becomes ready while the control plane runs ramps from 10 % of its
// weight to all of it over the Service's lookaside.dev/slow-start window, on
// Envoy's curve, with at most one version per second; backends present at
// start-up and backends that only move between slices do not ramp; a bad
// annotation is logged once and ignored. The source's ramp runs on a clock
// the test advances: a window of seconds takes no time.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIN_WEIGHT_FACTOR, parseSlowStart, RAMP_STEP_MS, rampFactor } from '../../../src/discovery/kubernetes/slow-start.js';
import { capturedLogger, type CapturedLogger } from '../../support/captured-logger.js';
import { ManualClock } from '../../support/manual-clock.js';
import { waitFor } from '../../support/wait-until.js';
import { endpointSlice, READY, service } from '../../support/kubernetes-objects.js';
import { startKubernetesControlPlane, type KubernetesControlPlane } from '../../support/kubernetes-control-plane.js';

const NS = 'shop';
const WINDOW_S = 3;
let cp: KubernetesControlPlane;
let log: CapturedLogger;
const clock = new ManualClock();

const slice = (name: string, addresses: string[]) =>
  endpointSlice({ name, namespace: NS, service: 'warm', ports: [{ name: 'grpc', port: 8080 }], endpoints: addresses.map((address) => ({ address, ...READY })) });

beforeAll(async () => {
  log = capturedLogger();
  cp = await startKubernetesControlPlane({
    logger: log.logger,
    // Writes are not paced, so the only timer on the clock is the ramp's step.
    source: { clock, minFlushIntervalMs: 0 },
    seed: (harness) => {
      harness.apply('services', service('warm', NS, [{ name: 'grpc', port: 50051, targetPort: 8080 }], { annotations: { 'lookaside.dev/slow-start': `${WINDOW_S}s` } }));
      harness.apply('endpointslices', slice('warm-1', ['127.10.0.1']));
      harness.apply('services', service('odd', NS, [{ name: 'grpc', port: 50051, targetPort: 8080 }], { annotations: { 'lookaside.dev/slow-start': 'soon' } }));
    },
  });
  await cp.synced();
});
afterAll(() => cp?.close());

describe('the curve', () => {
  it('is Envoy\'s with aggression 1: a floor of 10 %, then linear to the full weight at the end of the window', () => {
    expect(rampFactor(0, 30_000)).toBe(MIN_WEIGHT_FACTOR);
    expect(rampFactor(15_000, 30_000)).toBeCloseTo(0.5);
    expect(rampFactor(30_000, 30_000)).toBe(1);
    expect(rampFactor(5_000, 0)).toBe(1);
    expect(parseSlowStart('30s')).toBe(30_000);
    expect(parseSlowStart('soon')).toEqual({ error: expect.stringMatching(/lookaside\.dev\/slow-start: "soon" must be a duration from 0s to 1h/) });
  });
});

it('does not ramp a backend present at start-up, ramps a new one on schedule, at most one version a second', async () => {
  const watcher = cp.watch({ service: `warm.${NS}`, port: 'grpc' });
  await watcher.waitFor((r) => r.updates.length === 1);
  expect(watcher.last!.servers.map((s) => [s.address, s.weight, s.metadata['weight-source']])).toEqual([['127.10.0.1:8080', 100, undefined]]);
  expect(clock.timers).toBe(0);
  const startedAt = clock.now();
  cp.harness.apply('endpointslices', slice('warm-1', ['127.10.0.1', '127.10.0.2']));
  await watcher.waitFor((r) => r.last?.servers.length === 2);
  const first = watcher.last!.servers.find((s) => s.address === '127.10.0.2:8080')!;
  expect(first.weight).toBeLessThanOrEqual(40);
  expect(first.metadata['weight-source']).toBe('slow-start');
  // Each step: once the ramp has set its timer, a second passes and the next version is published.
  for (let step = 1; watcher.last!.servers.find((s) => s.address === '127.10.0.2:8080')!.weight !== 100; step++) {
    expect(step, 'steps of a 3 s ramp').toBeLessThanOrEqual(WINDOW_S);
    await waitFor('the ramp\'s next step to be set', () => clock.timers === 1);
    clock.advance(RAMP_STEP_MS);
    await watcher.waitFor((r) => r.updates.length === step + 2);
  }
  // The ramp is over: nothing more is scheduled. The old backend keeps its weight throughout.
  expect(clock.timers).toBe(0);
  const elapsedS = (clock.now() - startedAt) / 1_000;
  const ramp = watcher.updates.slice(1).map((u) => u.servers.find((s) => s.address === '127.10.0.2:8080')?.weight ?? 0);
  expect(ramp).toEqual([...ramp].sort((a, b) => a - b));
  // Envoy's curve at whole seconds of a 3 s window: the 10 % floor, 1/3, 2/3, all.
  expect(ramp).toEqual([10, 33, 67, 100]);
  expect(ramp.length, `versions during a ${elapsedS.toFixed(1)} s ramp`).toBeLessThanOrEqual(Math.ceil(elapsedS) + 1);
  expect(watcher.updates.every((u) => u.servers.find((s) => s.address === '127.10.0.1:8080')!.weight === 100)).toBe(true);
  expect(watcher.last!.servers.find((s) => s.address === '127.10.0.2:8080')!.metadata['weight-source']).toBeUndefined();
});

it('does not ramp a backend that only moves to another slice', async () => {
  const watcher = cp.watch({ service: `warm.${NS}`, port: 'grpc' });
  await watcher.waitFor((r) => r.updates.length === 1);
  cp.harness.apply('endpointslices', slice('warm-2', ['127.10.0.2']));
  cp.harness.apply('endpointslices', slice('warm-1', ['127.10.0.1']));
  // A change after the move, seen by the watcher: slice events are handled in
  // order, so every update the move caused has been published by then (a
  // ramp starts in the first of them, at 10 %).
  cp.harness.apply('endpointslices', slice('warm-1', []));
  await watcher.waitFor((r) => r.last?.servers.map((s) => s.address).join() === '127.10.0.2:8080');
  expect(watcher.updates.flatMap((u) => u.servers.map((s) => s.weight))).toEqual(watcher.updates.flatMap((u) => u.servers.map(() => 100)));
});

it('logs a bad annotation once, naming the rule', () => {
  expect(log.lines.filter((l) => /lookaside\.dev\/slow-start: "soon" must be a duration/.test(l.msg))).toHaveLength(1);
});

// The pickers alone, with stand-in leaf pickers: exact EDF shares, and the
// least-request choice.

import { experimental, Metadata } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { EarliestDeadlineFirstScheduler, LeastRequestPicker, WeightedRoundRobinPicker, type PickableBackend } from '../../packages/client/src/policies/weighted-picker.js';

function backend(name: string, weight: number, inFlight = 0): PickableBackend & { name: string } {
  const picker: experimental.Picker = {
    pick: () => ({ pickResultType: experimental.PickResultType.COMPLETE, subchannel: { name } as unknown as experimental.SubchannelInterface, status: null, onCallStarted: null, onCallEnded: null }),
  };
  return { name, weight, picker, inFlight: { count: inFlight } };
}
const args: experimental.PickArgs = { metadata: new Metadata(), extraPickInfo: {} };
const pickedName = (result: experimental.PickResult) => (result.subchannel as unknown as { name: string }).name;

describe('EarliestDeadlineFirstScheduler', () => {
  it('gives every weight its exact share over a whole cycle, whatever the start offsets', () => {
    const weights = [1, 2, 3, 4];
    for (const seed of [0, 0.3, 0.999]) {
      const scheduler = new EarliestDeadlineFirstScheduler(weights, () => seed);
      const counts = [0, 0, 0, 0];
      for (let i = 0; i < 10_000; i++) counts[scheduler.next()]!++;
      counts.forEach((count, i) => expect(Math.abs(count - weights[i]! * 1_000)).toBeLessThanOrEqual(1));
    }
  });

  it('interleaves rather than bursting', () => {
    const scheduler = new EarliestDeadlineFirstScheduler([1, 1, 1], () => 0);
    expect(Array.from({ length: 6 }, () => scheduler.next())).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it('rejects weights that are not positive', () => {
    expect(() => new EarliestDeadlineFirstScheduler([1, 0])).toThrow(/positive/);
  });
});

describe('WeightedRoundRobinPicker', () => {
  it('delegates to the picked backend', () => {
    const picker = new WeightedRoundRobinPicker([backend('a', 1), backend('b', 3)], () => 0);
    const counts = new Map<string, number>();
    for (let i = 0; i < 400; i++) {
      const name = pickedName(picker.pick(args));
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    expect(counts).toEqual(new Map([['b', 300], ['a', 100]]));
  });
});

describe('LeastRequestPicker', () => {
  it('takes the drawn backend with the fewest calls in flight per weight', () => {
    const busy = backend('busy', 100, 5);
    const idle = backend('idle', 100, 1);
    const picker = new LeastRequestPicker([busy, idle], 2);
    for (let i = 0; i < 50; i++) expect(pickedName(picker.pick(args))).toBe('idle');
  });

  it('counts a call in flight from start to end', () => {
    const only = backend('only', 100);
    const result = new LeastRequestPicker([only, backend('other', 100, 10)], 2).pick(args);
    result.onCallStarted?.();
    expect(only.inFlight.count).toBe(1);
    result.onCallEnded?.(0, '', new Metadata());
    expect(only.inFlight.count).toBe(0);
  });

  it('draws distinct backends, so a loaded backend is never compared with itself', () => {
    const loaded = backend('loaded', 10_000, 50);
    const light = backend('light', 1, 0);
    const picker = new LeastRequestPicker([loaded, light], 2);
    for (let i = 0; i < 200; i++) expect(pickedName(picker.pick(args))).toBe('light');
  });
});

describe('a backend that left READY after the snapshot', () => {
  it('gets no call from either picker: the pick waits for the policy\'s next picker', () => {
    const gone = { ...backend('gone', 1), connection: { ready: false } };
    const up = { ...backend('up', 1), connection: { ready: true } };
    const wrr = new WeightedRoundRobinPicker([gone, up], () => 0);
    const results = Array.from({ length: 4 }, () => wrr.pick(args));
    expect(results.map((r) => (r.pickResultType === experimental.PickResultType.COMPLETE ? pickedName(r) : 'queued'))).toEqual(['queued', 'up', 'queued', 'up']);
    const lr = new LeastRequestPicker([gone], 2, () => 0);
    expect(lr.pick(args).pickResultType).toBe(experimental.PickResultType.QUEUE);
  });
});

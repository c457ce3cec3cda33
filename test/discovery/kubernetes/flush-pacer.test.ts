// FlushPacer on fake timers: which requests flush on the next turn, which wait
// for the interval to end, and that a burst costs one flush per interval.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FlushPacer } from '../../../src/discovery/kubernetes/flush-pacer.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

function pacer(minIntervalMs: number) {
  const flushedAt: number[] = [];
  return { flushedAt, pacer: new FlushPacer(minIntervalMs, () => flushedAt.push(performance.now())) };
}

describe('FlushPacer', () => {
  it('flushes the first request after a quiet period on the next turn, once for all requests of that turn', async () => {
    const { pacer: p, flushedAt } = pacer(100);
    p.request();
    p.request();
    p.request();
    expect(flushedAt).toEqual([]);
    expect(p.pending).toBe(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(flushedAt).toHaveLength(1);
    expect(p.pending).toBe(false);
  });

  it('holds requests that follow a flush until the interval has passed, then flushes them once', async () => {
    const { pacer: p, flushedAt } = pacer(100);
    p.request();
    await vi.advanceTimersByTimeAsync(0);
    const first = flushedAt[0]!;
    for (let i = 0; i < 9; i++) {
      await vi.advanceTimersByTimeAsync(10);
      p.request();
    }
    expect(flushedAt).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(20);
    expect(flushedAt).toHaveLength(2);
    expect(flushedAt[1]! - first).toBe(100);
  });

  it('flushes at once again after a quiet interval', async () => {
    const { pacer: p, flushedAt } = pacer(100);
    p.request();
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(250);
    p.request();
    await vi.advanceTimersByTimeAsync(0);
    expect(flushedAt).toEqual([0, 250]);
  });

  it('flushNow() runs at once, replaces a scheduled flush and restarts the interval', async () => {
    const { pacer: p, flushedAt } = pacer(100);
    p.request();
    p.flushNow();
    expect(flushedAt).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(0);
    expect(flushedAt).toHaveLength(1);
    p.request();
    await vi.advanceTimersByTimeAsync(99);
    expect(flushedAt).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(flushedAt).toHaveLength(2);
  });

  it('cancel() drops a scheduled flush', async () => {
    const { pacer: p, flushedAt } = pacer(100);
    p.request();
    p.cancel();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(flushedAt).toEqual([]);
  });

  it('with an interval of 0, every turn with requests flushes', async () => {
    const { pacer: p, flushedAt } = pacer(0);
    p.request();
    await vi.advanceTimersByTimeAsync(0);
    p.request();
    await vi.advanceTimersByTimeAsync(0);
    expect(flushedAt).toHaveLength(2);
  });

  it('rejects an interval that is not a number of milliseconds ≥ 0', () => {
    expect(() => new FlushPacer(-1, () => {})).toThrow('the minimum flush interval must be a number of milliseconds ≥ 0, got -1');
    expect(() => new FlushPacer(Number.NaN, () => {})).toThrow('got NaN');
  });
});

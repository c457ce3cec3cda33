// The review cache behind caller authorization: bounded in time and in
// entries whatever callers send, one review for identical concurrent asks,
// and nothing kept from a review that failed.

import { expect, it } from 'vitest';
import { ReviewCache } from '../../src/server/shared/caller-authorization/review-cache.js';

function clock() {
  let now = 1_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

it('keeps a result until its expiry, then reviews again', async () => {
  const time = clock();
  const cache = new ReviewCache<string>({ maxEntries: 10, now: time.now });
  let reviews = 0;
  const review = () => Promise.resolve(`answer-${++reviews}`);
  const until = () => time.now() + 100;
  // keptUntil says how long the value holds: what an open stream's recheck waits for.
  expect(await cache.get('k', review, until)).toEqual({ value: 'answer-1', outcome: 'review', keptUntil: 1_100 });
  time.advance(99);
  expect(await cache.get('k', review, until)).toEqual({ value: 'answer-1', outcome: 'hit', keptUntil: 1_100 });
  time.advance(1);
  expect(await cache.get('k', review, until)).toEqual({ value: 'answer-2', outcome: 'review', keptUntil: 1_200 });
});

it('holds at most maxEntries, dropping the least recently used', async () => {
  const time = clock();
  const cache = new ReviewCache<string>({ maxEntries: 3, now: time.now });
  const keep = () => time.now() + 60_000;
  for (let i = 0; i < 1_000; i++) await cache.get(`caller-${i}`, () => Promise.resolve(`v${i}`), keep);
  expect(cache.size).toBe(3);
  // caller-997 is used again, so caller-998 is the oldest when a new one comes.
  expect((await cache.get('caller-997', () => Promise.resolve('new'), keep)).outcome).toBe('hit');
  await cache.get('caller-1000', () => Promise.resolve('v1000'), keep);
  expect((await cache.get('caller-997', () => Promise.resolve('new'), keep)).outcome).toBe('hit');
  expect((await cache.get('caller-998', () => Promise.resolve('new'), keep)).outcome).toBe('review');
});

it('joins identical reviews in flight into one, and keeps nothing from a failed one', async () => {
  const cache = new ReviewCache<string>({ maxEntries: 10 });
  let reviews = 0;
  let fail!: (error: Error) => void;
  const pending = () => {
    reviews++;
    return new Promise<string>((_resolve, reject) => (fail = reject));
  };
  const asks = Array.from({ length: 50 }, () => cache.get('k', pending, () => Date.now() + 60_000).catch((e: unknown) => e));
  expect(reviews).toBe(1);
  expect(cache.inFlight).toBe(1);
  fail(new Error('API server unreachable'));
  for (const answer of await Promise.all(asks)) expect(answer).toEqual(new Error('API server unreachable'));
  expect(cache.inFlight).toBe(0);
  expect(cache.size).toBe(0);
  expect(await cache.get('k', () => Promise.resolve('ok'), () => Date.now() + 60_000)).toMatchObject({ value: 'ok', outcome: 'review' });
});

it('keeps nothing when the expiry is not in the future (a TTL of 0), and says it holds until now', async () => {
  const time = clock();
  const cache = new ReviewCache<string>({ maxEntries: 10, now: time.now });
  expect(await cache.get('k', () => Promise.resolve('v'), () => time.now())).toEqual({ value: 'v', outcome: 'review', keptUntil: 1_000 });
  expect(cache.size).toBe(0);
});

it('tells a caller that joined a review in flight how long its result is kept', async () => {
  const time = clock();
  const cache = new ReviewCache<string>({ maxEntries: 10, now: time.now });
  let answer!: (value: string) => void;
  const first = cache.get('k', () => new Promise<string>((resolve) => (answer = resolve)), () => time.now() + 500);
  const joined = cache.get('k', () => Promise.resolve('unused'), () => time.now() + 500);
  answer('v');
  expect(await first).toEqual({ value: 'v', outcome: 'review', keptUntil: 1_500 });
  expect(await joined).toEqual({ value: 'v', outcome: 'coalesced', keptUntil: 1_500 });
});

// Results of Kubernetes reviews (TokenReview, SubjectAccessReview), kept for
// a bounded time in a bounded number of entries, so that the API server sees
// one review per caller and target per TTL rather than one per call; and
// identical reviews asked for at the same moment (a client opening a stream
// per service port, a fleet reconnecting after a restart) become one request.
//
// Entries are dropped when their TTL passes and, past `maxEntries`, least
// recently used first: memory stays bounded whatever the callers send, and
// an evicted entry only costs another review. A review that fails (the API
// server unreachable) is not kept: the next call asks again.

export type CacheOutcome = 'hit' | 'coalesced' | 'review';

interface Entry<V> {
  readonly value: V;
  readonly expiresAt: number;
}

export interface ReviewCacheOptions {
  /** Most entries kept; the least recently used go first. */
  readonly maxEntries: number;
  /** The clock, in ms; tests may pass their own. */
  readonly now?: () => number;
}

export class ReviewCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly pending = new Map<string, Promise<V>>();
  private readonly now: () => number;

  constructor(private readonly options: ReviewCacheOptions) {
    if (!(options.maxEntries >= 1)) throw new RangeError('ReviewCache: maxEntries must be at least 1');
    this.now = options.now ?? Date.now;
  }

  /** Entries held now (expired ones not yet swept included). */
  get size(): number {
    return this.entries.size;
  }

  /** Reviews in flight. */
  get inFlight(): number {
    return this.pending.size;
  }

  /**
   * The value for `key`: a kept one, the result of a review already in
   * flight for it, or that of a new `review()`. `expiresAt(value)` says until
   * when (ms) a new result may be kept; a time not in the future keeps nothing.
   * Rejects when the review does, and keeps nothing then. `keptUntil` says
   * until when the value is kept (now, when it is not kept).
   */
  async get(key: string, review: () => Promise<V>, expiresAt: (value: V) => number): Promise<{ value: V; outcome: CacheOutcome; keptUntil: number }> {
    const entry = this.entries.get(key);
    if (entry) {
      if (entry.expiresAt > this.now()) {
        // Most recently used moves to the end of the Map's order.
        this.entries.delete(key);
        this.entries.set(key, entry);
        return { value: entry.value, outcome: 'hit', keptUntil: entry.expiresAt };
      }
      this.entries.delete(key);
    }
    const running = this.pending.get(key);
    if (running) {
      const value = await running;
      return { value, outcome: 'coalesced', keptUntil: this.entries.get(key)?.expiresAt ?? this.now() };
    }
    const started = (async () => review())();
    this.pending.set(key, started);
    try {
      const value = await started;
      const until = expiresAt(value);
      const kept = until > this.now();
      if (kept) this.keep(key, { value, expiresAt: until });
      return { value, outcome: 'review', keptUntil: kept ? until : this.now() };
    } finally {
      this.pending.delete(key);
    }
  }

  /** Forgets everything kept (reviews in flight finish and are kept as usual). */
  clear(): void {
    this.entries.clear();
  }

  private keep(key: string, entry: Entry<V>): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    // Over the bound: the least recently used goes (an expired entry is
    // dropped when next asked for, or here once it is the oldest).
    if (this.entries.size > this.options.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}

// Bounds on watch streams, WatchServers and xDS (StreamAggregatedResources)
// alike, one budget for both, so that one caller (a bug that opens a
// stream per call, a hostile client) cannot take the control plane's memory:
// at most so many streams per connection, and so many in all. A stream over
// a limit is refused with RESOURCE_EXHAUSTED naming the limit and its flag.
// Each stream costs 10-20 KiB (bench/results/watcher-memory.json), so the
// defaults cap the watch memory near 2 GiB in all and 20 MiB per connection.

/** One lookaside client process opens one stream per service port it targets. */
export const DEFAULT_MAX_WATCH_STREAMS_PER_CONNECTION = 1_000;
export const DEFAULT_MAX_WATCH_STREAMS = 100_000;

export interface WatchStreamLimitOptions {
  readonly perConnection: number;
  readonly total: number;
}

export class WatchStreamLimits {
  private readonly perPeer = new Map<string, number>();
  private count = 0;

  constructor(private readonly limits: WatchStreamLimitOptions) {}

  /** Open streams in all. */
  get open(): number {
    return this.count;
  }

  /**
   * Takes a place for a stream of `peer` (one connection's address), or
   * returns why it cannot: the message a refused caller is told.
   */
  admit(peer: string): string | undefined {
    const ofPeer = this.perPeer.get(peer) ?? 0;
    if (ofPeer >= this.limits.perConnection) {
      return `this connection already has ${ofPeer} watch streams (WatchServers and xDS), the most the control plane allows per connection (--max-watch-streams-per-connection ${this.limits.perConnection}); close streams you no longer use, or open another channel`;
    }
    if (this.count >= this.limits.total) {
      return `the control plane already serves ${this.count} watch streams (WatchServers and xDS), its limit (--max-watch-streams ${this.limits.total}); retry on another replica, or raise the limit`;
    }
    this.perPeer.set(peer, ofPeer + 1);
    this.count++;
    return undefined;
  }

  /** Gives back a place taken by admit(). */
  release(peer: string): void {
    const ofPeer = this.perPeer.get(peer);
    if (ofPeer === undefined) return;
    if (ofPeer <= 1) this.perPeer.delete(peer);
    else this.perPeer.set(peer, ofPeer - 1);
    this.count--;
  }
}

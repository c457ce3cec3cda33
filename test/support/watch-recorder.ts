// Records what a real WatchServers client receives, and waits for conditions
// on it without sleeping blind: a test states what the client must
// eventually see, and can then check every list the client saw on the way.

import type { ClientReadableStream, ServiceError } from '@grpc/grpc-js';
import type { LoadBalancerStub, ServersQuery, ServersUpdate } from 'grpc-lookaside-client';

export class WatchRecorder {
  readonly updates: ServersUpdate[] = [];
  error: ServiceError | undefined;
  ended = false;
  private readonly waiters = new Set<() => void>();
  readonly call: ClientReadableStream<ServersUpdate>;

  constructor(stub: LoadBalancerStub, query: ServersQuery, options?: Parameters<LoadBalancerStub['watchServers']>[1]) {
    this.call = stub.watchServers(query, options);
    this.call.on('data', (update: ServersUpdate) => {
      this.updates.push(update);
      this.wake();
    });
    this.call.on('error', (error: ServiceError) => {
      this.error = error;
      this.wake();
    });
    this.call.on('end', () => {
      this.ended = true;
      this.wake();
    });
  }

  get last(): ServersUpdate | undefined {
    return this.updates.at(-1);
  }

  /** Addresses of the newest update, sorted. */
  addresses(): string[] {
    return (this.last?.servers ?? []).map((s) => s.address).sort();
  }

  /** The addresses of each update, in order. */
  addressLists(): string[][] {
    return this.updates.map((u) => u.servers.map((s) => s.address));
  }

  /** Resolves when `condition` holds; rejects after `timeoutMs` with what was seen. */
  waitFor(condition: (recorder: this) => boolean, timeoutMs = 10_000): Promise<void> {
    if (condition(this)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`condition not met within ${timeoutMs} ms; updates seen: ${this.describe()}; error: ${this.error?.message ?? 'none'}`));
      }, timeoutMs);
      const check = () => {
        if (!condition(this)) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }

  /**
   * Resolves with the first update, from the latest already seen on, that
   * satisfies `predicate`; rejects if the stream fails first.
   */
  waitForUpdate(predicate: (update: ServersUpdate) => boolean, what = 'the expected update', timeoutMs = 15_000): Promise<ServersUpdate> {
    return new Promise((resolve, reject) => {
      let seen = Math.max(0, this.updates.length - 1);
      const finish = (action: () => void) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        action();
      };
      const check = () => {
        if (this.error) return finish(() => reject(this.error));
        for (; seen < this.updates.length; seen++) {
          const update = this.updates[seen]!;
          if (predicate(update)) return finish(() => resolve(update));
        }
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}; updates seen: ${this.describe()}`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /** Waits until the latest list holds exactly these addresses (any order). */
  waitForAddresses(addresses: readonly string[], timeoutMs?: number): Promise<ServersUpdate> {
    const wanted = [...addresses].sort().join(',');
    return this.waitForUpdate((u) => u.exists && u.servers.map((s) => s.address).sort().join(',') === wanted, `addresses [${wanted}]`, timeoutMs);
  }

  close(): void {
    this.call.cancel();
  }

  private describe(): string {
    return JSON.stringify(this.updates.map((u) => ({ v: u.version, exists: u.exists, servers: u.servers.map((s) => s.address) })));
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

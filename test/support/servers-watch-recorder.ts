// Records what one WatchServers stream delivers, and waits for conditions on
// it without sleeping: a test states what the client must eventually see,
// and can then check every list the client saw on the way.

import type { ClientReadableStream } from '@grpc/grpc-js';
import { toServersUpdate, type LoadBalancerStub, type ServersQuery, type ServersUpdate } from '../../src/client/load-balancer-stub.js';

export class ServersWatchRecorder {
  readonly updates: ServersUpdate[] = [];
  private readonly stream: ClientReadableStream<unknown>;
  private readonly waiters = new Set<() => void>();
  private error: Error | undefined;

  constructor(stub: LoadBalancerStub, query: ServersQuery) {
    this.stream = stub.watchServers(query) as ClientReadableStream<unknown>;
    this.stream.on('data', (message: Parameters<typeof toServersUpdate>[0]) => {
      this.updates.push(toServersUpdate(message));
      this.wake();
    });
    this.stream.on('error', (error: Error) => {
      this.error = error;
      this.wake();
    });
  }

  get latest(): ServersUpdate | undefined {
    return this.updates.at(-1);
  }

  /** The addresses of each update, in order. */
  addressLists(): string[][] {
    return this.updates.map((u) => u.servers.map((s) => s.address));
  }

  /** Resolves with the first update, from now on or already seen latest, that satisfies `predicate`. */
  waitFor(predicate: (update: ServersUpdate) => boolean, what = 'the expected update', timeoutMs = 15_000): Promise<ServersUpdate> {
    return new Promise((resolve, reject) => {
      let seen = Math.max(0, this.updates.length - 1);
      const check = () => {
        if (this.error) return finish(() => reject(this.error));
        for (; seen < this.updates.length; seen++) {
          const update = this.updates[seen]!;
          if (predicate(update)) return finish(() => resolve(update));
        }
      };
      const finish = (action: () => void) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        action();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}; updates seen: ${JSON.stringify(this.addressLists())}`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /** Waits until the latest list holds exactly these addresses (any order). */
  waitForAddresses(addresses: readonly string[], timeoutMs?: number): Promise<ServersUpdate> {
    const wanted = [...addresses].sort().join(',');
    return this.waitFor((u) => u.exists && u.servers.map((s) => s.address).sort().join(',') === wanted, `addresses [${wanted}]`, timeoutMs);
  }

  close(): void {
    this.stream.cancel();
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

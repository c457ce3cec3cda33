// Records what a real WatchServers client receives, and waits for a
// condition on it without sleeping blind.

import type { ClientReadableStream, ServiceError } from '@grpc/grpc-js';
import { toServersUpdate, type LoadBalancerStub, type ServersQuery, type ServersUpdate } from '../../src/client/load-balancer-stub.js';

export class WatchRecorder {
  readonly updates: ServersUpdate[] = [];
  error: ServiceError | undefined;
  ended = false;
  private readonly waiters = new Set<() => void>();
  readonly call: ClientReadableStream<unknown>;

  constructor(stub: LoadBalancerStub, query: ServersQuery) {
    this.call = stub.watchServers(query);
    this.call.on('data', (message) => {
      this.updates.push(toServersUpdate(message as Parameters<typeof toServersUpdate>[0]));
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

  /** Resolves when `condition` holds; rejects after `timeoutMs` with what was seen. */
  waitFor(condition: (recorder: this) => boolean, timeoutMs = 10_000): Promise<void> {
    if (condition(this)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`condition not met within ${timeoutMs} ms; updates seen: ${JSON.stringify(this.updates.map((u) => ({ v: u.version, exists: u.exists, servers: u.servers.map((s) => s.address) })))}; error: ${this.error?.message ?? 'none'}`));
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

  close(): void {
    this.call.cancel();
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

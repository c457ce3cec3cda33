// A discovery source a test drives by hand: it starts without syncing, so a
// test can observe the control plane before its first sync, then sync it.

import type { DiscoverySource } from '../../src/discovery/source.js';
import type { Registry } from '../../src/registry/registry.js';
import type { ServiceSpec } from '../../src/registry/snapshot.js';

export class ManualSource implements DiscoverySource {
  readonly kind = 'manual';
  stopped = false;

  constructor(readonly registry: Registry) {}

  async start(): Promise<void> {}

  /** Publishes the complete state and declares the source synced. */
  sync(specs: readonly ServiceSpec[]): void {
    this.registry.replaceAll(specs);
    this.registry.markSynced();
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }
}

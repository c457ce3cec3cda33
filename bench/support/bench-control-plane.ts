// A control plane for benchmarks: real server on 127.0.0.1, fed by hand
// (no source I/O in the measurement), starting with busy.default, whose
// backends a benchmark rewrites to publish versions.

import { pino } from 'pino';
import { ControlPlane } from '../../src/control-plane.js';
import type { DiscoverySource } from '../../src/discovery/source.js';
import type { Registry } from '../../src/registry/registry.js';
import type { ServiceSpec } from '../../src/registry/snapshot.js';
import { busyService } from '../../test/support/busy-service.js';

export { BUSY_SERVICE as BENCH_SERVICE, busyService } from '../../test/support/busy-service.js';

/** A source that publishes a fixed set of services once, synced. */
export class StaticSource implements DiscoverySource {
  readonly kind = 'bench';
  constructor(
    private readonly registry: Registry,
    private readonly initial: readonly ServiceSpec[],
  ) {}
  async start(): Promise<void> {
    this.registry.replaceAll(this.initial);
    this.registry.markSynced();
  }
  async stop(): Promise<void> {}
}

export async function startBenchControlPlane(initial: readonly ServiceSpec[] = [busyService(0)]): Promise<ControlPlane> {
  return ControlPlane.start({
    logger: pino({ level: 'silent' }),
    host: '127.0.0.1',
    port: 0,
    createSource: (registry) => new StaticSource(registry, initial),
  });
}

// A control plane for benchmarks: real server on 127.0.0.1, fed by hand
// (no source I/O in the measurement), with one service whose backends a
// benchmark rewrites to publish versions.

import { pino } from 'pino';
import { ControlPlane } from '../../src/control-plane.js';
import type { DiscoverySource } from '../../src/discovery/source.js';
import type { Registry } from '../../src/registry/registry.js';
import type { ServiceSpec } from '../../src/registry/snapshot.js';

export const BENCH_SERVICE = { service: 'busy.default', port: 'grpc' } as const;

/** Version `i` of the benchmark service: `backends` backends whose weights change with i. */
export function busyService(i: number, backends = 10): ServiceSpec {
  return {
    name: 'busy',
    namespace: 'default',
    ports: [
      {
        name: 'grpc',
        port: 50051,
        backends: Array.from({ length: backends }, (_, b) => ({
          host: `10.0.${b >> 8}.${b & 255}`,
          port: 8080,
          weight: 1 + ((i + b) % 100),
          zone: `zone-${b % 3}`,
          metadata: { pod: `busy-${b}-7f9c6d5b8-x2x4q`, node: `node-${b % 20}` },
        })),
      },
    ],
  };
}

class StaticSource implements DiscoverySource {
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

// A service that tests and benchmarks publish many versions of: `backends`
// backends with pods, nodes and zones, whose weights shift with the version,
// so every version is a real change of a realistic size.

import type { ServiceSpec } from '../../src/registry/snapshot.js';

export const BUSY_SERVICE = { service: 'busy.default', port: 'grpc' } as const;

/** Version `i` of busy.default: `backends` backends whose weights change with i. */
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

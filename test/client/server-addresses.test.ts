// The control plane's server addresses as the client reads them: with
// grpc-js's own host:port reading (experimental.splitHostPort), skipping
// (and naming) an address no channel could dial instead of failing the update.

import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import type { ServerEntry } from '../../packages/client/src/control-plane/load-balancer-stub.js';
import { toWeightedEndpoints } from '../../packages/client/src/policies/weighted-endpoint.js';

const server = (address: string, weight = 100): ServerEntry => ({ address, weight, zone: '', metadata: {}, priority: 0 });

describe('toWeightedEndpoints', () => {
  it('reads host:port and [IPv6]:port, once per address', () => {
    const { endpoints, rejected } = toWeightedEndpoints(grpc, [server('127.0.0.1:8080', 3), server('[::1]:50051'), server('localhost:80'), server('127.0.0.1:8080', 7)]);
    expect(rejected).toEqual([]);
    expect(endpoints.map((e) => [e.addresses, e.lookasideWeight])).toEqual([
      [[{ host: '127.0.0.1', port: 8080 }], 3],
      [[{ host: '::1', port: 50051 }], 100],
      [[{ host: 'localhost', port: 80 }], 100],
    ]);
  });

  it.each([
    ['no port', '127.0.0.1'],
    ['a bare IPv6 address', '::1'],
    ['an IPv6 address in brackets without a port', '[::1]'],
    ['a port name', '127.0.0.1:grpc'],
    ['port 0', '127.0.0.1:0'],
    ['a port above 65535', '127.0.0.1:65536'],
    ['no host', ':8080'],
    ['an IPv4 address in brackets', '[127.0.0.1]:8080'],
  ])('skips and names an address with %s', (_what, address) => {
    const { endpoints, rejected } = toWeightedEndpoints(grpc, [server(address), server('127.0.0.2:8080')]);
    expect(rejected).toEqual([address]);
    expect(endpoints.map((e) => e.addresses[0])).toEqual([{ host: '127.0.0.2', port: 8080 }]);
  });
});

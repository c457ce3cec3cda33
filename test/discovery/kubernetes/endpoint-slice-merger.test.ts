import { describe, expect, it } from 'vitest';
import { mergeEndpointSlices } from '../../../src/discovery/kubernetes/endpoint-slice-merger.js';
import { toServiceView, toSliceView, type ServiceView, type SliceView } from '../../../src/discovery/kubernetes/kubernetes-objects.js';
import { endpointSlice, service, STARTING, TERMINATED, TERMINATING, type SliceInput } from '../../support/kubernetes-objects.js';

function svc(...args: Parameters<typeof service>): ServiceView {
  return toServiceView(service(...args))!;
}
function slice(input: Omit<SliceInput, 'namespace' | 'service'> & Partial<SliceInput>): SliceView {
  return toSliceView(endpointSlice({ namespace: 'default', service: 'greeter', ...input }))!;
}
const grpcService = svc('greeter', 'default', [{ name: 'grpc', port: 50051, targetPort: 8080 }]);
const addresses = (spec: ReturnType<typeof mergeEndpointSlices>['spec'], port = 0) => spec.ports[port]!.backends.map((b) => `${b.host}:${b.port}`);

describe('mergeEndpointSlices', () => {
  it('joins slices and de-duplicates endpoints by address and port', () => {
    const { spec } = mergeEndpointSlices(
      grpcService,
      [
        slice({ name: 'a', ports: [{ name: 'grpc', port: 8080 }], endpoints: [{ address: '10.0.0.1' }, { address: '10.0.0.2' }] }),
        slice({ name: 'b', ports: [{ name: 'grpc', port: 8080 }], endpoints: [{ address: '10.0.0.2' }, { address: '10.0.0.3' }] }),
      ],
      'IPv4',
    );
    expect(spec).toMatchObject({ name: 'greeter', namespace: 'default', ports: [{ name: 'grpc', port: 50051 }] });
    expect(addresses(spec).sort()).toEqual(['10.0.0.1:8080', '10.0.0.2:8080', '10.0.0.3:8080']);
  });

  it('gives the same spec whatever the order of the slices and of a duplicate copy', () => {
    const a = slice({ name: 'a', ports: [{ name: 'grpc', port: 8080 }], endpoints: [{ address: '10.0.0.1', pod: 'p1', node: 'n1', zone: 'z1' }] });
    const b = slice({ name: 'b', ports: [{ name: 'grpc', port: 8080 }], endpoints: [{ address: '10.0.0.1', pod: 'p1', node: 'n1', zone: 'z1' }, { address: '10.0.0.9' }] });
    expect(mergeEndpointSlices(grpcService, [a, b], 'IPv4')).toEqual(mergeEndpointSlices(grpcService, [b, a], 'IPv4'));
  });

  it('treats a copy that is ready in any slice as ready', () => {
    const { spec } = mergeEndpointSlices(
      grpcService,
      [
        slice({ name: 'a', ports: [{ name: 'grpc', port: 8080 }], endpoints: [{ address: '10.0.0.1', ...STARTING }] }),
        slice({ name: 'b', ports: [{ name: 'grpc', port: 8080 }], endpoints: [{ address: '10.0.0.1' }] }),
      ],
      'IPv4',
    );
    expect(addresses(spec)).toEqual(['10.0.0.1:8080']);
    expect(spec.ports[0]!.backends[0]!.metadata).toEqual({});
  });

  it('resolves ports per slice, by the Service port name', () => {
    const multi = svc('greeter', 'default', [
      { name: 'grpc', port: 50051, targetPort: 'grpc' },
      { name: 'metrics', port: 9090, targetPort: 9090 },
    ]);
    const { spec } = mergeEndpointSlices(
      multi,
      [
        slice({ name: 'old', ports: [{ name: 'grpc', port: 8080 }, { name: 'metrics', port: 9090 }], endpoints: [{ address: '10.0.0.1' }] }),
        slice({ name: 'new', ports: [{ name: 'grpc', port: 8081 }, { name: 'metrics', port: 9090 }], endpoints: [{ address: '10.0.0.2' }] }),
      ],
      'IPv4',
    );
    const grpc = spec.ports.find((p) => p.name === 'grpc')!;
    expect(grpc.backends.map((b) => `${b.host}:${b.port}`).sort()).toEqual(['10.0.0.1:8080', '10.0.0.2:8081']);
    expect(spec.ports.find((p) => p.name === 'metrics')!.backends.map((b) => b.port)).toEqual([9090, 9090]);
  });

  it('matches an unnamed Service port to an unnamed slice port, and skips ports without a number', () => {
    const unnamed = svc('greeter', 'default', [{ port: 80, targetPort: 8080 }]);
    const { spec } = mergeEndpointSlices(
      unnamed,
      [
        slice({ name: 'a', ports: [{ port: 8080 }], endpoints: [{ address: '10.0.0.1' }] }),
        slice({ name: 'b', ports: [{ port: null }], endpoints: [{ address: '10.0.0.2' }] }),
        slice({ name: 'c', ports: [], endpoints: [{ address: '10.0.0.3' }] }),
      ],
      'IPv4',
    );
    expect(spec.ports).toHaveLength(1);
    expect(addresses(spec)).toEqual(['10.0.0.1:8080']);
  });

  it('matches a hand-written slice with an unnamed port by the numeric target port', () => {
    const { spec } = mergeEndpointSlices(grpcService, [slice({ name: 'a', ports: [{ port: 8080 }], endpoints: [{ address: '10.0.0.1' }] })], 'IPv4');
    expect(addresses(spec)).toEqual(['10.0.0.1:8080']);
  });

  it('publishes a Service without slices with empty backends', () => {
    expect(mergeEndpointSlices(grpcService, [], 'IPv4').spec.ports).toEqual([{ name: 'grpc', port: 50051, backends: [] }]);
  });

  it('follows kube-proxy: ready endpoints; serving-and-terminating only when none is ready; never not-serving', () => {
    const ports = [{ name: 'grpc', port: 8080 }];
    const mixed = [slice({ name: 'a', ports, endpoints: [{ address: '10.0.0.1' }, { address: '10.0.0.2', ...TERMINATING }, { address: '10.0.0.3', ...STARTING }] })];
    expect(addresses(mergeEndpointSlices(grpcService, mixed, 'IPv4').spec)).toEqual(['10.0.0.1:8080']);
    const draining = [slice({ name: 'a', ports, endpoints: [{ address: '10.0.0.2', ...TERMINATING }, { address: '10.0.0.3', ...STARTING }, { address: '10.0.0.4', ...TERMINATED }] })];
    const { spec } = mergeEndpointSlices(grpcService, draining, 'IPv4');
    expect(addresses(spec)).toEqual(['10.0.0.2:8080']);
    expect(spec.ports[0]!.backends[0]!.metadata).toEqual({ terminating: 'true' });
    const dead = [slice({ name: 'a', ports, endpoints: [{ address: '10.0.0.3', ...STARTING }, { address: '10.0.0.4', ...TERMINATED }] })];
    expect(addresses(mergeEndpointSlices(grpcService, dead, 'IPv4').spec)).toEqual([]);
  });

  it('reads unset conditions as the API defines them: ready and serving true, terminating false', () => {
    const { spec } = mergeEndpointSlices(grpcService, [slice({ name: 'a', ports: [{ name: 'grpc', port: 8080 }], endpoints: [{ address: '10.0.0.1', ready: null, serving: null, terminating: null }] })], 'IPv4');
    expect(addresses(spec)).toEqual(['10.0.0.1:8080']);
  });

  it('carries zone, node, pod and zone hints', () => {
    const { spec } = mergeEndpointSlices(
      grpcService,
      [slice({ name: 'a', ports: [{ name: 'grpc', port: 8080 }], endpoints: [{ address: '10.0.0.1', zone: 'eu-1a', node: 'node-1', pod: 'greeter-7d9f-abcde', forZones: ['eu-1a', 'eu-1b'] }] })],
      'IPv4',
    );
    expect(spec.ports[0]!.backends[0]).toEqual({ host: '10.0.0.1', port: 8080, zone: 'eu-1a', metadata: { pod: 'greeter-7d9f-abcde', node: 'node-1', 'hints.zones': 'eu-1a,eu-1b' } });
  });

  describe('address families', () => {
    const ports = [{ name: 'grpc', port: 8080 }];
    const v4 = slice({ name: 'v4', addressType: 'IPv4', ports, endpoints: [{ address: '10.0.0.1' }] });
    const v6 = slice({ name: 'v6', addressType: 'IPv6', ports, endpoints: [{ address: '2001:DB8:0:0::1' }] });
    const fqdn = slice({ name: 'f', addressType: 'FQDN', ports, endpoints: [{ address: 'db.example.com' }] });

    it('prefers the asked family, and reports FQDN slices as skipped', () => {
      const result = mergeEndpointSlices(grpcService, [v4, v6, fqdn], 'IPv4');
      expect(addresses(result.spec)).toEqual(['10.0.0.1:8080']);
      expect(result.skippedSlices).toEqual(['f']);
      expect(addresses(mergeEndpointSlices(grpcService, [v4, v6], 'IPv6').spec)).toEqual(['2001:db8::1:8080']);
      expect(addresses(mergeEndpointSlices(grpcService, [v4, v6], 'both').spec).sort()).toEqual(['10.0.0.1:8080', '2001:db8::1:8080']);
    });

    it('falls back to the other family of a single-stack Service', () => {
      expect(addresses(mergeEndpointSlices(grpcService, [v6], 'IPv4').spec)).toEqual(['2001:db8::1:8080']);
      const v6Only = svc('greeter', 'default', [{ name: 'grpc', port: 50051 }], { ipFamilies: ['IPv6'] });
      expect(addresses(mergeEndpointSlices(v6Only, [v4, v6], 'IPv4').spec)).toEqual(['2001:db8::1:8080']);
    });

    it('keeps to the Service\'s families even while the preferred family has no slice yet', () => {
      const dual = svc('greeter', 'default', [{ name: 'grpc', port: 50051, targetPort: 8080 }], { ipFamilies: ['IPv4', 'IPv6'] });
      expect(addresses(mergeEndpointSlices(dual, [v6], 'IPv4').spec)).toEqual([]);
    });
  });

  it('drops malformed addresses and non-TCP ports', () => {
    const mixedProtocols = svc('dns', 'default', [
      { name: 'dns', port: 53, protocol: 'UDP' },
      { name: 'dns-tcp', port: 53, protocol: 'TCP' },
    ]);
    const view = toSliceView(endpointSlice({ name: 'a', namespace: 'default', service: 'dns', ports: [{ name: 'dns-tcp', port: 53 }], endpoints: [{ address: 'not-an-ip' }, { address: '10.0.0.1' }] }))!;
    const { spec } = mergeEndpointSlices(mixedProtocols, [view], 'IPv4');
    expect(spec.ports.map((p) => p.name)).toEqual(['dns-tcp']);
    expect(addresses(spec)).toEqual(['10.0.0.1:53']);
  });
});

import { describe, expect, it } from 'vitest';
import { Registry } from '../../src/registry/registry.js';
import type { ServiceSpec } from '../../src/registry/snapshot.js';

const byName = (name: string) => ({ kind: 'name', name }) as const;
const byNumber = (number: number) => ({ kind: 'number', number }) as const;

function greeter(backends: { host: string; port?: number; weight?: number; zone?: string; metadata?: Record<string, string> }[], extraPorts: ServiceSpec['ports'] = []): ServiceSpec {
  return {
    name: 'greeter',
    namespace: 'default',
    ports: [{ name: 'grpc', port: 50051, backends: backends.map((b) => ({ port: 8080, ...b })) }, ...extraPorts],
  };
}

describe('Registry', () => {
  it('stores a service and finds its port by name and by number', () => {
    const registry = new Registry();
    expect(registry.upsert(greeter([{ host: '10.0.0.2' }, { host: '10.0.0.1', weight: 3, zone: 'a' }]))).toBe(true);
    const byPortName = registry.lookup('greeter.default', byName('grpc'));
    const byPortNumber = registry.lookup('greeter.default', byNumber(50051));
    expect(byPortName.status).toBe('found');
    expect(byPortNumber).toEqual(byPortName);
    if (byPortName.status !== 'found') throw new Error('unreachable');
    // Sorted by address, weights defaulted.
    expect(byPortName.port.backends.map((b) => [b.address, b.weight, b.zone])).toEqual([
      ['10.0.0.1:8080', 3, 'a'],
      ['10.0.0.2:8080', 100, ''],
    ]);
    expect(registry.stats()).toEqual({ services: 1, backends: 2, revision: 1 });
  });

  it('does not bump the version for an identical spec, in any order', () => {
    const registry = new Registry();
    registry.upsert(greeter([{ host: '10.0.0.1' }, { host: '10.0.0.2', metadata: { pod: 'p2' } }]));
    const before = registry.get('greeter.default');
    expect(registry.upsert(greeter([{ host: '10.0.0.2', metadata: { pod: 'p2' } }, { host: '10.0.0.1' }]))).toBe(false);
    expect(registry.get('greeter.default')).toBe(before);
    expect(registry.revision).toBe(1);
  });

  it('bumps the version on a weight, zone or metadata change', () => {
    const registry = new Registry();
    registry.upsert(greeter([{ host: '10.0.0.1' }]));
    expect(registry.upsert(greeter([{ host: '10.0.0.1', weight: 5 }]))).toBe(true);
    expect(registry.upsert(greeter([{ host: '10.0.0.1', weight: 5, zone: 'b' }]))).toBe(true);
    expect(registry.upsert(greeter([{ host: '10.0.0.1', weight: 5, zone: 'b', metadata: { pod: 'x' } }]))).toBe(true);
    expect(registry.lookup('greeter.default', byName('grpc')).version).toBe(4);
  });

  it('keeps an unchanged port (same object, same version) when another port changes', () => {
    const registry = new Registry();
    const admin = (host: string) => [{ name: 'admin', port: 9000, backends: [{ host, port: 9000 }] }];
    registry.upsert(greeter([{ host: '10.0.0.1' }], admin('10.0.0.1')));
    const grpcBefore = registry.lookup('greeter.default', byName('grpc'));
    registry.upsert(greeter([{ host: '10.0.0.1' }], admin('10.0.0.9')));
    const grpcAfter = registry.lookup('greeter.default', byName('grpc'));
    expect(grpcAfter.status === 'found' && grpcBefore.status === 'found' && grpcAfter.port === grpcBefore.port).toBe(true);
    expect(grpcAfter.version).toBe(1);
    expect(registry.lookup('greeter.default', byName('admin')).version).toBe(2);
  });

  it('tells an unknown service, an unknown port and an empty port apart', () => {
    const registry = new Registry();
    registry.upsert(greeter([]));
    expect(registry.lookup('nope.default', byName('grpc')).status).toBe('unknown-service');
    const missingPort = registry.lookup('greeter.default', byName('http'));
    expect(missingPort.status).toBe('unknown-port');
    if (missingPort.status === 'unknown-port') expect(registry.describePorts(missingPort.service)).toBe('its ports are grpc (50051)');
    const empty = registry.lookup('greeter.default', byName('grpc'));
    expect(empty.status === 'found' && empty.port.backends.length).toBe(0);
  });

  it('de-duplicates backends by address, first one winning', () => {
    const registry = new Registry();
    registry.upsert(greeter([{ host: '10.0.0.1', weight: 7 }, { host: '10.0.0.1', weight: 9 }]));
    const found = registry.lookup('greeter.default', byName('grpc'));
    expect(found.status === 'found' && found.port.backends.map((b) => b.weight)).toEqual([7]);
  });

  it('brackets IPv6 addresses', () => {
    const registry = new Registry();
    registry.upsert(greeter([{ host: '2001:db8::1' }]));
    const found = registry.lookup('greeter.default', byName('grpc'));
    expect(found.status === 'found' && found.port.backends[0]!.address).toBe('[2001:db8::1]:8080');
  });

  it('rejects weights out of range', () => {
    const registry = new Registry();
    expect(() => registry.upsert(greeter([{ host: '10.0.0.1', weight: 0 }]))).toThrow(/weight 0 .* from 1 to 10000/);
    expect(() => registry.upsert(greeter([{ host: '10.0.0.1', weight: 1.5 }]))).toThrow(/not an integer/);
    expect(registry.get('greeter.default')).toBeUndefined();
  });

  it('never lowers a version across delete and re-create', () => {
    const registry = new Registry();
    registry.markSynced();
    const stop = registry.watch('greeter.default', () => {});
    registry.upsert(greeter([{ host: '10.0.0.1' }]));
    registry.delete('greeter.default');
    const deleted = registry.lookup('greeter.default', byName('grpc'));
    expect(deleted).toEqual({ status: 'unknown-service', version: 2 });
    registry.upsert(greeter([{ host: '10.0.0.1' }]));
    expect(registry.lookup('greeter.default', byName('grpc')).version).toBe(3);
    stop();
  });

  it('replaceAll upserts what is listed and deletes the rest, and reports only changes', () => {
    const registry = new Registry();
    const other: ServiceSpec = { name: 'other', namespace: 'ns', ports: [{ name: '', port: 80, backends: [] }] };
    expect(registry.replaceAll([greeter([{ host: '10.0.0.1' }]), other]).sort()).toEqual(['greeter.default', 'other.ns']);
    expect(registry.replaceAll([greeter([{ host: '10.0.0.1' }]), other])).toEqual([]);
    expect(registry.replaceAll([greeter([{ host: '10.0.0.1' }])])).toEqual(['other.ns']);
    expect(registry.stats().services).toBe(1);
  });

  it('tells watchers nothing before the sync, then once at the sync, then once per change', () => {
    const registry = new Registry();
    let calls = 0;
    registry.watch('greeter.default', () => calls++);
    registry.upsert(greeter([{ host: '10.0.0.1' }]));
    expect(calls).toBe(0);
    registry.markSynced();
    expect(calls).toBe(1);
    registry.upsert(greeter([{ host: '10.0.0.1' }]));
    expect(calls).toBe(1);
    registry.upsert(greeter([{ host: '10.0.0.2' }]));
    expect(calls).toBe(2);
    registry.delete('greeter.default');
    expect(calls).toBe(3);
  });

  it('lets a slow subscriber skip straight to the newest version', () => {
    const registry = new Registry();
    registry.markSynced();
    let dirty = false;
    registry.watch('greeter.default', () => (dirty = true));
    for (let i = 1; i <= 50; i++) registry.upsert(greeter([{ host: `10.0.0.${i}` }]));
    expect(dirty).toBe(true);
    const newest = registry.lookup('greeter.default', byName('grpc'));
    expect(newest.version).toBe(50);
    expect(newest.status === 'found' && newest.port.backends.map((b) => b.host)).toEqual(['10.0.0.50']);
  });

  it('keeps writing when a listener throws, and reports the error', () => {
    const errors: unknown[] = [];
    const registry = new Registry({ onListenerError: (error) => errors.push(error) });
    registry.markSynced();
    let second = 0;
    registry.watch('greeter.default', () => {
      throw new Error('boom');
    });
    registry.watch('greeter.default', () => second++);
    expect(registry.upsert(greeter([{ host: '10.0.0.1' }]))).toBe(true);
    expect(second).toBe(1);
    expect(errors).toHaveLength(1);
  });

  it('forgets tombstones when the last watcher leaves', () => {
    const registry = new Registry();
    const stop = registry.watch('greeter.default', () => {});
    registry.upsert(greeter([]));
    registry.delete('greeter.default');
    expect(registry.lookup('greeter.default', byName('grpc')).version).toBe(2);
    stop();
    expect(registry.lookup('greeter.default', byName('grpc')).version).toBe(0);
    expect(registry.watcherCount()).toBe(0);
  });
});

import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LoadBalancerStub } from 'grpc-lookaside-client';
import { ControlPlane } from '../../src/control-plane.js';
import { startFileControlPlane, type FileControlPlane, type FileService } from '../support/file-control-plane.js';
import { checkHealth, healthClient } from '../support/health-client.js';
import { ManualSource } from '../support/manual-source.js';
import { testLogger } from '../support/test-logger.js';
import { WatchRecorder } from '../support/watch-recorder.js';

const greeter = (addresses: string[], weight?: number): FileService => ({
  name: 'greeter',
  namespace: 'default',
  ports: [{ name: 'grpc', port: 50051, backends: addresses.map((address) => ({ address, ...(weight && { weight }) })) }],
});

function grpcError(promise: Promise<unknown>): Promise<ServiceError> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: ServiceError) => error,
  );
}

describe('LoadBalancer on the file source', () => {
  let cp: FileControlPlane;
  const recorders: WatchRecorder[] = [];
  const watch = (service: string, port: string) => {
    const recorder = new WatchRecorder(cp.stub, { service, port });
    recorders.push(recorder);
    return recorder;
  };

  beforeEach(async () => {
    cp = await startFileControlPlane([greeter(['127.10.0.1:8080', '127.10.0.2:8080'])]);
  });
  afterEach(async () => {
    for (const r of recorders.splice(0)) r.close();
    await cp.close();
  });

  it('GetServers answers the current list, by port name and by number', async () => {
    const byName = await cp.stub.getServers({ service: 'greeter.default', port: 'grpc' }, 5_000);
    expect(byName.exists).toBe(true);
    expect(byName.target).toEqual({ service: 'greeter.default', port: 'grpc' });
    expect(byName.servers.map((s) => [s.address, s.weight])).toEqual([
      ['127.10.0.1:8080', 100],
      ['127.10.0.2:8080', 100],
    ]);
    const byNumber = await cp.stub.getServers({ service: 'greeter.default', port: '50051' }, 5_000);
    expect(byNumber.version).toBe(byName.version);
    expect(byNumber.target.port).toBe('50051');
  });

  it('WatchServers sends the initial list, then the full list after each file change', async () => {
    const recorder = watch('greeter.default', 'grpc');
    await recorder.waitFor((r) => r.updates.length === 1);
    expect(recorder.addresses()).toEqual(['127.10.0.1:8080', '127.10.0.2:8080']);
    const first = recorder.last!.version;

    await cp.write([greeter(['127.10.0.2:8080', '127.10.0.3:8080'])]);
    await recorder.waitFor((r) => r.updates.length === 2);
    expect(recorder.addresses()).toEqual(['127.10.0.2:8080', '127.10.0.3:8080']);
    expect(recorder.last!.version).toBeGreaterThan(first);

    await cp.write([greeter(['127.10.0.2:8080', '127.10.0.3:8080'], 7)]);
    await recorder.waitFor((r) => r.updates.length === 3);
    expect(recorder.last!.servers.map((s) => s.weight)).toEqual([7, 7]);
  });

  it('does not send an update when the file is rewritten with the same content', async () => {
    const recorder = watch('greeter.default', 'grpc');
    const other = watch('greeter.default', 'grpc');
    await recorder.waitFor((r) => r.updates.length === 1);
    // Same services, different order and formatting: no real change.
    await cp.writeText('services:\n- name: greeter\n  ports:\n  - port: 50051\n    name: grpc\n    backends: [{address: "127.10.0.2:8080"}, {address: "127.10.0.1:8080"}]\n');
    // A real change afterwards proves the stream is alive and nothing came in between.
    await cp.write([greeter(['127.10.0.9:8080'])]);
    await recorder.waitFor((r) => r.updates.length === 2);
    await other.waitFor((r) => r.updates.length === 2);
    expect(recorder.addresses()).toEqual(['127.10.0.9:8080']);
  });

  it('keeps serving the last good list when the file becomes invalid', async () => {
    const recorder = watch('greeter.default', 'grpc');
    await recorder.waitFor((r) => r.updates.length === 1);
    await cp.writeText('services:\n  - name: greeter\n    ports: [{port: 50051, name: grpc, backends: [{address: "127.10.0.1:8080", weight: -4}]}]\n');
    const answer = await cp.stub.getServers({ service: 'greeter.default', port: 'grpc' }, 5_000);
    expect(answer.servers.map((s) => s.address)).toEqual(['127.10.0.1:8080', '127.10.0.2:8080']);
    // A valid file afterwards is picked up again.
    await cp.write([greeter(['127.10.0.5:8080'])]);
    await recorder.waitFor((r) => r.addresses().join() === '127.10.0.5:8080');
    expect(recorder.updates).toHaveLength(2);
  });

  it('GetServers answers NOT_FOUND for an unknown service or port, naming what exists', async () => {
    const unknownService = await grpcError(cp.stub.getServers({ service: 'nope.default', port: 'grpc' }, 5_000));
    expect(unknownService.code).toBe(status.NOT_FOUND);
    expect(unknownService.details).toBe('service nope.default is not known to the control plane');
    const unknownPort = await grpcError(cp.stub.getServers({ service: 'greeter.default', port: 'http' }, 5_000));
    expect(unknownPort.code).toBe(status.NOT_FOUND);
    expect(unknownPort.details).toBe('service greeter.default has no port "http"; its ports are grpc (50051)');
  });

  it('WatchServers reports exists=false, stays open, and updates when the service appears and goes', async () => {
    const recorder = watch('later.shop', 'grpc');
    await recorder.waitFor((r) => r.updates.length === 1);
    expect(recorder.last).toMatchObject({ exists: false, servers: [], target: { service: 'later.shop', port: 'grpc' } });

    const later: FileService = { name: 'later', namespace: 'shop', ports: [{ name: 'grpc', port: 9000, backends: [] }] };
    await cp.write([greeter(['127.10.0.1:8080']), later]);
    await recorder.waitFor((r) => r.updates.length === 2);
    // Exists with zero backends: told apart from unknown (invariant 3, docs/design.md).
    expect(recorder.last).toMatchObject({ exists: true, servers: [] });

    later.ports[0]!.backends = [{ address: '127.11.0.1:9000' }];
    await cp.write([greeter(['127.10.0.1:8080']), later]);
    await recorder.waitFor((r) => r.updates.length === 3);
    expect(recorder.addresses()).toEqual(['127.11.0.1:9000']);

    await cp.write([greeter(['127.10.0.1:8080'])]);
    await recorder.waitFor((r) => r.updates.length === 4);
    expect(recorder.last).toMatchObject({ exists: false, servers: [] });
    const versions = recorder.updates.map((u) => u.version);
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
    expect(new Set(versions).size).toBe(versions.length);
  });

  describe('INVALID_ARGUMENT', () => {
    it.each([
      [{}, /^target: is required/],
      [{ target: { service: '', port: 'grpc' } }, /^target\.service: is empty/],
      [{ target: { service: 'greeter', port: 'grpc' } }, /^target\.service: "greeter" must have the form "name\.namespace"/],
      [{ target: { service: 'Greeter.default', port: 'grpc' } }, /^target\.service: the service name "Greeter" is not valid: it must be an RFC 1035 label/],
      [{ target: { service: 'greeter.my_ns', port: 'grpc' } }, /^target\.service: the namespace "my_ns" is not valid: it must be an RFC 1123 label/],
      [{ target: { service: `${'a'.repeat(64)}.default`, port: 'grpc' } }, /^target\.service: the service name .* has 64 characters; at most 63/],
      [{ target: { service: `${'a'.repeat(5000)}.default`, port: 'grpc' } }, /^target\.service: has 5008 characters; at most 127/],
      [{ target: { service: 'greeter.default', port: '' } }, /^target\.port: is empty/],
      [{ target: { service: 'greeter.default', port: '70000' } }, /^target\.port: 70000 is out of range; a port number is from 1 to 65535/],
      [{ target: { service: 'greeter.default', port: 'Not A Port' } }, /^target\.port: "Not A Port" is not valid: a port name is an IANA service name/],
      [{ target: { service: 'greeter.default', port: 'grpc' }, client: { zone: 'z'.repeat(64) } }, /^client\.zone: has 64 characters; at most 63/],
      [{ target: { service: 'greeter.default', port: 'grpc' }, client: { clientId: 'c'.repeat(300) } }, /^client\.client_id: has 300 characters; at most 253/],
    ])('%j', async (request, message) => {
      const unary = await new Promise<ServiceError>((resolve) => {
        cp.stub.raw.GetServers(request, new Metadata(), { deadline: Date.now() + 5_000 }, (error) => resolve(error!));
      });
      expect(unary.code).toBe(status.INVALID_ARGUMENT);
      expect(unary.details).toMatch(message);
      const stream = cp.stub.raw.WatchServers(request, new Metadata(), {});
      const streamError = await new Promise<ServiceError>((resolve) => stream.on('error', resolve));
      expect(streamError.code).toBe(status.INVALID_ARGUMENT);
      expect(streamError.details).toMatch(message);
    });
  });
});

describe('before the first sync and at shutdown', () => {
  it('serves nothing before the sync: health NOT_SERVING, GetServers UNAVAILABLE, WatchServers silent', async () => {
    let source: ManualSource | undefined;
    const controlPlane = await ControlPlane.start({ logger: testLogger(), host: '127.0.0.1', port: 0, createSource: (registry) => (source = new ManualSource(registry)) });
    const address = `127.0.0.1:${controlPlane.port}`;
    const stub = new LoadBalancerStub(address);
    const health = healthClient(address);
    try {
      expect(await checkHealth(health)).toBe('NOT_SERVING');
      expect(await checkHealth(health, 'lookaside.v1.LoadBalancer')).toBe('NOT_SERVING');
      const healthWatch = health.Watch({ service: '' });
      const healthStates: string[] = [];
      healthWatch.on('data', (m: { status: string }) => healthStates.push(m.status));
      healthWatch.on('error', () => {});

      const early = await grpcError(stub.getServers({ service: 'greeter.default', port: 'grpc' }, 5_000));
      expect(early.code).toBe(status.UNAVAILABLE);
      expect(early.details).toMatch(/not synced/);
      const recorder = new WatchRecorder(stub, { service: 'greeter.default', port: 'grpc' });
      // A round trip on the same connection after the watch opened: had the
      // watch sent anything, it would have arrived before this answer.
      await grpcError(stub.getServers({ service: 'greeter.default', port: 'grpc' }, 5_000));
      expect(recorder.updates).toEqual([]);

      source!.sync([{ name: 'greeter', namespace: 'default', ports: [{ name: 'grpc', port: 50051, backends: [{ host: '127.10.0.1', port: 8080 }] }] }]);
      await recorder.waitFor((r) => r.updates.length === 1);
      expect(recorder.addresses()).toEqual(['127.10.0.1:8080']);
      expect(await checkHealth(health)).toBe('SERVING');
      expect(await checkHealth(health, 'lookaside.v1.LoadBalancer')).toBe('SERVING');

      // Shutdown: health turns NOT_SERVING and watchers end with UNAVAILABLE.
      const stopping = controlPlane.stop(2_000);
      await recorder.waitFor((r) => r.error !== undefined);
      expect(recorder.error!.code).toBe(status.UNAVAILABLE);
      expect(recorder.error!.details).toMatch(/shutting down; reconnect to another replica/);
      await stopping;
      expect(healthStates).toEqual(['NOT_SERVING', 'SERVING', 'NOT_SERVING']);
      expect(source!.stopped).toBe(true);
    } finally {
      stub.close();
      health.close();
      await controlPlane.stop(100);
    }
  });
});

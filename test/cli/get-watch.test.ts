import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROCESS_WAIT_MS, runCli, runCliToEnd, SPAWNING_TEST_TIMEOUT_MS } from '../support/cli-process.js';
import { runCliInProcess } from '../support/cli-in-process.js';
import { waitFor } from '../support/wait-until.js';
import { restartableControlPlane } from '../support/restartable-control-plane.js';
import { startFileControlPlane, type FileControlPlane, type FileService } from '../support/file-control-plane.js';

// These tests start real `lookaside` processes, slow to start on a busy machine.
vi.setConfig({ testTimeout: SPAWNING_TEST_TIMEOUT_MS, hookTimeout: SPAWNING_TEST_TIMEOUT_MS });

const greeter = (addresses: string[]): FileService => ({
  name: 'greeter',
  namespace: 'default',
  ports: [{ name: 'grpc', port: 50051, backends: addresses.map((address, i) => ({ address, weight: 100 * (i + 1), zone: 'zone-a', metadata: { pod: `greeter-${i}`, node: 'node-1' } })) }],
});

let cp: FileControlPlane;
beforeAll(async () => {
  cp = await startFileControlPlane([
    greeter(['127.10.0.1:8080', '127.10.0.2:8080']),
    {
      name: 'zoned',
      namespace: 'default',
      trafficDistribution: 'PreferSameZone',
      ports: [{ name: 'grpc', port: 50051, backends: [{ address: '127.10.1.1:8080', zone: 'zone-a' }, { address: '127.10.1.2:8080', weight: 300, zone: 'zone-a' }, { address: '127.10.2.1:8080', zone: 'zone-b' }] }],
    },
  ]);
});
afterAll(() => cp.close());

describe('lookaside get', () => {
  // The program runs in process here; the built command, installed from its
  // tarball, gets a real control plane's table and exits 2 for bad usage in
  // test/packaging/packed-packages.test.ts.
  it('prints a table and exits 0', async () => {
    const { code, stdout } = await runCliInProcess(['get', 'greeter.default:grpc', '--server', cp.address]);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^greeter\.default:grpc {2}version \d+ {2}2 backends$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/))).toEqual([
      ['ADDRESS', 'WEIGHT', 'SHARE', 'ZONE', 'POD', 'NODE'],
      ['127.10.0.1:8080', '100', '33.3%', 'zone-a', 'greeter-0', 'node-1'],
      ['127.10.0.2:8080', '200', '66.7%', 'zone-a', 'greeter-1', 'node-1'],
    ]);
  });

  it('answers as a caller in --zone would be answered: the other zones as failover, shares within the preferred rank', async () => {
    const { code, stdout } = await runCliInProcess(['get', 'zoned.default:grpc', '--server', cp.address, '--zone', 'zone-b']);
    expect(code).toBe(0);
    expect(stdout.trim().split('\n').slice(1).map((l) => l.split(/\s+/))).toEqual([
      ['ADDRESS', 'WEIGHT', 'SHARE', 'PRIORITY', 'ZONE', 'POD', 'NODE'],
      ['127.10.1.1:8080', '100', 'failover', '1', 'zone-a', '-', '-'],
      ['127.10.1.2:8080', '300', 'failover', '1', 'zone-a', '-', '-'],
      ['127.10.2.1:8080', '100', '100.0%', '0', 'zone-b', '-', '-'],
    ]);
    // Without --zone the same Service gives every caller every backend.
    const blind = await runCliInProcess(['get', 'zoned.default:grpc', '--server', cp.address]);
    expect(blind.stdout).not.toMatch(/PRIORITY|failover/);
  });

  it('prints JSON with -o json, taking the server from LOOKASIDE_CONTROL_PLANE and a lookaside:/// target', async () => {
    const { code, stdout } = await runCliInProcess(['get', 'lookaside:///greeter.default:50051', '-o', 'json'], { LOOKASIDE_CONTROL_PLANE: cp.address });
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ target: { service: 'greeter.default', port: '50051' }, exists: true });
  });

  it('exits 3 for an unknown service or port, saying which', async () => {
    const unknown = await runCliInProcess(['get', 'nope.default:grpc', '--server', cp.address]);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toBe('lookaside get: service nope.default is not known to the control plane (NOT_FOUND)\n');
    const port = await runCliInProcess(['get', 'greeter.default:http', '--server', cp.address]);
    expect(port.code).toBe(3);
    expect(port.stderr).toMatch(/has no port "http"; its ports are grpc \(50051\)/);
  });

  it('exits 4 when the control plane cannot be reached', async () => {
    const { code, stderr } = await runCliInProcess(['get', 'greeter.default:grpc', '--server', '127.0.0.1:1', '--timeout', '3s']);
    expect(code).toBe(4);
    expect(stderr).toMatch(/cannot reach the control plane at 127\.0\.0\.1:1 .*is it running\? Set --server or LOOKASIDE_CONTROL_PLANE/);
  });

  it.each([
    [['get', 'greeter'], /"greeter" must be "name\.namespace:port"/],
    [['get', 'Greeter.default:grpc'], /service name "Greeter" is not valid/],
    [['get', 'greeter.default:0'], /0 is out of range/],
    [['get', 'greeter.default:grpc', '--timeout', 'soon'], /must be a duration such as 500ms, 10s or 2m/],
    [['get', 'greeter.default:grpc', '-o', 'xml'], /Allowed choices are table, json/],
    [['serve', '--port', '70000'], /must be a port number from 0 to 65535/],
    [['serve', '--source', 'consul'], /Allowed choices are auto, file, kubernetes/],
    [['serve', '--log-level', 'loud'], /Allowed choices are fatal, error, warn, info, debug, trace, silent/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ])('exits 2 for bad usage: %j', async (args, message) => {
    const { code, stderr } = await runCliInProcess(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('serve exits 1 naming the file, line and field when the registry file is invalid', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lookaside-cli-'));
    const file = join(dir, 'bad.yaml');
    await writeFile(file, 'services:\n  - name: greeter\n    ports: [{port: 99999}]\n');
    const { code, stdout } = await runCliToEnd(['serve', '--source', 'file', '--file', file, '--port', '0', '--host', '127.0.0.1', '--no-metrics']);
    await rm(dir, { recursive: true, force: true });
    expect(code).toBe(1);
    expect(stdout).toContain(`${file}:3:20: services[0].ports[0].port: must be a port number from 1 to 65535`);
  });
});

describe('lookaside watch', () => {
  it('prints one block per update and exits 0 on SIGINT', async () => {
    const watch = runCli(['watch', 'greeter.default:grpc', '--server', cp.address]);
    await watch.waitForLine(/127\.10\.0\.2:8080/);
    await cp.write([greeter(['127.10.0.3:8080'])]);
    await watch.waitForLine(/127\.10\.0\.3:8080/);
    watch.child.kill('SIGINT');
    expect(await watch.exited).toBe(0);
    const blocks = watch.stdout.split(/^--- .*$/m).filter((b) => b.trim());
    expect(blocks).toHaveLength(2);
    expect(blocks[1]).toMatch(/1 backend\n/);
  });

  it('prints exists=false for an unknown service and keeps watching', async () => {
    const watch = runCli(['watch', 'later.default:grpc', '--server', cp.address]);
    await watch.waitForLine(/the control plane does not know this service or port/);
    await cp.write([greeter(['127.10.0.3:8080']), { name: 'later', ports: [{ name: 'grpc', port: 1, backends: [] }] }]);
    await watch.waitForLine(/0 backends \(the service exists but has no ready backend\)/);
    watch.child.kill('SIGINT');
    expect(await watch.exited).toBe(0);
  });

  it('with --exit-on-error, exits 4 when the control plane cannot be reached', async () => {
    const { code, stderr } = await runCliInProcess(['watch', 'greeter.default:grpc', '--server', '127.0.0.1:1', '--exit-on-error']);
    expect(code).toBe(4);
    expect(stderr).toMatch(/cannot reach the control plane/);
  });

  it('with --once, prints the first answer and exits 0', async () => {
    const { code, stdout } = await runCliInProcess(['watch', 'greeter.default:grpc', '--server', cp.address, '--once']);
    expect(code).toBe(0);
    expect(stdout.split(/^--- .*$/m).filter((b) => b.trim())).toHaveLength(1);
  });

  it('survives a control-plane restart: says so on stderr, reconnects and goes on printing', async () => {
    const restartable = await restartableControlPlane([greeter(['127.10.0.7:8080'])]);
    try {
      // Not up yet at start: it waits rather than exits.
      const watch = runCli(['watch', 'greeter.default:grpc', '--server', restartable.address]);
      await waitFor('the watch to report it is reconnecting', () => /reconnecting in/.test(watch.stderr), PROCESS_WAIT_MS);
      await restartable.start();
      await watch.waitForLine(/127\.10\.0\.7:8080/);

      // Stopped under it (watchers are ended with UNAVAILABLE), then back with a change.
      await restartable.stop();
      await waitFor('the watch to see the stream lost', () => (watch.stderr.match(/reconnecting in/g) ?? []).length >= 2, PROCESS_WAIT_MS);
      await restartable.write([greeter(['127.10.0.8:8080'])]);
      await restartable.start();
      await watch.waitForLine(/127\.10\.0\.8:8080/);
      expect(watch.stderr).toMatch(/reconnected to 127\.0\.0\.1:\d+ after [\d.]+ s/);
      expect(watch.child.exitCode).toBeNull();
      watch.child.kill('SIGINT');
      expect(await watch.exited).toBe(0);
    } finally {
      await restartable.close();
    }
  });
});

// A process that uses the client exits by itself after close(): the shared
// WatchServers stream and the control-plane channel are closed with the last
// channel that used them. Also: channels on one target share one stream.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { registerLookaside } from 'grpc-lookaside-client';
import { PROCESS_WAIT_MS, SPAWNING_TEST_TIMEOUT_MS } from '../support/cli-process.js';
import { startFileControlPlane, type FileControlPlane } from '../support/file-control-plane.js';
import { IdentityClient, startIdentityBackends, waitFor, type IdentityBackend } from '../support/identity-backends.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NODE = fileURLToPath(new URL('../../node_modules/.bin/node', import.meta.url));

let backends: IdentityBackend[];
let cp: FileControlPlane;

beforeAll(async () => {
  backends = await startIdentityBackends(2, 'exit');
  cp = await startFileControlPlane([{ name: 'exit', namespace: 'test', ports: [{ name: 'grpc', port: 8080, backends: backends.map((b) => ({ address: b.address })) }] }]);
});
afterAll(async () => {
  await cp?.close();
  await Promise.all(backends.map((b) => b.stop()));
});

it('shares one WatchServers stream among the channels of a target, and closes it with the last', async () => {
  const registration = registerLookaside({ controlPlane: cp.address });
  const first = new IdentityClient('lookaside:///exit.test:grpc');
  const second = new IdentityClient('lookaside:///exit.test:grpc');
  await Promise.all([first.spread(20, 2), second.spread(20, 2)]);
  expect(registration.watchCount).toBe(1);
  expect(cp.controlPlane.server.loadBalancer.fanout.size).toBe(1);
  first.close();
  expect(registration.watchCount).toBe(1);
  await expect(second.who()).resolves.toMatch(/^exit-/);
  second.close();
  expect(registration.watchCount).toBe(0);
  await waitFor('the control plane to see the stream end', () => cp.controlPlane.server.loadBalancer.fanout.size === 0);
  registration.close();
});

it('lets a process that used the client exit on its own after close()', { timeout: SPAWNING_TEST_TIMEOUT_MS }, async () => {
  const child = spawn(NODE, ['--import', 'tsx', 'test/client/fixtures/exit-after-close.ts'], {
    cwd: ROOT,
    env: { ...process.env, LOOKASIDE_CONTROL_PLANE: cp.address },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null } | 'still running'>((resolve) => {
    // Generous (a tsx start-up on a busy machine): this bounds a hang, it does not measure anything.
    const timer = setTimeout(() => resolve('still running'), PROCESS_WAIT_MS);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
  if (exit === 'still running') child.kill('SIGKILL');
  expect(exit, stderr).toEqual({ code: 0, signal: null });
  const report = JSON.parse(stdout.trim()) as { counts: Record<string, number>; failures: number; openWatchesBeforeClose: number; openWatchesAfterClose: number };
  expect(report.failures).toBe(0);
  expect(Object.keys(report.counts).sort()).toEqual(['exit-0', 'exit-1']);
  expect(report.openWatchesBeforeClose).toBe(1);
  expect(report.openWatchesAfterClose).toBe(0);
});

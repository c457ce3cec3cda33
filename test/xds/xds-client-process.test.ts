// The promise, end to end: a separate client process, given only the
// bootstrap `lookaside xds-bootstrap` writes (through GRPC_XDS_BOOTSTRAP) and
// an xds:/// target, balances its calls by weight through the control plane,
// follows a change, and rides through a control-plane restart without a
// failed call (gRPC xDS clients keep their last resources while the control
// plane is away, and resubscribe when it is back).

import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCliInProcess } from '../support/cli-in-process.js';
import { startIdentityBackends, waitFor, type IdentityBackend } from '../support/identity-backends.js';
import { restartableControlPlane, type RestartableControlPlane } from '../support/restartable-control-plane.js';
import type { FileService } from '../support/file-control-plane.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/xds-client-process.ts', import.meta.url));

interface Report {
  counts: Record<string, number>;
  failures: string[];
}

function service(backends: { address: string; weight: number }[]): FileService[] {
  return [{ name: 'shop', namespace: 'prod', ports: [{ name: 'grpc', port: 9090, backends }] }];
}

let backends: IdentityBackend[];
let cp: RestartableControlPlane;
let dir: string;

beforeAll(async () => {
  backends = await startIdentityBackends(3, 'shop');
  cp = await restartableControlPlane(service([{ address: backends[0]!.address, weight: 1 }, { address: backends[1]!.address, weight: 3 }]));
  await cp.start();
  dir = await mkdtemp(join(tmpdir(), 'lookaside-xds-client-'));
});
afterAll(async () => {
  await cp?.close();
  await Promise.all(backends.map((b) => b.stop()));
  await rm(dir, { recursive: true, force: true });
});

it('balances by weight, follows a change and survives a control-plane restart with no failed call', async () => {
  const bootstrap = join(dir, 'bootstrap.json');
  const written = await runCliInProcess(['xds-bootstrap', '--control-plane', cp.address, '--node-id', 'shop-client-0', '--output', bootstrap]);
  expect(written.code, written.stderr).toBe(0);
  expect(JSON.parse(await readFile(bootstrap, 'utf8'))).toMatchObject({ xds_servers: [{ server_uri: cp.address, server_features: ['xds_v3'] }], node: { id: 'shop-client-0' } });

  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
    env: { ...process.env, GRPC_XDS_BOOTSTRAP: bootstrap, TARGET: 'shop.prod:9090' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const latest = (): Report => {
    const lines = stdout.trim().split('\n').filter(Boolean);
    return lines.length > 0 ? (JSON.parse(lines.at(-1)!) as Report) : { counts: {}, failures: [] };
  };
  const total = (report: Report) => Object.values(report.counts).reduce((a, b) => a + b, 0);
  try {
    // Weights 1:3, pooled over at least 4,000 calls.
    await waitFor('4,000 calls', () => total(latest()) >= 4_000, 60_000);
    const first = latest();
    const share = (first.counts[backends[1]!.name] ?? 0) / total(first);
    expect(Math.abs(share - 0.75), `the weight-3 backend got ${(share * 100).toFixed(1)}%`).toBeLessThanOrEqual(0.03);

    // A change reaches the process.
    await cp.write(service([{ address: backends[0]!.address, weight: 1 }, { address: backends[1]!.address, weight: 3 }, { address: backends[2]!.address, weight: 2 }]));
    await waitFor('the added backend gets calls', () => (latest().counts[backends[2]!.name] ?? 0) > 0, 20_000);

    // The control plane goes away and comes back; calls go on meanwhile.
    await cp.stop(200);
    const during = total(latest());
    await waitFor('calls go on while the control plane is down', () => total(latest()) > during + 500, 20_000);
    await cp.start();
    // After the restart the client follows changes again.
    await cp.write(service([{ address: backends[2]!.address, weight: 1 }]));
    // Not an absence after a sleep alone: each 300 ms look also needs new
    // calls on the remaining backend, the sign that the client is calling.
    await waitFor('only the remaining backend gets calls', () => {
      const before = latest().counts;
      return new Promise<boolean>((resolve) =>
        setTimeout(() => {
          const after = latest().counts;
          resolve(backends.slice(0, 2).every((b) => (after[b.name] ?? 0) === (before[b.name] ?? 0)) && (after[backends[2]!.name] ?? 0) > (before[backends[2]!.name] ?? 0));
        }, 300),
      );
    }, 20_000);
    expect(latest().failures, stderr).toEqual([]);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
  expect(latest().failures).toEqual([]);
  // A real client process making thousands of calls: its own waits above allow
  // up to two minutes on a busy machine, more than the suite's default limit.
}, 120_000);

// The pieces of `npm run demo` (deploy/examples/greeter/demo.ts), as it runs
// them but on a free port: real greeter backends on 127.0.0.1, a real
// control plane serving the registry file the demo writes, a real lookaside
// client. The calls are spread by the weights, and `lookaside get` and
// `lookaside doctor --strict` (the CLI's program, in process) pass against it: what the
// Quick start promises a newcomer.

import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../src/cli/doctor/doctor-report-schema.js';
import { DEMO_BACKENDS, measureDemo, startDemo, type Demo } from '../../deploy/examples/greeter/demo.js';
import { runCliInProcess } from '../support/cli-in-process.js';
import { testLogger } from '../support/test-logger.js';

let demo: Demo;

beforeAll(async () => {
  demo = await startDemo({ port: 0, logger: testLogger() });
});
afterAll(async () => {
  await demo?.stop();
});

describe('npm run demo', () => {
  it('runs backends of different weights, and the registry file it serves lists exactly them, on loopback', async () => {
    expect(new Set(DEMO_BACKENDS.map((b) => b.weight)).size).toBe(DEMO_BACKENDS.length);
    const file = parse(await readFile(demo.registryFile, 'utf8')) as { services: { ports: { backends: { address: string; weight: number }[] }[] }[] };
    const listed = file.services.flatMap((s) => s.ports.flatMap((p) => p.backends));
    expect(listed.map((b) => [b.address, b.weight]).sort()).toEqual(demo.backends.map((b) => [b.address, b.weight]).sort());
    for (const backend of listed) expect(backend.address).toMatch(/^127\.0\.0\.1:[0-9]+$/);
  });

  it('spreads the client\'s calls by the weights, each share within 2 points of its weight\'s', async () => {
    const counts = await measureDemo(demo, 1_200);
    expect([...counts.keys()].sort()).toEqual(demo.backends.map((b) => b.name).sort());
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(1_200);
    for (const [name, expected] of demo.expectedShares) {
      const share = counts.get(name)! / 1_200;
      expect(Math.abs(share - expected) * 100, `${name}: ${(share * 100).toFixed(1)}% against ${(expected * 100).toFixed(1)}%`).toBeLessThanOrEqual(2);
    }
  });

  it('answers `lookaside get` with its backends and passes every check of `lookaside doctor --strict`', { timeout: 60_000 }, async () => {
    const get = await runCliInProcess(['get', 'greeter.default:grpc', '--server', demo.address, '--output', 'json']);
    expect(get.stderr).toBe('');
    expect(get.code).toBe(0);
    const answer = JSON.parse(get.stdout) as { servers: { address: string; weight: number }[] };
    expect(answer.servers.map((s) => s.address).sort()).toEqual(demo.backends.map((b) => b.address).sort());

    const doctor = await runCliInProcess(['doctor', 'greeter.default:grpc', '--server', demo.address, '--strict', '--calls', '30', '--json']);
    expect(doctor.stderr).toBe('');
    const report = JSON.parse(doctor.stdout) as DoctorReport;
    const notPassing = report.checks.filter((c) => c.verdict !== 'pass' && !(c.id === 'dns' && c.verdict === 'skip'));
    expect(notPassing, JSON.stringify(notPassing, null, 2)).toEqual([]);
    expect(doctor.code).toBe(0);
    // Health answers for the Service's name too, not only "": the backend serves it as it would in a pod.
    for (const backend of report.backends) expect(backend.health).toEqual([{ service: '', status: 'SERVING' }, { service: 'greeter', status: 'SERVING' }]);
  });
});

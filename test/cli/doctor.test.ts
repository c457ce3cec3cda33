// `lookaside doctor` against a real control plane on the file source and real
// grpc-js backends on 127.0.0.1 (the program run in process; the built
// command is spawned in test/packaging/packed-packages.test.ts): each symptom is
// detected and named, the exit codes are the documented ones, and --json
// output validates against the checked-in JSON Schema.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { doctorReportJsonSchema, type DoctorReport } from '../../src/cli/doctor/doctor-report-schema.js';
import { runCliInProcess } from '../support/cli-in-process.js';
import { startFileControlPlane, type FileControlPlane } from '../support/file-control-plane.js';
import { refusingAddress, startHealthBackend, type HealthBackend } from '../support/health-backends.js';
import { ServerCredentials } from '@grpc/grpc-js';
import { rm } from 'node:fs/promises';
import { createAuthority, issue, pemDirectory } from '../support/test-certificates.js';

const SCHEMA_FILE = fileURLToPath(new URL('../../schemas/doctor-report.schema.json', import.meta.url));
const reportSchema = z.fromJSONSchema(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Parameters<typeof z.fromJSONSchema>[0]);

let cp: FileControlPlane;
let healthy: HealthBackend;
let noHealth: HealthBackend;
let notServing: HealthBackend;
let slow: HealthBackend;
let refused: string;
let fine: HealthBackend[];

beforeAll(async () => {
  [healthy, noHealth, notServing, slow, ...fine] = await Promise.all([
    startHealthBackend('serving', { serviceName: 'greeter' }),
    startHealthBackend('no-health'),
    startHealthBackend('not-serving', { serviceName: 'greeter' }),
    // Local health answers take well under a millisecond on an idle machine and
    // a few on a busy one; 100 ms stays over four times the others' either way.
    startHealthBackend('slow', { serviceName: 'greeter', delayMs: 100 }),
    startHealthBackend('serving'),
    startHealthBackend('serving'),
    startHealthBackend('serving'),
  ]);
  refused = await refusingAddress();
  cp = await startFileControlPlane([
    {
      name: 'greeter',
      namespace: 'default',
      ports: [
        {
          name: 'grpc',
          port: 50051,
          backends: [
            { address: healthy.address, metadata: { pod: 'greeter-healthy' } },
            { address: noHealth.address, metadata: { pod: 'greeter-no-health' } },
            { address: notServing.address, metadata: { pod: 'greeter-not-serving' } },
            { address: slow.address, metadata: { pod: 'greeter-slow' } },
            { address: refused, metadata: { pod: 'greeter-refused' } },
          ],
        },
      ],
    },
    // Weighted 1:2:1, all healthy.
    { name: 'fine', namespace: 'default', ports: [{ name: 'grpc', port: 50051, backends: fine.map((b, i) => ({ address: b.address, weight: i === 1 ? 200 : 100, zone: `zone-${i}` })) }] },
    { name: 'quiet', namespace: 'default', ports: [{ name: 'grpc', port: 50051, backends: [{ address: healthy.address }, { address: noHealth.address }] }] },
  ]);
});
afterAll(async () => {
  await cp.close();
  await Promise.all([healthy, noHealth, notServing, slow, ...fine].map((b) => b.stop()));
});

const byAddress = (report: DoctorReport, address: string) => report.backends.find((b) => b.address === address)!;
const check = (report: DoctorReport, id: string) => report.checks.find((c) => c.id === id)!;

describe('lookaside doctor', () => {
  it('names every unwell backend with its verdict and exits 5; --json validates against the schema', async () => {
    const { code, stdout, stderr } = await runCliInProcess(['doctor', 'greeter.default:grpc', '--server', cp.address, '--calls', '20', '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(5);
    const parsed = reportSchema.safeParse(JSON.parse(stdout));
    expect(parsed.error).toBeUndefined();
    const report = JSON.parse(stdout) as DoctorReport;
    expect(report).toMatchObject({ verdict: 'fail', exitCode: 5, controlPlane: { reachable: true, health: 'SERVING', synced: true, exists: true } });

    expect(check(report, 'control-plane').verdict).toBe('pass');
    expect(check(report, 'endpoints')).toMatchObject({ verdict: 'pass', summary: expect.stringMatching(/^5 backends, weights all 100/) });

    // Connect: only the refused address fails, told as a refusal.
    expect(check(report, 'connect').verdict).toBe('fail');
    expect(byAddress(report, refused).connect).toEqual({ tcp: 'refused', grpc: 'skipped', detail: 'ECONNREFUSED' });
    expect(check(report, 'connect').findings).toEqual([expect.objectContaining({ verdict: 'fail', subject: `${refused} (pod greeter-refused)`, seen: expect.stringMatching(/connection refused/) })]);
    for (const backend of [healthy, noHealth, notServing, slow]) expect(byAddress(report, backend.address).connect).toEqual({ tcp: 'ok', grpc: 'ok' });

    // Health: NOT_SERVING fails (listed while unhealthy), no health service warns with the fix.
    const health = check(report, 'health');
    expect(health.verdict).toBe('fail');
    expect(health.findings).toHaveLength(2);
    expect(health.findings).toContainEqual(
      expect.objectContaining({ verdict: 'fail', subject: `${notServing.address} (pod greeter-not-serving)`, seen: expect.stringMatching(/NOT_SERVING/), cause: expect.stringMatching(/readiness probe and gRPC health disagree/) }),
    );
    expect(health.findings).toContainEqual(expect.objectContaining({ verdict: 'warn', subject: `${noHealth.address} (pod greeter-no-health)`, seen: expect.stringMatching(/no health service/), fix: expect.stringMatching(/grpc-health-check for Node/) }));
    expect(byAddress(report, healthy.address).health).toEqual([
      { service: '', status: 'SERVING' },
      { service: 'greeter', status: 'SERVING' },
    ]);
    expect(byAddress(report, noHealth.address).health).toEqual([
      { service: '', status: 'UNIMPLEMENTED' },
      { service: 'greeter', status: 'UNIMPLEMENTED' },
    ]);

    // Latency: the slow backend, and only it, is named, by comparison with the others.
    const latency = check(report, 'latency');
    expect(latency.findings.map((f) => f.subject)).toEqual([`${slow.address} (pod greeter-slow)`]);
    expect(latency.findings[0]!.seen).toMatch(/x the other backends' median p50/);
    expect(report.backends.filter((b) => b.latency?.slow).map((b) => b.address)).toEqual([slow.address]);
    expect(byAddress(report, slow.address).latency).toMatchObject({ calls: 20, answered: 20 });

    // Distribution: equal weights, equal shares among the four that answer; the refused one is left out.
    const distribution = check(report, 'distribution');
    expect(distribution.verdict).toBe('pass');
    expect(distribution.summary).toMatch(/^80 calls through lookaside:\/\/\/greeter\.default:grpc: every share within 25% .*\(1 unreachable backend left out\)/);
    for (const backend of [healthy, noHealth, notServing, slow]) expect(byAddress(report, backend.address).distribution).toMatchObject({ picks: 20, expectedShare: 0.25 });
    expect(report.pickFirst).toMatchObject({ method: 'modelled', target: 'dns:///greeter.default.svc.cluster.local:PORT', connections: [] });

    expect(check(report, 'dns')).toMatchObject({ verdict: 'skip' });
  });

  it('prints one line per check with the findings indented, a backend table and a summary line', async () => {
    const { code, stdout } = await runCliInProcess(['doctor', 'greeter.default:grpc', '--server', cp.address, '--calls', '10']);
    expect(code).toBe(5);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe(`lookaside doctor greeter.default:grpc  (control plane ${cp.address})`);
    const checkLines = lines.filter((l) => /^(PASS|WARN|FAIL|SKIP) {2}/.test(l)).map((l) => l.split(/ {2,}/).slice(0, 2).join(' '));
    expect(checkLines).toEqual(['PASS control plane', 'PASS endpoints', 'FAIL connect', 'FAIL health', 'WARN latency', 'PASS distribution', 'SKIP dns']);
    expect(stdout).toMatch(new RegExp(`^ {6}FAIL ${refused.replace(/\./g, '\\.')} \\(pod greeter-refused\\): connection refused`, 'm'));
    expect(stdout).toMatch(/^ {11}cause: nothing listens on that port/m);
    expect(stdout).toMatch(/^ {11}fix: {3}/m);
    expect(stdout).toMatch(/^ {2}BACKEND +WEIGHT +ZONE +CONNECT +HEALTH +P50\/P99 +SHARE\/EXPECTED$/m);
    expect(lines.at(-2)).toMatch(/^7 checks: 3 pass, 1 warn, 2 fail, 1 skipped; exit 5 \(a check failed\) in \d+\.\d s$/);
  });

  it('exits 0 for an all-healthy weighted service, with shares matching weights', async () => {
    const { code, stdout } = await runCliInProcess(['doctor', 'fine.default:50051', '--server', cp.address, '--calls', '20', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as DoctorReport;
    expect(reportSchema.safeParse(report).error).toBeUndefined();
    expect(report.checks.map((c) => [c.id, c.verdict])).toEqual([
      ['control-plane', 'pass'],
      ['endpoints', 'pass'],
      ['connect', 'pass'],
      ['health', 'pass'],
      ['latency', 'pass'],
      ['distribution', 'pass'],
      ['dns', 'skip'],
    ]);
    // Health is "" SERVING; the name "fine" was never registered, which is fine unless asked for.
    expect(report.backends[0]!.health).toEqual([
      { service: '', status: 'SERVING' },
      { service: 'fine', status: 'NOT_FOUND' },
    ]);
    expect(fine.map((b) => byAddress(report, b.address).distribution)).toEqual([
      { picks: 15, share: 0.25, expectedShare: 0.25 },
      { picks: 30, share: 0.5, expectedShare: 0.5 },
      { picks: 15, share: 0.25, expectedShare: 0.25 },
    ]);
    expect(check(report, 'endpoints').summary).toMatch(/^3 backends, weights (100|200)\/(100|200)\/(100|200), zones zone-0 25%, zone-1 50%, zone-2 25%$/);
  });

  it('exits 0 on warnings alone, and 5 with --strict', async () => {
    const [plain, strict] = await Promise.all([
      runCliInProcess(['doctor', 'quiet.default:grpc', '--server', cp.address, '--calls', '5']),
      runCliInProcess(['doctor', 'quiet.default:grpc', '--server', cp.address, '--calls', '5', '--strict']),
    ]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/^WARN {2}health/m);
    expect(strict.code).toBe(5);
    expect(strict.stdout).toMatch(/exit 5 \(a check warned \(--strict\)\)/);
  });

  it('fails a --health-service name the backends do not know', async () => {
    const { code, stdout } = await runCliInProcess(['doctor', 'fine.default:grpc', '--server', cp.address, '--calls', '3', '--health-service', 'fine.v1.Fine', '--json']);
    expect(code).toBe(5);
    const report = JSON.parse(stdout) as DoctorReport;
    expect(check(report, 'health').findings[0]).toMatchObject({ verdict: 'fail', seen: expect.stringMatching(/knows no "fine\.v1\.Fine" \(NOT_FOUND\)/) });
  });

  it('reports NOT_FOUND naming the ports that exist, and exits 5', async () => {
    const { code, stdout } = await runCliInProcess(['doctor', 'greeter.default:http', '--server', cp.address, '--json']);
    expect(code).toBe(5);
    const report = JSON.parse(stdout) as DoctorReport;
    expect(report.controlPlane).toMatchObject({ reachable: true, exists: false });
    expect(check(report, 'control-plane').findings[0]!.seen).toMatch(/has no port "http"; its ports are grpc \(50051\)/);
    expect(report.checks.slice(1).map((c) => c.verdict)).toEqual(['skip', 'skip', 'skip', 'skip', 'skip', 'skip']);
  });

  it('exits 4 when the control plane cannot be reached', async () => {
    const { code, stdout } = await runCliInProcess(['doctor', 'greeter.default:grpc', '--server', refused, '--deadline', '1s']);
    expect(code).toBe(4);
    expect(stdout).toMatch(/^FAIL {2}control plane {2}unreachable at 127\.0\.0\.1:\d+/m);
    expect(stdout).toMatch(/exit 4 \(control plane unreachable or not serving\)/);
  });

  it.each([
    [['doctor', 'greeter.default:grpc', '--calls', '0'], /option '--calls <n>' argument '0' is invalid\. must be a whole number of calls from 1 to 10000/],
    [['doctor', 'greeter.default:grpc', '--deadline', '0'], /option '--deadline <duration>' argument '0' is invalid\. must be a duration from 1ms to 5m/],
    [['doctor', 'greeter'], /"greeter" must be "name\.namespace:port"/],
    [['doctor', 'greeter.default:grpc', '--kubeconfig', '/nonexistent/kubeconfig'], /the kubeconfig \/nonexistent\/kubeconfig given with --kubeconfig does not exist/],
    [['doctor', 'greeter.default:grpc', '--backend-tls-ca-file', '/nonexistent/ca.pem'], /--backend-tls-ca-file <path>' argument '\/nonexistent\/ca\.pem' cannot be read \(ENOENT\)/],
  ])('exits 2 for bad usage: %j', async (args, message) => {
    const { code, stderr } = await runCliInProcess(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('keeps schemas/doctor-report.schema.json in step with the report (npm run generate:schemas)', () => {
    expect(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'))).toEqual(doctorReportJsonSchema());
  });

  it('tells TLS on one side only from a certificate that does not name the Service', async () => {
    const pem = await pemDirectory();
    const ca = await createAuthority('Doctor Test CA');
    // A certificate for localhost and 127.0.0.1, not for tls.default.svc.
    const pair = await issue(ca, 'backend', 'server');
    const caFile = await pem.write('ca.crt', ca.certPem);
    const tlsBackend = await startHealthBackend('serving', { credentials: ServerCredentials.createSsl(Buffer.from(ca.certPem), [{ cert_chain: Buffer.from(pair.certPem), private_key: Buffer.from(pair.keyPem) }]) });
    const plain = await startHealthBackend('serving');
    const tlsCp = await startFileControlPlane([
      { name: 'tls', namespace: 'default', ports: [{ name: 'grpc', port: 50051, backends: [{ address: tlsBackend.address }] }] },
      { name: 'plain', namespace: 'default', ports: [{ name: 'grpc', port: 50051, backends: [{ address: plain.address }] }] },
    ]);
    try {
      const doctor = async (...args: string[]) => {
        const { code, stdout } = await runCliInProcess(['doctor', ...args, '--server', tlsCp.address, '--calls', '2', '--json']);
        expect(code).toBe(5);
        return (JSON.parse(stdout) as DoctorReport).backends[0]!.connect;
      };
      const [plaintextToTls, tlsToPlaintext, wrongName] = await Promise.all([
        doctor('tls.default:grpc'),
        doctor('plain.default:grpc', '--backend-tls'),
        doctor('tls.default:grpc', '--backend-tls-ca-file', caFile),
      ]);
      expect(plaintextToTls).toEqual({ tcp: 'ok', grpc: 'tls-mismatch', detail: 'backend speaks TLS' });
      expect(tlsToPlaintext).toEqual({ tcp: 'ok', grpc: 'tls-mismatch', detail: 'backend speaks plaintext HTTP/2' });
      expect(wrongName).toMatchObject({ tcp: 'ok', grpc: 'tls-error' });
    } finally {
      await tlsCp.close();
      await Promise.all([tlsBackend.stop(), plain.stop()]);
      await rm(pem.dir, { recursive: true, force: true });
    }
  });
});

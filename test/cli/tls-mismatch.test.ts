// TLS at one end only. grpc-js reports a plaintext call to a TLS control
// plane as "Failed to connect", the same words as a control plane that is
// not there; `lookaside get` and doctor's control-plane check find out which
// end speaks what and say "TLS". Real control planes (TLS and plaintext), the
// real program.

import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../src/cli/doctor/doctor-report-schema.js';
import { runCliInProcess } from '../support/cli-in-process.js';
import { startFileControlPlane, type FileControlPlane } from '../support/file-control-plane.js';
import { freePort } from '../support/free-port.js';
import { createAuthority, issue, pemDirectory } from '../support/test-certificates.js';
import { startTlsControlPlane, type TlsControlPlane } from '../support/tls-control-plane.js';

let pem: Awaited<ReturnType<typeof pemDirectory>>;
let caFile: string;
let tlsPlane: TlsControlPlane;
let plainPlane: FileControlPlane;
let nothing: string;

beforeAll(async () => {
  pem = await pemDirectory();
  const ca = await createAuthority('Mismatch Test CA');
  const server = await issue(ca, 'control-plane', 'server');
  caFile = await pem.write('ca.crt', ca.certPem);
  tlsPlane = await startTlsControlPlane({ certFile: await pem.write('tls.crt', server.certPem), keyFile: await pem.write('tls.key', server.keyPem) });
  plainPlane = await startFileControlPlane([{ name: 'greeter', namespace: 'default', ports: [{ name: 'grpc', port: 50051, backends: [{ address: '127.0.0.1:9' }] }] }]);
  nothing = `127.0.0.1:${await freePort()}`;
});
afterAll(async () => {
  await Promise.all([tlsPlane.stop(), plainPlane.close()]);
  await rm(pem.dir, { recursive: true, force: true });
});

const controlPlaneFinding = (stdout: string) => (JSON.parse(stdout) as DoctorReport).checks.find((c) => c.id === 'control-plane')!.findings[0]!;

describe('lookaside get', () => {
  it('says the control plane serves TLS when called in plaintext', async () => {
    const { code, stderr } = await runCliInProcess(['get', 'greeter.default:grpc', '--server', tlsPlane.address, '--timeout', '2s']);
    expect(code).toBe(4);
    expect(stderr).toMatch(new RegExp(`lookaside get: the control plane at ${tlsPlane.address} serves TLS, and this call was plaintext: pass --tls-ca-file`));
  });

  it('says the control plane serves plaintext when called with TLS', async () => {
    const { code, stderr } = await runCliInProcess(['get', 'greeter.default:grpc', '--server', plainPlane.address, '--tls-ca-file', caFile, '--timeout', '2s']);
    expect(code).toBe(4);
    expect(stderr).toMatch(new RegExp(`lookaside get: the control plane at ${plainPlane.address} serves plaintext, and this call used TLS: drop --tls`));
  });

  it('still says "cannot reach" when nothing listens, and works when both ends agree', async () => {
    const refused = await runCliInProcess(['get', 'greeter.default:grpc', '--server', nothing, '--tls-ca-file', caFile, '--timeout', '2s']);
    expect(refused.stderr).toMatch(/cannot reach the control plane/);
    expect(refused.stderr).not.toMatch(/serves (TLS|plaintext)/);
    expect((await runCliInProcess(['get', 'greeter.default:grpc', '--server', tlsPlane.address, '--tls-ca-file', caFile])).code).toBe(0);
  });
});

describe("doctor's control-plane check", () => {
  it('says the control plane serves TLS when doctor connects in plaintext', async () => {
    const { code, stdout } = await runCliInProcess(['doctor', 'greeter.default:grpc', '--server', tlsPlane.address, '--deadline', '2s', '--json']);
    expect(code).toBe(4);
    expect(controlPlaneFinding(stdout)).toMatchObject({ verdict: 'fail', cause: expect.stringMatching(/serves TLS, and doctor connected in plaintext/), fix: expect.stringMatching(/--tls-ca-file/) });
  });

  it('says the control plane serves plaintext when doctor connects with TLS', async () => {
    const { code, stdout } = await runCliInProcess(['doctor', 'greeter.default:grpc', '--server', plainPlane.address, '--tls-ca-file', caFile, '--deadline', '2s', '--json']);
    expect(code).toBe(4);
    expect(controlPlaneFinding(stdout)).toMatchObject({ verdict: 'fail', cause: expect.stringMatching(/serves plaintext, and doctor connected with TLS/), fix: expect.stringMatching(/drop --tls/) });
  });
});

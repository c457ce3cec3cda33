import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { runCli, runCliToEnd, type CliRun, SPAWNING_TEST_TIMEOUT_MS } from '../support/cli-process.js';
import { runCliInProcess } from '../support/cli-in-process.js';
import { createAuthority, issue, pemDirectory } from '../support/test-certificates.js';

// These tests start real `lookaside` processes, slow to start on a busy machine.
vi.setConfig({ testTimeout: SPAWNING_TEST_TIMEOUT_MS, hookTimeout: SPAWNING_TEST_TIMEOUT_MS });

let pem: Awaited<ReturnType<typeof pemDirectory>>;
let files: { ca: string; cert: string; key: string; clientCert: string; clientKey: string };
let serve: CliRun | undefined;

beforeAll(async () => {
  pem = await pemDirectory();
  const ca = await createAuthority('CLI Test CA');
  const [server, client] = await Promise.all([issue(ca, 'control-plane', 'server'), issue(ca, 'cli', 'client')]);
  files = {
    ca: await pem.write('ca.crt', ca.certPem),
    cert: await pem.write('tls.crt', server.certPem),
    key: await pem.write('tls.key', server.keyPem),
    clientCert: await pem.write('client.crt', client.certPem),
    clientKey: await pem.write('client.key', client.keyPem),
  };
});
afterAll(async () => {
  serve?.child.kill('SIGKILL');
  await rm(pem.dir, { recursive: true, force: true });
});

it('serve with mutual TLS answers `get` that presents a client certificate, and refuses one that does not', async () => {
  serve = runCli(['serve', '--source', 'file', '--host', '127.0.0.1', '--port', '0', '--no-metrics', '--tls-cert-file', files.cert, '--tls-key-file', files.key, '--tls-client-ca-file', files.ca]);
  const { address } = JSON.parse(await serve.waitForLine(/"msg":"listening"/)) as { address: string };
  await serve.waitForLine(/"msg":"source synced; serving"/);
  expect(serve.stdout).toMatch(/"mutual":true.*"msg":"TLS certificate loaded"/);

  const ok = await runCliInProcess(['get', 'greeter.default:grpc', '--server', address, '--tls-ca-file', files.ca, '--tls-cert-file', files.clientCert, '--tls-key-file', files.clientKey]);
  expect(ok.code).toBe(0);
  expect(ok.stdout).toMatch(/3 backends/);
  const noClientCert = await runCliInProcess(['get', 'greeter.default:grpc', '--server', address, '--tls-ca-file', files.ca, '--timeout', '3s']);
  expect(noClientCert.code).toBe(4);
  const plaintext = await runCliInProcess(['get', 'greeter.default:grpc', '--server', address, '--timeout', '3s']);
  expect(plaintext.code).toBe(4);
  // One environment for both sides, as in a pod that runs the server and
  // execs `lookaside get`: the server's LOOKASIDE_TLS_* are its serving
  // certificate; get takes its client certificate from LOOKASIDE_CLIENT_TLS_* only.
  const fromEnv = await runCliInProcess(['get', 'greeter.default:grpc'], {
    LOOKASIDE_CONTROL_PLANE: address,
    LOOKASIDE_TLS_CERT_FILE: files.cert,
    LOOKASIDE_TLS_KEY_FILE: files.key,
    LOOKASIDE_CLIENT_TLS_CA_FILE: files.ca,
    LOOKASIDE_CLIENT_TLS_CERT_FILE: files.clientCert,
    LOOKASIDE_CLIENT_TLS_KEY_FILE: files.clientKey,
  });
  expect(fromEnv.code, fromEnv.stderr).toBe(0);
  expect(fromEnv.stdout).toMatch(/3 backends/);
  serve.child.kill('SIGTERM');
  expect(await serve.exited).toBe(0);
});

it.each([
  [['serve', '--tls-cert-file', 'x.crt'], 2, /--tls-cert-file and --tls-key-file go together/],
  [['serve', '--tls-client-ca-file', 'ca.crt'], 2, /--tls-client-ca-file needs --tls-cert-file and --tls-key-file/],
  [['get', 'greeter.default:grpc', '--tls-ca-file', '/nonexistent/ca.crt'], 2, /--tls-ca-file \/nonexistent\/ca\.crt: cannot read it \(no such file\)/],
  [['get', 'greeter.default:grpc', '--tls-cert-file', 'c.crt'], 2, /--tls-cert-file and --tls-key-file go together/],
])('%j exits %i, saying what is wrong', async (args, code, message) => {
  const result = await runCliInProcess(args as string[]);
  expect(result.code).toBe(code);
  expect(result.stderr).toMatch(message);
});

it('serve exits 1 naming a missing certificate file', async () => {
  const missing = join(pem.dir, 'missing.crt');
  const result = await runCliToEnd(['serve', '--source', 'file', '--port', '0', '--no-metrics', '--tls-cert-file', missing, '--tls-key-file', files.key]);
  expect(result.code).toBe(1);
  expect(result.stdout).toContain(`TLS file ${missing}: cannot read the certificate: no such file`);
});

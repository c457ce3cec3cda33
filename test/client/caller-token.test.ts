// The client's caller token: registerLookaside({ callerToken: { file } }) or
// LOOKASIDE_TOKEN_FILE sends the file's token on every WatchServers stream to
// a control plane that authorizes its callers, re-reads the file on each
// (re)connect so a rotated token is used, and says which file is wrong when
// it cannot be read. Real grpc-js channels and backends, a real control
// plane whose authorizer asks the API harness.

import { status, type ServiceError } from '@grpc/grpc-js';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { LookasideOptionsError, registerLookaside, TOKEN_FILE_ENV, type LookasideLogEntry, type LookasideOptions, type LookasideRegistration } from 'grpc-lookaside-client';
import { issueToken, listSlicesRule, startCallerAuthControlPlane, type CallerAuthControlPlane } from '../support/caller-auth-control-plane.js';
import { IdentityClient, startIdentityBackends, waitFor, type IdentityBackend } from '../support/identity-backends.js';
import { KubernetesApiHarness } from '../support/kubernetes-api-harness.js';

const WEB = 'system:serviceaccount:app:web';
const TARGET = 'lookaside:///greeter.app:grpc';
const QUICK: Partial<LookasideOptions> = { startTimeoutMs: 500, reconnectBackoff: { initialMs: 20, maxMs: 200 } };

let harness: KubernetesApiHarness;
let backends: IdentityBackend[];
let cp: CallerAuthControlPlane;
let dir: string;
let revoke: () => void;

beforeAll(async () => {
  harness = await KubernetesApiHarness.start();
  backends = await startIdentityBackends(2, 'greeter');
  cp = await startCallerAuthControlPlane({
    harness,
    services: [{ name: 'greeter', namespace: 'app', ports: [{ name: 'grpc', port: 50051, backends: backends.map((b) => ({ host: '127.0.0.1', port: b.port })) }] }],
  });
  revoke = harness.grantAccess(listSlicesRule(WEB, 'app'));
  dir = await mkdtemp(join(tmpdir(), 'lookaside-token-'));
});
afterAll(async () => {
  revoke();
  await cp.close();
  await Promise.all(backends.map((b) => b.stop()));
  await harness.close();
  await rm(dir, { recursive: true, force: true });
});

const open: { registration?: LookasideRegistration; client?: IdentityClient } = {};
afterEach(() => {
  open.client?.close();
  open.registration?.close();
  delete process.env[TOKEN_FILE_ENV];
});

function register(options: LookasideOptions): { logs: LookasideLogEntry[]; client: IdentityClient } {
  const logs: LookasideLogEntry[] = [];
  open.registration = registerLookaside({ controlPlane: cp.address, ...QUICK, ...options, logger: (entry) => logs.push(entry) });
  open.client = new IdentityClient(TARGET);
  return { logs, client: open.client };
}

/** Writes a token file atomically, as the kubelet's projected volume does. */
async function writeToken(name: string, token: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(`${file}.new`, `${token}\n`);
  await rename(`${file}.new`, file);
  return file;
}

const tokensReviewed = () => harness.reviewsOf('tokenreviews').map((r) => r.spec.token);

it('sends the token of callerToken.file, so an authorizing control plane serves the lists and calls are balanced', async () => {
  const token = issueToken(harness, WEB);
  const { client } = register({ callerToken: { file: await writeToken('option-token', token) } });
  const { counts, failures } = await client.spread(40, 8, { timeoutMs: 5_000 });
  expect(failures).toEqual([]);
  expect([...counts.keys()].sort()).toEqual(['greeter-0', 'greeter-1']);
  expect(tokensReviewed()).toContain(token);
});

it('reads LOOKASIDE_TOKEN_FILE when the option is not given', async () => {
  const token = issueToken(harness, WEB);
  process.env[TOKEN_FILE_ENV] = await writeToken('env-token', token);
  const { client } = register({});
  expect(await client.who({ waitForReady: true })).toMatch(/^greeter-/);
  expect(tokensReviewed()).toContain(token);
});

it('re-reads the file when the stream re-opens: a rotated token replaces one that no longer works', async () => {
  const first = issueToken(harness, WEB);
  const file = await writeToken('rotating-token', first);
  const { client } = register({ callerToken: { file } });
  expect(await client.who({ waitForReady: true })).toMatch(/^greeter-/);
  // The kubelet rotates the token; the old one stops working.
  const second = issueToken(harness, WEB);
  await writeToken('rotating-token', second);
  harness.removeToken(first);
  // The stream ends (a control-plane restart, a GOAWAY); the client reconnects with the file's new token.
  cp.controlPlane.server.loadBalancer.fanout.endAll(status.UNAVAILABLE, 'closing streams for the test');
  await waitFor('a review of the rotated token', () => tokensReviewed().includes(second));
  await waitFor('the stream is back', () => cp.controlPlane.server.loadBalancer.fanout.size === 1);
  expect(await client.who()).toMatch(/^greeter-/);
});

it('without a token, the control plane\'s UNAUTHENTICATED reaches the client\'s log and its calls\' status', async () => {
  const { logs, client } = register({});
  const error = (await client.who({ timeoutMs: 5_000 }).catch((e: unknown) => e)) as ServiceError;
  expect(error.code).toBe(status.UNAVAILABLE);
  expect(error.details).toMatch(/WatchServers ended with UNAUTHENTICATED: .*send the metadata "authorization: Bearer <token>"/);
  expect(logs.some((l) => l.level === 'warn' && l.fields.code === 'UNAUTHENTICATED')).toBe(true);
});

it('a missing token file is named in the log and in the calls\' status', async () => {
  const missing = join(dir, 'no-such-token');
  const { logs, client } = register({ callerToken: { file: missing } });
  const error = (await client.who({ timeoutMs: 5_000 }).catch((e: unknown) => e)) as ServiceError;
  expect(error.code).toBe(status.UNAVAILABLE);
  expect(error.details).toContain(`the caller token file ${missing} does not exist`);
  expect(logs.some((l) => l.level === 'error' && String((l.fields.err as Error | undefined)?.message).includes(missing))).toBe(true);
});

it.each([
  [{ file: '' }, /option "callerToken" must be \{ file: "<path of a token file>" \}/],
  ['/var/run/secrets/lookaside/token', /option "callerToken" must be/],
])('refuses callerToken %j, naming the option', (callerToken, message) => {
  expect(() => registerLookaside({ controlPlane: cp.address, callerToken: callerToken as never })).toThrow(LookasideOptionsError);
  expect(() => registerLookaside({ controlPlane: cp.address, callerToken: callerToken as never })).toThrow(message);
});

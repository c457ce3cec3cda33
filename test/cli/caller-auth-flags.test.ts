// `serve --caller-auth kubernetes` as a real process (its kubeconfig points at
// the API harness, which answers its TokenReviews and SubjectAccessReviews),
// and `get` / `watch` presenting a token with --token-file or LOOKASIDE_TOKEN_FILE.

import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { issueToken, listSlicesRule } from '../support/caller-auth-control-plane.js';
import { runCli, runCliToEnd, type CliRun, SPAWNING_TEST_TIMEOUT_MS } from '../support/cli-process.js';
import { runCliInProcess } from '../support/cli-in-process.js';
import { checkHealth, healthClient } from '../support/health-client.js';
import { KubernetesApiHarness } from '../support/kubernetes-api-harness.js';
import { writeHarnessKubeconfig } from '../support/kubernetes-control-plane.js';
import { pemDirectory } from '../support/test-certificates.js';

// These tests start real `lookaside` processes, slow to start on a busy machine.
vi.setConfig({ testTimeout: SPAWNING_TEST_TIMEOUT_MS, hookTimeout: SPAWNING_TEST_TIMEOUT_MS });

const WEB = 'system:serviceaccount:default:web';
let harness: KubernetesApiHarness;
let dir: Awaited<ReturnType<typeof pemDirectory>>;
let serve: CliRun | undefined;
let address: string;
let allowedToken: string;

beforeAll(async () => {
  harness = await KubernetesApiHarness.start();
  dir = await pemDirectory();
  const kubeconfig = join(dir.dir, 'kubeconfig');
  writeHarnessKubeconfig(kubeconfig, harness.url);
  harness.grantAccess(listSlicesRule(WEB, 'default'));
  allowedToken = await dir.write('web-token', `${issueToken(harness, WEB)}\n`);
  // The bundled registry file serves greeter.default; the reviews go to the harness.
  serve = runCli(['serve', '--source', 'file', '--host', '127.0.0.1', '--port', '0', '--no-metrics'], {
    LOOKASIDE_CALLER_AUTH: 'kubernetes',
    LOOKASIDE_KUBECONFIG: kubeconfig,
    LOOKASIDE_CALLER_AUTH_CACHE_TTL: '5s',
  });
  ({ address } = JSON.parse(await serve.waitForLine(/"msg":"listening"/)) as { address: string });
  await serve.waitForLine(/"msg":"source synced; serving"/);
});
afterAll(async () => {
  serve?.child.kill('SIGKILL');
  await harness.close();
  await rm(dir.dir, { recursive: true, force: true });
});

it('serve logs that caller authorization is on, with the audience and the API server it asks', () => {
  expect(serve!.stdout).toMatch(/"callerAuth":"kubernetes","audience":"lookaside","cacheTtlMs":5000.*"msg":"caller authorization on: /);
});

it('get with --token-file is served; without a token it is refused, saying what to send', async () => {
  const ok = await runCliInProcess(['get', 'greeter.default:grpc', '--server', address, '--token-file', allowedToken]);
  expect(ok.code, ok.stderr).toBe(0);
  expect(ok.stdout).toMatch(/3 backends/);
  expect(harness.reviewsOf('tokenreviews').at(-1)!.spec).toMatchObject({ audiences: ['lookaside'] });

  const anonymous = await runCliInProcess(['get', 'greeter.default:grpc', '--server', address]);
  expect(anonymous.code).toBe(1);
  expect(anonymous.stderr).toMatch(/send the metadata "authorization: Bearer <token>" .* \(UNAUTHENTICATED\)\n$/);
});

it('get with a token of a caller without the rule is told PERMISSION_DENIED naming the rule', async () => {
  const other = await dir.write('other-token', issueToken(harness, 'system:serviceaccount:shop:cart'));
  const denied = await runCliInProcess(['get', 'greeter.default:grpc', '--server', address, '--token-file', other]);
  expect(denied.code).toBe(1);
  expect(denied.stderr).toMatch(/system:serviceaccount:shop:cart may not list endpointslices\.discovery\.k8s\.io in namespace "default" .*\(PERMISSION_DENIED\)/);
});

it('watch --once reads the token from LOOKASIDE_TOKEN_FILE, the client package\'s variable', async () => {
  const watch = await runCliInProcess(['watch', 'greeter.default:grpc', '--once', '-o', 'json'], { LOOKASIDE_CONTROL_PLANE: address, LOOKASIDE_TOKEN_FILE: allowedToken });
  expect(watch.code, watch.stderr).toBe(0);
  expect(JSON.parse(watch.stdout)).toMatchObject({ target: { service: 'greeter.default', port: 'grpc' }, exists: true });
});

it('health stays open to probes without a token', async () => {
  const health = healthClient(address);
  try {
    expect(await checkHealth(health, 'lookaside.v1.LoadBalancer')).toBe('SERVING');
  } finally {
    health.close();
  }
});

it.each([
  [['get', 'greeter.default:grpc', '--token-file', '/nonexistent/token'], 2, /--token-file: the caller token file \/nonexistent\/token does not exist/],
  [['serve', '--caller-auth', 'basic'], 2, /--caller-auth.*Allowed choices are none, kubernetes/],
  [['serve', '--caller-auth-cache-ttl', '11m'], 2, /--caller-auth-cache-ttl.*must be at most 10 minutes/],
  [['serve', '--caller-auth-audience', 'two words'], 2, /--caller-auth-audience.*must be one audience/],
])('%j exits %i, saying what is wrong', async (args, code, message) => {
  const result = await runCliInProcess(args as string[]);
  expect(result.code).toBe(code);
  expect(result.stderr).toMatch(message);
});

it('serve --caller-auth kubernetes without any Kubernetes configuration exits 1, saying what it looked for', async () => {
  const result = await runCliToEnd(['serve', '--source', 'file', '--port', '0', '--no-metrics', '--caller-auth', 'kubernetes'], {
    KUBECONFIG: join(dir.dir, 'absent-kubeconfig'),
    HOME: dir.dir,
    KUBERNETES_SERVICE_HOST: '',
  });
  expect(result.code).toBe(1);
  expect(result.stdout).toMatch(/no Kubernetes configuration found/);
});

// `serve --live-page` as a real process serves the page at /live on the
// metrics port; the flags that would put it where it must not be, or where
// it cannot be, are refused with a usage error naming the rule.

import { afterEach, expect, it, vi } from 'vitest';
import { runCli, type CliRun, SPAWNING_TEST_TIMEOUT_MS } from '../support/cli-process.js';
import { runCliInProcess } from '../support/cli-in-process.js';

vi.setConfig({ testTimeout: SPAWNING_TEST_TIMEOUT_MS, hookTimeout: SPAWNING_TEST_TIMEOUT_MS });

let serve: CliRun | undefined;
afterEach(async () => {
  serve?.child.kill('SIGTERM');
  await serve?.exited;
  serve = undefined;
});

it('serves the page at /live on the metrics port, and the metrics beside it', async () => {
  serve = runCli(['serve', '--source', 'file', '--host', '127.0.0.1', '--port', '0', '--metrics-host', '127.0.0.1', '--metrics-port', '0', '--live-page']);
  const { address } = JSON.parse(await serve.waitForLine(/"msg":"serving the live page"/)) as { address: string };
  // The page is up before the source has read the file (health says NOT_SERVING until then):
  // the registry's services are in the snapshot once the server says the source synced.
  await serve.waitForLine(/"msg":"source synced; serving"/);
  const page = await fetch(`http://${address}/live`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(await page.text()).toMatch(/<script src="\/live\/live-page.js" defer><\/script>/);
  const view = (await (await fetch(`http://${address}/live/snapshot.json`)).json()) as { services: { cluster: string }[] };
  expect(view.services.map((s) => s.cluster)).toContain('greeter.default:50051');
  expect((await fetch(`http://${address}/metrics`)).status).toBe(200);
});

it.each([
  [['serve', '--live-page-remote'], /--live-page-remote needs --live-page/],
  [['serve', '--live-page', '--no-metrics'], /--live-page is served on the metrics port: drop --no-metrics/],
  [['serve', '--live-page', '--live-page-remote', '--caller-auth', 'kubernetes'], /--live-page-remote is refused with --caller-auth kubernetes: .*kubectl port-forward/],
])('%j exits 2, saying what is wrong', async (args, message) => {
  const result = await runCliInProcess(args);
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(message);
});

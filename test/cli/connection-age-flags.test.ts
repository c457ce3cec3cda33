// The connection-age flags of `lookaside serve`: a grace without an age is a
// usage error that says what is missing; a bad duration names the flag.

import { expect, it } from 'vitest';
import { runCliInProcess } from '../support/cli-in-process.js';

it('refuses --max-connection-age-grace without --max-connection-age, naming both', async () => {
  const run = await runCliInProcess(['serve', '--source', 'file', '--port', '0', '--no-metrics', '--max-connection-age-grace', '1m']);
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/--max-connection-age-grace needs --max-connection-age/);
});

it('refuses a grace that is no duration, naming the flag and the form', async () => {
  const run = await runCliInProcess(['serve', '--source', 'file', '--port', '0', '--no-metrics', '--max-connection-age', '10m', '--max-connection-age-grace', 'soon']);
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/--max-connection-age-grace <duration>.*must be a duration such as 500ms, 10s or 2m/);
});

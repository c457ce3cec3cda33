// `lookaside serve` refusing to start, as a real process: the person who ran
// it reads the reason on stderr in the same words and lines a reload logs
// ("invalid registry file F:" and one line per problem, with file, line,
// column, field and rule), not as escaped "\n" inside a JSON line; stdout
// keeps one JSON line per entry for log collectors, with the problems as a list.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { runCliToEnd, SPAWNING_TEST_TIMEOUT_MS } from '../support/cli-process.js';

// The test starts a real `lookaside` process, slow to start on a busy machine.
vi.setConfig({ testTimeout: SPAWNING_TEST_TIMEOUT_MS });

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lookaside-startup-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('prints a bad registry file\'s problems on stderr, one per line, and exits 1', async () => {
  const file = join(dir, 'registry.yaml');
  await writeFile(
    file,
    ['services:', '  - name: greeter', '    namespace: default', '    ports:', '      - name: grpc', '        port: 50051', '        backends:', '          - address: 127.0.0.1:50061', '            weight: -4', '          - address: nope', ''].join('\n'),
  );
  const { code, stdout, stderr } = await runCliToEnd(['serve', '--source', 'file', '--file', file, '--host', '127.0.0.1', '--port', '0', '--no-metrics']);
  expect(code).toBe(1);
  expect(stderr).toBe(
    [
      `lookaside: cannot start: invalid registry file ${file}:`,
      `  ${file}:9:21: services[0].ports[0].backends[0].weight: must be from 1 to 10000`,
      `  ${file}:10:22: services[0].ports[0].backends[1].address: "nope" is not "host:port" (IPv6 as "[2001:db8::7]:8080")`,
      '',
    ].join('\n'),
  );
  const entries = stdout.trim().split('\n').map((line) => JSON.parse(line) as { level: number; msg: string; problems?: string[] });
  for (const entry of entries) expect(entry.msg).not.toContain('\n');
  const fatal = entries.find((e) => e.level === 60);
  expect(fatal?.problems).toHaveLength(2);
});

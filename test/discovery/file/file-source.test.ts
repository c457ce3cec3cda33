import { mkdir, mkdtemp, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSource } from '../../../src/discovery/file/file-source.js';
import { RegistryFileError } from '../../../src/discovery/file/registry-file.js';
import { Registry } from '../../../src/registry/registry.js';
import { capturedLogger, type CapturedLogger } from '../../support/captured-logger.js';
import { registryYaml } from '../../support/file-control-plane.js';
import { ManualTimers } from '../../support/manual-timers.js';
import { testLogger } from '../../support/test-logger.js';

let dir: string;
let file: string;
let source: FileSource | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lookaside-file-'));
  file = join(dir, 'registry.yaml');
});
afterEach(async () => {
  await source?.stop();
  source = undefined;
  await rm(dir, { recursive: true, force: true });
});

const one = (address: string) => registryYaml([{ name: 'a', ports: [{ port: 80, backends: [{ address }] }] }]);

/** Resolves once the registry reports a change (the watcher fired). */
function nextChange(registry: Registry): Promise<string> {
  return new Promise((resolve) => {
    const stop = registry.onChange((key) => {
      stop();
      resolve(key);
    });
  });
}

it('loads the file, syncs the registry, and follows edits without being told', async () => {
  await writeFile(file, one('127.10.0.1:80'));
  const registry = new Registry();
  source = new FileSource({ path: file, registry, logger: testLogger(), debounceMs: 10 });
  await source.start();
  expect(registry.synced).toBe(true);
  expect(registry.get('a.default')?.ports[0]?.backends[0]?.address).toBe('127.10.0.1:80');

  // An in-place write.
  let changed = nextChange(registry);
  await writeFile(file, one('127.10.0.2:80'));
  await changed;
  expect(registry.get('a.default')?.ports[0]?.backends[0]?.address).toBe('127.10.0.2:80');

  // A write-and-rename, as editors and ConfigMap updates do.
  changed = nextChange(registry);
  await writeFile(join(dir, '.tmp'), one('127.10.0.3:80'));
  await rename(join(dir, '.tmp'), file);
  await changed;
  expect(registry.get('a.default')?.ports[0]?.backends[0]?.address).toBe('127.10.0.3:80');
});

it('keeps the last good state when the file turns invalid or disappears', async () => {
  await writeFile(file, one('127.10.0.1:80'));
  const registry = new Registry();
  source = new FileSource({ path: file, registry, logger: testLogger(), debounceMs: 10 });
  await source.start();
  const before = registry.get('a.default');
  await writeFile(file, 'services: [ {');
  await source.reload();
  await unlink(file);
  await source.reload();
  expect(registry.get('a.default')).toBe(before);
  await writeFile(file, one('127.10.0.4:80'));
  await source.reload();
  expect(registry.get('a.default')?.ports[0]?.backends[0]?.address).toBe('127.10.0.4:80');
});

it('refuses to start on a missing or invalid file, naming it', async () => {
  const registry = new Registry();
  source = new FileSource({ path: file, registry, logger: testLogger() });
  await expect(source.start()).rejects.toThrow(new RegExp(`cannot read ${file}: it does not exist`));
  await writeFile(file, 'services: 7');
  await expect(source.start()).rejects.toBeInstanceOf(RegistryFileError);
  expect(registry.synced).toBe(false);
});

describe('a reload that would withdraw what the file served', () => {
  const twoServices = registryYaml([
    { name: 'a', ports: [{ port: 80, backends: [{ address: '127.10.0.1:80' }] }] },
    { name: 'b', ports: [{ port: 81, backends: [{ address: '127.10.0.2:81' }] }] },
  ]);

  // Each test reloads by hand. The watcher's debounce runs on timers nobody
  // advances: on real ones it could read a write half done (truncated, then
  // written) and log that empty moment before the test's own reload.
  async function started(text: string): Promise<{ registry: Registry; log: CapturedLogger }> {
    await writeFile(file, text);
    const registry = new Registry();
    const log = capturedLogger();
    source = new FileSource({ path: file, registry, logger: log.logger, debounceMs: 10, timers: new ManualTimers() });
    await source.start();
    return { registry, log };
  }

  it.each([
    ['an empty file', '', /services: is required/],
    ['a file of comments only', '# nothing here yet\n', /services: is required/],
    ['a write cut short before a port\'s backends', 'services:\n  - name: a\n    ports:\n      - port: 80\n', /:4:9: services\[0\]\.ports\[0\]\.backends: is required/],
  ])('rejects %s at warn with the rule, and keeps serving the last good state', async (_what, text, rule) => {
    const { registry, log } = await started(twoServices);
    const before = [registry.get('a.default'), registry.get('b.default')];
    await writeFile(file, text);
    await source!.reload();
    expect([registry.get('a.default'), registry.get('b.default')]).toEqual(before);
    const rejected = log.lines.filter((line) => /still serving the last good content/.test(line.msg));
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.level).toBe(40);
    expect(rejected[0]!.msg).toMatch(rule);
    expect(rejected[0]!.msg).toMatch(/write "services: \[\]"|write "backends: \[\]"/);
    expect(log.lines.filter((line) => line.msg === 'registry file reloaded')).toEqual([]);
  });

  it('applies an explicit "services: []" and "backends: []", and says so', async () => {
    const { registry, log } = await started(twoServices);
    await writeFile(file, registryYaml([{ name: 'a', ports: [{ port: 80, backends: [] }] }]));
    await source!.reload();
    expect(registry.get('a.default')?.ports[0]?.backends).toEqual([]);
    expect(registry.get('b.default')).toBeUndefined();
    expect(log.lines.find((line) => /"backends: \[\]"/.test(line.msg))).toMatchObject({ level: 30, ports: ['a.default:80'] });

    await writeFile(file, 'services: []\n');
    await source!.reload();
    expect(registry.get('a.default')).toBeUndefined();
    expect(log.lines.find((line) => /"services: \[\]"/.test(line.msg))).toMatchObject({ level: 30 });
  });

  it('refuses to start on an empty file, with the rule', async () => {
    await writeFile(file, '');
    const registry = new Registry();
    source = new FileSource({ path: file, registry, logger: testLogger() });
    await expect(source.start()).rejects.toThrow(/services: is required.*write "services: \[\]"/);
    expect(registry.synced).toBe(false);
  });
});

describe('a directory removed and made again', () => {
  const DEBOUNCE_MS = 10;
  const POLL_MS = 1_000;

  async function startedOnManualTimers(): Promise<{ registry: Registry; log: CapturedLogger; timers: ManualTimers }> {
    await writeFile(file, one('127.10.0.1:80'));
    const registry = new Registry();
    const log = capturedLogger();
    const timers = new ManualTimers();
    source = new FileSource({ path: file, registry, logger: log.logger, debounceMs: DEBOUNCE_MS, directoryPollMs: POLL_MS, timers });
    await source.start();
    return { registry, log, timers };
  }

  /** Writes the file as editors and ConfigMaps do: a new file renamed over it. */
  async function replaceFile(text: string): Promise<void> {
    await writeFile(join(dir, '.registry.tmp'), text);
    await rename(join(dir, '.registry.tmp'), file);
  }

  /** The next change the registry sees after the watcher's debounce runs. */
  async function changeAfterDebounce(registry: Registry, timers: ManualTimers, what: string): Promise<void> {
    const changed = nextChange(registry);
    await timers.whenPending(what);
    timers.advance(DEBOUNCE_MS);
    await changed;
  }

  const address = (registry: Registry) => registry.get('a.default')?.ports[0]?.backends[0]?.address;
  const outageLines = (log: CapturedLogger) => log.lines.filter((line) => /is gone|readable again/.test(line.msg));

  it('follows the new directory, logging the outage once when it starts and once when it ends', async () => {
    const { registry, log, timers } = await startedOnManualTimers();
    await rm(dir, { recursive: true });
    await timers.whenPending('the watcher saw the removal');
    timers.advance(DEBOUNCE_MS);
    await log.waitFor((line) => /directory .* is gone/.test(line.msg), 'the outage begins');
    expect(address(registry)).toBe('127.10.0.1:80');

    // Polls while there is no directory log nothing more.
    for (let i = 0; i < 3; i++) {
      await timers.whenPending('the next look for the directory');
      const polled = log.lines.length;
      timers.advance(POLL_MS);
      await source!.reload();
      expect(log.lines.length).toBe(polled);
    }

    await mkdir(dir);
    await replaceFile(one('127.10.0.2:80'));
    const changed = nextChange(registry);
    await timers.whenPending('the next look for the directory');
    timers.advance(POLL_MS);
    await changed;
    expect(address(registry)).toBe('127.10.0.2:80');
    expect(outageLines(log).map((line) => [line.level, line.msg.replace(/ .*/, '')])).toEqual([
      [50, 'the'],
      [30, 'the'],
    ]);
    expect(outageLines(log)[1]!.msg).toBe('the registry file is readable again');

    // The new directory is watched: an edit is seen without being told.
    await replaceFile(one('127.10.0.3:80'));
    await changeAfterDebounce(registry, timers, 'the watcher saw the edit in the new directory');
    expect(address(registry)).toBe('127.10.0.3:80');
  });

  it('follows a directory removed and made again between two looks', async () => {
    const { registry, timers } = await startedOnManualTimers();
    await rm(dir, { recursive: true });
    await mkdir(dir);
    await replaceFile(one('127.10.0.2:80'));
    await changeAfterDebounce(registry, timers, 'the old watcher saw the removal');
    expect(address(registry)).toBe('127.10.0.2:80');

    await replaceFile(one('127.10.0.3:80'));
    await changeAfterDebounce(registry, timers, 'the watcher saw the edit in the new directory');
    expect(address(registry)).toBe('127.10.0.3:80');
  });
});

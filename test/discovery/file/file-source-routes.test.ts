import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { FileSource } from '../../../src/discovery/file/file-source.js';
import { Registry } from '../../../src/registry/registry.js';
import { testLogger } from '../../support/test-logger.js';

let dir: string | undefined;
let source: FileSource | undefined;
afterEach(async () => {
  await source?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
  source = dir = undefined;
});

const services = [{ name: 'greeter', ports: [{ port: 50051, backends: [{ address: '127.0.0.1:6001' }] }] }];
const route = (weight: number) => ({ name: 'canary', spec: { parentRefs: [{ group: '', kind: 'Service', name: 'greeter' }], rules: [{ backendRefs: [{ name: 'greeter', port: 50051, weight }] }] } });

it('loads the routes of the file, follows their edits, and keeps them through a bad edit', async () => {
  dir = await mkdtemp(join(tmpdir(), 'lookaside-routes-'));
  const file = join(dir, 'registry.yaml');
  await writeFile(file, stringify({ services, routes: [route(5)] }));
  const registry = new Registry();
  source = new FileSource({ path: file, registry, logger: testLogger(), debounceMs: 10 });
  await source.start();
  expect(registry.routes.routes().map((r) => r.spec.rules[0]!.backendRefs[0]!.weight)).toEqual([5]);

  const before = registry.routes.revision;
  await writeFile(file, stringify({ services, routes: [route(7)] }));
  await source.reload();
  expect(registry.routes.revision).toBe(before + 1);
  expect(registry.routes.routes().map((r) => r.spec.rules[0]!.backendRefs[0]!.weight)).toEqual([7]);

  // A bad route refuses the whole file: the last good routes stay.
  await writeFile(file, stringify({ services, routes: [{ name: 'canary', spec: { rules: [{ backendRefs: [{ name: 'greeter' }] }] } }] }));
  await source.reload();
  expect(registry.routes.routes().map((r) => r.spec.rules[0]!.backendRefs[0]!.weight)).toEqual([7]);

  // Unchanged routes on a reload of other content tell nobody.
  const revision = registry.routes.revision;
  await writeFile(file, stringify({ services: [...services, { name: 'other', ports: [{ port: 1, backends: [] }] }], routes: [route(7)] }));
  await source.reload();
  expect(registry.get('other.default')).toBeDefined();
  expect(registry.routes.revision).toBe(revision);

  await writeFile(file, stringify({ services }));
  await source.reload();
  expect(registry.routes.routes()).toEqual([]);
});

// Every entry point package.json promises exists and exports what its users
// import; the compiled paths map one to one onto src/.
import { existsSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { exports: Record<string, { types: string; default: string }>; bin: Record<string, string> };
const sourceOf = (dist: string) => new URL(`../${dist.replace(/^\.\/dist\//, 'src/').replace(/^dist\//, 'src/').replace(/\.js$/, '.ts')}`, import.meta.url);

it('maps every export and the bin onto a source file', () => {
  for (const [entry, target] of Object.entries(pkg.exports)) {
    expect(existsSync(sourceOf(target.default)), `${entry} -> ${target.default}`).toBe(true);
    expect(target.types).toBe(target.default.replace(/\.js$/, '.d.ts'));
  }
  expect(existsSync(sourceOf(pkg.bin.lookaside!))).toBe(true);
});

it('exports what embedders and clients import', async () => {
  const main = await import(sourceOf(pkg.exports['.']!.default).href);
  expect(Object.keys(main)).toEqual(expect.arrayContaining(['ControlPlane', 'FileSource', 'Registry', 'ControlPlaneMetrics', 'ReloadingServerCredentials']));
  // The client is its own package (packages/client); test/packaging/ installs it from its tarball.
  const client = await import('grpc-lookaside-client');
  expect(Object.keys(client)).toEqual(expect.arrayContaining(['registerLookaside', 'lookasideChannelOptions', 'DEFAULT_SERVICE_CONFIG']));
  const kubernetes = await import(sourceOf(pkg.exports['./kubernetes']!.default).href);
  expect(typeof kubernetes.createKubernetesSource).toBe('function');
});

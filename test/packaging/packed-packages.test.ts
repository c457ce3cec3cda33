// The two packages as users get them: `npm pack` of the control plane
// (grpc-lookaside) and of the client (grpc-lookaside-client), each installed
// into a fresh app from its tarball. The control plane runs from its install
// on the bundled example registry's format, fed real local backends; client
// apps on the lowest and the highest grpc-js of the peer range call through
// "lookaside:///" from CommonJS and ES modules and must balance by weight;
// their types are checked with tsc under every module resolution; a second
// copy of grpc-js gives the clear error, not a DNS failure; the install's
// size is printed and held to a budget.
//
// The one test that needs the network: the apps install grpc-js and the
// packages' dependencies from the npm registry, through npm's cache with
// --prefer-offline (npm-scratch.ts), so once the cache holds them npm asks
// the registry nothing it already has. The apps' installs are independent
// and mostly wait on the cache and the disk: they run side by side.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIdentityBackends, type IdentityBackend } from '../support/identity-backends.js';
import { registryYaml } from '../support/file-control-plane.js';
import { diskSize, npm, pack, REPO_ROOT, type PackedTarball } from '../support/npm-scratch.js';
import { isSupportedNode, MINIMUM_NODE } from '../../src/cli/node-version.js';

const execFileAsync = promisify(execFile);

/** The ends of the client's peer range, as package.json states it. */
const clientPackage = JSON.parse(readFileSync(join(REPO_ROOT, 'packages/client/package.json'), 'utf8')) as { peerDependencies: Record<string, string>; engines: { node: string } };
const PEER_RANGE = clientPackage.peerDependencies['@grpc/grpc-js']!;
const LOWEST_GRPC = /^>=(\d+\.\d+\.\d+)/.exec(PEER_RANGE)![1]!;
/** The highest published version inside the range, asked of the registry. */
let highestGrpc: string;
/** Install size budget for the client with grpc-js and protobufjs. */
const CLIENT_INSTALL_BUDGET_BYTES = 20 * 1024 * 1024;
const WEIGHTS = [1, 2, 3];
const CALLS = 1_200;
const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;

let scratch: string;
let clientTarball: string;
let controlPlaneTarball: string;
/** What the two tarballs hold. */
let clientPacked: PackedTarball;
let controlPlanePacked: PackedTarball;
let backends: IdentityBackend[];
let controlPlane: ChildProcess | undefined;
let controlPlaneApp: string;
let controlPlaneAddress: string;
/** The client apps by grpc-js version, and the monorepo's app, installing while the control plane starts. */
let clientApps: Map<string, Promise<string>>;
let monorepoApp: Promise<string>;

/** A promise awaited later (by the describe that needs it): a failure is reported there, not as unhandled now. */
function awaitedLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

async function installClientApp(version: string): Promise<string> {
  const app = scratchApp(`client-${version}`);
  await npm(['install', clientTarball, `@grpc/grpc-js@${version}`], app);
  return app;
}

/**
 * A monorepo's shape: the client and its peer are hoisted to the root; the
 * app's own folder has its own @grpc/grpc-js, which its channels use.
 */
async function installMonorepoApp(): Promise<string> {
  const root = scratchApp('monorepo');
  await npm(['install', clientTarball, `@grpc/grpc-js@${highestGrpc}`], root);
  const app = join(root, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));
  await npm(['install', `@grpc/grpc-js@${LOWEST_GRPC}`], app);
  for (const file of ['calls.cjs', 'balance.cjs', 'balance.mjs']) copyFileSync(join(FIXTURES, file), join(app, file));
  return app;
}

function scratchApp(name: string): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true }));
  for (const file of ['calls.cjs', 'balance.cjs', 'balance.mjs']) copyFileSync(join(FIXTURES, file), join(dir, file));
  return dir;
}

interface CallReport {
  counts: Record<string, number>;
  failures: number;
  firstFailure?: string;
  grpcVersion: string;
  node: string;
}

async function runApp(dir: string, script: string, env: Record<string, string> = {}, node = process.execPath): Promise<{ report: CallReport; stderr: string }> {
  const { stdout, stderr } = await execFileAsync(node, [script], {
    cwd: dir,
    env: { ...process.env, CONTROL_PLANE: controlPlaneAddress, TARGET: 'lookaside:///packed.test:grpc', CALLS: String(CALLS), ...env },
    timeout: 60_000,
  });
  return { report: JSON.parse(stdout.trim().split('\n').at(-1)!) as CallReport, stderr };
}

function expectWeightedShares(report: CallReport): void {
  expect(report.failures, report.firstFailure).toBe(0);
  const total = WEIGHTS.reduce((a, b) => a + b, 0);
  backends.forEach((backend, i) => {
    const share = (report.counts[backend.name] ?? 0) / CALLS;
    // Earliest-deadline-first scheduling is exact to within a pick or two.
    expect(Math.abs(share - WEIGHTS[i]! / total), `${backend.name} got ${share}`).toBeLessThan(0.02);
  });
}

/** A Node on PATH other than the one running the tests (the machine's own, often older), if any. */
function otherNode(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'node');
    if (dir && existsSync(candidate) && candidate !== process.execPath && !dir.includes('node_modules')) return candidate;
  }
  return undefined;
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'lookaside-packed-'));
  const tarballs = join(scratch, 'tarballs');
  mkdirSync(tarballs);
  // One after the other: the control plane's prepack builds the client too.
  controlPlanePacked = await pack(REPO_ROOT, tarballs);
  clientPacked = await pack(join(REPO_ROOT, 'packages/client'), tarballs);
  controlPlaneTarball = controlPlanePacked.path;
  clientTarball = clientPacked.path;
  const versions = JSON.parse(await npm(['view', `@grpc/grpc-js@${PEER_RANGE}`, 'version', '--json'], scratch)) as string | string[];
  highestGrpc = [versions].flat().at(-1)!;
  clientApps = new Map([LOWEST_GRPC, highestGrpc].map((version) => [version, awaitedLater(installClientApp(version))]));
  monorepoApp = awaitedLater(installMonorepoApp());

  backends = await startIdentityBackends(3, 'packed');
  const cpApp = scratchApp('control-plane');
  controlPlaneApp = cpApp;
  await npm(['install', '--omit=dev', controlPlaneTarball, clientTarball], cpApp);
  const registry = join(cpApp, 'registry.yaml');
  writeFileSync(registry, registryYaml([{ name: 'packed', namespace: 'test', ports: [{ name: 'grpc', port: 8080, backends: backends.map((b, i) => ({ address: b.address, weight: WEIGHTS[i]! })) }] }]));
  // The installed command, as `npx lookaside` would run it.
  controlPlane = spawn(process.execPath, [join(cpApp, 'node_modules/grpc-lookaside/dist/cli/main.js'), 'serve', '--source', 'file', '--file', registry, '--host', '127.0.0.1', '--port', '0', '--no-metrics'], { stdio: ['ignore', 'pipe', 'inherit'] });
  controlPlaneAddress = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the installed control plane did not log "listening" in 30 s')), 30_000);
    createInterface({ input: controlPlane!.stdout! }).on('line', (line) => {
      if (line.includes('"msg":"listening"')) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { address: string }).address);
      }
    });
  });
}, 300_000);

// Five installs' node_modules to remove: on a busy machine that took longer
// than the default 30 s of a hook.
afterAll(async () => {
  controlPlane?.kill('SIGKILL');
  await Promise.all((backends ?? []).map((b) => b.stop()));
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}, 120_000);

describe('the tarballs', () => {
  it('hold built code, types and the legal files, and no sources, tests or examples', () => {
    const client = clientPacked.files;
    expect(client).toEqual(expect.arrayContaining(['LICENSE', 'CHANGELOG.md', 'README.md', 'package.json', 'dist/esm/index.js', 'dist/esm/index.d.ts', 'dist/cjs/index.js', 'dist/cjs/index.d.ts', 'dist/cjs/package.json']));
    expect(client.filter((f) => !/^(dist\/(esm|cjs)\/|LICENSE$|CHANGELOG\.md$|README\.md$|package\.json$)/.test(f))).toEqual([]);
    expect(client.filter((f) => f.endsWith('.map'))).toEqual([]);
    const controlPlaneFiles = controlPlanePacked.files;
    expect(controlPlaneFiles).toEqual(expect.arrayContaining(['LICENSE', 'CHANGELOG.md', 'dist/cli/main.js', 'deploy/examples/registry.yaml', 'proto/lookaside/v1/lookaside.proto', 'schemas/doctor-report.schema.json', 'dist/server/live-page/assets/index.html', 'dist/server/live-page/assets/live-page.js', 'dist/server/live-page/assets/live-page.css']));
    expect(controlPlaneFiles.filter((f) => /^(src|test|bench|packages)\/|\.map$|greeter/.test(f))).toEqual([]);
  });
});

/**
 * Runs the installed `lookaside` as a user's shell would: the bin link npm
 * made, started through its `#!/usr/bin/env node` line by the first Node on
 * PATH (the one running the tests, which the project supports).
 */
async function lookaside(args: string[], cwd = controlPlaneApp): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, PATH: [dirname(process.execPath), process.env.PATH].join(delimiter) };
  return execFileAsync(join(controlPlaneApp, 'node_modules/.bin/lookaside'), args, { cwd, env, timeout: 60_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

// Smoke tests of the built command as installed from the tarball: the same
// program's parsing, messages and exit codes are tested in process
// (test/cli/), these show that the entry point, its bin link and its exit
// codes work in the dist/ code a user runs.
describe('the installed lookaside command', { timeout: 60_000 }, () => {
  it('prints the package version from any working directory', async () => {
    const elsewhere = mkdtempSync(join(scratch, 'empty-'));
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(await lookaside(['--version'], elsewhere)).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('exits 2 for bad usage, with the message on stderr', async () => {
    const { code, stderr } = await lookaside(['get', 'greeter']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/"greeter" must be "name\.namespace:port"/);
  });

  it('gets the backends and weights the running control plane serves, and exits 0', async () => {
    const { code, stdout, stderr } = await lookaside(['get', 'packed.test:grpc', '--server', controlPlaneAddress]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^packed\.test:grpc {2}version \d+ {2}3 backends$/);
    expect(lines[1]!.split(/\s+/).slice(0, 3)).toEqual(['ADDRESS', 'WEIGHT', 'SHARE']);
    const shares = ['16.7%', '33.3%', '50.0%'];
    const rows = lines.slice(2).map((l) => l.split(/\s+/).slice(0, 3));
    expect(rows.sort()).toEqual(backends.map((b, i) => [b.address, String(WEIGHTS[i]), shares[i]]).sort());
  });

  it('prints one line naming the Node it needs when started on an older one', async () => {
    const node = otherNode();
    const version = node ? (await execFileAsync(node, ['--version'])).stdout.trim() : undefined;
    if (!node || isSupportedNode(version!)) {
      console.info(`no Node older than ${MINIMUM_NODE} on PATH (found ${version ?? 'none'}): the start-up check is covered by its unit test only`);
      return;
    }
    const result = await execFileAsync(node, [join(controlPlaneApp, 'node_modules/grpc-lookaside/dist/cli/main.js'), 'serve', '--source', 'kubernetes']).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([`lookaside: Node ${MINIMUM_NODE} or newer is required; this is Node ${version!.slice(1)} (${node}). Install Node 22.19+ or 24 LTS.`]);
  });
});

describe.each([
  ['lowest', () => LOWEST_GRPC],
  ['highest', () => highestGrpc],
])('a client app on the %s grpc-js of the peer range', (_label, version) => {
  let app: string;
  beforeAll(async () => {
    app = await clientApps.get(version())!;
  }, 180_000);

  it('installs small: the client, grpc-js and protobufjs only', () => {
    const bytes = diskSize(join(app, 'node_modules'));
    console.info(`client install with @grpc/grpc-js@${version()}: ${(bytes / 1024 / 1024).toFixed(1)} MiB in node_modules (budget ${CLIENT_INSTALL_BUDGET_BYTES / 1024 / 1024} MiB)`);
    expect(bytes).toBeLessThan(CLIENT_INSTALL_BUDGET_BYTES);
    expect(existsSync(join(app, 'node_modules/@kubernetes')), 'no control-plane dependency comes along').toBe(false);
  });

  it('balances by weight from CommonJS and from ES modules', async () => {
    for (const script of ['balance.cjs', 'balance.mjs']) {
      const { report } = await runApp(app, script);
      expect(report.grpcVersion).toBe(version());
      expectWeightedShares(report);
    }
  }, 120_000);

  it("runs on the machine's other Node too, when it has one", async () => {
    const node = otherNode();
    if (!node) {
      console.info('no other Node on PATH: the client ran on the test Node only');
      return;
    }
    const { report } = await runApp(app, 'balance.cjs', {}, node);
    console.info(`client ran on ${report.node} (${node}); engines says ${clientPackage.engines.node}`);
    expectWeightedShares(report);
  }, 60_000);

  it('type-checks under node16, nodenext, bundler and node (node10) resolution', async () => {
    await npm(['install', '--no-save', '@types/node@24'], app);
    copyFileSync(join(FIXTURES, 'app.ts'), join(app, 'app.ts'));
    copyFileSync(join(FIXTURES, 'app.ts'), join(app, 'app.mts'));
    const tsc = join(REPO_ROOT, 'node_modules/typescript/bin/tsc');
    const settings = [
      ['--module', 'node16', '--moduleResolution', 'node16', 'app.ts', 'app.mts'],
      ['--module', 'nodenext', '--moduleResolution', 'nodenext', 'app.ts', 'app.mts'],
      ['--module', 'esnext', '--moduleResolution', 'bundler', 'app.ts'],
      ['--module', 'commonjs', '--moduleResolution', 'node', 'app.ts'],
    ];
    // Every declaration file of the app's packages is checked (no --skipLibCheck), the client's
    // first; TypeScript's own lib files, the same under every setting and not anything a
    // package ships, are read for their types but their bodies not checked again each
    // time (--skipDefaultLibCheck: a third of each run's CPU).
    // Side by side: each setting is its own tsc, bound by CPU, and the machine may have a core to spare.
    const results = await Promise.all(
      settings.map((args) =>
        execFileAsync(process.execPath, [tsc, '--noEmit', '--strict', '--skipDefaultLibCheck', '--target', 'es2022', '--types', 'node', '--esModuleInterop', ...args], { cwd: app }).then(
          () => 'ok',
          (error: { stdout?: string }) => error.stdout,
        ),
      ),
    );
    settings.forEach((args, i) => expect(results[i], args.join(' ')).toBe('ok'));
  }, 300_000);
});

describe('an app whose channels use another copy of grpc-js', () => {
  let app: string;
  beforeAll(async () => {
    app = await monorepoApp;
  }, 180_000);

  it('fails its calls with a message naming the cause and the fix, and warns at registration', async () => {
    const { report, stderr } = await runApp(app, 'balance.cjs', { CALLS: '5' });
    expect(report.grpcVersion).toBe(LOWEST_GRPC);
    expect(report.failures).toBe(5);
    expect(report.firstFailure).toMatch(/UNAVAILABLE: lookaside: this channel was made by the @grpc\/grpc-js at .*app\/node_modules\/@grpc\/grpc-js.* but grpc-lookaside-client registered "lookaside:" in another copy/);
    expect(report.firstFailure).toMatch(/registerLookaside\(\{ grpc: require\('@grpc\/grpc-js'\) \}\)/);
    expect(report.firstFailure).not.toMatch(/dns:/);
    expect(stderr).toMatch(/LOOKASIDE_SECOND_GRPC_JS/);
  }, 60_000);

  it("balances once the app passes its own grpc-js module", async () => {
    const { report } = await runApp(app, 'balance.mjs', { PASS_GRPC: '1' });
    expect(report.grpcVersion).toBe(LOWEST_GRPC);
    expectWeightedShares(report);
  }, 60_000);
});

describe('grpc-js older than the peer range', () => {
  it('is refused by npm, and by registerLookaside when npm is told to ignore peers', async () => {
    const app = scratchApp('old-grpc');
    await expect(npm(['install', clientTarball, '@grpc/grpc-js@1.13.4'], app)).rejects.toThrow(/ERESOLVE|peer @grpc\/grpc-js/);
    await npm(['install', '--legacy-peer-deps', clientTarball, '@grpc/grpc-js@1.13.4'], app);
    const failed = await runApp(app, 'balance.cjs', { CALLS: '1' }).then(
      () => 'ran',
      (error: { stderr?: string }) => error.stderr ?? '',
    );
    expect(failed).toMatch(/option "grpc" is a @grpc\/grpc-js older than 1\.14 .*works with @grpc\/grpc-js >=1\.14\.0 <1\.15\.0/);
  }, 180_000);
});

// The image's command starts the control plane from a production install,
// checked without Docker: the Dockerfile's stages are reproduced on this
// machine (dockerfile-emulator.ts: the production stage's `npm ci
// --omit=dev` runs for real, the build stage's `npm run build` too), and the
// runtime stage's ENTRYPOINT and CMD are run on the result with the test's
// own Node (the image's Node has the same major version; checked below), as
// the image's USER where this process may switch users, on files made
// read-only like the Deployment's root file system. The image's CMD runs
// with `--source file` on the bundled example registry; the Deployment's
// arguments run against the Kubernetes API harness. Ports are 0 (free ones)
// because this machine runs other tests at the same time.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkHealth, healthClient } from '../support/health-client.js';
import { KubernetesApiHarness } from '../support/kubernetes-api-harness.js';
import { writeHarnessKubeconfig } from '../support/kubernetes-control-plane.js';
import { endpointSlice, READY, service } from '../support/kubernetes-objects.js';
import { RecordingApiProxy } from '../support/recording-api-proxy.js';
import { BASE_DIR, DOCKERFILE, REPO_ROOT, SINGLE_NAMESPACE_DIR, only, type DeploymentManifest, type PolicyRule } from './deploy-files.js';
import { DockerfileEmulator, type BuiltStage } from './dockerfile-emulator.js';
import { renderKustomization, type KubeManifest } from './kustomization-renderer.js';
import { authorizationOf, grantedToEveryone, ruleSet } from './rbac-rules.js';

const packageJson = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { engines: { node: string }; dependencies: Record<string, string> };
const lockfile = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };

const emulator = new DockerfileEmulator({
  context: REPO_ROOT,
  dockerfile: DOCKERFILE,
  installedNodeModules: join(REPO_ROOT, 'node_modules'),
  // Configuration, not a different command: use the npm cache when it can.
  runEnv: { npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false' },
  log: (message) => console.info(`[image] ${message}`),
});
const runtimeStage = emulator.stages.at(-1)!;

function nodeMajor(image: string): number {
  const match = /^(?:docker\.io\/(?:library\/)?)?node:(\d+)(?:[.-][^@]*)?(?:@sha256:[0-9a-f]+)?$/.exec(image);
  if (!match) throw new Error(`the image ${image} is not an official node image with a major version tag`);
  return Number(match[1]);
}

describe('the Dockerfile', () => {
  test('builds on Node LTS in every stage, the version the project needs and the tests run on', () => {
    const majors = emulator.stages.map((s) => nodeMajor(s.image));
    expect(new Set(majors).size, 'one Node major in every stage').toBe(1);
    const major = majors[0]!;
    expect(major % 2, 'an even (LTS) major').toBe(0);
    const minimum = /^>=\s*(\d+)\.(\d+)/.exec(packageJson.engines.node);
    expect(minimum, 'engines.node is ">=X.Y"').not.toBeNull();
    expect(major).toBeGreaterThan(Number(minimum![1]));
    expect(Number(process.versions.node.split('.')[0]), 'the test runs the command on the same major as the image').toBe(major);
  });

  test('the runtime stage copies files and sets the user, and runs nothing at build time', () => {
    const keywords = runtimeStage.instructions.map((i) => i.getKeyword());
    expect(keywords).not.toContain('RUN');
    expect(keywords).not.toContain('ADD');
    const user = runtimeStage.instructions.filter((i) => i.getKeyword() === 'USER').at(-1)?.getArgumentsContent();
    expect(user, 'a numeric user, so the kubelet can verify runAsNonRoot').toMatch(/^[1-9][0-9]*(:[0-9]+)?$/);
  });
});

/**
 * Whether a user other than the owner can reach `path`: every directory above
 * it lets others search it (and the file itself, others execute it when
 * `executable`). A checkout cloned into a private folder (mode 0700, such as
 * /root) fails this: the image's USER can enter nothing under it.
 */
function openToOthers(path: string, executable = false): boolean {
  const real = realpathSync(path);
  if (executable && (statSync(real).mode & 0o001) === 0) return false;
  for (let dir = dirname(real); ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return false;
    if (dir === dirname(dir)) return true;
  }
}

/**
 * How the command is run: as the image's USER where this process may switch
 * users and that user can reach the files, with the test's own Node (or a copy
 * of it in the workspace when the Node itself lies in a private folder), else
 * as this process's user, saying why.
 */
interface CommandRunner {
  readonly node: string;
  readonly user?: { readonly uid: number; readonly gid: number };
}

function commandRunner(runtime: BuiltStage): CommandRunner {
  const userMatch = /^(\d+)(?::(\d+))?$/.exec(runtime.user ?? '');
  const ownUser = (why: string): CommandRunner => {
    console.info(`[image] running as uid ${process.getuid?.()}, not the image's USER ${runtime.user}: ${why}`);
    return { node: process.execPath };
  };
  if (process.getuid?.() !== 0 || userMatch === null) return ownUser('only root may switch users');
  const user = { uid: Number(userMatch[1]), gid: Number(userMatch[2] ?? userMatch[1]) };
  if (!openToOthers(emulator.workspace)) return ownUser(`it cannot enter ${emulator.workspace} (is TMPDIR a private folder?)`);
  if (openToOthers(process.execPath, true)) return { node: process.execPath, user };
  // The same Node binary, where the image's USER can run it (as the image has it in /usr/local/bin).
  const copy = join(emulator.workspace, 'node-for-the-image-user', 'node');
  mkdirSync(dirname(copy), { recursive: true });
  copyFileSync(process.execPath, copy);
  chmodSync(dirname(copy), 0o755);
  chmodSync(copy, 0o755);
  console.info(`[image] ${process.execPath} lies in a folder the image's USER cannot enter (a private clone): it runs ${copy}, a copy of the same Node`);
  return { node: copy, user };
}

interface RunningCommand {
  readonly child: ChildProcess;
  /** The gRPC and metrics addresses the server logged. */
  readonly grpcPort: Promise<number>;
  readonly metricsPort: Promise<number>;
  readonly exit: Promise<number | null>;
  readonly output: string[];
}

describe('the image command on a production install', () => {
  let runtime: BuiltStage;
  let command: string[];
  let runner: CommandRunner;

  beforeAll(async () => {
    runtime = await emulator.build(runtimeStage.name);
    command = [...runtime.entrypoint, ...runtime.cmd];
    // The Deployment's root file system is read-only; so are these files.
    execFileSync('chmod', ['-R', 'a-w', runtime.root]);
    chmodSync(emulator.workspace, 0o755);
    runner = commandRunner(runtime);
  }, 300_000);

  // Removing a production install is thousands of files: on a busy machine
  // that took longer than the default 30 s of a hook.
  afterAll(() => {
    if (existsSync(emulator.workspace)) {
      execFileSync('chmod', ['-R', 'u+w', emulator.workspace]);
      rmSync(emulator.workspace, { recursive: true, force: true });
    }
  }, 120_000);

  function start(args: readonly string[], env: Record<string, string> = {}): RunningCommand {
    expect(args[0], 'the entry point runs node').toBe('node');
    const child = spawn(runner.node, args.slice(1), {
      cwd: emulator.path(runtime, '.'),
      env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: '/tmp', ...runtime.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...runner.user,
    });
    const output: string[] = [];
    // A command that cannot even start (EACCES, ENOENT) fails its test at once, saying why.
    child.on('error', (error) => output.push(`cannot start ${runner.node}: ${error.message}`));
    let onGrpc: (port: number) => void = () => {};
    let onMetrics: (port: number) => void = () => {};
    let onFail: (error: Error) => void = () => {};
    const failed = new Promise<never>((_, reject) => (onFail = reject));
    failed.catch(() => {});
    const grpcPort = Promise.race([new Promise<number>((resolve) => (onGrpc = resolve)), failed]);
    const metricsPort = Promise.race([new Promise<number>((resolve) => (onMetrics = resolve)), failed]);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      try {
        const entry = JSON.parse(line) as { msg?: string; address?: string };
        const port = Number(entry.address?.split(':').pop());
        if (entry.msg === 'listening') onGrpc(port);
        if (entry.msg === 'serving metrics') onMetrics(port);
      } catch {
        // not a log line
      }
    });
    createInterface({ input: child.stderr! }).on('line', (line) => output.push(line));
    const exit = new Promise<number | null>((resolve) => {
      child.on('exit', (code) => resolve(code));
      child.on('error', () => resolve(null));
    });
    void exit.then((code) => onFail(new Error(`the command exited (${code}) before listening:\n${output.join('\n')}`)));
    return { child, grpcPort, metricsPort, exit, output };
  }

  async function waitForServing(port: number, service: string): Promise<void> {
    const client = healthClient(`127.0.0.1:${port}`);
    try {
      for (;;) {
        const status = await checkHealth(client, service).catch(() => 'UNREACHABLE');
        if (status === 'SERVING') return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      client.close();
    }
  }

  test('the production install holds the runtime dependencies and no development-only package', () => {
    const nodeModules = emulator.path(runtime, 'node_modules');
    for (const dependency of Object.keys(packageJson.dependencies)) expect(existsSync(join(nodeModules, dependency)), dependency).toBe(true);
    const devOnly = Object.entries(lockfile.packages)
      .filter(([path, entry]) => path.startsWith('node_modules/') && entry.dev === true)
      .map(([path]) => path);
    expect(devOnly.length).toBeGreaterThan(0);
    expect(devOnly.filter((path) => existsSync(emulator.path(runtime, path)))).toEqual([]);
    expect(existsSync(emulator.path(runtime, 'dist/cli/main.js'))).toBe(true);
  });

  test('ENTRYPOINT and CMD, with --source file, serve health SERVING and metrics, and stop cleanly on SIGTERM', async () => {
    expect(command).toEqual(['node', 'dist/cli/main.js', 'serve']);
    const running = start([...command, '--source', 'file', '--host', '127.0.0.1', '--port', '0', '--metrics-host', '127.0.0.1', '--metrics-port', '0']);
    try {
      const port = await running.grpcPort;
      await waitForServing(port, '');
      await waitForServing(port, 'lookaside.v1.LoadBalancer');
      const metrics = await fetch(`http://127.0.0.1:${await running.metricsPort}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toMatch(/^# HELP /m);
      running.child.kill('SIGTERM');
      expect(await running.exit, running.output.join('\n')).toBe(0);
    } finally {
      running.child.kill('SIGKILL');
    }
  });

  // The Deployment's own arguments and environment, --source kubernetes
  // included, against the API harness behind a proxy that grants only the
  // manifests' RBAC rules: the production install reaches the first sync
  // (health SERVING) with those permissions. Only what this machine needs
  // is added, later on the line so that it wins: loopback, free ports, and
  // a kubeconfig for the harness instead of the pod's service account.
  test.each([
    ['base', 'ClusterRole', BASE_DIR],
    ['single-namespace', 'Role', SINGLE_NAMESPACE_DIR],
  ] as const)("%s: the Deployment's arguments serve the cluster's Services with only the %s's permissions", async (name, roleKind, directory) => {
    const manifests = renderKustomization(directory);
    const deployment = only<DeploymentManifest>(manifests, 'Deployment');
    const container = deployment.spec.template.spec.containers[0]!;
    const role = only<KubeManifest & { rules: PolicyRule[] }>(manifests, roleKind);
    const granted = ruleSet(role.rules);
    const env: Record<string, string> = {};
    for (const variable of container.env ?? []) {
      if (variable.value !== undefined) env[variable.name] = variable.value;
      else if (variable.valueFrom?.fieldRef?.fieldPath === 'metadata.namespace') env[variable.name] = deployment.metadata.namespace!;
      else throw new Error(`the test cannot supply ${variable.name}: ${JSON.stringify(variable.valueFrom)}`);
    }

    const harness = await KubernetesApiHarness.start();
    const namespace = deployment.metadata.namespace!;
    harness.apply('services', service('greeter', namespace, [{ name: 'grpc', port: 50051, targetPort: 8080 }]));
    harness.apply(
      'endpointslices',
      endpointSlice({ name: 'greeter-abc', namespace, service: 'greeter', ports: [{ name: 'grpc', port: 8080 }], endpoints: [{ address: '10.0.0.7', ...READY }] }),
    );
    const proxy = await RecordingApiProxy.start(harness.url, (request) => {
      const authorization = authorizationOf(request);
      // API discovery is granted to every authenticated user (system:discovery), as on a real cluster.
      if (grantedToEveryone(authorization)) return true;
      return granted.has(authorization.rule) && (roleKind === 'ClusterRole' || authorization.namespace === role.metadata.namespace);
    });
    const kubeconfig = join(emulator.workspace, `kubeconfig-${name}.yaml`);
    writeHarnessKubeconfig(kubeconfig, proxy.url);
    const running = start(
      [...runtime.entrypoint, ...(container.args ?? []), '--host=127.0.0.1', '--port=0', '--metrics-host=127.0.0.1', '--metrics-port=0'],
      { ...env, KUBECONFIG: kubeconfig },
    );
    try {
      const port = await running.grpcPort;
      for (const probe of [container.startupProbe, container.readinessProbe, container.livenessProbe]) {
        expect(probe?.grpc, 'a grpc probe').toBeDefined();
        await waitForServing(port, probe!.grpc!.service ?? '');
      }
      expect(proxy.forbidden).toEqual([]);
      expect(harness.requestsOf('endpointslices', 'list').map((r) => r.namespace)).toEqual([roleKind === 'Role' ? namespace : undefined]);
      running.child.kill('SIGTERM');
      expect(await running.exit, running.output.join('\n')).toBe(0);
    } finally {
      running.child.kill('SIGKILL');
      await proxy.close();
      await harness.close();
    }
  });

  test('every flag and LOOKASIDE_ variable the manifests set is one `serve` knows', () => {
    const help = execFileSync(process.execPath, [...runtime.entrypoint.slice(1), 'serve', '--help'], { cwd: emulator.path(runtime, '.'), encoding: 'utf8' }).replace(/\s+/g, ' ');
    const flags = new Set([...help.matchAll(/--([a-z][a-z0-9-]*)/g)].map((m) => m[1]));
    const variables = new Set([...help.matchAll(/env: (LOOKASIDE_[A-Z0-9_]+)/g)].map((m) => m[1]));
    expect(flags).toContain('grace');
    expect(variables).toContain('LOOKASIDE_GRACE');
    const unknown: string[] = [];
    for (const [name, directory] of [
      ['base', BASE_DIR],
      ['single-namespace', SINGLE_NAMESPACE_DIR],
    ] as const) {
      const container = only<DeploymentManifest>(renderKustomization(directory), 'Deployment').spec.template.spec.containers[0]!;
      expect(container.args?.[0]).toBe('serve');
      for (const arg of container.args?.slice(1) ?? []) {
        const flag = /^--([a-z][a-z0-9-]*)/.exec(arg)?.[1];
        if (!flag || !flags.has(flag)) unknown.push(`${name}: argument ${arg}`);
      }
      for (const variable of container.env ?? []) {
        if (variable.name.startsWith('LOOKASIDE_') && !variables.has(variable.name)) unknown.push(`${name}: environment variable ${variable.name}`);
      }
    }
    expect(unknown).toEqual([]);
  });
});

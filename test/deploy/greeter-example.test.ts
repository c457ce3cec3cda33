// The greeter example runs the way deploy/examples/client-app.yaml runs it:
// each program as a real process with the environment its manifest gives it
// (the downward API's values filled in as the kubelet would). The backend
// listens on every interface, answers the gRPC readiness probe the manifest
// declares and names its replies after its pod; the client, a Deployment,
// keeps calling and reporting until it is stopped, then exits 0.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { credentials, Metadata } from '@grpc/grpc-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Greeter, type SayHelloResponse } from '../../deploy/examples/greeter/greeter-proto.js';
import { startGreeterBackend, type GreeterBackend } from '../../deploy/examples/greeter/greeter-backend.js';
import { startFileControlPlane, type FileControlPlane } from '../support/file-control-plane.js';
import { checkHealth, healthClient } from '../support/health-client.js';
import { EXAMPLE_APP_FILE, only, type Container, type DeploymentManifest, type EnvVar } from './deploy-files.js';
import { readManifests } from './kustomization-renderer.js';
import { SPAWNING_TEST_TIMEOUT_MS } from '../support/cli-process.js';

// The examples run as real tsx processes, slow to start on a busy machine.
vi.setConfig({ testTimeout: SPAWNING_TEST_TIMEOUT_MS });

const GREETER_DIR = fileURLToPath(new URL('../../deploy/examples/greeter/', import.meta.url));
const manifests = readManifests(EXAMPLE_APP_FILE);
const POD_NAME = 'greeter-7c9d5b6f48-x2k9q';

/** The container's environment as the kubelet sets it, with fieldRefs answered from `fields`. */
function podEnvironment(container: Container, fields: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const variable of container.env ?? ([] as EnvVar[])) {
    const path = variable.valueFrom?.fieldRef?.fieldPath;
    if (path !== undefined) {
      if (fields[path] === undefined) throw new Error(`the test does not fill in fieldRef ${path} of ${variable.name}`);
      env[variable.name] = fields[path];
    } else {
      env[variable.name] = variable.value ?? '';
    }
  }
  return env;
}

interface Program {
  readonly child: ChildProcess;
  output: string;
  readonly exited: Promise<number | string>;
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>;
}

/** Runs an example program as a real process with exactly `env` added to PATH and HOME (as a container has nothing else). */
function runExample(file: string, env: Record<string, string>): Program {
  const child = spawn(process.execPath, ['--import', 'tsx', join(GREETER_DIR, file)], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const program: Program = {
    child,
    output: '',
    exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1))),
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const look = () => {
          const match = program.output.match(pattern);
          if (!match) return;
          child.stdout!.off('data', look);
          child.off('exit', gone);
          resolve(match);
        };
        const gone = () => reject(new Error(`${file} exited before printing ${pattern}; output:\n${program.output}`));
        child.stdout!.on('data', look);
        child.once('exit', gone);
        look();
      }),
  };
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (program.output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (program.output += chunk));
  return program;
}

const running: Program[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const program of running.splice(0)) program.child.kill('SIGKILL');
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function sayHello(address: string): Promise<SayHelloResponse> {
  const client = new Greeter(address, credentials.createInsecure());
  return new Promise<SayHelloResponse>((resolve, reject) =>
    client.SayHello({ name: 'test' }, new Metadata(), { deadline: Date.now() + 5_000 }, (error, response) => {
      client.close();
      return error ? reject(error) : resolve(response!);
    }),
  );
}

describe('greeter-backend.ts, as the greeter Deployment runs it', () => {
  const deployment = only<DeploymentManifest>(manifests, 'Deployment', 'greeter');
  const container = deployment.spec.template.spec.containers[0]!;
  const env = podEnvironment(container, { 'metadata.name': POD_NAME });

  it('listens on every interface, on the port the Service and the probe name', () => {
    const grpcPort = container.ports!.find((p) => p.name === 'grpc')!.containerPort;
    expect(env.GREETER_HOST).toBe('0.0.0.0');
    expect(Number(env.GREETER_PORT)).toBe(grpcPort);
    expect(container.readinessProbe?.grpc?.port).toBe(grpcPort);
  });

  it('passes the readiness probe, names its replies after its pod, and exits 0 on SIGTERM', async () => {
    // The manifest's environment, but a free port: the test cannot count on the pod's port being free here.
    const backend = runExample('greeter-backend.ts', { ...env, GREETER_PORT: '0' });
    running.push(backend);
    const [, host, port] = (await backend.waitFor(/listening on (\S+):([0-9]+)/)) as unknown as [string, string, string];
    expect(host).toBe('0.0.0.0');
    const address = `127.0.0.1:${port}`;
    const health = healthClient(address);
    try {
      // What the kubelet's gRPC probe asks: Check with the probe's service, "" when none is given.
      expect(await checkHealth(health, container.readinessProbe!.grpc!.service ?? '')).toBe('SERVING');
      expect(await sayHello(address)).toEqual({ message: 'Hello, test', backend: POD_NAME });
    } finally {
      health.close();
    }
    backend.child.kill('SIGTERM');
    expect(await backend.exited).toBe(0);
  });

  it('takes its settings from flags over positionals over the environment, and refuses a bad port', async () => {
    const { greeterBackendSettings } = await import('../../deploy/examples/greeter/greeter-backend.js');
    expect(greeterBackendSettings([], {})).toMatchObject({ host: '127.0.0.1', port: 50061 });
    expect(greeterBackendSettings(['greeter-1', '50062'], { POD_NAME: 'pod', GREETER_PORT: '1' })).toEqual({ name: 'greeter-1', host: '127.0.0.1', port: 50062 });
    expect(greeterBackendSettings([], { HOSTNAME: 'from-hostname' }).name).toBe('from-hostname');
    expect(greeterBackendSettings(['--host', '::1', '--port', '7', '--name', 'n'], { GREETER_HOST: '0.0.0.0' })).toEqual({ name: 'n', host: '::1', port: 7 });
    expect(() => greeterBackendSettings(['--port', 'http'], {})).toThrow('greeter port "http" must be a port number from 0 to 65535');
  });
});

describe('greeter-client.ts, as the greeter-client Deployment runs it', () => {
  const deployment = only<DeploymentManifest>(manifests, 'Deployment', 'greeter-client');
  const container = deployment.spec.template.spec.containers[0]!;

  it('keeps calling and printing the spread until SIGTERM, then exits 0', { timeout: 60_000 }, async () => {
    const backends: GreeterBackend[] = await Promise.all([startGreeterBackend('greeter-a', 0), startGreeterBackend('greeter-b', 0)]);
    cleanups.push(async () => void (await Promise.all(backends.map((b) => b.stop()))));
    const cp: FileControlPlane = await startFileControlPlane([
      { name: 'greeter', namespace: 'default', ports: [{ name: 'grpc', port: 50051, backends: backends.map((b) => ({ address: b.address })) }] },
    ]);
    cleanups.push(() => cp.close());
    const secrets = await mkdtemp(join(tmpdir(), 'greeter-client-'));
    cleanups.push(() => rm(secrets, { recursive: true, force: true }));
    const env = podEnvironment(container, { 'spec.nodeName': 'node-a', 'metadata.name': 'greeter-client-5f7d8-abcde' });
    // What the kubelet would project; the control plane here does not check it, the client reads it as in the pod.
    await writeFile(join(secrets, 'token'), 'token-of-the-test');
    const client = runExample('greeter-client.ts', {
      ...env,
      // The cluster's addresses, made local: the test's control plane, its token file, and a short report window.
      LOOKASIDE_CONTROL_PLANE: cp.address,
      LOOKASIDE_TOKEN_FILE: join(secrets, 'token'),
      GREETER_REPORT_EVERY: '300ms',
    });
    running.push(client);
    expect(env.GREETER_CALLS).toBe('forever');
    // Two windows reported, each with both backends: it runs on, as a Deployment's container must.
    await client.waitFor(/greeter-a[\s\S]*greeter-b[\s\S]*total[\s\S]*greeter-a[\s\S]*greeter-b[\s\S]*total/);
    expect(client.child.exitCode).toBeNull();
    expect(client.output).not.toMatch(/failed/);
    client.child.kill('SIGTERM');
    expect(await client.exited).toBe(0);
  });
});

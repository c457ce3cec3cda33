// NGINX as an L7 gRPC proxy for the benchmarks: Debian's nginx-light
// (nginx 1.22, which has the HTTP/2 and gRPC proxy modules) started as a
// child process with a config generated into a fresh temporary directory,
// proxying every call with `grpc_pass` to an upstream of the same backends
// the other paths use, with nginx's default round robin.
//
// Choices, and why:
// - `daemon off`: nginx stays our child, so we hold its pid, see it exit and
//   can kill it; a daemon would detach and could outlive the benchmark.
// - `master_process off`: nginx runs as ONE process that does exactly a
//   worker's job (the same event loop and the same proxy module). Its pid is
//   the pid we spawned, so /proc/<pid>/stat is the worker's CPU with nothing
//   to look up, and killing that one pid leaves nothing behind (with a
//   master, a SIGKILLed master leaves its worker running). nginx documents
//   the mode for development because it gives up reloads, binary upgrades
//   and respawning crashed workers; a benchmark uses none of them. A master
//   would only sleep between signals, so the measured cost is the same.
// - `worker_processes 1` (which is what master_process off amounts to; the
//   directive is written anyway to say so): the machine the benchmark runs
//   on has 2 cores shared by the client, the backends and nginx. More
//   workers than cores would only take turns; one worker is the fair size
//   for a proxy that gets at most a core's share here, and its CPU time per
//   1,000 calls is then the cost of the proxying itself.
// - `access_log off`: per-request logging is an extra cost of its own; the
//   benchmark measures the proxying alone (a proxy that logs costs more).
// - `keepalive N` in the upstream: nginx's gRPC proxy does not multiplex
//   calls on an upstream connection; each call in flight takes a connection
//   of its own, and without `keepalive` every call would open and close a
//   TCP connection to a backend. With N at least the number of calls in
//   flight, every connection goes back to the idle cache after its call.
// - `keepalive_requests` raised (downstream and upstream): since nginx
//   1.19.10 both default to 1,000, after which nginx closes the connection
//   (a GOAWAY to the client, a new TCP connection upstream). The benchmark
//   measures the proxy in a steady state, not that default limit.
// - Every path nginx would write to (pid, error log, lock and temp files) is
//   in the temporary directory: nothing touches /etc/nginx, /var/log/nginx or
//   /run, and no root privileges are needed.
// The process is killed when the benchmark stops, on error and on exit.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../test/support/free-port.js';
import { findExecutable } from './find-executable.js';
import { CLOCK_TICKS, processCpuMs } from './process-cpu.js';

/** What the benchmark needs, named where nginx is missing. */
const PACKAGE_HINT = "Debian's nginx-light package (nginx 1.22 with the HTTP/2 and gRPC proxy modules): apt-get install -y nginx-light";

export interface NginxProxyOptions {
  /** The backends, "127.0.0.1:port". */
  readonly backends: readonly string[];
  /** Idle upstream connections nginx keeps (the upstream's `keepalive`). */
  readonly keepalive: number;
}

export interface NginxProxy {
  /** "127.0.0.1:port" nginx listens on (HTTP/2 cleartext, gRPC). */
  readonly address: string;
  /** The pid of the one nginx process (master_process off). */
  readonly pid: number;
  /** "nginx/1.22.1" */
  readonly version: string;
  /** The generated config, for the record. */
  readonly config: string;
  /** CPU time nginx has used so far (utime + stime from /proc/<pid>/stat), in ms. */
  cpuMs(): number;
  /** The resolution of cpuMs(): one clock tick, in ms (10 where CLK_TCK is 100). */
  readonly cpuTickMs: number;
  /** How nginx exited, if it has (it should not before stop()). */
  exited(): string | undefined;
  /** Lines nginx wrote to its error log (warnings and errors). */
  errorLog(): string;
  /** Stops nginx (SIGTERM, then SIGKILL) and removes its directory. */
  stop(): Promise<void>;
}

/** The nginx binary, or an Error that says what to install. */
export function findNginx(): string {
  const binary = findExecutable('nginx');
  if (!binary) throw new Error(`nginx is not installed. The l7-proxy benchmark needs ${PACKAGE_HINT}`);
  // `nginx -V` prints the version and the configure arguments on stderr.
  const info = spawnSync(binary, ['-V'], { encoding: 'utf8' });
  const text = `${info.stdout ?? ''}${info.stderr ?? ''}`;
  if (info.status !== 0) throw new Error(`${binary} -V failed (${info.status ?? info.signal}): ${text.trim()}`);
  if (!text.includes('--with-http_v2_module') || text.includes('--without-http_grpc_module')) {
    throw new Error(`${binary} lacks the HTTP/2 or the gRPC proxy module. The l7-proxy benchmark needs ${PACKAGE_HINT}`);
  }
  return binary;
}

function nginxVersion(binary: string): string {
  const info = spawnSync(binary, ['-v'], { encoding: 'utf8' });
  return /nginx\/[\w.]+/.exec(`${info.stdout ?? ''}${info.stderr ?? ''}`)?.[0] ?? 'nginx (unknown version)';
}

function nginxConfig(dir: string, port: number, options: NginxProxyOptions): string {
  const path = (name: string) => join(dir, name);
  return `# Generated by bench/support/nginx-proxy.ts; see the comments there.
daemon off;
master_process off;
worker_processes 1;
pid ${path('nginx.pid')};
lock_file ${path('nginx.lock')};
error_log ${path('error.log')} warn;

events {
    worker_connections 4096;
}

http {
    access_log off;
    client_body_temp_path ${path('client_body')};
    proxy_temp_path ${path('proxy')};
    fastcgi_temp_path ${path('fastcgi')};
    uwsgi_temp_path ${path('uwsgi')};
    scgi_temp_path ${path('scgi')};

    # Downstream: the client's one HTTP/2 connection, kept however many calls it carries.
    keepalive_requests 1000000;
    keepalive_timeout 300s;

    upstream backends {
${options.backends.map((address) => `        server ${address};`).join('\n')}
        keepalive ${options.keepalive};
        keepalive_requests 1000000;
        keepalive_timeout 300s;
    }

    server {
        listen 127.0.0.1:${port} http2;
        location / {
            grpc_pass grpc://backends;
        }
    }
}
`;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Every nginx this process started and has not stopped, with its directory: killed and removed if the process exits first. */
const running = new Map<ChildProcess, string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' runs for process.exit(), a normal end and an uncaught error; only
  // synchronous work is possible there, and SIGKILL needs none.
  process.on('exit', () => {
    for (const [child, dir] of running) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
  // Ctrl-C or a kill: without handlers Node would die without running 'exit'.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1)));
  }
}

/** Starts nginx proxying gRPC to `options.backends`; resolves once it accepts connections. */
export async function startNginxProxy(options: NginxProxyOptions): Promise<NginxProxy> {
  const binary = findNginx();
  const version = nginxVersion(binary);
  installExitHook();
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = mkdtempSync(join(tmpdir(), 'lookaside-nginx-'));
    const port = await freePort();
    const config = nginxConfig(dir, port, options);
    const configFile = join(dir, 'nginx.conf');
    writeFileSync(configFile, config);
    // -p: the prefix for relative paths; -e: where messages from before the
    // config is read go (the Debian build's default is stderr, which we read).
    const child = spawn(binary, ['-p', dir, '-c', configFile, '-e', join(dir, 'error.log')], { stdio: ['ignore', 'ignore', 'pipe'] });
    running.set(child, dir);
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    const exit = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        exited = { code, signal };
        running.delete(child);
        resolve();
      });
    });
    child.once('error', (error) => {
      lastError = error;
    });
    const errorLog = () => {
      try {
        return readFileSync(join(dir, 'error.log'), 'utf8');
      } catch {
        return '';
      }
    };
    const until = performance.now() + 10_000;
    let ready = false;
    while (!exited && performance.now() < until) {
      if (await canConnect(port)) {
        ready = true;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    if (ready && !exited && child.pid !== undefined) {
      const pid = child.pid;
      let stopping: Promise<void> | undefined;
      return {
        address: `127.0.0.1:${port}`,
        pid,
        version,
        config,
        cpuMs: () => processCpuMs(pid),
        cpuTickMs: 1000 / CLOCK_TICKS,
        exited: () => (exited ? `exited (${exited.code ?? exited.signal})` : undefined),
        errorLog,
        stop() {
          stopping ??= (async () => {
            if (!exited) {
              // SIGTERM is nginx's fast shutdown; SIGKILL if it has not gone in 3 s.
              child.kill('SIGTERM');
              const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
              await exit;
              clearTimeout(timer);
            }
            rmSync(dir, { recursive: true, force: true });
          })();
          return stopping;
        },
      };
    }
    // Not up: kill it if it is still there, keep what it said, and retry (another process may have taken the port).
    if (!exited) {
      child.kill('SIGKILL');
      await exit;
    }
    const said = `${stderr}${errorLog()}`.trim();
    lastError = new Error(`nginx did not start (${exited?.code ?? exited?.signal ?? 'no answer on its port in 10 s'}): ${said || 'no message'}`);
    rmSync(dir, { recursive: true, force: true });
    if (!/address already in use/i.test(said)) break;
  }
  throw lastError ?? new Error('nginx did not start');
}

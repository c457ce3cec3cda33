// A real DNS server for benchmarks that compare against DNS-based balancing:
// Debian's dnsmasq, started as a child process on 127.0.0.1 (a free port),
// answering A records for names the benchmark sets, one record per address,
// as CoreDNS answers for a headless Service (one A record per ready pod).
//
// Why a real server rather than a stubbed resolver: grpc-js's DNS resolver
// (dns:///name:port) decides by itself when to ask again, and a stub that
// re-reads on a timer (bench/support/call-load.ts "bench-dns") is kinder than
// it. With a real server, the channel runs grpc-js's own resolver unchanged,
// and what it asks is counted here from dnsmasq's query log.
//
// Why dnsmasq: it is one small Debian package, runs unprivileged on any
// port, serves A records from an --addn-hosts file and re-reads that file on
// SIGHUP without dropping queries, and sets the TTL of those answers with
// --local-ttl. It logs every query (--log-queries) to stderr, which this
// module reads to count queries per name.
//
// grpc-js reaches this server through the target's authority,
// dns://127.0.0.1:<port>/<name>:<port>, which it honours only when
// GRPC_NODE_USE_ALTERNATIVE_RESOLVER=true is set before grpc-js loads: see
// bench/support/grpc-dns-authority.ts, which a benchmark imports first.
//
//   const dns = await startDnsServer({ ttlSeconds: 5 });
//   await dns.setRecords('web.shop.svc.cluster.local', ['127.0.0.2', '127.0.0.3']);
//   new Client(`dns://${dns.address}/web.shop.svc.cluster.local:50051`, ...);
//   ...
//   await dns.stop();
//
// The child process is ended on stop(), and also when this process exits or
// gets SIGINT/SIGTERM, so an error in a benchmark leaves no dnsmasq behind.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { promises as dns } from 'node:dns';
import { rmSync } from 'node:fs';
import { chmod, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutable } from './find-executable.js';

/** Debian's package and how to install it, for the error a missing binary gives. */
export const DNS_SERVER_PACKAGE = 'dnsmasq';
export const DNS_SERVER_INSTALL = 'apt-get install -y dnsmasq';

export class DnsServerMissingError extends Error {
  constructor() {
    super(
      `this benchmark needs a real DNS server: the "dnsmasq" binary from Debian's package "${DNS_SERVER_PACKAGE}", found neither on PATH nor in /usr/sbin, /sbin, /usr/local/sbin. ` +
        `Install it as root with: ${DNS_SERVER_INSTALL}`,
    );
  }
}

/** One query dnsmasq received, as its log reports it. */
export interface DnsQuery {
  /** performance.now() when the log line arrived (within a millisecond of the query). */
  readonly at: number;
  /** "A", "AAAA", "TXT", ... */
  readonly type: string;
  /** Lower case. */
  readonly name: string;
}

/**
 * The source address of this module's own queries (the start-up probe, the
 * check after each change), so that the query log can leave them out: any
 * 127/8 address is this machine's on Linux.
 */
const OWN_QUERY_SOURCE = '127.0.0.254';

export interface DnsServer {
  /** "127.0.0.1:port", for the authority of a dns:// target. */
  readonly address: string;
  readonly port: number;
  /** "dnsmasq <version>". */
  readonly version: string;
  /** The flags dnsmasq was started with (for a benchmark's params). */
  readonly flags: readonly string[];
  /**
   * Makes `name` answer one A record per address (none: the name is gone),
   * re-reads it into dnsmasq (SIGHUP), and resolves once dnsmasq answers
   * exactly that set; returns the milliseconds that took.
   */
  setRecords(name: string, addresses: readonly string[]): Promise<number>;
  /** Every query received so far from clients (not this module's own checks), oldest first. */
  queries(): readonly DnsQuery[];
  stop(): Promise<void>;
}

/** Where dnsmasq is, or a DnsServerMissingError that says what to install. */
export function findDnsmasq(): string {
  const binary = findExecutable('dnsmasq');
  if (!binary) throw new DnsServerMissingError();
  return binary;
}

/** A port free for UDP on 127.0.0.1 now (dnsmasq also needs TCP; a clash is retried). */
async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve());
  });
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

const QUERY_LINE = /query\[([A-Za-z0-9]+)\] (\S+) from (\S+)/;

/**
 * Starts dnsmasq on 127.0.0.1, answering from its own hosts file only (no
 * /etc/hosts, no upstream servers; names under `domain` that it does not
 * hold are answered NXDOMAIN/NODATA at once, never forwarded). A records it
 * serves carry a TTL of `ttlSeconds`.
 */
export async function startDnsServer(options: { ttlSeconds: number; domain?: string }): Promise<DnsServer> {
  const binary = findDnsmasq();
  // "Dnsmasq version 2.90  Copyright (c) ..." -> "dnsmasq 2.90"
  const versionLine = spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout ?? '';
  const version = `dnsmasq ${/version (\S+)/.exec(versionLine)?.[1] ?? '(unknown version)'}`;
  const directory = await mkdtemp(join(tmpdir(), 'bench-dns-'));
  // dnsmasq started as root drops to an unprivileged user and re-reads the
  // hosts file as that user on SIGHUP: the file must be readable by anyone.
  await chmod(directory, 0o755);
  const hostsFile = join(directory, 'hosts');
  await writeFile(hostsFile, '', { mode: 0o644 });
  const records = new Map<string, readonly string[]>();
  const log: DnsQuery[] = [];

  let child: ChildProcess | undefined;
  let port = 0;
  let flags: string[] = [];
  let stderrTail = '';
  // On exit or a signal, synchronously: no promise runs after 'exit'.
  const killOnExit = () => {
    child?.kill('SIGTERM');
    rmSync(directory, { recursive: true, force: true });
  };
  const killOnSignal = (signal: NodeJS.Signals) => {
    killOnExit();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };

  for (let attempt = 0; attempt < 5 && !child; attempt++) {
    port = await freeUdpPort();
    flags = [
      '--keep-in-foreground',
      '--conf-file=/dev/null', // no /etc/dnsmasq.conf
      `--port=${port}`,
      '--listen-address=127.0.0.1',
      '--bind-interfaces', // bind 127.0.0.1 alone, not the wildcard address
      '--no-resolv', // no upstream servers from /etc/resolv.conf
      '--no-hosts', // not /etc/hosts
      `--addn-hosts=${hostsFile}`, // the records, re-read on SIGHUP
      `--local=/${options.domain ?? 'cluster.local'}/`, // answer the domain locally, never forward
      `--local-ttl=${options.ttlSeconds}`, // TTL of hosts-file answers
      '--pid-file=', // no pid file
      '--log-queries',
      '--log-facility=-', // log to stderr, which is read below
    ];
    const started = spawn(binary, flags, { stdio: ['ignore', 'ignore', 'pipe'] });
    let buffered = '';
    started.stderr!.setEncoding('utf8');
    started.stderr!.on('data', (chunk: string) => {
      const at = performance.now();
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const match = QUERY_LINE.exec(line);
        if (match) {
          if (match[3] !== OWN_QUERY_SOURCE) log.push({ at, type: match[1]!, name: match[2]!.toLowerCase() });
        } else stderrTail = `${stderrTail}\n${line}`.slice(-2_000);
      }
    });
    // 'close' comes after its stderr is read to the end, so the reason is in stderrTail.
    const exited = new Promise<boolean>((resolve) => started.once('close', () => resolve(false)));
    started.once('error', (error) => (stderrTail += `\n${error.message}`));
    // Up once it answers; a port clash makes it exit at once.
    let up: boolean;
    try {
      up = await Promise.race([probe(`127.0.0.1:${port}`).then(() => true), exited]);
    } catch (error) {
      started.kill('SIGKILL');
      await rm(directory, { recursive: true, force: true });
      throw error;
    }
    if (up) {
      child = started;
      process.once('exit', killOnExit);
      process.once('SIGINT', killOnSignal);
      process.once('SIGTERM', killOnSignal);
    } else if (!/address already in use/i.test(stderrTail)) {
      await rm(directory, { recursive: true, force: true });
      throw new Error(`dnsmasq did not start: ${stderrTail.trim()}`);
    }
  }
  if (!child) {
    await rm(directory, { recursive: true, force: true });
    throw new Error(`dnsmasq did not start after 5 ports: ${stderrTail.trim()}`);
  }
  const address = `127.0.0.1:${port}`;
  const resolver = new dns.Resolver({ timeout: 200, tries: 1 });
  resolver.setServers([address]);
  resolver.setLocalAddress(OWN_QUERY_SOURCE);
  let written = 0;

  return {
    address,
    port,
    version,
    flags,
    async setRecords(name, addresses) {
      const began = performance.now();
      const key = name.toLowerCase();
      records.set(key, [...addresses]);
      const text = [...records].flatMap(([n, ips]) => ips.map((ip) => `${ip} ${n}`)).join('\n');
      // Atomically, so dnsmasq never reads half a file.
      const temp = join(directory, `.hosts.${written++}`);
      await writeFile(temp, `${text}\n`, { mode: 0o644 });
      await rename(temp, hostsFile);
      child!.kill('SIGHUP');
      const want = [...addresses].sort().join(',');
      for (;;) {
        // ENOTFOUND / ENODATA: no records.
        const got = await resolver.resolve4(key).then((ips) => ips.sort().join(','), () => '');
        if (got === want) return performance.now() - began;
        if (performance.now() - began > 5_000) throw new Error(`dnsmasq still answers ${name} with [${got}] 5 s after SIGHUP, not [${want}]`);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    },
    queries: () => log,
    async stop() {
      process.removeListener('exit', killOnExit);
      process.removeListener('SIGINT', killOnSignal);
      process.removeListener('SIGTERM', killOnSignal);
      const running = child!;
      if (running.exitCode === null && running.signalCode === null) {
        const gone = new Promise((resolve) => running.once('exit', resolve));
        running.kill('SIGTERM');
        await gone;
      }
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** Resolves once a DNS server at `address` answers (any answer, even NXDOMAIN), within 5 s. */
async function probe(address: string): Promise<void> {
  const resolver = new dns.Resolver({ timeout: 100, tries: 1 });
  resolver.setServers([address]);
  resolver.setLocalAddress(OWN_QUERY_SOURCE);
  const until = performance.now() + 5_000;
  for (;;) {
    try {
      await resolver.resolve4('probe.invalid');
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // An answer of any kind means the server is up; only silence is not.
      if (code !== 'ETIMEOUT' && code !== 'ECONNREFUSED') return;
    }
    if (performance.now() > until) throw new Error(`no DNS answer from ${address} within 5 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

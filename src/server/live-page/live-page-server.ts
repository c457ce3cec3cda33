// The live page (--live-page): routes under /live on the metrics port that
// serve a plain HTML/CSS/JS page, its data as JSON, and the same data as
// server-sent events whenever the registry or the traffic observer changes.
//
// It reveals pod IPs and who is connected, so it is off by default and, when
// on, answers only connections that arrived on a loopback address (which is
// where `kubectl port-forward` delivers them), unless the operator names the
// page remote (--live-page-remote). docs/observability.md says why.

import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import type { TrafficObserver } from '../../observer/traffic-observer.js';
import type { Registry } from '../../registry/registry.js';
import { buildLiveView } from '../../observer/live-view.js';

export interface LivePageOptions {
  /** Also answer connections that arrived on a non-loopback address (--live-page-remote). */
  readonly remote?: boolean;
  /** The least time between two pushes of one events stream; default 250 ms (at most four a second). */
  readonly minIntervalMs?: number;
  /** A comment line on idle event streams keeps proxies and port-forwards from closing them; default 15 s. */
  readonly heartbeatMs?: number;
}

const ASSETS = new URL('./assets/', import.meta.url);
const STATIC: Readonly<Record<string, { file: string; type: string }>> = {
  '/live': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/live/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/live/live-page.css': { file: 'live-page.css', type: 'text/css; charset=utf-8' },
  '/live/live-page.js': { file: 'live-page.js', type: 'text/javascript; charset=utf-8' },
  '/live/favicon.svg': { file: 'favicon.svg', type: 'image/svg+xml' },
};
const SNAPSHOT_PATH = '/live/snapshot.json';
const EVENTS_PATH = '/live/events';
const ROUTES = [...Object.keys(STATIC), SNAPSHOT_PATH, EVENTS_PATH];

/** 127.0.0.0/8, ::1, and IPv4-mapped loopback (::ffff:127.x.y.z). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const plain = address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  if (isIP(plain) === 4) return plain.startsWith('127.');
  return plain === '::1';
}

export class LivePageServer {
  private readonly assets = new Map<string, Buffer>();
  private readonly streams = new Set<ServerResponse>();
  private readonly remote: boolean;
  private readonly minIntervalMs: number;
  private readonly heartbeatMs: number;
  private unsubscribe: (() => void) | undefined;
  private pushTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private lastPush = -Infinity;

  constructor(
    private readonly registry: Registry,
    private readonly observer: TrafficObserver,
    private readonly log: Logger,
    options: LivePageOptions = {},
  ) {
    this.remote = options.remote ?? false;
    this.minIntervalMs = options.minIntervalMs ?? 250;
    this.heartbeatMs = options.heartbeatMs ?? 15_000;
    // Read at start: a package missing its page fails `serve`, not the first visitor.
    for (const { file } of Object.values(STATIC)) {
      if (!this.assets.has(file)) this.assets.set(file, readFileSync(new URL(file, ASSETS)));
    }
  }

  /** Answers `request` when its path is the page's (/live, /live/...); false leaves it to the caller. */
  handle(request: IncomingMessage, response: ServerResponse): boolean {
    const path = (request.url ?? '').split('?')[0] ?? '';
    if (path !== '/live' && !path.startsWith('/live/')) return false;
    const text = (code: number, body: string, headers: Record<string, string> = {}) => response.writeHead(code, { 'content-type': 'text/plain; charset=utf-8', ...headers }).end(`${body}\n`);
    if (!this.remote && !isLoopbackAddress(request.socket.localAddress)) {
      text(403, 'forbidden: the live page answers only loopback connections (reach it with kubectl port-forward); --live-page-remote serves it on every address of the metrics port');
      return true;
    }
    if (!ROUTES.includes(path)) {
      text(404, `not found: ${path}; the live page serves ${ROUTES.filter((route) => route !== '/live/').join(', ')}`);
      return true;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      text(405, `method not allowed: ${request.method ?? ''} ${path}; only GET`, { allow: 'GET, HEAD' });
      return true;
    }
    const asset = STATIC[path];
    const common = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
    if (asset) {
      response.writeHead(200, { 'content-type': asset.type, ...common, 'content-security-policy': "default-src 'self'; frame-ancestors 'none'" });
      response.end(request.method === 'HEAD' ? undefined : this.assets.get(asset.file));
    } else if (path === SNAPSHOT_PATH) {
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', ...common });
      response.end(request.method === 'HEAD' ? undefined : JSON.stringify(this.view()));
    } else {
      this.openStream(request, response);
    }
    return true;
  }

  /** Ends every event stream and stops listening for changes. */
  close(): void {
    for (const stream of this.streams) stream.end();
    this.streams.clear();
    this.stopWatching();
  }

  private view() {
    return buildLiveView(this.registry, this.observer.snapshot());
  }

  private openStream(request: IncomingMessage, response: ServerResponse): void {
    response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-content-type-options': 'nosniff' });
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    response.write('retry: 2000\n\n');
    response.write(this.event(JSON.stringify(this.view())));
    this.streams.add(response);
    response.on('close', () => {
      this.streams.delete(response);
      if (this.streams.size === 0) this.stopWatching();
    });
    this.startWatching();
  }

  private event(json: string): string {
    return `event: snapshot\ndata: ${json}\n\n`;
  }

  /** One subscription for all streams, held only while a stream is open. */
  private startWatching(): void {
    if (this.unsubscribe) return;
    const fromObserver = this.observer.subscribe(() => this.schedulePush());
    const fromRegistry = this.registry.onChange(() => this.schedulePush());
    this.unsubscribe = () => {
      fromObserver();
      fromRegistry();
    };
    this.heartbeat = setInterval(() => {
      for (const stream of this.streams) stream.write(': heartbeat\n\n');
    }, this.heartbeatMs);
    this.heartbeat.unref();
  }

  private stopWatching(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearInterval(this.heartbeat);
    clearTimeout(this.pushTimer);
    this.pushTimer = undefined;
  }

  /** Coalesces changes: one push per minIntervalMs at most, the newest state, built once for every stream. */
  private schedulePush(): void {
    if (this.pushTimer) return;
    const wait = Math.max(0, this.lastPush + this.minIntervalMs - performance.now());
    this.pushTimer = setTimeout(() => {
      this.pushTimer = undefined;
      this.lastPush = performance.now();
      let message: string;
      try {
        message = this.event(JSON.stringify(this.view()));
      } catch (error) {
        this.log.error({ err: error }, 'building the live page view failed');
        return;
      }
      for (const stream of this.streams) stream.write(message);
    }, wait);
    this.pushTimer.unref();
  }
}

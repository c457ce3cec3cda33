// An HTTP proxy in front of the Kubernetes API harness that records the
// method, path and query of every request a client makes, whatever the path:
// the harness itself records only the paths it serves and answers 404 to
// the rest, so a request for anything else (a single object, a namespace,
// /version) would go unseen there. Watches stream through unchanged. An
// optional authorizer answers 403 to requests that RBAC rules would refuse.

import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
}

/** Decides whether a request is allowed; a refused one is answered 403 Forbidden, as RBAC does. */
export type RequestAuthorizer = (request: RecordedRequest) => boolean;

export class RecordingApiProxy {
  readonly requests: RecordedRequest[] = [];
  /** Requests answered 403 by the authorizer. */
  readonly forbidden: RecordedRequest[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server) {}

  /** Starts a proxy on 127.0.0.1 that forwards to `upstream` (an http:// URL). */
  static async start(upstream: string, authorize: RequestAuthorizer = () => true): Promise<RecordingApiProxy> {
    const target = new URL(upstream);
    const server = createServer();
    const proxy = new RecordingApiProxy(server);
    server.on('request', (incoming: IncomingMessage, outgoing: ServerResponse) => {
      const url = new URL(incoming.url ?? '/', 'http://proxy');
      const recorded: RecordedRequest = { method: incoming.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams) };
      proxy.requests.push(recorded);
      if (!authorize(recorded)) {
        proxy.forbidden.push(recorded);
        outgoing.writeHead(403, { 'Content-Type': 'application/json' });
        outgoing.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Forbidden', code: 403, message: `${recorded.method} ${recorded.path} is forbidden by the recording proxy's rules` }));
        return;
      }
      const forwarded = httpRequest(
        { host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers: { ...incoming.headers, host: target.host } },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          outgoing.flushHeaders();
          answer.pipe(outgoing);
        },
      );
      forwarded.on('error', () => outgoing.destroy());
      outgoing.on('close', () => forwarded.destroy());
      incoming.pipe(forwarded);
    });
    server.on('connection', (socket) => {
      proxy.sockets.add(socket);
      socket.on('close', () => proxy.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

// GET /status.json on the metrics port: what `lookaside status` reads. It
// names pod addresses and clients, so, like the live page by default, it
// answers only connections that arrived on a loopback address (reach it
// with `kubectl port-forward`); others get 403 saying so.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TrafficStatus } from '../../observer/traffic-status.js';
import { isLoopbackAddress } from './live-page-server.js';

export const STATUS_PATH = '/status.json';

/** A metrics-port handler: true when it answered the request. */
export function trafficStatusHandler(status: () => TrafficStatus): (request: IncomingMessage, response: ServerResponse) => boolean {
  return (request, response) => {
    if ((request.url ?? '').split('?')[0] !== STATUS_PATH) return false;
    const text = (code: number, body: string) => response.writeHead(code, { 'content-type': 'text/plain; charset=utf-8' }).end(`${body}\n`);
    if (request.method !== 'GET') return text(405, `method ${request.method ?? ''} not allowed: ${STATUS_PATH} answers GET`), true;
    if (!isLoopbackAddress(request.socket.localAddress)) return text(403, `forbidden: ${STATUS_PATH} answers only loopback connections (reach it with kubectl port-forward)`), true;
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(status()));
    return true;
  };
}

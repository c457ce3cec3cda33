// WatchServers streams read with Node's own HTTP/2 client instead of
// grpc-js: the gRPC framing (a flag byte and a 4-byte length before each
// message) and a protobufjs decode of every message, nothing more.
//
// Why the benchmarks have them: in production every watcher is a client pod
// with its own CPU, but here a thousand watchers share the control plane's
// two cores. A grpc-js client spends about 25 µs of CPU on each message it
// receives (its call stack, filters and object-mode stream), more than the
// control plane spends writing it (about 15 µs); these watchers spend about
// 16 µs, most of it Node's HTTP/2 stream. The less the watchers take from
// the shared cores, the more the time to the last watcher is the control
// plane's own. bench/propagation.ts still runs a trial with grpc-js watchers
// and a lookaside channel, so the real client is measured too.

import { connect, constants, type ClientHttp2Session, type ClientHttp2Stream } from 'node:http2';
import { lookasideType } from '../../src/wire/lookaside-messages.js';

const PATH = '/lookaside.v1.LoadBalancer/WatchServers';

export interface Http2WatchersOptions {
  /** "host:port" of a plaintext server. */
  readonly address: string;
  readonly watchers: number;
  /** Streams per HTTP/2 connection. */
  readonly perSession: number;
  readonly service: string;
  readonly port: string;
  /** Every message of watcher `index`, with the version it carries. */
  readonly onVersion: (index: number, version: number) => void;
  /** A stream that failed or ended: what went wrong, for the bench to report. */
  readonly onError: (index: number, error: Error) => void;
}

export interface Http2Watchers {
  close(): void;
}

export function openHttp2Watchers(options: Http2WatchersOptions): Http2Watchers {
  // The generated wire module: the same message types the server encodes with.
  const request = lookasideType('WatchServersRequest');
  const response = lookasideType('WatchServersResponse');
  const body = Buffer.from(request.encode(request.fromObject({ target: { service: options.service, port: options.port } })).finish());
  const framed = Buffer.alloc(5 + body.length);
  framed.writeUInt32BE(body.length, 1);
  body.copy(framed, 5);

  const sessions: ClientHttp2Session[] = [];
  const streams: ClientHttp2Stream[] = [];
  let closing = false;
  for (let w = 0; w < options.watchers; w++) {
    if (w % options.perSession === 0) {
      const session = connect(`http://${options.address}`);
      session.on('error', (error) => {
        if (!closing) options.onError(w, error);
      });
      sessions.push(session);
    }
    const stream = sessions.at(-1)!.request({
      [constants.HTTP2_HEADER_METHOD]: 'POST',
      [constants.HTTP2_HEADER_PATH]: PATH,
      [constants.HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc',
      [constants.HTTP2_HEADER_TE]: 'trailers',
    });
    streams.push(stream);
    stream.end(framed);
    // A watcher stops at its first failure and reports it once: whatever
    // else the stream does after that adds nothing.
    let failed = false;
    const fail = (error: Error) => {
      if (failed || closing) return;
      failed = true;
      stream.removeAllListeners('data');
      stream.close(constants.NGHTTP2_CANCEL);
      options.onError(w, error);
    };
    let pending: Buffer = Buffer.alloc(0);
    stream.on('data', (chunk: Buffer) => {
      // Messages may share a chunk or span several: read every whole one.
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      while (pending.length >= 5) {
        const length = pending.readUInt32BE(1);
        if (pending.length < 5 + length) break;
        if (pending[0] !== 0) return fail(new Error(`watcher ${w}: a compressed message arrived; these watchers ask for none`));
        let version: number;
        try {
          const message = response.decode(pending.subarray(5, 5 + length)) as unknown as { version?: number | { toNumber(): number } };
          const raw = message.version ?? 0;
          version = typeof raw === 'number' ? raw : raw.toNumber();
        } catch (error) {
          return fail(new Error(`watcher ${w}: a message does not decode as WatchServersResponse: ${(error as Error).message}`));
        }
        pending = pending.subarray(5 + length);
        options.onVersion(w, version);
      }
    });
    // A refusal comes as a trailers-only response: grpc-status in the headers.
    stream.on('response', (headers) => {
      const code = headers['grpc-status'];
      if (Number(headers[constants.HTTP2_HEADER_STATUS]) !== 200) fail(new Error(`watcher ${w}: HTTP status ${headers[constants.HTTP2_HEADER_STATUS]}`));
      else if (code !== undefined) fail(new Error(`watcher ${w}: refused with grpc-status ${code}: ${headers['grpc-message'] ?? ''}`));
    });
    // A watch stream never ends by itself while the server runs: any end is a failure.
    stream.on('trailers', (trailers) => fail(new Error(`watcher ${w}: the stream ended with grpc-status ${trailers['grpc-status']}: ${trailers['grpc-message'] ?? ''}`)));
    stream.on('error', (error) => fail(error));
    stream.on('close', () => fail(new Error(`watcher ${w}: the stream closed (HTTP/2 error code ${stream.rstCode})`)));
  }
  return {
    close() {
      closing = true;
      for (const stream of streams) stream.close(constants.NGHTTP2_CANCEL);
      for (const session of sessions) session.close();
    },
  };
}

// Raw transport probes of one backend address, each bounded by a deadline:
// a TCP connect, a TLS handshake, and a plaintext HTTP/2 (h2c) handshake.
// grpc-js reports every one of these failures as UNAVAILABLE; probing the
// layers one by one is how doctor tells "connection refused", "no answer"
// and "TLS on one side only" apart.

import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { connect as http2Connect } from 'node:http2';
import { experimental } from '@grpc/grpc-js';

export type TcpOutcome = 'ok' | 'refused' | 'timeout' | 'unreachable' | 'error';

export interface TcpResult {
  readonly outcome: TcpOutcome;
  /** The socket error's code or message, when it failed. */
  readonly detail?: string;
}

/** Splits "host:port" or "[v6]:port" as grpc-js reads a target's address. */
export function splitHostPort(address: string): { host: string; port: number } {
  const parsed = experimental.splitHostPort(address);
  if (!parsed || parsed.port === undefined) throw new Error(`"${address}" is not host:port`);
  return { host: parsed.host, port: parsed.port };
}

export function probeTcp(address: string, deadlineMs: number): Promise<TcpResult> {
  const { host, port } = splitHostPort(address);
  return new Promise((resolve) => {
    const socket = netConnect({ host, port });
    const done = (result: TcpResult) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done({ outcome: 'timeout', detail: `no answer within ${deadlineMs} ms` }), deadlineMs);
    socket.once('connect', () => done({ outcome: 'ok' }));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? error.message;
      if (code === 'ECONNREFUSED') return done({ outcome: 'refused', detail: code });
      if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') return done({ outcome: 'unreachable', detail: code });
      if (code === 'ETIMEDOUT') return done({ outcome: 'timeout', detail: code });
      done({ outcome: 'error', detail: code });
    });
  });
}

/** Whether the address completes a TLS handshake (any certificate accepted: this only asks "does it speak TLS?"). */
export function speaksTls(address: string, deadlineMs: number): Promise<boolean> {
  const { host, port } = splitHostPort(address);
  return new Promise((resolve) => {
    const socket = tlsConnect({ host, port, rejectUnauthorized: false, ALPNProtocols: ['h2'], servername: undefined });
    const done = (answer: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(false), deadlineMs);
    socket.once('secureConnect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Whether the address answers a plaintext HTTP/2 connection preface with its SETTINGS. */
export function speaksPlaintextHttp2(address: string, deadlineMs: number): Promise<boolean> {
  const { host, port } = splitHostPort(address);
  return new Promise((resolve) => {
    const session = http2Connect(`http://${host.includes(':') ? `[${host}]` : host}:${port}`);
    const done = (answer: boolean) => {
      clearTimeout(timer);
      session.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(false), deadlineMs);
    // 'remoteSettings' means the peer sent an HTTP/2 SETTINGS frame.
    session.once('remoteSettings', () => done(true));
    session.once('error', () => done(false));
    session.once('close', () => done(false));
  });
}

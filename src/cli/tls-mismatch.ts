// TLS at one end only, told apart from a control plane that is not there.
// grpc-js gives a plaintext call to a TLS server the same UNAVAILABLE "Failed
// to connect" as a closed port; after such a failure the CLI asks the server
// directly what it speaks (a TLS handshake, a plaintext HTTP/2 preface) and
// compares it with what the call used.

import type { ChannelCredentials } from '@grpc/grpc-js';
import { usesTls } from './channel-credentials.js';
import { speaksPlaintextHttp2, speaksTls, splitHostPort } from './doctor/transport-probes.js';

export type TlsMismatch = 'server-tls' | 'server-plaintext';

/** Probes never wait longer than this, whatever the command's deadline. */
const PROBE_DEADLINE_MS = 5_000;

/** Which end speaks TLS when only one does; undefined when they agree or the server does not answer either way. */
export async function findTlsMismatch(server: string, made: ChannelCredentials, deadlineMs: number): Promise<TlsMismatch | undefined> {
  try {
    splitHostPort(server);
  } catch {
    return undefined;
  }
  const deadline = Math.min(deadlineMs, PROBE_DEADLINE_MS);
  if (usesTls(made)) return (await speaksPlaintextHttp2(server, deadline)) ? 'server-plaintext' : undefined;
  return (await speaksTls(server, deadline)) ? 'server-tls' : undefined;
}

/** What happened, with `caller` the one that connected ("this call", "doctor"). */
export function tlsMismatchCause(mismatch: TlsMismatch, server: string, caller: string): string {
  return mismatch === 'server-tls'
    ? `the control plane at ${server} serves TLS, and ${caller} ${caller === 'this call' ? 'was' : 'connected in'} plaintext`
    : `the control plane at ${server} serves plaintext, and ${caller} ${caller === 'this call' ? 'used' : 'connected with'} TLS`;
}

/** What to do about it. */
export function tlsMismatchFix(mismatch: TlsMismatch): string {
  return mismatch === 'server-tls'
    ? 'pass --tls-ca-file <the CA bundle that signed its certificate> (or --tls when the system CAs trust it; LOOKASIDE_CLIENT_TLS_CA_FILE, LOOKASIDE_CLIENT_TLS)'
    : 'drop --tls and the --tls-* flags (and LOOKASIDE_CLIENT_TLS*), or serve TLS with --tls-cert-file and --tls-key-file';
}

// Credentials for the CLI's connection to the control plane: plaintext by
// default, TLS with --tls or any --tls-* file, mutual TLS with a client
// certificate and key.

import { readFileSync } from 'node:fs';
import { credentials, type ChannelCredentials } from '@grpc/grpc-js';
import { InvalidArgumentError } from 'commander';

export interface ClientTlsFlags {
  readonly tls?: boolean;
  readonly tlsCaFile?: string;
  readonly tlsCertFile?: string;
  readonly tlsKeyFile?: string;
}

function read(file: string, flag: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InvalidArgumentError(`${flag} ${file}: cannot read it (${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(error)})`);
  }
}

/**
 * The credentials made here with TLS. grpc-js reports a plaintext call to a
 * TLS server as "Failed to connect", like a server that is not there; to say
 * "TLS at one end only" instead, the CLI must know which end it is.
 */
const withTls = new WeakSet<ChannelCredentials>();

/** Whether `channelCredentials` made these with TLS. */
export function usesTls(made: ChannelCredentials): boolean {
  return withTls.has(made);
}

export function channelCredentials(flags: ClientTlsFlags): ChannelCredentials {
  const { tls, tlsCaFile, tlsCertFile, tlsKeyFile } = flags;
  if (!tls && !tlsCaFile && !tlsCertFile && !tlsKeyFile) return credentials.createInsecure();
  if (Boolean(tlsCertFile) !== Boolean(tlsKeyFile)) throw new InvalidArgumentError('--tls-cert-file and --tls-key-file go together: give both or neither');
  const ca = tlsCaFile ? read(tlsCaFile, '--tls-ca-file') : null;
  const key = tlsKeyFile ? read(tlsKeyFile, '--tls-key-file') : null;
  const cert = tlsCertFile ? read(tlsCertFile, '--tls-cert-file') : null;
  try {
    const made = credentials.createSsl(ca, key, cert);
    withTls.add(made);
    return made;
  } catch (error) {
    throw new InvalidArgumentError(`the TLS files are not usable: ${error instanceof Error ? error.message : String(error)}`);
  }
}

// The flags of the commands that call a control plane (get, watch, doctor),
// and what they turn into: its address, the output format, the caller to
// ask as, the channel's TLS credentials and the caller token.

import { Option, type Command } from 'commander';
import { CallerTokenError, readCallerTokenFile, TOKEN_FILE_ENV } from 'grpc-lookaside-client';
import { channelCredentials, type ClientTlsFlags } from './channel-credentials.js';
import { DEFAULT_PORT } from './default-ports.js';
import { ExitCode } from './exit-codes.js';

export interface CallerFlags {
  zone?: string;
  node?: string;
}

// Not from LOOKASIDE_ZONE / NODE_NAME: asking as another caller is a deliberate act.
export const zoneOption = () => new Option('--zone <zone>', 'ask as a caller in this zone (topology-aware Services answer per caller)');
export const nodeOption = () => new Option('--node <name>', 'ask as a caller on this Kubernetes node');
export const callerOf = (opts: CallerFlags) => ({ ...(opts.zone !== undefined && { zone: opts.zone }), ...(opts.node !== undefined && { node: opts.node }) });
export const serverOption = () => new Option('--server <host:port>', 'control plane address').env('LOOKASIDE_CONTROL_PLANE').default(`localhost:${DEFAULT_PORT}`);
export const outputOption = () => new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table');

/** Adds the flags of the control-plane channel's TLS and caller token to `command`. */
export function withTlsOptions(command: Command): Command {
  return (
    command
      // LOOKASIDE_CLIENT_TLS_*: the client side's own names, so that the
      // server's LOOKASIDE_TLS_CERT_FILE (its serving certificate) in the
      // same environment never becomes get's client certificate.
      .addOption(new Option('--tls', 'connect with TLS, trusting the system CAs').env('LOOKASIDE_CLIENT_TLS'))
      .addOption(new Option('--tls-ca-file <path>', 'connect with TLS, trusting this PEM CA bundle').env('LOOKASIDE_CLIENT_TLS_CA_FILE'))
      .addOption(new Option('--tls-cert-file <path>', 'client certificate for mutual TLS').env('LOOKASIDE_CLIENT_TLS_CERT_FILE'))
      .addOption(new Option('--tls-key-file <path>', 'private key of --tls-cert-file').env('LOOKASIDE_CLIENT_TLS_KEY_FILE'))
      // The client package's own variable: in a client pod, `lookaside get`
      // presents the same projected token as the application.
      .addOption(new Option('--token-file <path>', 'send the token in this file as "authorization: Bearer <token>" (for serve --caller-auth kubernetes)').env(TOKEN_FILE_ENV))
  );
}

/**
 * The token reader of --token-file: read once now, so a bad file is a
 * usage error, then again at every call (a watch's reconnects pick up a rotated token).
 */
export function tokenOf(opts: { tokenFile?: string }, command: Command): (() => string) | undefined {
  const file = opts.tokenFile;
  if (file === undefined) return undefined;
  try {
    readCallerTokenFile(file);
  } catch (error) {
    if (!(error instanceof CallerTokenError)) throw error;
    return command.error(`error: --token-file: ${error.message}`, { exitCode: ExitCode.USAGE, code: 'commander.token' });
  }
  return () => readCallerTokenFile(file);
}

/** Builds credentials from the TLS flags; a bad flag is a usage error. */
export function credentialsOf(opts: ClientTlsFlags, command: Command) {
  try {
    return channelCredentials(opts);
  } catch (error) {
    return command.error(`error: ${error instanceof Error ? error.message : String(error)}`, { exitCode: ExitCode.USAGE, code: 'commander.tls' });
  }
}

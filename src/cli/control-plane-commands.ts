// `lookaside get` and `lookaside watch`: ask a running control plane, the way
// a client would, and print what it answers.

import { status, type ChannelCredentials, type ServiceError } from '@grpc/grpc-js';
import { LoadBalancerStub, type ServersUpdate } from 'grpc-lookaside-client';
import { ExitCode } from './exit-codes.js';
import type { ServiceArgument } from './option-parsers.js';
import { formatServers } from './servers-table.js';

export interface QueryOptions {
  readonly server: string;
  readonly output: 'table' | 'json';
  readonly credentials: ChannelCredentials;
}

/** Keepalive on the CLI's channel, so a quiet `watch` notices a dead peer. */
const CHANNEL_OPTIONS = { 'grpc.keepalive_time_ms': 30_000, 'grpc.keepalive_timeout_ms': 10_000 };

function render(update: ServersUpdate, output: QueryOptions['output']): string {
  return output === 'json' ? `${JSON.stringify(update)}\n` : formatServers(update);
}

/** Maps a gRPC status to the documented exit code. */
export function exitCodeFor(error: ServiceError): ExitCode {
  switch (error.code) {
    case status.NOT_FOUND:
      return ExitCode.NOT_FOUND;
    case status.INVALID_ARGUMENT:
      return ExitCode.USAGE;
    case status.UNAVAILABLE:
    case status.DEADLINE_EXCEEDED:
    case status.CANCELLED:
      return ExitCode.UNAVAILABLE;
    default:
      return ExitCode.FAILURE;
  }
}

function describe(error: ServiceError, server: string): string {
  const name = status[error.code] ?? String(error.code);
  if (error.code === status.UNAVAILABLE && /No connection established|ECONNREFUSED|connect/i.test(error.details)) {
    return `cannot reach the control plane at ${server} (${name}: ${error.details}); is it running? Set --server or LOOKASIDE_SERVER`;
  }
  return `${error.details} (${name})`;
}

export async function runGet(target: ServiceArgument, options: QueryOptions & { readonly timeoutMs: number }): Promise<ExitCode> {
  const stub = new LoadBalancerStub(options.server, options.credentials, CHANNEL_OPTIONS);
  try {
    const update = await stub.getServers(target, options.timeoutMs);
    process.stdout.write(render(update, options.output));
    return ExitCode.OK;
  } catch (error) {
    const serviceError = error as ServiceError;
    process.stderr.write(`lookaside get: ${describe(serviceError, options.server)}\n`);
    return exitCodeFor(serviceError);
  } finally {
    stub.close();
  }
}

/**
 * Prints one block per update until interrupted (exit 0) or until the
 * stream fails (the exit code of its status).
 */
export function runWatch(target: ServiceArgument, options: QueryOptions): Promise<ExitCode> {
  const stub = new LoadBalancerStub(options.server, options.credentials, CHANNEL_OPTIONS);
  const call = stub.watchServers(target);
  return new Promise<ExitCode>((resolve) => {
    let interrupted = false;
    const interrupt = () => {
      interrupted = true;
      call.cancel();
    };
    process.once('SIGINT', interrupt);
    process.once('SIGTERM', interrupt);
    let finished = false;
    const finish = (code: ExitCode) => {
      if (finished) return;
      finished = true;
      process.off('SIGINT', interrupt);
      process.off('SIGTERM', interrupt);
      stub.close();
      resolve(code);
    };
    call.on('data', (update: ServersUpdate) => {
      const stamp = options.output === 'table' ? `--- ${new Date().toISOString()}\n` : '';
      process.stdout.write(stamp + render(update, options.output));
    });
    call.on('error', (error: ServiceError) => {
      if (interrupted && error.code === status.CANCELLED) return finish(ExitCode.OK);
      process.stderr.write(`lookaside watch: ${describe(error, options.server)}\n`);
      finish(exitCodeFor(error));
    });
    call.on('end', () => finish(ExitCode.OK));
  });
}

// `lookaside get` and `lookaside watch`: ask a running control plane, the way
// a client would, and print what it answers.

import { status, type ChannelCredentials, type ServiceError } from '@grpc/grpc-js';
import { CallerTokenError, LoadBalancerStub, type ServersUpdate } from 'grpc-lookaside-client';
import { ExitCode } from './exit-codes.js';
import type { ServiceArgument } from './option-parsers.js';
import { formatServers } from './servers-table.js';
import { findTlsMismatch, tlsMismatchCause, tlsMismatchFix } from './tls-mismatch.js';

export interface QueryOptions {
  readonly server: string;
  readonly output: 'table' | 'json';
  readonly credentials: ChannelCredentials;
  /** Reads the caller token (--token-file) at each call; throws a CallerTokenError when it cannot. */
  readonly token?: () => string;
  /** Ask as a caller in this zone / on this node (--zone, --node): topology-aware Services answer per caller. */
  readonly caller?: { readonly zone?: string; readonly node?: string };
}

/** The query as a caller at options.caller sends it. */
function queryOf(target: ServiceArgument, options: QueryOptions): ServiceArgument & { client?: { zone?: string; node?: string } } {
  return options.caller && (options.caller.zone || options.caller.node) ? { ...target, client: options.caller } : target;
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
    return `cannot reach the control plane at ${server} (${name}: ${error.details}); is it running? Set --server or LOOKASIDE_CONTROL_PLANE`;
  }
  return `${error.details} (${name})`;
}

export async function runGet(target: ServiceArgument, options: QueryOptions & { readonly timeoutMs: number }): Promise<ExitCode> {
  const stub = new LoadBalancerStub(options.server, options.credentials, CHANNEL_OPTIONS);
  try {
    const update = await stub.getServers(queryOf(target, options), options.timeoutMs, options.token ? { token: options.token() } : {});
    process.stdout.write(render(update, options.output));
    return ExitCode.OK;
  } catch (error) {
    if (error instanceof CallerTokenError) {
      process.stderr.write(`lookaside get: ${error.message}\n`);
      return ExitCode.USAGE;
    }
    const serviceError = error as ServiceError;
    const mismatch = serviceError.code === status.UNAVAILABLE ? await findTlsMismatch(options.server, options.credentials, options.timeoutMs) : undefined;
    const message = mismatch ? `${tlsMismatchCause(mismatch, options.server, 'this call')}: ${tlsMismatchFix(mismatch)}` : describe(serviceError, options.server);
    process.stderr.write(`lookaside get: ${message}\n`);
    return exitCodeFor(serviceError);
  } finally {
    stub.close();
  }
}

export interface WatchOptions extends QueryOptions {
  /** Print the first answer and exit 0. */
  readonly once?: boolean;
  /** Exit with the stream's status instead of reconnecting when it fails. */
  readonly exitOnError?: boolean;
}

/** Statuses after which reconnecting cannot help: the request or the caller's access is wrong. */
const FINAL_CODES: ReadonlySet<status> = new Set([status.INVALID_ARGUMENT, status.UNAUTHENTICATED, status.PERMISSION_DENIED, status.UNIMPLEMENTED]);
/** Reconnect delays: a returning control plane is back in view within a few seconds. */
const RECONNECT_INITIAL_MS = 250;
const RECONNECT_MAX_MS = 5_000;

/**
 * Prints one block per update until interrupted (exit 0). When the stream
 * fails (a control-plane restart, a network blip) it says so on stderr and
 * reconnects with backoff, waiting for the control plane to come back, and
 * goes on printing; only a status that reconnecting cannot fix (bad request,
 * no access) ends it, with that status's exit code. --exit-on-error ends it
 * on any failure; --once after the first answer.
 */
export function runWatch(target: ServiceArgument, options: WatchOptions): Promise<ExitCode> {
  const stub = new LoadBalancerStub(options.server, options.credentials, {
    ...CHANNEL_OPTIONS,
    // The channel's own reconnection: no slower than the watch's backoff.
    'grpc.initial_reconnect_backoff_ms': RECONNECT_INITIAL_MS,
    'grpc.max_reconnect_backoff_ms': RECONNECT_MAX_MS,
  });
  return new Promise<ExitCode>((resolve) => {
    let call: ReturnType<LoadBalancerStub['watchServers']> | undefined;
    let retryTimer: NodeJS.Timeout | undefined;
    let delayMs = RECONNECT_INITIAL_MS;
    let lostAt: number | undefined;
    let interrupted = false;
    let finished = false;
    const finish = (code: ExitCode) => {
      if (finished) return;
      finished = true;
      process.off('SIGINT', interrupt);
      process.off('SIGTERM', interrupt);
      if (retryTimer) clearTimeout(retryTimer);
      stub.close();
      resolve(code);
    };
    const interrupt = () => {
      interrupted = true;
      if (call) call.cancel();
      else finish(ExitCode.OK);
    };
    process.once('SIGINT', interrupt);
    process.once('SIGTERM', interrupt);

    const lost = (why: string, code: ExitCode) => {
      call = undefined;
      if (options.exitOnError) {
        process.stderr.write(`lookaside watch: ${why}\n`);
        return finish(code);
      }
      lostAt ??= Date.now();
      process.stderr.write(`lookaside watch: ${why}; reconnecting in ${(delayMs / 1000).toFixed(2)} s (Ctrl-C to stop)\n`);
      retryTimer = setTimeout(open, delayMs);
      delayMs = Math.min(delayMs * 2, RECONNECT_MAX_MS);
    };

    function open(): void {
      retryTimer = undefined;
      // After a loss, wait for the control plane to be reachable again rather than fail at once.
      let token: string | undefined;
      try {
        token = options.token?.();
      } catch (error) {
        // The token file went away or turned bad since the start: say so, and try again.
        return lost(error instanceof Error ? error.message : String(error), ExitCode.USAGE);
      }
      const current = stub.watchServers(queryOf(target, options), { waitForReady: lostAt !== undefined, ...(token !== undefined && { token }) });
      call = current;
      current.on('data', (update: ServersUpdate) => {
        if (lostAt !== undefined) {
          process.stderr.write(`lookaside watch: reconnected to ${options.server} after ${((Date.now() - lostAt) / 1000).toFixed(1)} s\n`);
          lostAt = undefined;
        }
        delayMs = RECONNECT_INITIAL_MS;
        const stamp = options.output === 'table' ? `--- ${new Date().toISOString()}\n` : '';
        process.stdout.write(stamp + render(update, options.output));
        if (options.once) {
          interrupted = true;
          current.cancel();
        }
      });
      current.on('error', (error: ServiceError) => {
        // After Ctrl-C, SIGTERM or --once, whatever status the stream ends with, the watch is over.
        if (interrupted) return finish(ExitCode.OK);
        if (call !== current) return; // this stream was already counted as lost
        if (FINAL_CODES.has(error.code)) {
          process.stderr.write(`lookaside watch: ${describe(error, options.server)}\n`);
          return finish(exitCodeFor(error));
        }
        lost(describe(error, options.server), exitCodeFor(error));
      });
      current.on('end', () => {
        if (interrupted) return finish(ExitCode.OK);
        if (call !== current) return;
        // A stream that ends without an error was closed by the server: reconnect the same way.
        if (call === current) lost(`the control plane at ${options.server} ended the stream`, ExitCode.UNAVAILABLE);
      });
    }
    open();
  });
}

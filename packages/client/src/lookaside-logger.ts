// Where the client package reports what it does. Applications pass a callback
// (to bridge into their own logger); without one, messages go to grpc-js's
// trace facility under the tracer name "lookaside", shown with
// GRPC_TRACE=lookaside GRPC_VERBOSITY=DEBUG. The package never writes to the
// console on its own.

import type { GrpcModule } from './grpc/grpc-module.js';

export type LookasideLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** One thing that happened, with structured fields for the application's logger. */
export interface LookasideLogEntry {
  readonly level: LookasideLogLevel;
  readonly message: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

/**
 * A logger-like callback. It must not throw; if it does, the error is
 * swallowed so a logging bug never breaks name resolution.
 */
export type LookasideLogFunction = (entry: LookasideLogEntry) => void;

export const TRACER_NAME = 'lookaside';

/** grpc-js's verbosities (logVerbosity): DEBUG 0, INFO 1, ERROR 2. */
const VERBOSITY: Record<LookasideLogLevel, 0 | 1 | 2> = {
  debug: 0,
  info: 1,
  warn: 2,
  error: 2,
};

export interface LookasideLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

function formatFields(fields: Record<string, unknown>): string {
  const parts = Object.entries(fields).map(([key, value]) => `${key}=${value instanceof Error ? value.message : typeof value === 'string' ? value : JSON.stringify(value)}`);
  return parts.length > 0 ? ` ${parts.join(' ')}` : '';
}

/** A logger that writes to `sink` when given, else to the trace facility of `grpc`. */
export function createLookasideLogger(grpc: GrpcModule, sink?: LookasideLogFunction): LookasideLogger {
  const emit = (level: LookasideLogLevel, message: string, fields: Record<string, unknown> = {}) => {
    if (sink) {
      try {
        sink({ level, message, fields });
      } catch {
        // A broken log callback must not take name resolution down with it.
      }
      return;
    }
    grpc.experimental.trace(VERBOSITY[level], TRACER_NAME, `${message}${formatFields(fields)}`);
  };
  return {
    debug: (message, fields) => emit('debug', message, fields),
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
  };
}

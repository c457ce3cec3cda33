// Where the client package reports what it does. Applications pass a callback
// (to bridge into their own logger); without one, messages go to grpc-js's
// trace facility under the tracer name "lookaside", shown with
// GRPC_TRACE=lookaside GRPC_VERBOSITY=DEBUG. The package never writes to the
// console on its own.

import { experimental, logVerbosity } from '@grpc/grpc-js';

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

const VERBOSITY: Record<LookasideLogLevel, logVerbosity> = {
  debug: logVerbosity.DEBUG,
  info: logVerbosity.INFO,
  warn: logVerbosity.ERROR,
  error: logVerbosity.ERROR,
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

/** A logger that writes to `sink` when given, else to grpc-js's trace facility. */
export function createLookasideLogger(sink?: LookasideLogFunction): LookasideLogger {
  const emit = (level: LookasideLogLevel, message: string, fields: Record<string, unknown> = {}) => {
    if (sink) {
      try {
        sink({ level, message, fields });
      } catch {
        // A broken log callback must not take name resolution down with it.
      }
      return;
    }
    experimental.trace(VERBOSITY[level], TRACER_NAME, `${message}${formatFields(fields)}`);
  };
  return {
    debug: (message, fields) => emit('debug', message, fields),
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
  };
}

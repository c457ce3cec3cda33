// The root logger of a `lookaside serve` process: pino JSON on stdout, one
// child per component below it.
import { pino, type Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function createRootLogger(level: LogLevel): Logger {
  return pino({ level, base: { service: 'lookaside' } });
}

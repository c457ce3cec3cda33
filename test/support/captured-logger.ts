// A pino logger that keeps every line in memory, for tests that assert what
// the control plane tells a person (a 403's missing verb, a handler's throw).
// Lines are also echoed to stderr when TEST_LOG_LEVEL is set.

import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export interface CapturedLogger {
  readonly logger: Logger;
  readonly lines: LogLine[];
  /** Resolves with the first line, past or future, that satisfies `predicate`. */
  waitFor(predicate: (line: LogLine) => boolean, what: string, timeoutMs?: number): Promise<LogLine>;
}

export function capturedLogger(): CapturedLogger {
  const lines: LogLine[] = [];
  const waiters = new Set<() => void>();
  const echo = process.env.TEST_LOG_LEVEL !== undefined;
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const text of chunk.toString('utf8').split('\n')) {
        if (text.length === 0) continue;
        lines.push(JSON.parse(text) as LogLine);
        if (echo) process.stderr.write(`${text}\n`);
      }
      for (const waiter of [...waiters]) waiter();
      callback();
    },
  });
  return {
    logger: pino({ level: 'debug' }, stream),
    lines,
    waitFor: (predicate, what, timeoutMs = 15_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const line = lines.find(predicate);
          if (!line) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(line);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for a log line: ${what}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
  };
}

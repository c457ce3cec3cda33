// A pino logger for tests: silent unless TEST_LOG_LEVEL is set, so a failing
// test can be re-run with the control plane's logs on stderr.
import { pino, type Logger } from 'pino';

export function testLogger(): Logger {
  return pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }, pino.destination(2));
}

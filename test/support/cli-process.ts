// Runs the `lookaside` command as a real child process (TypeScript through
// tsx, on the same Node as the tests) and collects its output.

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/**
 * How long a spawned command gets to print what a test waits for, and the
 * test limit for a file that spawns one (vi.setConfig): on a loaded 2-core
 * machine a tsx process took over 20 s to log its first line. A wait for a
 * line costs only as long as the line takes; it is a backstop, not a budget.
 */
export const PROCESS_WAIT_MS = 60_000;
export const SPAWNING_TEST_TIMEOUT_MS = 120_000;

export interface CliRun {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  /** Resolves with the exit code (or the signal's name) when the process ends. */
  readonly exited: Promise<number | string>;
  /** Resolves when stdout has a line matching `pattern`, with that line. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

export function runCli(args: string[], env: Record<string, string> = {}): CliRun {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run: CliRun = {
    child,
    stdout: '',
    stderr: '',
    exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1))),
    waitForLine(pattern, timeoutMs = PROCESS_WAIT_MS) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const line = run.stdout.split('\n').find((l) => pattern.test(l));
          if (line === undefined) return false;
          clearTimeout(timer);
          child.stdout!.off('data', check);
          resolve(line);
          return true;
        };
        const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; stdout: ${run.stdout}; stderr: ${run.stderr}`)), timeoutMs);
        if (!check()) child.stdout!.on('data', check);
      });
    },
  };
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (run.stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (run.stderr += chunk));
  return run;
}

/** Runs the command to completion. */
export async function runCliToEnd(args: string[], env: Record<string, string> = {}): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const run = runCli(args, env);
  const code = await run.exited;
  return { code, stdout: run.stdout, stderr: run.stderr };
}

// Runs the `lookaside` program inside the test's own process: the same
// commander program, parsers, commands and exit codes as the real command,
// without a Node process (and a TypeScript load) per case. Commander's help
// and usage errors come through the program's output hook; the commands
// write to process.stdout and process.stderr, which are captured while a run
// lasts. Runs are therefore one at a time within a file (a queue), and the
// environment a run is given is set only for its duration.
//
// What needs a real process stays in cli-process.ts: `serve` (its pino
// logger writes to file descriptor 1, and it stops on signals), watch's
// SIGINT, and the smoke tests of the real entry point and its process.exit.

import { runProgram } from '../../src/cli/lookaside-program.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

let queue: Promise<unknown> = Promise.resolve();

/** Runs `lookaside ...args` to completion in process, with `env` added to process.env for the run. */
export function runCliInProcess(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const run = queue.then(() => runOnce(args, env));
  queue = run.catch(() => undefined);
  return run;
}

async function runOnce(args: string[], env: Record<string, string>): Promise<CliResult> {
  const result: CliResult = { code: -1, stdout: '', stderr: '' };
  const savedEnv = Object.keys(env).map((name) => [name, process.env[name]] as const);
  Object.assign(process.env, env);
  const { stdout, stderr } = process;
  const writeOut = stdout.write;
  const writeErr = stderr.write;
  // Same shape as the stream's write: text in, callback (if any) called.
  const capture =
    (into: 'stdout' | 'stderr') =>
    (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      result[into] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      const callback = rest.find((r): r is () => void => typeof r === 'function');
      if (callback) queueMicrotask(callback);
      return true;
    };
  stdout.write = capture('stdout') as typeof stdout.write;
  stderr.write = capture('stderr') as typeof stderr.write;
  try {
    result.code = await runProgram(['node', 'lookaside', ...args], {
      writeOut: (text) => (result.stdout += text),
      writeErr: (text) => (result.stderr += text),
    });
  } finally {
    stdout.write = writeOut;
    stderr.write = writeErr;
    for (const [name, value] of savedEnv) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  return result;
}

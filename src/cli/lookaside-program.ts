// The `lookaside` command: run the control plane, and ask one what it serves.
// main.ts checks the Node version first and then runs this.

import { Command } from 'commander';
import { ExitCode } from './exit-codes.js';
import { packageVersion } from './package-version.js';
import { defineServeCommand } from './serve-definition.js';
import { defineDoctorCommand, defineGetCommand, defineStatusCommand, defineWatchCommand, defineXdsBootstrapCommand } from './command-definitions.js';

/**
 * The whole command tree, every flag with its environment variable and
 * default. scripts/generate-configuration-reference.ts renders
 * docs/configuration.md from it. Each command is defined in its own
 * function; the order here is the order of the help and of the reference.
 */
export function buildProgram(setExit: (code: ExitCode) => void): Command {
  const program = new Command('lookaside')
    .description('Lookaside load balancing for gRPC on Kubernetes.')
    .version(packageVersion(), '-V, --version', 'print the version and exit')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Exit codes: 0 ok, 1 failure, 2 usage error, 3 service or port not found,
4 control plane unreachable or not serving yet, 5 a doctor check failed.`,
    );
  for (const define of [defineServeCommand, defineGetCommand, defineWatchCommand, defineStatusCommand, defineXdsBootstrapCommand, defineDoctorCommand]) define(program, setExit);
  return program;
}

/** Where commander writes help and usage errors; main() leaves it on the process's own streams. */
export interface ProgramOutput {
  writeOut(text: string): void;
  writeErr(text: string): void;
}

/**
 * Runs the program once and resolves with its exit code instead of exiting,
 * so that argument parsing, exit codes and messages can be checked without a
 * process per case. Commander's own output (help, usage errors) goes to
 * `output` when given; the commands write to process.stdout and stderr.
 */
export async function runProgram(argv: string[], output?: ProgramOutput): Promise<ExitCode> {
  let exitCode: ExitCode = ExitCode.OK;
  const program = buildProgram((code) => (exitCode = code));
  program.exitOverride();
  for (const command of program.commands) command.exitOverride();
  if (output) for (const command of [program, ...program.commands]) command.configureOutput(output);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    const code = (error as { code?: string }).code;
    // Help and version are successes; every other commander error is usage.
    if (code === 'commander.helpDisplayed' || code === 'commander.help' || code === 'commander.version') return ExitCode.OK;
    if (typeof code === 'string' && code.startsWith('commander.')) return ExitCode.USAGE;
    const text = `lookaside: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`;
    if (output) output.writeErr(text);
    else process.stderr.write(text);
    return ExitCode.FAILURE;
  }
  return exitCode;
}

export async function main(argv: string[]): Promise<void> {
  // Streams and servers are closed by now; exit explicitly so that a stray
  // handle cannot keep a finished command alive.
  process.exit(await runProgram(argv));
}

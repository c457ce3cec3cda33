// `npm test`: the typecheck and ESLint (one process, one TypeScript
// program: scripts/typecheck-and-lint.mjs), buf lint and breaking, and the
// vitest suite, all started at once rather than one after the other. The
// checks are bound by CPU while the suite often waits (servers, timers,
// child processes), so side by side they fill a 2-core machine instead of
// adding to the suite's time. Every step runs to its end
// whatever the others do: a failed check neither stops nor hides the suite.
//
// The suite writes to the terminal as it goes. The checks' output is held
// and printed once the suite is done (it would break vitest's live summary
// in a terminal), each under a line naming the step and how it ended; the
// last lines say which steps passed and which failed, and the exit code is
// 1 when any did. Arguments go to vitest: `npm test -- test/cli`.

import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

const CHECKS = ['typecheck-and-lint', 'lint:proto'];

/** Runs `npm run <script>` with its output captured; resolves with how it ended. */
function check(script) {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    child.on('error', (error) => (output += `cannot start npm: ${error.message}\n`));
    child.on('close', (code, signal) => resolve({ name: `npm run ${script}`, code: code ?? signal ?? 1, output, seconds: (performance.now() - started) / 1000 }));
  });
}

/** Runs `vitest run <args>` on this terminal. */
function suite(args) {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn('vitest', ['run', ...args], { stdio: 'inherit' });
    child.on('error', (error) => process.stderr.write(`cannot start vitest: ${error.message}\n`));
    child.on('close', (code, signal) => resolve({ name: 'vitest run', code: code ?? signal ?? 1, output: '', seconds: (performance.now() - started) / 1000 }));
  });
}

const checks = CHECKS.map(check);
const results = [await suite(process.argv.slice(2)), ...(await Promise.all(checks))];

const verdict = (r) => (r.code === 0 ? 'passed' : `FAILED (exit ${r.code})`);
for (const r of results.slice(1)) {
  process.stdout.write(`\n── ${r.name}: ${verdict(r)} in ${r.seconds.toFixed(1)} s${r.output.trim() ? '' : ', no output'}\n`);
  if (r.output.trim()) process.stdout.write(`${r.output.trimEnd()}\n`);
}
process.stdout.write(`\n npm test: ${results.map((r) => `${r.name} ${verdict(r)}`).join(', ')}\n`);
process.exitCode = results.every((r) => r.code === 0) ? 0 : 1;

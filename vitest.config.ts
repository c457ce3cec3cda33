import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { LongestFilesFirstSequencer } from './test/support/longest-files-first-sequencer.js';
import { SlowestFilesReporter } from './test/support/slowest-files-reporter.js';

// Unit and integration tests. Real servers on 127.0.0.1 port 0, so files can
// run in parallel; the e2e suite (K3s) has its own config. The client
// package is tested from its sources (as tsconfig.json's "paths" types it);
// test/packaging/ tests what `npm pack` builds from them.
export const workspaceAliases = {
  'grpc-lookaside-client': fileURLToPath(new URL('./packages/client/src/index.ts', import.meta.url)),
};

export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    // At least two files at a time, also on 2 cores (vitest's default is one
    // fewer than the cores): a file mostly waits on its servers, timers and
    // child processes, so a second one fills the CPU the first leaves idle.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Files run one after another in the same worker processes, which keep
    // the modules they loaded: starting a process and loading grpc-js,
    // client-node and the sources once per file were nearly a third of the
    // suite's CPU. So a file must leave nothing behind that the next one
    // could trip on: it closes what it opens (servers, channels, the client's
    // registrations) and restores what it changes (environment variables,
    // fake timers). registration-leak-check.ts fails a file that leaves a
    // registerLookaside registration open on the default scheme.
    isolate: false,
    setupFiles: ['test/support/registration-leak-check.ts'],
    // The longest files start first, also in a fresh clone (test/support/longest-files-first-sequencer.ts).
    sequence: { sequencer: LongestFilesFirstSequencer },
    // A backstop for a hang, not a budget. Files that spawn processes or
    // drive thousands of calls set more for themselves (vi.setConfig or a
    // test's own timeout), for a machine busy with other work.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The ten slowest files close every run (test/support/slowest-files-reporter.ts).
    reporters: ['default', new SlowestFilesReporter()],
  },
});

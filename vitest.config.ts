import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
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
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The ten slowest files close every run (test/support/slowest-files-reporter.ts).
    reporters: ['default', new SlowestFilesReporter()],
  },
});

import { defineConfig } from 'vitest/config';

// Unit and integration tests. Real servers on 127.0.0.1 port 0, so files can
// run in parallel; the e2e suite (K3s) has its own config.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['default'],
  },
});

import { defineConfig } from 'vitest/config';
import { workspaceAliases } from './vitest.config.js';

// The e2e suite starts a real K3s through testcontainers. It needs a container
// runtime; without one it skips and prints why.
export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});

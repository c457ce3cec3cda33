// Lint rules: the recommended sets of ESLint and typescript-eslint, plus the
// few rules that catch the mistakes this codebase cares about (floating
// promises lose errors from event handlers; console output belongs to the CLI).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { layerImports } from './eslint-rules/layer-imports.js';

export default tseslint.config(
  { ignores: ['dist/', 'packages/*/dist/', 'node_modules/', 'coverage/', 'bench/results/', '.bench-build/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
    },
  },
  {
    // docs/design.md, "Layers": which directory may import which.
    files: ['src/**/*.ts', 'packages/client/src/**/*.ts'],
    plugins: { lookaside: { rules: { 'layer-imports': layerImports } } },
    rules: { 'lookaside/layer-imports': 'error' },
  },
  {
    files: ['src/cli/**', 'bench/**', 'deploy/examples/**', 'test/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Build scripts and packaging fixtures run on Node directly.
    files: ['**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', require: 'readonly', exports: 'writable' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);

// The typecheck and ESLint in one process, on one TypeScript program: what
// `npm run typecheck` and `npm run lint` do one after the other, for half
// the CPU. ESLint's type-aware rule (no-floating-promises) needs the types of
// every file; on its own it builds and checks the same program tsc just
// did. Here tsc's program is built once from tsconfig.json, its diagnostics
// reported as `tsc --noEmit` reports them, and then handed to ESLint
// (typescript-eslint's `parserOptions.programs`) in place of its project
// service. The rules and files are eslint.config.js's, unchanged.
//
// Exit code: 0 when both pass; 1 when either found something, after both
// have run. `npm test` runs this; `npm run typecheck` and `npm run lint`
// remain for running one alone.

import { ESLint } from 'eslint';
import ts from 'typescript';

const root = process.cwd();
let failed = false;

// The typecheck, as `tsc -p tsconfig.json --noEmit`.
const config = ts.getParsedCommandLineOfConfigFile('tsconfig.json', { noEmit: true }, {
  ...ts.sys,
  onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
    throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
  },
});
const program = ts.createProgram({ rootNames: config.fileNames, options: config.options, projectReferences: config.projectReferences });
const diagnostics = [...config.errors, ...ts.getPreEmitDiagnostics(program)];
if (diagnostics.length > 0) {
  failed = true;
  const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' };
  // As tsc prints them: with colour and context on a terminal, one line each into a pipe or file.
  const format = process.stdout.isTTY ? ts.formatDiagnosticsWithColorAndContext : ts.formatDiagnostics;
  process.stdout.write(format(diagnostics, host));
  process.stdout.write(`\ntypecheck: ${diagnostics.length} error${diagnostics.length === 1 ? '' : 's'}\n`);
}

// ESLint over the repository, its type information from the program above.
const eslint = new ESLint({
  cwd: root,
  overrideConfig: [{ files: ['**/*.ts', '**/*.mts', '**/*.cts'], languageOptions: { parserOptions: { projectService: false, programs: [program] } } }],
});
const results = await eslint.lintFiles(['.']);
const formatted = await (await eslint.loadFormatter('stylish')).format(results);
if (formatted) process.stdout.write(formatted);
if (results.some((r) => r.errorCount > 0)) failed = true;

process.exitCode = failed ? 1 : 0;

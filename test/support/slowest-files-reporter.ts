// A vitest reporter that ends the run with its ten slowest test files, so
// that a file growing slow shows in every `npm test`, not only when someone
// goes looking. The time is a file's own in its worker: importing it, its
// hooks and its tests (files run side by side, so these do not add up to the
// run's wall time).

import type { Reporter, TestModule } from 'vitest/node';

const SHOWN = 10;

export class SlowestFilesReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const files = testModules
      .map((module) => {
        const d = module.diagnostic();
        return { file: module.relativeModuleId, ms: d.environmentSetupDuration + d.prepareDuration + d.collectDuration + d.setupDuration + d.duration };
      })
      .sort((a, b) => b.ms - a.ms)
      .slice(0, SHOWN);
    if (files.length === 0) return;
    const lines = files.map(({ file, ms }) => `${(ms / 1000).toFixed(1).padStart(8)} s  ${file}`);
    process.stdout.write(`\n Slowest ${files.length} test files (import, hooks and tests, in their worker):\n${lines.join('\n')}\n`);
  }
}

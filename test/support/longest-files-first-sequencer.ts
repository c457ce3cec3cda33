// The order files start in. Two workers take files from one queue, so the
// run ends no sooner than its longest file, started whenever a worker
// reached it. With results from an earlier run vitest starts the slowest
// files first; a fresh clone has none, and vitest falls back to the largest
// files first, which put the packaging test (over two minutes, most of it
// npm and tsc) in the middle of the queue and alone at the end. These files
// start first, in this order, whatever the cache holds; the rest follow in
// vitest's own order. A file missing from the run is simply not there.

import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** The suite's longest files, longest first (the reporter's "Slowest" list names them). */
const LONGEST_FILES = ['test/packaging/packed-packages.test.ts', 'test/deploy/image-command.test.ts', 'test/server/hostile-input.test.ts', 'test/server/live-page.test.ts'];

export class LongestFilesFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification): number => {
      const index = LONGEST_FILES.findIndex((file) => spec.moduleId.endsWith(`/${file}`));
      return index === -1 ? LONGEST_FILES.length : index;
    };
    // Array.prototype.sort is stable: the rest keep vitest's order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}

// Run after every test file (vitest.config.ts, setupFiles). Files share
// their worker process, one after another (isolate: false): a file that
// leaves a registerLookaside registration open on the default scheme would
// make the next file's registerLookaside throw, in whichever file happened to
// run next in that worker. This names the file that left it instead.

import { afterAll, expect } from 'vitest';
import { registerLookaside } from 'grpc-lookaside-client';

afterAll(() => {
  let probe;
  try {
    // Never dialled: no channel targets it before close().
    probe = registerLookaside({ controlPlane: '127.0.0.1:9', loadReports: false });
  } catch (error) {
    throw new Error(`${expect.getState().testPath ?? 'this file'} left a registerLookaside registration open; close() it in an afterAll (files share a worker process): ${(error as Error).message}`, { cause: error });
  }
  probe.close();
});

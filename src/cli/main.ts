#!/usr/bin/env node
// Entry point of the `lookaside` command. It imports nothing but the version
// check before checking: the rest of the program (the Kubernetes client
// above all) cannot even be loaded on an older Node, so it comes in by a
// dynamic import once the version is known to be good.

import { ExitCode } from './exit-codes.js';
import { isSupportedNode, unsupportedNodeMessage } from './node-version.js';

if (!isSupportedNode(process.versions.node)) {
  process.stderr.write(`${unsupportedNodeMessage(process.versions.node)}\n`);
  process.exit(ExitCode.FAILURE);
}

const { main } = await import('./lookaside-program.js');
await main(process.argv);

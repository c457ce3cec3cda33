// The benchmarks measure the control plane with the V8 flags production
// runs with; this keeps the image and the benchmarks on the same flags.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { DockerfileParser, type Env } from 'dockerfile-ast';
import { PRODUCTION_NODE_FLAGS } from '../../bench/support/production-flags.js';

it('the runtime image sets NODE_OPTIONS to the flags the benchmarks use', () => {
  const dockerfile = DockerfileParser.parse(readFileSync(new URL('../../deploy/Dockerfile', import.meta.url), 'utf8'));
  const runtimeStart = dockerfile.getFROMs().findIndex((from) => from.getBuildStage() === 'runtime');
  expect(runtimeStart).toBeGreaterThanOrEqual(0);
  const runtime = dockerfile.getFROMs()[runtimeStart]!;
  const next = dockerfile.getFROMs()[runtimeStart + 1];
  const envs = dockerfile
    .getInstructions()
    .filter((i) => i.getKeyword() === 'ENV' && i.getRange().start.line > runtime.getRange().start.line && (!next || i.getRange().start.line < next.getRange().start.line)) as Env[];
  const nodeOptions = envs.flatMap((env) => env.getProperties()).find((p) => p.getName() === 'NODE_OPTIONS');
  expect(nodeOptions?.getUnescapedValue()).toBe(PRODUCTION_NODE_FLAGS.join(' '));
});

import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { isSupportedNode, MINIMUM_NODE, unsupportedNodeMessage } from '../../src/cli/node-version.js';

it('compares versions part by part against the minimum package.json states', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { engines: { node: string } };
  expect(pkg.engines.node).toBe(`>=${MINIMUM_NODE}`);
  expect(isSupportedNode('v20.20.2')).toBe(false);
  expect(isSupportedNode('22.18.9')).toBe(false);
  expect(isSupportedNode('22.19.0')).toBe(true);
  expect(isSupportedNode('22.20.0')).toBe(true);
  expect(isSupportedNode('v24.1.0')).toBe(true);
  expect(unsupportedNodeMessage('v20.20.2')).toMatch(/^lookaside: Node 22\.19\.0 or newer is required; this is Node 20\.20\.2 \(/);
});

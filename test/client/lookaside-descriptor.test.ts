// The client's message types are generated from proto/ (see
// packages/client/scripts/generate-lookaside-descriptor.ts) and committed;
// this fails when the proto changed and the descriptor was not regenerated.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { DESCRIPTOR_FILE, renderLookasideDescriptor } from '../../packages/client/scripts/generate-lookaside-descriptor.js';

it('matches proto/lookaside/v1/lookaside.proto (regenerate with `npm run generate -w grpc-lookaside-client`)', () => {
  expect(readFileSync(DESCRIPTOR_FILE, 'utf8')).toBe(renderLookasideDescriptor());
});

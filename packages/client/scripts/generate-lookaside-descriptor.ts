// Generates src/lookaside-descriptor.ts: the lookaside.v1 messages as a
// protobufjs JSON descriptor, from the wire contract in the repository's
// proto/ folder. The client then needs no .proto file at run time, so it
// works the same from ESM, CommonJS and a bundler.
//
//   npm run generate -w grpc-lookaside-client
//
// test/client/lookaside-descriptor.test.ts fails when the committed file is stale.

import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const PROTO_FILE = fileURLToPath(new URL('../../../proto/lookaside/v1/lookaside.proto', import.meta.url));
export const DESCRIPTOR_FILE = fileURLToPath(new URL('../src/lookaside-descriptor.ts', import.meta.url));

/** The text of src/lookaside-descriptor.ts for the proto as it is now. */
export function renderLookasideDescriptor(): string {
  // protobufjs's default field names (camelCase): what the stub reads and writes.
  const root = protobuf.parse(readFileSync(PROTO_FILE, 'utf8')).root;
  root.resolveAll();
  const json = JSON.stringify(root.toJSON({ keepComments: false }), null, 2);
  return [
    '// Generated from proto/lookaside/v1/lookaside.proto by',
    '// packages/client/scripts/generate-lookaside-descriptor.ts: do not edit.',
    '// Regenerate with `npm run generate -w grpc-lookaside-client`.',
    '',
    "// protobufjs's JSON form of a namespace (Root.fromJSON). Not typed as its",
    '// INamespace, whose typings demand fields (such as "comment") the JSON leaves out.',
    `export const LOOKASIDE_DESCRIPTOR: Record<string, unknown> = ${json};`,
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(DESCRIPTOR_FILE, renderLookasideDescriptor());
  process.stdout.write(`wrote ${DESCRIPTOR_FILE}\n`);
}

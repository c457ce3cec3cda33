// lookaside.v1 over the generated descriptors (src/generated/lookaside-v1.ts):
// one protobufjs Root, built once, with the field names
// proto/lookaside/v1/lookaside.proto spells (client_id, not clientId), so
// what the server reads and what reflection describes are the contract as
// written.

import type protobuf from 'protobufjs';
import { LOOKASIDE_V1_FILE_DESCRIPTORS } from '../generated/lookaside-v1.js';
import { descriptorRoot, fileDescriptorProtos } from './descriptor-types.js';

export const LOAD_BALANCER_SERVICE = 'lookaside.v1.LoadBalancer';

let root: protobuf.Root | undefined;

/** lookaside.v1 as one resolved Root, built on first use. */
export function lookasideRoot(): protobuf.Root {
  root ??= descriptorRoot(LOOKASIDE_V1_FILE_DESCRIPTORS);
  return root;
}

/** A lookaside.v1 message type by its short name ("GetServersRequest"). */
export function lookasideType(name: string): protobuf.Type {
  return lookasideRoot().lookupType(`lookaside.v1.${name}`);
}

/** lookaside.proto as buf built it, for server reflection. */
export function lookasideFileDescriptorProtos(): Buffer[] {
  return fileDescriptorProtos(LOOKASIDE_V1_FILE_DESCRIPTORS);
}

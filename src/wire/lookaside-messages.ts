// lookaside.v1 (and grpc.health.v1, for reflection) over the generated
// descriptor (lookaside-descriptor.ts): one protobufjs Root, built once,
// with the field names proto/lookaside/v1/lookaside.proto spells
// (client_id, not clientId), so what the server reads and what reflection
// describes are the contract as written.

import type protobuf from 'protobufjs';
import { fileDescriptorProtos, resolvedRoot } from './file-descriptors.js';
import { LOOKASIDE_DESCRIPTOR, LOOKASIDE_FILES } from './lookaside-descriptor.js';

export const LOAD_BALANCER_SERVICE = 'lookaside.v1.LoadBalancer';

let root: protobuf.Root | undefined;

/** lookaside.v1 and grpc.health.v1 as one resolved Root, built on first use. */
export function lookasideRoot(): protobuf.Root {
  root ??= resolvedRoot(LOOKASIDE_DESCRIPTOR);
  return root;
}

/** A lookaside.v1 message type by its short name ("GetServersRequest"). */
export function lookasideType(name: string): protobuf.Type {
  return lookasideRoot().lookupType(`lookaside.v1.${name}`);
}

/** lookaside.proto and health.proto as FileDescriptorProtos, for server reflection. */
export function lookasideFileDescriptorProtos(): Buffer[] {
  return fileDescriptorProtos(lookasideRoot(), LOOKASIDE_FILES);
}

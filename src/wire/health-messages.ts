// grpc.health.v1 over the generated descriptors (src/generated/health-v1.ts):
// what reflection describes of the health service grpc-health-check serves,
// and the messages of doctor's health probe. No .proto file is read at run
// time.

import type protobuf from 'protobufjs';
import { HEALTH_V1_FILE_DESCRIPTORS } from '../generated/health-v1.js';
import { descriptorRoot, fileDescriptorProtos } from './descriptor-types.js';

export const HEALTH_SERVICE = 'grpc.health.v1.Health';

let root: protobuf.Root | undefined;

/** A grpc.health.v1 message type by its short name ("HealthCheckRequest"), from a Root built on first use. */
export function healthType(name: string): protobuf.Type {
  root ??= descriptorRoot(HEALTH_V1_FILE_DESCRIPTORS);
  return root.lookupType(`grpc.health.v1.${name}`);
}

/** health.proto as buf built it, for server reflection. */
export function healthFileDescriptorProtos(): Buffer[] {
  return fileDescriptorProtos(HEALTH_V1_FILE_DESCRIPTORS);
}

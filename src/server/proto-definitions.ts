// Loads the wire contract once. The same package definition drives the
// LoadBalancer service, its encoder and the reflection service, so what
// grpcurl describes is exactly what is served.

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSync, type Options, type PackageDefinition, type ServiceDefinition } from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { repairMapEntryDescriptors } from './reflection-descriptors.js';
import { UNDECODABLE } from './request-validation.js';

/** proto/ at the package root; the same relative path from src/ and dist/. */
export const PROTO_ROOT = fileURLToPath(new URL('../../proto/', import.meta.url));
export const LOOKASIDE_PROTO = 'lookaside/v1/lookaside.proto';
export const LOAD_BALANCER_SERVICE = 'lookaside.v1.LoadBalancer';

const LOADER_OPTIONS: Options = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_ROOT],
};

let cached: { packageDefinition: PackageDefinition; reflectionDefinition: PackageDefinition; root: protobuf.Root } | undefined;

function load() {
  cached ??= {
    packageDefinition: loadSync(LOOKASIDE_PROTO, LOADER_OPTIONS),
    // Reflection also describes grpc.health.v1, so `grpcurl list` shows it.
    reflectionDefinition: repairMapEntryDescriptors(loadSync([LOOKASIDE_PROTO, healthProtoPath], LOADER_OPTIONS)),
    root: protobuf.loadSync(join(PROTO_ROOT, LOOKASIDE_PROTO)),
  };
  return cached;
}

export function loadBalancerDefinition(): ServiceDefinition {
  return load().packageDefinition[LOAD_BALANCER_SERVICE] as ServiceDefinition;
}

export function reflectionPackageDefinition(): PackageDefinition {
  return load().reflectionDefinition;
}

/**
 * Decodes a request into a protobufjs message, without proto-loader's
 * conversion to a plain object with every default filled in: a request is
 * read once, by the validator, which applies its own defaults. It is a
 * measurable part of a GetServers call (bench/get-servers-throughput).
 * Field names are camelCase, as with proto-loader.
 */
export function requestDecoder(messageType: 'GetServersRequest' | 'WatchServersRequest'): (bytes: Buffer) => object {
  const type = load().root.lookupType(`lookaside.v1.${messageType}`);
  return (bytes) => {
    try {
      return type.decode(bytes);
    } catch (error) {
      // grpc-js answers a decoder that throws with INTERNAL, as if the
      // server were at fault; the handler turns this into INVALID_ARGUMENT.
      return { [UNDECODABLE]: `the request is not a valid lookaside.v1.${messageType} (${(error as Error).message}); send the message the proto defines` };
    }
  };
}

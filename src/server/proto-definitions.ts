// Loads the wire contract once. The same package definition drives the
// LoadBalancer service, its encoder and the reflection service, so what
// grpcurl describes is exactly what is served.

import { fileURLToPath } from 'node:url';
import { loadSync, type Options, type PackageDefinition, type ServiceDefinition } from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { repairMapEntryDescriptors } from './reflection-descriptors.js';

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

let cached: { packageDefinition: PackageDefinition; reflectionDefinition: PackageDefinition } | undefined;

function load() {
  cached ??= {
    packageDefinition: loadSync(LOOKASIDE_PROTO, LOADER_OPTIONS),
    // Reflection also describes grpc.health.v1, so `grpcurl list` shows it.
    reflectionDefinition: repairMapEntryDescriptors(loadSync([LOOKASIDE_PROTO, healthProtoPath], LOADER_OPTIONS)),
  };
  return cached;
}

export function loadBalancerDefinition(): ServiceDefinition {
  return load().packageDefinition[LOAD_BALANCER_SERVICE] as ServiceDefinition;
}

export function reflectionPackageDefinition(): PackageDefinition {
  return load().reflectionDefinition;
}

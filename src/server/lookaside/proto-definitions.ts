// The lookaside.v1.LoadBalancer service as grpc-js serves it, and what
// reflection describes, both from the descriptors `buf build` made of proto/
// (src/generated/lookaside-v1.ts, through src/wire/): no .proto file is read
// at run time, and the field names are the proto's.

import type { PackageDefinition } from '@grpc/proto-loader';
import type { ServiceDefinition } from '@grpc/grpc-js';
import { LOAD_BALANCER_SERVICE, lookasideFileDescriptorProtos, lookasideType } from '../../wire/lookaside-messages.js';
import { HEALTH_SERVICE, healthFileDescriptorProtos } from '../../wire/health-messages.js';
import { UNDECODABLE } from './request-validation.js';

export { LOAD_BALANCER_SERVICE };

type MessageName = 'GetServersRequest' | 'WatchServersRequest' | 'GetServersResponse' | 'WatchServersResponse';

/** Plain objects in, bytes out; a field the message does not have is an error, not silently dropped. */
function serializer(name: MessageName): (value: object) => Buffer {
  const type = lookasideType(name);
  return (value) => {
    for (const key of Object.keys(value)) if (!type.fields[key]) throw new Error(`lookaside.v1.${name} has no field "${key}"`);
    return Buffer.from(type.encode(type.fromObject(value)).finish());
  };
}

function deserializer(name: MessageName): (bytes: Buffer) => object {
  const type = lookasideType(name);
  return (bytes) => type.toObject(type.decode(bytes), { longs: String, defaults: true, arrays: true, objects: true });
}

let definition: ServiceDefinition | undefined;

/** The LoadBalancer service: paths, streaming, and codecs for plain objects. */
export function loadBalancerDefinition(): ServiceDefinition {
  definition ??= {
    GetServers: {
      path: `/${LOAD_BALANCER_SERVICE}/GetServers`,
      requestStream: false,
      responseStream: false,
      requestSerialize: serializer('GetServersRequest'),
      requestDeserialize: deserializer('GetServersRequest'),
      responseSerialize: serializer('GetServersResponse'),
      responseDeserialize: deserializer('GetServersResponse'),
    },
    WatchServers: {
      path: `/${LOAD_BALANCER_SERVICE}/WatchServers`,
      requestStream: false,
      responseStream: true,
      requestSerialize: serializer('WatchServersRequest'),
      requestDeserialize: deserializer('WatchServersRequest'),
      responseSerialize: serializer('WatchServersResponse'),
      responseDeserialize: deserializer('WatchServersResponse'),
    },
  };
  return definition;
}

/** What server reflection needs to describe lookaside.v1 and grpc.health.v1: their files as buf built them. */
export function reflectionPackageDefinition(): PackageDefinition {
  return {
    [LOAD_BALANCER_SERVICE]: { fileDescriptorProtos: lookasideFileDescriptorProtos() },
    [HEALTH_SERVICE]: { fileDescriptorProtos: healthFileDescriptorProtos() },
  } as unknown as PackageDefinition;
}

/**
 * Decodes a request into a protobufjs message, without converting it to a
 * plain object with every default filled in: a request is read once, by the
 * validator, which applies its own defaults. It is a measurable part of a
 * GetServers call (bench/get-servers-throughput). Field names are the
 * proto's (client.client_id).
 */
export function requestDecoder(messageType: 'GetServersRequest' | 'WatchServersRequest'): (bytes: Buffer) => object {
  const type = lookasideType(messageType);
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

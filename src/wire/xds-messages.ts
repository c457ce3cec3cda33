// The xDS messages the control plane reads and writes, over the generated
// descriptors (src/generated/xds.ts): one protobufjs Root, built once, with
// the field names the protos spell (snake_case), so what the code writes is
// what reflection describes.
//
// What is the project's own here, beside the generated types: encodeMessage
// checks every field name first, as Type.fromObject drops a field it does
// not know without a word (a misspelt field fails the first test instead of
// vanishing from the wire); and a DiscoveryResponse is assembled from
// resource bytes encoded once and shared (lengthDelimitedField).

import protobuf from 'protobufjs';
import { XDS_FILE_DESCRIPTORS } from '../generated/xds.js';
import { descriptorRoot, fileDescriptorProtos } from './descriptor-types.js';

export const ADS_SERVICE = 'envoy.service.discovery.v3.AggregatedDiscoveryService';
export const ADS_METHOD = 'StreamAggregatedResources';

const TYPE_URL_PREFIX = 'type.googleapis.com/';

/** The resource types a proxyless gRPC client asks for, by their type URLs. */
export const LISTENER_TYPE = `${TYPE_URL_PREFIX}envoy.config.listener.v3.Listener`;
export const ROUTE_CONFIGURATION_TYPE = `${TYPE_URL_PREFIX}envoy.config.route.v3.RouteConfiguration`;
export const CLUSTER_TYPE = `${TYPE_URL_PREFIX}envoy.config.cluster.v3.Cluster`;
export const CLUSTER_LOAD_ASSIGNMENT_TYPE = `${TYPE_URL_PREFIX}envoy.config.endpoint.v3.ClusterLoadAssignment`;
export const HTTP_CONNECTION_MANAGER_TYPE = `${TYPE_URL_PREFIX}envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager`;
export const ROUTER_TYPE = `${TYPE_URL_PREFIX}envoy.extensions.filters.http.router.v3.Router`;

let root: protobuf.Root | undefined;

/** The xDS types as one resolved Root, built on first use. */
export function xdsRoot(): protobuf.Root {
  root ??= descriptorRoot(XDS_FILE_DESCRIPTORS);
  return root;
}

/** A message type by its type URL or full name. */
export function xdsType(typeUrlOrName: string): protobuf.Type {
  const name = typeUrlOrName.startsWith(TYPE_URL_PREFIX) ? typeUrlOrName.slice(TYPE_URL_PREFIX.length) : typeUrlOrName;
  return xdsRoot().lookupType(name);
}

/** Encodes a plain object as the message `typeUrl` names; unknown fields throw. */
export function encodeMessage(typeUrl: string, value: Record<string, unknown>): Uint8Array {
  const type = xdsType(typeUrl);
  checkFieldNames(type, value, type.fullName.slice(1));
  return type.encode(type.fromObject(value)).finish();
}

function checkFieldNames(type: protobuf.Type, value: Record<string, unknown>, path: string): void {
  for (const [name, fieldValue] of Object.entries(value)) {
    const field = type.fields[name];
    if (!field) throw new Error(`${path}: ${type.fullName.slice(1)} has no field "${name}"`);
    const resolved = field.resolvedType;
    if (!(resolved instanceof protobuf.Type) || fieldValue === null || fieldValue === undefined || fieldValue instanceof Uint8Array) continue;
    if (field.map) {
      for (const [key, item] of Object.entries(fieldValue as Record<string, unknown>)) checkFieldNames(resolved, item as Record<string, unknown>, `${path}.${name}["${key}"]`);
      continue;
    }
    const items = Array.isArray(fieldValue) ? fieldValue : [fieldValue];
    for (const [index, item] of items.entries()) {
      checkFieldNames(resolved, item as Record<string, unknown>, `${path}.${name}${Array.isArray(fieldValue) ? `[${index}]` : ''}`);
    }
  }
}

/** A google.protobuf.Any holding `value` encoded as `typeUrl`. */
export function anyOf(typeUrl: string, value: Record<string, unknown>): { type_url: string; value: Uint8Array } {
  return { type_url: typeUrl, value: encodeMessage(typeUrl, value) };
}

/** A DiscoveryRequest as the server reads it. */
export interface DiscoveryRequest {
  readonly version_info: string;
  readonly node?: {
    readonly id?: string;
    readonly cluster?: string;
    readonly locality?: { readonly region?: string; readonly zone?: string; readonly sub_zone?: string };
    readonly metadata?: unknown;
    readonly user_agent_name?: string;
  };
  readonly resource_names: readonly string[];
  readonly type_url: string;
  readonly response_nonce: string;
  readonly error_detail?: { readonly code?: number; readonly message?: string };
}

/** Decodes a DiscoveryRequest into a plain object with proto3 defaults filled in. */
export function decodeDiscoveryRequest(bytes: Uint8Array): DiscoveryRequest {
  const type = xdsType('envoy.service.discovery.v3.DiscoveryRequest');
  return type.toObject(type.decode(bytes), { defaults: true, arrays: true, longs: String, enums: String }) as DiscoveryRequest;
}

/** Decodes any served message into a plain object (for tests and tools). */
export function decodeMessage(typeUrl: string, bytes: Uint8Array): Record<string, unknown> {
  const type = xdsType(typeUrl);
  return type.toObject(type.decode(bytes), { defaults: true, arrays: true, longs: String, enums: String, oneofs: true });
}

/**
 * Protobuf wire helpers for assembling a DiscoveryResponse from pieces that
 * were encoded once and are shared (invariant 5, docs/design.md): a message's encoding is
 * the concatenation of its fields' encodings, so a response is its version,
 * the cached bytes of each resource, its type URL and its nonce, laid end
 * to end.
 */
export function lengthDelimitedField(fieldNumber: number, payload: Uint8Array): Buffer {
  const writer = protobuf.Writer.create();
  writer.uint32(((fieldNumber << 3) | 2) >>> 0).bytes(payload);
  return Buffer.from(writer.finish());
}

/** DiscoveryResponse's field numbers (envoy/service/discovery/v3/discovery.proto). */
export const DISCOVERY_RESPONSE_FIELDS = {
  version_info: 1,
  resources: 2,
  type_url: 4,
  nonce: 5,
} as const;

/** The xDS files as buf built them (the served types and what they import), for server reflection. */
export function xdsFileDescriptorProtos(): Buffer[] {
  return fileDescriptorProtos(XDS_FILE_DESCRIPTORS);
}

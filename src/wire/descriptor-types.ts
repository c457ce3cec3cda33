// protobufjs message types from the FileDescriptorProtos that `buf build`
// made (the generated modules in src/generated/), so that the codecs and
// server reflection read the same descriptors and cannot drift apart.
//
// This is the project's own reader, not protobufjs's Root.fromDescriptor:
// that one (protobufjs 7.6) reads a map field as a repeated entry message
// and marks every field that carries an option as unpacked, which changes
// what the codecs write. This reads the part of descriptor.proto a proto3
// codec needs (messages, fields, maps, oneofs, enums, services) into
// protobufjs's JSON form (Root.fromJSON's input). Options are left out but
// `packed`: validation rules and annotations change no byte on the wire.
// Files that are not proto3 (descriptor.proto and validate.proto, which the
// xDS protos import only for their options) are skipped; a proto3 field of
// a type they define fails to resolve, naming the type.
//
// scripts/generate-wire-descriptors.ts uses it too, to write the client
// package's lookaside.v1 types (camelCase field names, as the client reads
// them) from the same descriptors.

import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor/index.js';

/** Field and oneof names: as the .proto writes them (client_id), or as protobufjs's parser names them by default (clientId). */
export type FieldNames = 'as-written' | 'camelCase';

/** protobufjs's JSON form of a namespace, message, enum or service. */
export interface JsonNode {
  nested?: Record<string, JsonNode>;
  fields?: Record<string, JsonField>;
  oneofs?: Record<string, { oneof: string[] }>;
  values?: Record<string, number>;
  options?: Record<string, unknown>;
  methods?: Record<string, { requestType: string; requestStream?: true; responseType: string; responseStream?: true }>;
}

interface JsonField {
  type: string;
  id: number;
  rule?: 'repeated';
  keyType?: string;
  options?: { packed?: false; proto3_optional?: true };
}

/** The fields of descriptor.proto this reads, as protobufjs's toObject names them. */
interface FieldProto {
  name: string;
  number: number;
  label?: number;
  type?: number;
  typeName?: string;
  oneofIndex?: number;
  proto3Optional?: boolean;
  options?: { packed?: boolean };
}
interface MessageProto {
  name: string;
  field?: FieldProto[];
  nestedType?: MessageProto[];
  enumType?: EnumProto[];
  oneofDecl?: { name: string }[];
  options?: { mapEntry?: boolean };
}
interface EnumProto {
  name: string;
  value?: { name: string; number: number }[];
  options?: { allowAlias?: boolean };
}
interface ServiceProto {
  name: string;
  method?: { name: string; inputType: string; outputType: string; clientStreaming?: boolean; serverStreaming?: boolean }[];
}
export interface FileProto {
  name: string;
  package?: string;
  dependency?: string[];
  syntax?: string;
  messageType?: MessageProto[];
  enumType?: EnumProto[];
  service?: ServiceProto[];
}

/** descriptor.proto's FieldDescriptorProto.Type numbers of the scalar types, by protobufjs's names for them. */
const SCALAR_TYPES: Readonly<Record<number, string>> = {
  1: 'double', 2: 'float', 3: 'int64', 4: 'uint64', 5: 'int32', 6: 'fixed64', 7: 'fixed32', 8: 'bool',
  9: 'string', 12: 'bytes', 13: 'uint32', 15: 'sfixed32', 16: 'sfixed64', 17: 'sint32', 18: 'sint64',
};
const TYPE_MESSAGE = 11;
const TYPE_ENUM = 14;
const LABEL_REPEATED = 3;

/** Decodes FileDescriptorProtos (as a generated module holds them, base64) into plain objects with unset fields absent. */
function decodeFileDescriptors(encoded: readonly string[]): FileProto[] {
  return encoded.map((base64) => {
    const message = descriptor.FileDescriptorProto.decode(Buffer.from(base64, 'base64'));
    return descriptor.FileDescriptorProto.toObject(message as never, { defaults: false }) as unknown as FileProto;
  });
}

/** The proto3 types of `files` in protobufjs's JSON form. */
export function namespaceJson(files: readonly FileProto[], fieldNames: FieldNames): JsonNode {
  const rename = fieldNames === 'camelCase' ? protobuf.util.camelCase : (name: string) => name;
  const root: JsonNode = {};
  for (const file of files) {
    if (file.syntax !== 'proto3') continue;
    let namespace = root;
    let scope = '';
    for (const part of file.package ? file.package.split('.') : []) {
      namespace.nested ??= {};
      namespace = namespace.nested[part] ??= {};
      scope = `${scope}.${part}`;
    }
    for (const message of file.messageType ?? []) nest(namespace, message.name, messageJson(message, `${scope}.${message.name}`, rename));
    for (const enumType of file.enumType ?? []) nest(namespace, enumType.name, enumJson(enumType));
    for (const service of file.service ?? []) nest(namespace, service.name, serviceJson(service));
  }
  return root;
}

/** The FileDescriptorProtos of a generated module as bytes, as server reflection serves them. */
export function fileDescriptorProtos(encoded: readonly string[]): Buffer[] {
  return encoded.map((base64) => Buffer.from(base64, 'base64'));
}

/** A resolved protobufjs Root of the proto3 types in `encoded` (a generated module's FileDescriptorProtos). */
export function descriptorRoot(encoded: readonly string[], fieldNames: FieldNames = 'as-written'): protobuf.Root {
  const root = protobuf.Root.fromJSON(namespaceJson(decodeFileDescriptors(encoded), fieldNames) as protobuf.INamespace);
  root.resolveAll();
  return root;
}

function nest(namespace: JsonNode, name: string, node: JsonNode): void {
  namespace.nested ??= {};
  namespace.nested[name] = node;
}

function messageJson(message: MessageProto, fullName: string, rename: (name: string) => string): JsonNode {
  // `fields` even when empty (google.protobuf.Empty): protobufjs reads a node without it as a namespace.
  const node: JsonNode & { fields: Record<string, JsonField> } = { fields: {} };
  const mapEntries = new Map((message.nestedType ?? []).filter((nested) => nested.options?.mapEntry).map((entry) => [`${fullName}.${entry.name}`, entry]));
  const oneofs = message.oneofDecl ?? [];
  for (const field of message.field ?? []) {
    const name = rename(field.name);
    const entry = field.typeName === undefined ? undefined : mapEntries.get(field.typeName);
    let json: JsonField;
    if (entry) {
      const [key, value] = [entry.field?.find((f) => f.number === 1), entry.field?.find((f) => f.number === 2)];
      if (!key || !value) throw new Error(`${fullName}.${field.name}: map entry ${entry.name} lacks its key or value field`);
      json = { keyType: fieldType(key, fullName), type: fieldType(value, fullName), id: field.number };
    } else {
      json = { type: fieldType(field, fullName), id: field.number };
      if (field.label === LABEL_REPEATED) json.rule = 'repeated';
    }
    if (field.options?.packed === false) json.options = { packed: false };
    if (field.proto3Optional) json.options = { ...json.options, proto3_optional: true };
    node.fields[name] = json;
    if (field.oneofIndex !== undefined) {
      const oneof = oneofs[field.oneofIndex];
      if (!oneof) throw new Error(`${fullName}.${field.name}: oneof ${field.oneofIndex} is not declared`);
      ((node.oneofs ??= {})[rename(oneof.name)] ??= { oneof: [] }).oneof.push(name);
    }
  }
  for (const nested of message.nestedType ?? []) {
    if (!nested.options?.mapEntry) nest(node, nested.name, messageJson(nested, `${fullName}.${nested.name}`, rename));
  }
  for (const enumType of message.enumType ?? []) nest(node, enumType.name, enumJson(enumType));
  return node;
}

function fieldType(field: FieldProto, scope: string): string {
  if (field.type === TYPE_MESSAGE || field.type === TYPE_ENUM) {
    if (!field.typeName) throw new Error(`${scope}.${field.name}: no type name`);
    // Absolute (".envoy.config.core.v3.Node"), as buf writes them: protobufjs looks these up from the root.
    return field.typeName;
  }
  const scalar = field.type === undefined ? undefined : SCALAR_TYPES[field.type];
  if (!scalar) throw new Error(`${scope}.${field.name}: field type ${field.type} is not a proto3 type`);
  return scalar;
}

function enumJson(enumType: EnumProto): JsonNode {
  const node: JsonNode = { values: Object.fromEntries((enumType.value ?? []).map((value) => [value.name, value.number])) };
  if (enumType.options?.allowAlias) node.options = { allow_alias: true };
  return node;
}

function serviceJson(service: ServiceProto): JsonNode {
  return {
    methods: Object.fromEntries(
      (service.method ?? []).map((method) => [
        method.name,
        {
          requestType: method.inputType,
          ...(method.clientStreaming && { requestStream: true as const }),
          responseType: method.outputType,
          ...(method.serverStreaming && { responseStream: true as const }),
        },
      ]),
    ),
  };
}

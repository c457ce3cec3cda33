// Repairs the file descriptors that server reflection hands out.
//
// proto-loader builds its descriptors with protobufjs, which writes a map
// field's entry type under the field's own name ("metadata") and refers to
// it by that bare name. Strict reflection clients (buf curl, grpcurl, every
// Go client through protodesc) then reject the whole file, and every method
// of the service becomes unreachable through reflection. protoc names the
// entry "<FieldInCamelCase>Entry" and refers to it by its full name; this
// rewrites the descriptors that way before reflection indexes them.

import type { PackageDefinition } from '@grpc/proto-loader';
import descriptor from 'protobufjs/ext/descriptor/index.js';

interface FieldProto {
  name?: string;
  typeName?: string;
}
interface MessageProto {
  name?: string;
  field?: FieldProto[];
  nestedType?: MessageProto[];
  options?: { mapEntry?: boolean };
}
interface FileProto {
  package?: string;
  messageType?: MessageProto[];
}

function camelCase(name: string): string {
  return name.replace(/(?:^|_)([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

function repairMessage(message: MessageProto, scope: string): void {
  const fullName = `${scope}.${message.name}`;
  for (const field of message.field ?? []) {
    if (!field.typeName || field.typeName.startsWith('.')) continue;
    const entry = message.nestedType?.find((nested) => nested.name === field.typeName && nested.options?.mapEntry);
    if (!entry || !field.name) continue;
    entry.name = `${camelCase(field.name)}Entry`;
    field.typeName = `${fullName}.${entry.name}`;
  }
  for (const nested of message.nestedType ?? []) repairMessage(nested, fullName);
}

function repairFile(bytes: Buffer): Buffer {
  const file = descriptor.FileDescriptorProto.decode(bytes) as unknown as FileProto;
  const scope = file.package ? `.${file.package}` : '';
  for (const message of file.messageType ?? []) repairMessage(message, scope);
  return Buffer.from(descriptor.FileDescriptorProto.encode(file as never).finish());
}

/** A copy of `definition` whose file descriptors strict clients accept. */
export function repairMapEntryDescriptors(definition: PackageDefinition): PackageDefinition {
  const repaired = new Map<Buffer, Buffer>();
  const result: PackageDefinition = {};
  for (const [name, entry] of Object.entries(definition)) {
    const protos = (entry as { fileDescriptorProtos?: Buffer[] }).fileDescriptorProtos;
    if (!Array.isArray(protos)) {
      result[name] = entry;
      continue;
    }
    const fixed = protos.map((bytes) => {
      let out = repaired.get(bytes);
      if (!out) {
        out = repairFile(bytes);
        repaired.set(bytes, out);
      }
      return out;
    });
    result[name] = { ...entry, fileDescriptorProtos: fixed } as typeof entry;
  }
  return result;
}

// Repairs the file descriptors that server reflection hands out. They are
// built with protobufjs (src/wire/file-descriptors.ts), which writes a map
// field's entry type under the field's own name ("metadata") and refers to
// it by that bare name. Strict reflection clients (buf curl, grpcurl, every
// Go client through protodesc) then reject the whole file, and every method
// of the service becomes unreachable through reflection. protoc names the
// entry "<FieldInCamelCase>Entry" and refers to it by its full name; this
// rewrites the descriptors that way before reflection indexes them.
//
// The descriptors built from a generated (JSON) descriptor have no
// `dependency` list and keep type references as written, and
// @grpc/reflection fills in neither: a strict client then cannot resolve a
// type from another file ("failed to find service ... in schema"). So every
// reference is made absolute, and each file gets the files that define the
// types it refers to as its dependencies.
//
// protobufjs also writes a reserved range's end as it holds it, inclusive
// ("reserved 5" becomes 5 to 5), where a descriptor's end is exclusive; a
// strict client rejects the empty range, so ends are moved one up.

import type { PackageDefinition } from '@grpc/proto-loader';
import descriptor from 'protobufjs/ext/descriptor/index.js';

interface FieldProto {
  name?: string;
  typeName?: string;
}
interface EnumProto {
  name?: string;
}
interface ServiceProto {
  name?: string;
  method?: { inputType?: string; outputType?: string }[];
}
interface MessageProto {
  name?: string;
  field?: FieldProto[];
  nestedType?: MessageProto[];
  enumType?: EnumProto[];
  reservedRange?: { start?: number; end?: number }[];
  options?: { mapEntry?: boolean };
}
interface FileProto {
  name?: string;
  package?: string;
  dependency?: string[];
  messageType?: MessageProto[];
  enumType?: EnumProto[];
  service?: ServiceProto[];
}

function camelCase(name: string): string {
  return name.replace(/(?:^|_)([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

function repairMessage(message: MessageProto, scope: string): void {
  const fullName = `${scope}.${message.name}`;
  for (const range of message.reservedRange ?? []) if (range.end !== undefined) range.end += 1;
  for (const field of message.field ?? []) {
    if (!field.typeName || field.typeName.startsWith('.')) continue;
    const entry = message.nestedType?.find((nested) => nested.name === field.typeName && nested.options?.mapEntry);
    if (!entry || !field.name) continue;
    entry.name = `${camelCase(field.name)}Entry`;
    field.typeName = `${fullName}.${entry.name}`;
  }
  for (const nested of message.nestedType ?? []) repairMessage(nested, fullName);
}

/** Every message and enum a file defines, by full name with the leading dot. */
function definedNames(file: FileProto): string[] {
  const names: string[] = [];
  const scope = file.package ? `.${file.package}` : '';
  const walk = (message: MessageProto, parent: string) => {
    const fullName = `${parent}.${message.name}`;
    names.push(fullName);
    for (const nested of message.nestedType ?? []) walk(nested, fullName);
    for (const enumType of message.enumType ?? []) names.push(`${fullName}.${enumType.name}`);
  };
  for (const message of file.messageType ?? []) walk(message, scope);
  for (const enumType of file.enumType ?? []) names.push(`${scope}.${enumType.name}`);
  return names;
}

/**
 * Resolves `name` as protobuf scoping does (innermost scope outward), or
 * undefined when no known file defines it.
 */
function resolveName(name: string, scope: string, known: ReadonlyMap<string, string>): string | undefined {
  if (name.startsWith('.')) return known.has(name) ? name : undefined;
  for (let at = scope; ; at = at.slice(0, Math.max(0, at.lastIndexOf('.')))) {
    const candidate = `${at}.${name}`;
    if (known.has(candidate)) return candidate;
    if (at === '') return undefined;
  }
}

/**
 * Makes every type reference of `file` absolute (descriptors from JSON keep
 * them as written) and returns the full names it refers to.
 */
function absoluteReferences(file: FileProto, known: ReadonlyMap<string, string>): string[] {
  const names: string[] = [];
  const scope = file.package ? `.${file.package}` : '';
  const walk = (message: MessageProto, parent: string) => {
    const fullName = `${parent}.${message.name}`;
    for (const field of message.field ?? []) {
      if (!field.typeName) continue;
      const resolved = resolveName(field.typeName, fullName, known);
      if (resolved === undefined) continue;
      field.typeName = resolved;
      names.push(resolved);
    }
    for (const nested of message.nestedType ?? []) walk(nested, fullName);
  };
  for (const message of file.messageType ?? []) walk(message, scope);
  for (const service of file.service ?? []) {
    for (const method of service.method ?? []) {
      for (const key of ['inputType', 'outputType'] as const) {
        const resolved = method[key] === undefined ? undefined : resolveName(method[key], scope, known);
        if (resolved === undefined) continue;
        method[key] = resolved;
        names.push(resolved);
      }
    }
  }
  return names;
}

/** A copy of `definition` whose file descriptors strict clients accept. */
export function repairReflectionDescriptors(definition: PackageDefinition): PackageDefinition {
  const decoded = new Map<Buffer, FileProto>();
  for (const entry of Object.values(definition)) {
    for (const bytes of (entry as { fileDescriptorProtos?: Buffer[] }).fileDescriptorProtos ?? []) {
      if (decoded.has(bytes)) continue;
      const file = descriptor.FileDescriptorProto.decode(bytes) as unknown as FileProto;
      const scope = file.package ? `.${file.package}` : '';
      for (const message of file.messageType ?? []) repairMessage(message, scope);
      decoded.set(bytes, file);
    }
  }
  const fileOf = new Map<string, string>();
  for (const file of decoded.values()) for (const name of definedNames(file)) fileOf.set(name, file.name ?? '');
  const repaired = new Map<Buffer, Buffer>();
  for (const [bytes, file] of decoded) {
    const dependencies = new Set(file.dependency ?? []);
    for (const name of absoluteReferences(file, fileOf)) {
      const defining = fileOf.get(name);
      if (defining !== undefined && defining !== file.name) dependencies.add(defining);
    }
    file.dependency = [...dependencies].sort();
    repaired.set(bytes, Buffer.from(descriptor.FileDescriptorProto.encode(file as never).finish()));
  }
  const result: PackageDefinition = {};
  for (const [name, entry] of Object.entries(definition)) {
    const protos = (entry as { fileDescriptorProtos?: Buffer[] }).fileDescriptorProtos;
    result[name] = Array.isArray(protos) ? ({ ...entry, fileDescriptorProtos: protos.map((bytes) => repaired.get(bytes)!) } as typeof entry) : entry;
  }
  return result;
}

// Builds the FileDescriptorProtos server reflection serves from a generated
// wire module: one per .proto file as the protos name it
// ("envoy/config/core/v3/base.proto", "lookaside/v1/lookaside.proto"), with
// the types that file defines. protobufjs writes what it holds (type
// references as written, map entries named after their field, reserved
// ranges inclusive); src/server/shared/reflection-descriptors.ts turns that into
// what strict reflection clients accept.

import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor/index.js';

interface FileDescriptor {
  name: string;
  package: string;
  syntax: string;
  messageType: unknown[];
  enumType: unknown[];
  service: unknown[];
}

/** A resolved Root from a generated descriptor (Root.fromJSON's input). */
export function resolvedRoot(json: Record<string, unknown>): protobuf.Root {
  const root = protobuf.Root.fromJSON(json as protobuf.INamespace);
  root.resolveAll();
  return root;
}

/** The files of `root`, given the .proto file of each top-level type (a wire module's *_FILES). */
export function fileDescriptorProtos(root: protobuf.Root, files: Readonly<Record<string, string>>): Buffer[] {
  const byFile = new Map<string, FileDescriptor>();
  for (const [fullName, fileName] of Object.entries(files)) {
    const object = root.lookup(fullName);
    if (!object) throw new Error(`${fullName} is listed as defined in ${fileName} but the descriptor lacks it; regenerate with npm run generate:wire`);
    let file = byFile.get(fileName);
    if (!file) {
      file = { name: fileName, package: object.parent!.fullName.slice(1), syntax: 'proto3', messageType: [], enumType: [], service: [] };
      byFile.set(fileName, file);
    }
    const described = (object as unknown as { toDescriptor(edition?: string): unknown }).toDescriptor('proto3');
    if (object instanceof protobuf.Type) file.messageType.push(described);
    else if (object instanceof protobuf.Enum) file.enumType.push(described);
    else if (object instanceof protobuf.Service) file.service.push(described);
  }
  return [...byFile.values()].map((file) => Buffer.from(descriptor.FileDescriptorProto.encode(file as never).finish()));
}

// Generates every wire module of the project from ONE descriptor set that
// `buf build` makes of proto/ (lookaside.v1, and the xDS and health protos
// in proto/third_party/), pruned by buf to the types the control plane
// serves and what they import:
//
//   src/generated/lookaside-v1.ts    lookaside.v1, for the LoadBalancer service and reflection
//   src/generated/health-v1.ts       grpc.health.v1, for reflection and `doctor`'s health probe
//   src/generated/xds.ts             the xDS API the control plane serves (ADS, LRS, CSDS and
//                                    the Listener, RouteConfiguration, Cluster and
//                                    ClusterLoadAssignment resources)
//   packages/client/src/generated/lookaside-v1.ts
//                                    lookaside.v1 for the client package, which ships nothing else
//
// The server's modules hold the FileDescriptorProtos as buf encoded them
// (base64): reflection serves those bytes and the codecs read their types
// from them (src/wire/descriptor-types.ts). The client's module holds
// protobufjs's JSON form of the same types, with the field names the client
// reads (camelCase), so the client needs no descriptor reader at run time.
// Nothing reads a .proto file at run time.
//
//   npm run generate:wire
//
// Run it after changing anything in proto/. test/wire/wire-descriptors.test.ts
// fails when a committed module differs from what this writes.

import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import { namespaceJson, type FileProto } from '../src/wire/descriptor-types.js';

const require = createRequire(import.meta.url);
const REPOSITORY = fileURLToPath(new URL('..', import.meta.url));
const BUF = join(dirname(require.resolve('@bufbuild/buf/package.json')), 'bin', 'buf');

/** One server module: the files that define `roots`, with everything they import. */
export interface ServerModule {
  readonly file: string;
  /** The exported constant: LOOKASIDE_V1 gives LOOKASIDE_V1_FILE_DESCRIPTORS. */
  readonly constant: string;
  readonly description: string;
  /** Packages, services and messages (buf's --type), the module's entry points. */
  readonly roots: readonly string[];
}

export const SERVER_MODULES: readonly ServerModule[] = [
  {
    file: 'src/generated/lookaside-v1.ts',
    constant: 'LOOKASIDE_V1',
    description: 'lookaside.v1 (proto/lookaside/v1/)',
    roots: ['lookaside.v1'],
  },
  {
    file: 'src/generated/health-v1.ts',
    constant: 'HEALTH_V1',
    description: 'grpc.health.v1 (proto/third_party/grpc/health/v1/health.proto)',
    roots: ['grpc.health.v1'],
  },
  {
    file: 'src/generated/xds.ts',
    constant: 'XDS',
    description: 'the xDS API the control plane serves (proto/third_party/)',
    roots: [
      'envoy.service.discovery.v3.AggregatedDiscoveryService',
      'envoy.service.discovery.v3.DiscoveryRequest',
      'envoy.service.discovery.v3.DiscoveryResponse',
      'envoy.config.listener.v3.Listener',
      'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
      'envoy.extensions.filters.http.router.v3.Router',
      'envoy.config.route.v3.RouteConfiguration',
      'envoy.config.cluster.v3.Cluster',
      'envoy.config.endpoint.v3.ClusterLoadAssignment',
      'envoy.service.load_stats.v3.LoadReportingService',
      'envoy.service.status.v3.ClientStatusDiscoveryService',
    ],
  },
];

/** The client package's module: the lookaside.v1 module's files, as protobufjs JSON. */
export const CLIENT_MODULE = { file: 'packages/client/src/generated/lookaside-v1.ts', from: SERVER_MODULES[0]! } as const;

/** One file of the descriptor set: its bytes as buf wrote them, and what they say. */
interface BuiltFile {
  readonly bytes: Uint8Array;
  readonly proto: FileProto;
}

/** `buf build proto`, pruned to the modules' roots, as one FileDescriptorSet: its files in buf's order (imports first). */
export function buildDescriptorSet(): BuiltFile[] {
  const types = SERVER_MODULES.flatMap((module) => module.roots.flatMap((root) => ['--type', root]));
  const set = execFileSync(BUF, ['build', 'proto', '--exclude-source-info', ...types, '-o', '-#format=binpb'], { cwd: REPOSITORY, maxBuffer: 64 * 1024 * 1024 });
  // FileDescriptorSet is `repeated FileDescriptorProto file = 1`: each file's
  // bytes are kept exactly as buf encoded them.
  const files: BuiltFile[] = [];
  const reader = protobuf.Reader.create(set);
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag >>> 3 !== 1 || (tag & 7) !== 2) throw new Error(`buf build wrote an unexpected field (tag ${tag}) in the FileDescriptorSet`);
    const bytes = reader.bytes();
    files.push({ bytes, proto: descriptor.FileDescriptorProto.toObject(descriptor.FileDescriptorProto.decode(bytes) as never, { defaults: false }) as unknown as FileProto });
  }
  return files;
}

/** The files that define `roots` and all they import, in the set's order. */
function moduleFiles(files: readonly BuiltFile[], roots: readonly string[]): BuiltFile[] {
  const byName = new Map(files.map((file) => [file.proto.name, file]));
  const wanted = new Set<string>();
  const add = (name: string) => {
    if (wanted.has(name)) return;
    wanted.add(name);
    for (const dependency of byName.get(name)?.proto.dependency ?? []) add(dependency);
  };
  for (const root of roots) {
    const defining = files.filter((file) => definesRoot(file.proto, root));
    if (defining.length === 0) throw new Error(`no file in proto/ defines ${root}`);
    for (const file of defining) add(file.proto.name);
  }
  return files.filter((file) => wanted.has(file.proto.name));
}

function definesRoot(file: FileProto, root: string): boolean {
  const pkg = file.package ?? '';
  if (pkg === root) return true;
  if (!root.startsWith(`${pkg}.`)) return false;
  const name = root.slice(pkg.length + 1);
  return [...(file.messageType ?? []), ...(file.enumType ?? []), ...(file.service ?? [])].some((type) => type.name === name);
}

const HEADER = ['// Generated by scripts/generate-wire-descriptors.ts from `buf build proto`: do not edit.', '// Regenerate with `npm run generate:wire`.'];

/** The text of a server module for the protos as they are now. */
export function renderServerModule(module: ServerModule, files: readonly BuiltFile[]): string {
  const own = moduleFiles(files, module.roots);
  return [
    ...HEADER,
    `// ${module.description}: the FileDescriptorProtos of ${own.length} files, as buf`,
    '// encoded them (base64), imports first. Server reflection serves these bytes;',
    '// src/wire/descriptor-types.ts reads the codecs\' types from them.',
    `export const ${module.constant}_FILE_DESCRIPTORS: readonly string[] = [`,
    ...own.flatMap((file) => [`  // ${file.proto.name}`, `  '${Buffer.from(file.bytes).toString('base64')}',`]),
    '];',
    '',
  ].join('\n');
}

/** The text of the client package's module for the protos as they are now. */
export function renderClientModule(files: readonly BuiltFile[]): string {
  const json = namespaceJson(moduleFiles(files, CLIENT_MODULE.from.roots).map((file) => file.proto), 'camelCase');
  return [
    ...HEADER,
    `// ${CLIENT_MODULE.from.description}, in protobufjs's JSON form (Root.fromJSON) with the`,
    "// field names protobufjs's parser gives by default (clientId), as the client reads them.",
    '// Not typed as protobufjs\'s INamespace, whose typings demand fields (such as "comment")',
    '// the JSON leaves out.',
    `export const LOOKASIDE_DESCRIPTOR: Record<string, unknown> = ${JSON.stringify(json, null, 2)};`,
    '',
  ].join('\n');
}

/** Every generated module: its path in the repository and its text. */
export function renderAll(): { file: string; text: string }[] {
  const files = buildDescriptorSet();
  return [...SERVER_MODULES.map((module) => ({ file: module.file, text: renderServerModule(module, files) })), { file: CLIENT_MODULE.file, text: renderClientModule(files) }];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const { file, text } of renderAll()) {
    const path = join(REPOSITORY, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    process.stdout.write(`wrote ${file}\n`);
  }
}

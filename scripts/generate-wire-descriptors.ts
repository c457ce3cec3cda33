// Generates the wire modules in src/wire/: each a protobufjs JSON
// descriptor of the messages and services the control plane serves, pruned
// to the types they reach, with field names as the protos spell them
// (snake_case), and the .proto file of every top-level type, so that server
// reflection serves the files as written.
//
//   src/wire/lookaside-descriptor.ts  lookaside.v1 from proto/ (the contract),
//                                     and grpc.health.v1 from grpc-health-check
//   src/wire/xds-descriptor.ts        the xDS API: the ADS service, Listener,
//                                     HttpConnectionManager, Router,
//                                     RouteConfiguration, Cluster,
//                                     ClusterLoadAssignment, and the load
//                                     reporting (LRS) and client status
//                                     (CSDS) services
//
// The xDS protos come from @grpc/grpc-js-xds, which ships the envoy, xds,
// udpa, validate and googleapis protos its own client parses; serving from
// the same files keeps both sides on one version of the API. It is a
// development dependency only: the control plane reads no .proto file at
// run time.
//
//   npm run generate:wire
//
// test/wire/wire-descriptors.test.ts fails when a committed module is stale.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/** One generated module: where its protos are, what it serves, where it goes. */
export interface WireModule {
  readonly file: string;
  /** The exported constants' prefix: XDS gives XDS_DESCRIPTOR and XDS_FILES. */
  readonly constant: string;
  readonly source: () => string;
  readonly includeDirs: () => string[];
  /** The files that define what is served; everything they import comes along. */
  readonly entryFiles: readonly string[];
  /** The types and services encoded or decoded; the pruned descriptor keeps what they reach. */
  readonly rootTypes: readonly string[];
}

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));
const packageVersion = (name: string) => (JSON.parse(readFileSync(join(packageDir(name), 'package.json'), 'utf8')) as { version: string }).version;
/** protobufjs's own folder, for google/protobuf/descriptor.proto (its other well-known types are built in). */
const PROTOBUFJS_DIR = () => packageDir('protobufjs');

export const LOOKASIDE_MODULE: WireModule = {
  file: fileURLToPath(new URL('../src/wire/lookaside-descriptor.ts', import.meta.url)),
  constant: 'LOOKASIDE',
  source: () => `proto/lookaside/v1/lookaside.proto and the health.proto of grpc-health-check ${packageVersion('grpc-health-check')}`,
  includeDirs: () => [fileURLToPath(new URL('../proto', import.meta.url)), join(packageDir('grpc-health-check'), 'proto'), PROTOBUFJS_DIR()],
  entryFiles: ['lookaside/v1/lookaside.proto', 'health/v1/health.proto'],
  rootTypes: ['lookaside.v1.LoadBalancer', 'grpc.health.v1.Health'],
};

export const XDS_MODULE: WireModule = {
  file: fileURLToPath(new URL('../src/wire/xds-descriptor.ts', import.meta.url)),
  constant: 'XDS',
  source: () => `the xDS protos of @grpc/grpc-js-xds ${packageVersion('@grpc/grpc-js-xds')}`,
  includeDirs: () => [...['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map((dir) => join(packageDir('@grpc/grpc-js-xds'), 'deps', dir)), PROTOBUFJS_DIR()],
  entryFiles: XDS_ENTRY_FILES(),
  rootTypes: XDS_ROOT_TYPES(),
};

export const WIRE_MODULES = [LOOKASIDE_MODULE, XDS_MODULE] as const;

function XDS_ENTRY_FILES(): string[] {
  return [
  'envoy/service/discovery/v3/ads.proto',
  'envoy/config/listener/v3/listener.proto',
  'envoy/config/route/v3/route.proto',
  'envoy/config/cluster/v3/cluster.proto',
  'envoy/config/endpoint/v3/endpoint.proto',
  'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
  'envoy/extensions/filters/http/router/v3/router.proto',
  'envoy/service/load_stats/v3/lrs.proto',
  'envoy/service/status/v3/csds.proto',
  ];
}

function XDS_ROOT_TYPES(): string[] {
  return [
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
  ];
}

function loadRoot(module: WireModule): protobuf.Root {
  const dirs = module.includeDirs();
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => {
    for (const dir of dirs) {
      const candidate = join(dir, target);
      if (existsSync(candidate)) return candidate;
    }
    // protobufjs bundles google/protobuf/*.proto itself.
    return target;
  };
  root.loadSync([...module.entryFiles], { keepCase: true });
  root.resolveAll();
  return root;
}

/** Full names (without the leading dot) of every type and enum reachable from the module's root types. */
function reachable(root: protobuf.Root, rootTypes: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const visit = (object: protobuf.ReflectionObject): void => {
    const name = object.fullName.slice(1);
    if (seen.has(name)) return;
    seen.add(name);
    // The enclosing message of a nested type has to exist for the name to resolve.
    if (object.parent instanceof protobuf.Type) visit(object.parent);
    if (object instanceof protobuf.Type) {
      for (const field of object.fieldsArray) if (field.resolvedType) visit(field.resolvedType);
    } else if (object instanceof protobuf.Service) {
      for (const method of object.methodsArray) {
        visit(root.lookup(method.requestType, [protobuf.Type], true) ?? fail(method.requestType));
        visit(root.lookup(method.responseType, [protobuf.Type], true) ?? fail(method.responseType));
      }
    }
  };
  for (const name of rootTypes) visit(root.lookup(name) ?? fail(name));
  return seen;
}

function fail(name: string): never {
  throw new Error(`${name} is not defined by the protos`);
}

type JsonNamespace = { nested?: Record<string, JsonNode>; options?: Record<string, unknown>; [key: string]: unknown };
type JsonNode = JsonNamespace & { fields?: Record<string, { options?: Record<string, unknown> }>; oneofs?: Record<string, { options?: unknown }>; values?: unknown; methods?: Record<string, { options?: unknown }> };

/**
 * Keeps the reachable types, and the namespaces and parents that hold them.
 * Options go (validation rules, annotations, deprecation): they change no
 * byte on the wire, and they would need their extension types. `packed` is
 * the one option that does change the wire, and it is kept.
 */
function prune(node: JsonNode, path: string, keep: Set<string>): JsonNode | undefined {
  const isType = node.fields !== undefined || node.values !== undefined || node.methods !== undefined;
  const out: JsonNode = { ...node };
  delete out.options;
  if (out.fields) {
    out.fields = Object.fromEntries(
      Object.entries(out.fields).map(([name, field]) => {
        const { options, ...rest } = field;
        const packed = options?.packed;
        return [name, packed === undefined ? rest : { ...rest, options: { packed } }];
      }),
    );
  }
  if (out.oneofs) out.oneofs = Object.fromEntries(Object.entries(out.oneofs).map(([name, { options: _options, ...rest }]) => [name, rest]));
  if (out.methods) out.methods = Object.fromEntries(Object.entries(out.methods).map(([name, { options: _options, ...rest }]) => [name, rest]));
  if (node.nested) {
    const nested: Record<string, JsonNode> = {};
    for (const [name, child] of Object.entries(node.nested)) {
      const childPath = path ? `${path}.${name}` : name;
      const kept = prune(child, childPath, keep);
      if (kept) nested[name] = kept;
    }
    if (Object.keys(nested).length > 0) out.nested = nested;
    else delete out.nested;
  }
  if (isType) return keep.has(path) ? out : undefined;
  return out.nested ? out : undefined;
}

/** protobufjs's built-in well-known types carry no file name: the files protoc would name. */
const WELL_KNOWN_FILES: Record<string, string> = {
  Any: 'any', Duration: 'duration', Timestamp: 'timestamp', Empty: 'empty', FieldMask: 'field_mask',
  Struct: 'struct', Value: 'struct', ListValue: 'struct', NullValue: 'struct',
  DoubleValue: 'wrappers', FloatValue: 'wrappers', Int64Value: 'wrappers', UInt64Value: 'wrappers', Int32Value: 'wrappers',
  UInt32Value: 'wrappers', BoolValue: 'wrappers', StringValue: 'wrappers', BytesValue: 'wrappers',
};

/**
 * The .proto file of every kept top-level type, as an import would name it
 * ("envoy/config/core/v3/base.proto"), so that reflection can serve the
 * types in files named and linked as the protos are.
 */
function fileNames(root: protobuf.Root, keep: Set<string>, dirs: string[]): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of [...keep].sort()) {
    const object = root.lookup(name)!;
    if (object.parent instanceof protobuf.Type) continue;
    let file = object.filename;
    if (file) {
      const dir = dirs.find((d) => file!.startsWith(`${d}/`));
      if (dir) file = file.slice(dir.length + 1);
    } else if (name.startsWith('google.protobuf.')) {
      const known = WELL_KNOWN_FILES[name.slice('google.protobuf.'.length)];
      if (!known) throw new Error(`${name}: no file known for this well-known type; add it to WELL_KNOWN_FILES`);
      file = `google/protobuf/${known}.proto`;
    }
    if (!file) throw new Error(`${name}: protobufjs recorded no file for it`);
    files[name] = file;
  }
  return files;
}

/**
 * protobufjs defines the well-known types (google/protobuf/struct.proto,
 * ...) from its own JSON, in camelCase ("stringValue") whatever keepCase
 * says. Their .proto files spell them in snake_case ("string_value"), which
 * is what reflection must describe and what the rest of the module uses.
 */
function snakeCaseWellKnownTypes(root: JsonNode): void {
  const snake = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
  const google = root.nested?.google?.nested?.protobuf?.nested;
  for (const type of Object.values(google ?? {})) {
    if (type.fields) type.fields = Object.fromEntries(Object.entries(type.fields).map(([name, field]) => [snake(name), field]));
    const oneofs = type.oneofs as Record<string, { oneof: string[] }> | undefined;
    if (oneofs) for (const oneof of Object.values(oneofs)) oneof.oneof = oneof.oneof.map(snake);
  }
}

/** The text of a wire module for the protos as they are now. */
export function renderWireModule(module: WireModule): string {
  const root = loadRoot(module);
  const keep = reachable(root, module.rootTypes);
  const pruned = prune(root.toJSON({ keepComments: false }) as JsonNode, '', keep) ?? {};
  snakeCaseWellKnownTypes(pruned);
  // Check that the pruned descriptor stands on its own before writing it.
  protobuf.Root.fromJSON(pruned as protobuf.INamespace).resolveAll();
  const shortNames = module.rootTypes.map((t) => t.slice(t.lastIndexOf('.') + 1)).join(', ');
  return [
    `// Generated from ${module.source()} by`,
    '// scripts/generate-wire-descriptors.ts: do not edit. Regenerate with `npm run generate:wire`.',
    `// ${keep.size} types reachable from: ${shortNames}.`,
    '',
    "// protobufjs's JSON form of a namespace (Root.fromJSON), field names as the protos spell them.",
    `export const ${module.constant}_DESCRIPTOR: Record<string, unknown> = ${JSON.stringify(pruned, null, 1)};`,
    '',
    '// The .proto file that defines each top-level type, for reflection.',
    `export const ${module.constant}_FILES: Record<string, string> = ${JSON.stringify(fileNames(root, keep, module.includeDirs()), null, 1)};`,
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const module of WIRE_MODULES) {
    writeFileSync(module.file, renderWireModule(module));
    process.stdout.write(`wrote ${module.file}\n`);
  }
}

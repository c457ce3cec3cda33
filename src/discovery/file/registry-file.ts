// The YAML registry file: its format, and its translation into service specs.
// Every error names the file, the line and column, the field's path and the
// rule, so a person can fix the file without reading this code.
//
//   services:                    # required; "services: []" for none
//     - name: greeter            # RFC 1035 label
//       namespace: default       # RFC 1123 label
//       trafficDistribution: PreferSameZone   # optional: callers' own zone first
//       internalTrafficPolicy: Local          # optional: only the caller's node
//       ports:
//         - name: grpc           # optional for a single port
//           port: 50051          # the Service port clients name
//           backends:            # required; "backends: []" for none
//             - address: 127.0.0.1:50061   # host:port, [v6]:port
//               weight: 100                # 1..10000, default 100
//               zone: zone-a               # optional
//               metadata: { pod: greeter-0 }
//   routes:                      # optional: Gateway API GRPCRoutes (docs/routing.md)
//     - name: greeter-canary
//       namespace: default
//       spec: { parentRefs: [...], rules: [...] }   # a GRPCRoute spec, verbatim
//   referenceGrants:             # optional: Gateway API ReferenceGrants
//     - name: allow-default
//       namespace: other
//       spec: { from: [...], to: [...] }            # a ReferenceGrant spec, verbatim

import { isIP } from 'node:net';
import { experimental } from '@grpc/grpc-js';
import { LineCounter, parseDocument, isNode, visit } from 'yaml';
import { z } from 'zod';
import { checkNamespace, checkPortName, checkServiceName, InvalidServiceRefError, serviceKey } from '../../registry/service-ref.js';
import { formatAddress, MAX_WEIGHT, MIN_WEIGHT, type ServiceSpec } from '../../registry/snapshot.js';
import type { ReferenceGrantSource, RouteSource } from '../../registry/route-spec.js';
import { grpcRouteSpecSchema, referenceGrantSpecSchema, toGrpcRouteSpec, toReferenceGrant } from '../grpc-route-schema.js';

/** A registry file that cannot be used, with every problem found in it. */
export class RegistryFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`invalid registry file ${file}:\n  ${problems.join('\n  ')}`);
    this.name = 'RegistryFileError';
  }
}

/** An RFC 1123 host name, as Kubernetes validates FQDN endpoints. */
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/i;

function labelCheck(check: (value: string, field: string) => void) {
  return (value: string, ctx: z.RefinementCtx) => {
    try {
      check(value, 'value');
    } catch (error) {
      if (!(error instanceof InvalidServiceRefError)) throw error;
      ctx.addIssue({ code: 'custom', message: error.rule });
    }
  };
}

/** Alias expansions allowed in one file (the yaml library's own default, stated here for the error). */
const MAX_ALIAS_COUNT = 100;

/** The rules for the two keys whose absence would withdraw backends; an explicit empty list is allowed. */
const MISSING_SERVICES = 'is required: the file is empty or has no "services" key (write "services: []" to serve no services)';
const MISSING_BACKENDS = 'is required: list the backends (write "backends: []" for a port that has none)';

const portNumber = z
  .number({ error: 'must be a port number from 1 to 65535' })
  .int({ error: 'must be a whole number from 1 to 65535' })
  .min(1, { error: 'must be a port number from 1 to 65535' })
  .max(65535, { error: 'must be a port number from 1 to 65535' });

const backendSchema = z.strictObject(
  {
    address: z.string({ error: 'is required: "host:port", for example "10.0.0.7:8080" or "[2001:db8::7]:8080"' }).superRefine((value, ctx) => {
      const problem = checkAddress(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    weight: z
      .number({ error: `must be a whole number from ${MIN_WEIGHT} to ${MAX_WEIGHT}` })
      .int({ error: `must be a whole number from ${MIN_WEIGHT} to ${MAX_WEIGHT}` })
      .min(MIN_WEIGHT, { error: `must be from ${MIN_WEIGHT} to ${MAX_WEIGHT}` })
      .max(MAX_WEIGHT, { error: `must be from ${MIN_WEIGHT} to ${MAX_WEIGHT}` })
      .optional(),
    zone: z.string({ error: 'must be a string' }).max(63, { error: 'must be at most 63 characters' }).optional(),
    metadata: z.record(z.string(), z.string({ error: 'values must be strings' }), { error: 'must be a map of strings to strings' }).optional(),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? undefined : 'must be a map with address, and optionally weight, zone and metadata') },
);

const portSchema = z.strictObject(
  {
    name: z.string({ error: 'must be a string' }).superRefine(labelCheck(checkPortName)).optional(),
    port: portNumber,
    // Required: a write cut short can end a port right before its backends,
    // and serving that as "no backends" would withdraw them all.
    backends: z.array(backendSchema, { error: (issue) => (issue.input === undefined ? MISSING_BACKENDS : 'must be a list of backends') }),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? undefined : 'must be a map with port, and optionally name and backends') },
);

const serviceSchema = z.strictObject(
  {
    name: z.string({ error: 'is required: the Service name' }).superRefine(labelCheck(checkServiceName)),
    namespace: z.string({ error: 'must be a string: the namespace' }).superRefine(labelCheck(checkNamespace)).default('default'),
    ports: z.array(portSchema, { error: 'must be a list of ports' }).min(1, { error: 'must list at least one port' }),
    // As Kubernetes spells them; PreferClose is PreferSameZone's older name.
    trafficDistribution: z
      .enum(['PreferSameZone', 'PreferClose', 'PreferSameNode'], { error: 'must be PreferSameZone (or its older name PreferClose: the caller\'s zone first) or PreferSameNode (its node, then its zone)' })
      .optional(),
    internalTrafficPolicy: z.enum(['Cluster', 'Local'], { error: 'must be Cluster (every backend) or Local (only the backends on the caller\'s node)' }).optional(),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? undefined : 'must be a map with name, namespace and ports, and optionally trafficDistribution and internalTrafficPolicy') },
);

/** A GRPCRoute or ReferenceGrant as the file lists it: its name, namespace and spec verbatim. */
function namedObjectSchema<T extends z.ZodType>(what: string, spec: T) {
  return z.strictObject(
    {
      name: z.string({ error: `is required: the ${what}'s name` }).regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, { error: 'must be a DNS subdomain: lowercase letters, digits, "-" and "."' }).max(253),
      namespace: z.string({ error: 'must be a string: the namespace' }).superRefine(labelCheck(checkNamespace)).default('default'),
      spec,
    },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? undefined : `must be a map with name, namespace and spec (a ${what} spec)`) },
  );
}

const fileSchema = z.strictObject(
  // Required: an empty file (a truncated write, a ConfigMap key emptied by
  // mistake) must not withdraw every service.
  {
    services: z.array(serviceSchema, { error: (issue) => (issue.input === undefined ? MISSING_SERVICES : 'must be a list of services') }),
    routes: z.array(namedObjectSchema('GRPCRoute', grpcRouteSpecSchema), { error: 'must be a list of GRPCRoutes ({name, namespace, spec})' }).default([]),
    referenceGrants: z.array(namedObjectSchema('ReferenceGrant', referenceGrantSpecSchema), { error: 'must be a list of ReferenceGrants ({name, namespace, spec})' }).default([]),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? undefined : 'the file must be a map with the key "services", and optionally "routes" and "referenceGrants"') },
);

type FileContent = z.infer<typeof fileSchema>;

/** Checks a "host:port" string; returns what is wrong, or undefined. */
function checkAddress(value: string): string | undefined {
  const parsed = splitHostPort(value);
  if (!parsed) return `"${value}" is not "host:port" (IPv6 as "[2001:db8::7]:8080")`;
  const { host, port } = parsed;
  if (port < 1 || port > 65535) return `the port in "${value}" must be a number from 1 to 65535`;
  if (isIP(host) === 0 && !HOST_NAME.test(host)) return `the host in "${value}" is neither an IP address nor a valid host name`;
  return undefined;
}

/**
 * "host:port" or "[v6]:port" read as gRPC reads an address (grpc-js's
 * splitHostPort), so the file takes what a client can read; undefined when
 * there is no port, the port is not a number, or brackets hold no IPv6 address.
 */
function splitHostPort(value: string): { host: string; port: number } | undefined {
  const parsed = experimental.splitHostPort(value);
  if (!parsed || parsed.port === undefined) return undefined;
  return { host: parsed.host, port: parsed.port };
}

/** Everything a registry file says: services, and the routes and grants between them. */
export interface RegistryFileContent {
  readonly services: ServiceSpec[];
  readonly routes: RouteSource[];
  readonly referenceGrants: ReferenceGrantSource[];
}

/**
 * Parses the text of a registry file into service specs. Throws a
 * RegistryFileError listing every problem with its line.
 */
export function parseRegistryFile(file: string, text: string): ServiceSpec[] {
  return parseRegistryFileContent(file, text).services;
}

/** Parses the whole registry file: services, routes and reference grants. */
export function parseRegistryFileContent(file: string, text: string): RegistryFileContent {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const where = (offset: number | undefined): string => {
    if (offset === undefined) return file;
    const { line, col } = lineCounter.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  if (doc.errors.length > 0) {
    throw new RegistryFileError(
      file,
      doc.errors.map((e) => `${where(e.pos[0])}: ${e.message.split('\n')[0]}`),
    );
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (error) {
    // The yaml library says only "Excessive alias count" and gives no position.
    if (!(error instanceof ReferenceError)) throw error;
    throw new RegistryFileError(file, [
      `${where(firstAliasOffset(doc))}: the aliases (*name) expand past the limit of ${MAX_ALIAS_COUNT} copies of anchored values, which keeps a small file from taking unbounded memory; write the values out or use fewer aliases`,
    ]);
  }
  const result = fileSchema.safeParse(raw);
  if (!result.success) {
    throw new RegistryFileError(
      file,
      result.error.issues.map((issue) => {
        const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
        const node = doc.getIn(path, true);
        const offset = isNode(node) ? node.range?.[0] : undefined;
        const field = issue.code === 'unrecognized_keys' ? `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}` : issue.message;
        return `${where(offset ?? nearestOffset(doc, path))}: ${formatPath(path) || '(top level)'}: ${field}`;
      }),
    );
  }
  const problems = checkUnique(result.data).map(({ path, message }) => `${where(nearestOffset(doc, path))}: ${formatPath(path)}: ${message}`);
  if (problems.length > 0) throw new RegistryFileError(file, problems);
  return {
    services: toSpecs(result.data),
    // The file has no creation times: an earlier entry counts as the older route.
    routes: result.data.routes.map((route, index) => ({ name: route.name, namespace: route.namespace, generation: 1, age: index, spec: toGrpcRouteSpec(route.spec) })),
    referenceGrants: result.data.referenceGrants.map((grant) => ({ name: grant.name, namespace: grant.namespace, ...toReferenceGrant(grant.spec) })),
  };
}

/** Where the first alias (*name) is, to point at when aliases expand too far. */
function firstAliasOffset(doc: ReturnType<typeof parseDocument>): number | undefined {
  let offset: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      offset = node.range?.[0];
      return visit.BREAK;
    },
  });
  return offset;
}

/** The offset of the deepest node on `path` that exists. */
function nearestOffset(doc: ReturnType<typeof parseDocument>, path: (string | number)[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return node.range[0];
  }
  return undefined;
}

function formatPath(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** The rules zod cannot see: names and addresses must be unique. */
function checkUnique(content: FileContent): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  for (const list of ['routes', 'referenceGrants'] as const) {
    const seen = new Map<string, number>();
    content[list].forEach((entry, i) => {
      const key = `${entry.namespace}/${entry.name}`;
      const first = seen.get(key);
      if (first !== undefined) problems.push({ path: [list, i, 'name'], message: `${key} is already defined at ${list}[${first}]` });
      else seen.set(key, i);
    });
  }
  const services = new Map<string, number>();
  content.services.forEach((service, s) => {
    const key = serviceKey(service.name, service.namespace);
    const first = services.get(key);
    if (first !== undefined) problems.push({ path: ['services', s, 'name'], message: `service ${key} is already defined at services[${first}]` });
    else services.set(key, s);
    const names = new Map<string, number>();
    const numbers = new Map<number, number>();
    if (service.ports.length > 1) {
      service.ports.forEach((port, p) => {
        if (port.name === undefined) problems.push({ path: ['services', s, 'ports', p], message: 'a service with more than one port must name each port' });
      });
    }
    service.ports.forEach((port, p) => {
      const name = port.name ?? '';
      if (names.has(name)) problems.push({ path: ['services', s, 'ports', p, 'name'], message: `port name "${name}" is already used by ports[${names.get(name)}]` });
      else names.set(name, p);
      if (numbers.has(port.port)) problems.push({ path: ['services', s, 'ports', p, 'port'], message: `port ${port.port} is already used by ports[${numbers.get(port.port)}]` });
      else numbers.set(port.port, p);
      const addresses = new Map<string, number>();
      port.backends.forEach((backend, b) => {
        const { host, port: backendPort } = splitHostPort(backend.address)!;
        const address = formatAddress(host.toLowerCase(), backendPort);
        if (addresses.has(address)) {
          problems.push({ path: ['services', s, 'ports', p, 'backends', b, 'address'], message: `${address} is already listed at backends[${addresses.get(address)}]` });
        } else addresses.set(address, b);
      });
    });
  });
  return problems;
}

function toSpecs(content: FileContent): ServiceSpec[] {
  return content.services.map((service) => ({
    name: service.name,
    namespace: service.namespace,
    ...(service.trafficDistribution !== undefined && { trafficDistribution: service.trafficDistribution === 'PreferSameNode' ? ('PreferSameNode' as const) : ('PreferSameZone' as const) }),
    ...(service.internalTrafficPolicy !== undefined && { internalTrafficPolicy: service.internalTrafficPolicy }),
    ports: service.ports.map((port) => ({
      name: port.name ?? '',
      port: port.port,
      backends: port.backends.map((backend) => {
        const { host, port: backendPort } = splitHostPort(backend.address)!;
        return {
          host: host.toLowerCase(),
          port: backendPort,
          ...(backend.weight !== undefined && { weight: backend.weight }),
          ...(backend.zone !== undefined && { zone: backend.zone }),
          ...(backend.metadata !== undefined && { metadata: backend.metadata }),
        };
      }),
    })),
  }));
}

// The GRPCRoute and ReferenceGrant specs (gateway.networking.k8s.io/v1 and
// v1beta1, standard channel) as zod schemas, with the CRDs' defaults and
// their validation rules (limits, patterns, and the CEL rules), and messages
// that say what is allowed. The registry file's `routes:` and
// `referenceGrants:` entries are checked with them, so a file user gets what
// the API server would have told a kubectl user. Fields that matter for
// routing are typed; a filter's own settings are only passed through, since
// no filter is applied (see src/translation/route-table.ts).

import { z } from 'zod';
import type { GrpcRouteSpec, ReferenceGrantFrom, ReferenceGrantTo } from '../registry/route-spec.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const GROUP = /^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const KIND = /^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;
/** The CRD's CEL rules for an Exact method match. */
const EXACT_SERVICE = /^\.?[a-z_][a-z_0-9]*(\.[a-z_][a-z_0-9]*)*$/i;
const EXACT_METHOD = /^[A-Za-z_][A-Za-z_0-9]*$/;
export const MAX_BACKEND_WEIGHT = 1_000_000;

const group = z.string({ error: 'must be a string: an API group ("" for the core group)' }).max(253).regex(GROUP, { error: 'must be an API group: "" (core) or a DNS subdomain' });
const kind = z.string({ error: 'must be a string: a kind' }).min(1).max(63).regex(KIND, { error: 'must be a kind: letters, digits and "-", starting with a letter' });
const namespace = z.string({ error: 'must be a string: a namespace' }).max(63).regex(DNS_LABEL, { error: 'must be a namespace: an RFC 1123 label' });
const objectName = z.string({ error: 'is required: a name' }).min(1, { error: 'must not be empty' }).max(253, { error: 'must be at most 253 characters' });
const port = z
  .number({ error: 'must be a port number from 1 to 65535' })
  .int({ error: 'must be a whole number from 1 to 65535' })
  .min(1, { error: 'must be a port number from 1 to 65535' })
  .max(65535, { error: 'must be a port number from 1 to 65535' });

/** A pattern as gRPC clients would compile it; refused here when JavaScript cannot (the Node client matches with it). */
function regexProblem(value: string): string | undefined {
  try {
    new RegExp(value);
    return undefined;
  } catch (error) {
    return `is not a regular expression: ${(error as Error).message}`;
  }
}

function checkRegex(value: string | undefined, field: string, ctx: z.RefinementCtx): void {
  const problem = value === undefined ? undefined : regexProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', path: [field], message: problem });
}

const matchType = z.enum(['Exact', 'RegularExpression'], { error: 'must be Exact or RegularExpression' }).default('Exact');

const methodMatch = z
  .strictObject(
    {
      type: matchType,
      service: z.string({ error: 'must be a string' }).max(1024).optional(),
      method: z.string({ error: 'must be a string' }).max(1024).optional(),
    },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? undefined : 'must be a map with type, service and method') },
  )
  .superRefine((value, ctx) => {
    if (value.service === undefined && value.method === undefined) {
      ctx.addIssue({ code: 'custom', message: "one or both of 'service' or 'method' must be specified" });
      return;
    }
    if (value.type === 'Exact') {
      if (value.service !== undefined && !EXACT_SERVICE.test(value.service)) {
        ctx.addIssue({ code: 'custom', path: ['service'], message: 'an Exact service is a dotted name of letters, digits and "_" (for example "helloworld.Greeter")' });
      }
      if (value.method !== undefined && !EXACT_METHOD.test(value.method)) {
        ctx.addIssue({ code: 'custom', path: ['method'], message: 'an Exact method is letters, digits and "_", not starting with a digit (for example "SayHello")' });
      }
    } else {
      checkRegex(value.service, 'service', ctx);
      checkRegex(value.method, 'method', ctx);
    }
  });

const headerMatch = z
  .strictObject(
    {
      type: matchType,
      name: z.string({ error: 'is required: a header name' }).min(1).max(256).regex(HEADER_NAME, { error: 'must be a header name (letters, digits and !#$%&\'*+-.^_`|~)' }),
      value: z.string({ error: 'is required: the value to match' }).min(1, { error: 'must not be empty' }).max(4096),
    },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? undefined : 'must be a map with name, value and optionally type') },
  )
  .superRefine((value, ctx) => {
    if (value.type === 'RegularExpression') checkRegex(value.value, 'value', ctx);
  });

const routeMatch = z.strictObject(
  {
    method: methodMatch.optional(),
    headers: z.array(headerMatch, { error: 'must be a list of header matches' }).max(16, { error: 'must have at most 16 entries' }).default([]),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? undefined : 'must be a map with method and/or headers') },
);

/** A filter: its type is checked; its settings are kept out of the model (none is applied). */
const filter = z.looseObject(
  { type: z.enum(['ResponseHeaderModifier', 'RequestHeaderModifier', 'RequestMirror', 'ExtensionRef'], { error: 'must be RequestHeaderModifier, ResponseHeaderModifier, RequestMirror or ExtensionRef' }) },
  { error: 'must be a map with a type' },
);
const filters = z.array(filter, { error: 'must be a list of filters' }).max(16, { error: 'must have at most 16 entries' }).default([]);

const backendRef = z
  .strictObject(
    {
      group: group.default(''),
      kind: kind.default('Service'),
      name: objectName,
      namespace: namespace.optional(),
      port: port.optional(),
      weight: z
        .number({ error: `must be a whole number from 0 to ${MAX_BACKEND_WEIGHT}` })
        .int({ error: `must be a whole number from 0 to ${MAX_BACKEND_WEIGHT}` })
        .min(0, { error: `must be from 0 to ${MAX_BACKEND_WEIGHT}` })
        .max(MAX_BACKEND_WEIGHT, { error: `must be from 0 to ${MAX_BACKEND_WEIGHT}` })
        .default(1),
      filters,
    },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? undefined : 'must be a map with name, port and optionally group, kind, namespace, weight and filters') },
  )
  .superRefine((value, ctx) => {
    if (value.group === '' && value.kind === 'Service' && value.port === undefined) {
      ctx.addIssue({ code: 'custom', path: ['port'], message: 'is required for a Service: the Service port number' });
    }
  });

const rule = z.strictObject(
  {
    name: z.string({ error: 'must be a string' }).min(1).max(253).regex(DNS_SUBDOMAIN, { error: 'must be a DNS subdomain' }).optional(),
    matches: z.array(routeMatch, { error: 'must be a list of matches' }).max(64, { error: 'must have at most 64 entries' }).default([]),
    filters,
    backendRefs: z.array(backendRef, { error: 'must be a list of backendRefs' }).max(16, { error: 'must have at most 16 entries' }).default([]),
    sessionPersistence: z.unknown().optional(),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? undefined : 'must be a map with matches, filters and backendRefs (each optional)') },
);

const parentRef = z.strictObject(
  {
    group: group.default('gateway.networking.k8s.io'),
    kind: kind.default('Gateway'),
    namespace: namespace.optional(),
    name: objectName,
    sectionName: z.string({ error: 'must be a string' }).min(1).max(253).optional(),
    port: port.optional(),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? undefined : 'must be a map with name and optionally group, kind, namespace, sectionName and port (a Service parent: group "", kind Service)') },
);

export const grpcRouteSpecSchema = z
  .strictObject(
    {
      parentRefs: z.array(parentRef, { error: 'must be a list of parentRefs' }).max(32, { error: 'must have at most 32 entries' }).default([]),
      hostnames: z.array(z.string({ error: 'must be a string' }).min(1).max(253), { error: 'must be a list of host names' }).max(16).default([]),
      rules: z.array(rule, { error: 'must be a list of rules' }).max(16, { error: 'must have at most 16 entries' }).default([]),
    },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? undefined : 'must be a GRPCRoute spec: a map with parentRefs, hostnames and rules') },
  )
  .superRefine((value, ctx) => {
    const total = value.rules.reduce((sum, r) => sum + r.matches.length, 0);
    if (total >= 128) ctx.addIssue({ code: 'custom', path: ['rules'], message: `has ${total} matches in all; while 16 rules and 64 matches per rule are allowed, the total across all rules must be less than 128` });
  });

/** The parsed spec, defaults applied, as the registry holds it. */
export function toGrpcRouteSpec(spec: z.infer<typeof grpcRouteSpecSchema>): GrpcRouteSpec {
  return {
    parentRefs: spec.parentRefs.map((ref) => ({
      group: ref.group,
      kind: ref.kind,
      name: ref.name,
      ...(ref.namespace !== undefined && { namespace: ref.namespace }),
      ...(ref.sectionName !== undefined && { sectionName: ref.sectionName }),
      ...(ref.port !== undefined && { port: ref.port }),
    })),
    hostnames: spec.hostnames,
    rules: spec.rules.map((r) => ({
      ...(r.name !== undefined && { name: r.name }),
      matches: r.matches.map((m) => ({
        ...(m.method !== undefined && {
          method: { type: m.method.type, ...(m.method.service !== undefined && { service: m.method.service }), ...(m.method.method !== undefined && { method: m.method.method }) },
        }),
        headers: m.headers.map((h) => ({ type: h.type, name: h.name, value: h.value })),
      })),
      filterTypes: r.filters.map((f) => f.type),
      backendRefs: r.backendRefs.map((b) => ({
        group: b.group,
        kind: b.kind,
        name: b.name,
        ...(b.namespace !== undefined && { namespace: b.namespace }),
        ...(b.port !== undefined && { port: b.port }),
        weight: b.weight,
        filterTypes: b.filters.map((f) => f.type),
      })),
    })),
  };
}

const grantFrom = z.strictObject(
  { group, kind, namespace: namespace },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? undefined : 'must be a map with group, kind and namespace') },
);
const grantTo = z.strictObject(
  { group, kind, name: objectName.optional() },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? undefined : 'must be a map with group, kind and optionally name') },
);

export const referenceGrantSpecSchema = z.strictObject(
  {
    from: z.array(grantFrom, { error: 'must be a list' }).min(1, { error: 'must list at least one entry' }).max(16),
    to: z.array(grantTo, { error: 'must be a list' }).min(1, { error: 'must list at least one entry' }).max(16),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? undefined : 'must be a ReferenceGrant spec: a map with from and to') },
);

export function toReferenceGrant(spec: z.infer<typeof referenceGrantSpecSchema>): { from: ReferenceGrantFrom[]; to: ReferenceGrantTo[] } {
  return {
    from: spec.from.map((f) => ({ group: f.group, kind: f.kind, namespace: f.namespace })),
    to: spec.to.map((t) => ({ group: t.group, kind: t.kind, ...(t.name !== undefined && { name: t.name }) })),
  };
}

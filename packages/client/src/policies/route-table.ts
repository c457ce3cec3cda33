// The route table a control plane sends with a routed Service port
// (lookaside.v1 RouteTable, from Gateway API GRPCRoutes), and how a call is
// routed by it: the first rule whose method and header matches all hold
// (the rules come in GRPCRoute precedence order), then one of the rule's
// targets by weight. The share of a backendRef that cannot be used, a rule
// that routes nowhere, and a call no rule matches fail UNAVAILABLE, as
// gRPC's xDS clients do with the same table served by RDS.

import type { Metadata } from '@grpc/grpc-js';

export type MatchType = 'Exact' | 'RegularExpression';

export interface RouteRuleEntry {
  readonly route: string;
  readonly rule: number;
  /** Undefined: any method. A RegularExpression matches the whole name; "" matches any. */
  readonly method?: { readonly type: MatchType; readonly service: string; readonly method: string };
  readonly headers: readonly { readonly type: MatchType; readonly name: string; readonly value: string }[];
  /** "name.namespace:port" of each target service port, with its weight. */
  readonly targets: readonly { readonly key: string; readonly service: string; readonly port: string; readonly weight: number }[];
  readonly unavailableWeight: number;
  /** Set when every call this rule matches fails. */
  readonly failure: string;
}

export interface RouteTable {
  readonly routes: readonly string[];
  readonly rules: readonly RouteRuleEntry[];
}

/** Where one call goes: a target service port's key, or a failure to report. */
export type RouteChoice = { readonly target: string } | { readonly failure: string };

/** The wire form (protobufjs decode, unset fields as defaults or absent). */
export interface WireRouteTable {
  routes?: string[] | null;
  rules?:
    | {
        route?: string;
        rule?: number;
        method?: { type?: number; service?: string; method?: string } | null;
        headers?: { type?: number; name?: string; value?: string }[] | null;
        targets?: { target?: { service?: string; port?: string } | null; weight?: number }[] | null;
        unavailableWeight?: number;
        failure?: string;
      }[]
    | null;
}

const REGULAR_EXPRESSION = 2;

/** Turns a decoded RouteTable into a RouteTable, compiling nothing yet. */
export function fromWireRouteTable(wire: WireRouteTable): RouteTable {
  const type = (value: number | undefined): MatchType => (value === REGULAR_EXPRESSION ? 'RegularExpression' : 'Exact');
  return {
    routes: wire.routes ?? [],
    rules: (wire.rules ?? []).map((rule) => ({
      route: rule.route ?? '',
      rule: rule.rule ?? 0,
      ...(rule.method && { method: { type: type(rule.method.type), service: rule.method.service ?? '', method: rule.method.method ?? '' } }),
      headers: (rule.headers ?? []).map((header) => ({ type: type(header.type), name: (header.name ?? '').toLowerCase(), value: header.value ?? '' })),
      targets: (rule.targets ?? []).flatMap((target) => {
        const service = target.target?.service ?? '';
        const port = target.target?.port ?? '';
        return service && port && (target.weight ?? 0) > 0 ? [{ key: `${service}:${port}`, service, port, weight: target.weight! }] : [];
      }),
      unavailableWeight: rule.unavailableWeight ?? 0,
      failure: rule.failure ?? '',
    })),
  };
}

/** The target service ports a table names, by key. */
export function routeTargets(table: RouteTable): Map<string, { service: string; port: string }> {
  const targets = new Map<string, { service: string; port: string }>();
  for (const rule of table.rules) for (const target of rule.targets) targets.set(target.key, { service: target.service, port: target.port });
  return targets;
}

/** A table compiled for calls: regular expressions built once. */
export class CompiledRouteTable {
  private readonly rules: readonly { entry: RouteRuleEntry; test: (path: string, metadata: Metadata) => boolean; total: number }[];

  constructor(
    readonly table: RouteTable,
    private readonly random: () => number = Math.random,
  ) {
    this.rules = table.rules.map((entry) => ({ entry, test: compileMatch(entry), total: entry.targets.reduce((sum, t) => sum + t.weight, 0) + entry.unavailableWeight }));
  }

  /** Where a call to `path` ("/pkg.Service/Method") with `metadata` goes. */
  choose(path: string, metadata: Metadata): RouteChoice {
    for (const { entry, test, total } of this.rules) {
      if (!test(path, metadata)) continue;
      if (entry.failure) return { failure: entry.failure };
      let point = this.random() * total;
      for (const target of entry.targets) {
        if (point < target.weight) return { target: target.key };
        point -= target.weight;
      }
      return { failure: `the share of rule ${entry.rule} of GRPCRoute ${entry.route} that goes to backendRefs that cannot be used` };
    }
    return { failure: 'no rule of the GRPCRoutes of this Service matches the call' };
  }
}

function compileMatch(entry: RouteRuleEntry): (path: string, metadata: Metadata) => boolean {
  const whole = (pattern: string) => {
    const regex = new RegExp(`^(?:${pattern})$`);
    return (value: string) => regex.test(value);
  };
  const part = (type: MatchType, pattern: string) => (pattern === '' ? () => true : type === 'Exact' ? (value: string) => value === pattern : whole(pattern));
  const service = entry.method ? part(entry.method.type, entry.method.service) : () => true;
  const method = entry.method ? part(entry.method.type, entry.method.method) : () => true;
  const headers = entry.headers.map((header) => ({ name: header.name, test: header.type === 'Exact' ? (value: string) => value === header.value : whole(header.value) }));
  return (path, metadata) => {
    const slash = path.lastIndexOf('/');
    if (!service(path.slice(1, slash)) || !method(path.slice(slash + 1))) return false;
    // Several values of one key are matched joined by ",", as gRPC's xDS clients do.
    return headers.every(({ name, test }) => {
      const values = metadata.get(name);
      return values.length > 0 && test(values.map(String).join(','));
    });
  };
}

// GRPCRoutes translated into the route table of one Service port, as one
// class of caller sees it, and the status each route earns. Both faces
// (lookaside.v1 and xDS) serve these tables; neither reads a GRPCRoute.
//
// Binding (the GAMMA "mesh" binding). A route applies to a Service through a
// parentRef of group "" and kind Service (other parentRefs belong to other
// controllers and are left alone), optionally narrowed to one Service port
// (`port`, or `sectionName` naming the port). A route in the Service's own
// namespace is a PRODUCER route: it applies to every caller. A route in
// another namespace is a CONSUMER route: it applies only to callers of its
// own namespace, and for them it replaces the producer routes (GEP-1426:
// a consumer's routes take precedence over the producer's). Where the
// caller's namespace is not known (no caller authorization), only producer
// routes apply, and consumer routes are not served to that caller. A
// caller's namespace is part of its caller class (callerClass()) only for a
// Service with a consumer route of that namespace.
// Hostnames do not apply to a Service parent and are ignored.
//
// Precedence, as the GRPCRoute spec orders it: every match of every rule of
// every applicable route is one entry; entries sort by the most characters
// in the matching service, then in the method, then the most header
// matches; ties go to the oldest route, then the first by
// "namespace/name", then the rule and match that come first. A rule with no
// matches matches every call. A call no entry matches fails UNAVAILABLE
// (what gRPC's xDS clients do with a call no route matches, gRFC A28).
//
// Targets. A rule sends each call to one of its backendRefs in proportion to
// their weights (default 1; 0 sends nothing). A backendRef that cannot be
// used (not a core Service: InvalidKind; in another namespace without a
// ReferenceGrant: RefNotPermitted; a Service or port that does not exist:
// BackendNotFound) keeps its share, and the calls that fall in that share
// fail UNAVAILABLE, as the spec requires. A rule whose weights are all 0, or
// that has no backendRefs, fails every call it matches UNAVAILABLE.
//
// Filters. Proxyless gRPC clients apply no filter (gRPC ignores header
// rewriting and mirroring in routes). The spec forbids skipping a filter, so
// a rule with a filter fails the calls it matches (UNAVAILABLE) instead of
// quietly routing them unfiltered, and the route's Accepted condition says
// so; a route none of whose rules can be implemented is Accepted=False with
// reason IncompatibleFilters. A backendRef with a filter is treated as
// unusable: its share fails.

import type { Registry } from '../registry/registry.js';
import { GATEWAY_GROUP, routeKey, type GrpcRouteMatch, type GrpcRouteRule, type ReferenceGrantSource, type RouteBackendRef, type RouteParentRef, type RouteSource } from '../registry/route-spec.js';
import type { RouteStore } from '../registry/route-store.js';
import { serviceKey } from '../registry/service-ref.js';

/** A Service port a rule sends calls to. */
export interface RouteTarget {
  readonly name: string;
  readonly namespace: string;
  /** "name.namespace". */
  readonly key: string;
  /** The Service port NUMBER (backendRefs name ports by number). */
  readonly port: number;
  readonly weight: number;
}

/** One entry of a route table: a match, and where the calls it matches go. */
export interface RoutingRule {
  /** "namespace/name" of the route. */
  readonly route: string;
  /** The rule's index in the route (and its name, if it has one). */
  readonly rule: number;
  readonly ruleName?: string;
  /** Undefined: every call matches. Header names are lowercase; a repeated name is kept once (the first). */
  readonly match: GrpcRouteMatch | undefined;
  /** The usable backendRefs with a weight above 0, in the rule's order. */
  readonly targets: readonly RouteTarget[];
  /** The summed weight of the backendRefs that cannot be used: that share of calls fails UNAVAILABLE. */
  readonly unavailableWeight: number;
  /** Set when every call this rule matches fails UNAVAILABLE: why, for the caller's status message. */
  readonly failure?: string;
}

/** The routes of one Service port for one class of caller, in precedence order. */
export interface RouteTable {
  /** "name.namespace" of the routed Service. */
  readonly service: string;
  readonly port: number;
  /** The routes that make the table ("namespace/name"), sorted. */
  readonly routes: readonly string[];
  readonly rules: readonly RoutingRule[];
  /** Equal tables, equal digests: what faces cache encodings by. */
  readonly digest: string;
}

export type ConditionStatus = 'True' | 'False';

export interface RouteCondition {
  readonly type: 'Accepted' | 'ResolvedRefs';
  readonly status: ConditionStatus;
  readonly reason: string;
  readonly message: string;
}

/** The status of a route for one of its Service parentRefs. */
export interface RouteParentStatus {
  readonly route: string;
  readonly parentRef: RouteParentRef;
  /** The route's metadata.generation that these conditions describe. */
  readonly observedGeneration: number;
  readonly accepted: RouteCondition;
  readonly resolvedRefs: RouteCondition;
}

/** The caller a table is made for; namespace undefined when it is not known. */
export interface RouteCaller {
  readonly namespace?: string;
}

/** A message for calls no rule matches. */
export const NO_MATCHING_ROUTE = 'no rule of the GRPCRoutes of this Service matches the call';

/** Whether a parentRef names a Service (the GAMMA binding) rather than a Gateway or another kind. */
export function isServiceParent(ref: RouteParentRef): boolean {
  return ref.group === '' && ref.kind === 'Service';
}

interface ResolvedRef {
  readonly ref: RouteBackendRef;
  readonly target?: RouteTarget;
  readonly problem?: { readonly reason: 'InvalidKind' | 'RefNotPermitted' | 'BackendNotFound' | 'UnsupportedFilter'; readonly message: string };
}

export class RouteTranslator {
  /** Tables computed at one (routes, registry) revision pair; answers ask per call. */
  private memo = { routes: -1, registry: -1, tables: new Map<string, RouteTable | undefined>() };

  constructor(
    private readonly registry: Registry,
    private readonly routes: RouteStore,
  ) {}

  /** Whether any route binds to this Service (any port, any caller): a cheap test before table(). */
  isRouted(key: string): boolean {
    return this.routes.routes().some((route) => route.spec.parentRefs.some((ref) => isServiceParent(ref) && serviceKey(ref.name, ref.namespace ?? route.namespace) === key));
  }

  /**
   * The caller class of a caller of `key` from `namespace`: its namespace
   * matters only when a consumer route of that namespace binds to the
   * Service; every other caller is of the producer class ({}), so answers
   * cached per class do not split by namespace where no consumer route is.
   */
  callerClass(key: string, namespace: string | undefined): RouteCaller {
    if (namespace === undefined || this.routes.routeCount === 0) return {};
    const service = this.registry.get(key);
    if (!service || service.namespace === namespace) return {};
    const consumer = this.routes.routes().some((route) => route.namespace === namespace && route.spec.parentRefs.some((ref) => isServiceParent(ref) && serviceKey(ref.name, ref.namespace ?? route.namespace) === key));
    return consumer ? { namespace } : {};
  }

  /** The Services named as targets by any route bound to `key`: what a face must also watch. */
  targetsOf(key: string): Set<string> {
    const keys = new Set<string>();
    for (const route of this.routes.routes()) {
      if (!route.spec.parentRefs.some((ref) => isServiceParent(ref) && serviceKey(ref.name, ref.namespace ?? route.namespace) === key)) continue;
      for (const rule of route.spec.rules) for (const ref of rule.backendRefs) keys.add(serviceKey(ref.name, ref.namespace ?? route.namespace));
    }
    return keys;
  }

  /**
   * The route table of the Service port `key`:`port` for `caller`, or
   * undefined when no accepted route applies (the Service's own backends
   * serve every call, as without routes).
   */
  table(key: string, port: number, caller: RouteCaller = {}): RouteTable | undefined {
    if (this.routes.routeCount === 0) return undefined;
    if (this.memo.routes !== this.routes.revision || this.memo.registry !== this.registry.revision) {
      this.memo = { routes: this.routes.revision, registry: this.registry.revision, tables: new Map() };
    }
    const memoKey = `${key}\n${port}\n${this.callerClass(key, caller.namespace).namespace ?? ''}`;
    if (this.memo.tables.has(memoKey)) return this.memo.tables.get(memoKey);
    const table = this.compute(key, port, caller);
    this.memo.tables.set(memoKey, table);
    return table;
  }

  private compute(key: string, port: number, caller: RouteCaller): RouteTable | undefined {
    const service = this.registry.get(key);
    if (!service) return undefined;
    const servicePort = service.ports.find((p) => p.port === port);
    if (!servicePort) return undefined;
    const bound = this.routes.routes().filter((route) => route.spec.parentRefs.some((ref) => isServiceParent(ref) && serviceKey(ref.name, ref.namespace ?? route.namespace) === key && portMatches(ref, servicePort)));
    const producers = bound.filter((route) => route.namespace === service.namespace);
    const consumers = caller.namespace === undefined ? [] : bound.filter((route) => route.namespace === caller.namespace && route.namespace !== service.namespace);
    const applicable = consumers.length > 0 ? consumers : producers;
    const grants = this.routes.grants();
    const entries: { route: RouteSource; rule: number; match: number; value: RoutingRule }[] = [];
    for (const route of applicable) {
      const rules = route.spec.rules.map((rule, index) => this.compileRule(route, rule, index, grants));
      // A route none of whose rules can be implemented is not Accepted: it routes nothing.
      if (rules.every((rule) => rule.failure !== undefined && rule.unsupported)) continue;
      route.spec.rules.forEach((rule, r) => {
        const compiled = rules[r]!;
        const matches = rule.matches.length === 0 ? [undefined] : rule.matches;
        matches.forEach((match, m) => entries.push({ route, rule: r, match: m, value: { ...compiled.rule, match: match && normalizeMatch(match) } }));
      });
    }
    if (entries.length === 0) return undefined;
    entries.sort(
      (a, b) =>
        serviceChars(b.value.match) - serviceChars(a.value.match) ||
        methodChars(b.value.match) - methodChars(a.value.match) ||
        (b.value.match?.headers.length ?? 0) - (a.value.match?.headers.length ?? 0) ||
        a.route.age - b.route.age ||
        compareText(routeKey(a.route), routeKey(b.route)) ||
        a.rule - b.rule ||
        a.match - b.match,
    );
    const rules = entries.map((entry) => entry.value);
    const routes = [...new Set(entries.map((entry) => entry.value.route))].sort(compareText);
    return { service: key, port, routes, rules, digest: JSON.stringify([key, port, rules]) };
  }

  /** The status of every route, for each of its Service parentRefs. */
  statuses(): RouteParentStatus[] {
    const grants = this.routes.grants();
    const result: RouteParentStatus[] = [];
    for (const route of this.routes.routes()) {
      for (const parentRef of route.spec.parentRefs) {
        if (!isServiceParent(parentRef)) continue;
        result.push(this.parentStatus(route, parentRef, grants));
      }
    }
    return result.sort((a, b) => compareText(a.route, b.route));
  }

  private parentStatus(route: RouteSource, parentRef: RouteParentRef, grants: readonly ReferenceGrantSource[]): RouteParentStatus {
    const key = serviceKey(parentRef.name, parentRef.namespace ?? route.namespace);
    const base = { route: routeKey(route), parentRef, observedGeneration: route.generation };
    const refs = route.spec.rules.flatMap((rule) => rule.backendRefs.map((ref) => this.resolveRef(route, ref, grants)));
    const refProblems = refs.flatMap((ref) => (ref.problem && ref.problem.reason !== 'UnsupportedFilter' ? [ref.problem] : []));
    const resolvedRefs: RouteCondition =
      refProblems.length === 0
        ? { type: 'ResolvedRefs', status: 'True', reason: 'ResolvedRefs', message: 'every backendRef resolves to a Service port' }
        : { type: 'ResolvedRefs', status: 'False', reason: refProblems[0]!.reason, message: `${refProblems.map((p) => p.message).join('; ')}: the share of calls that would go there fails UNAVAILABLE` };
    const service = this.registry.get(key);
    const port = service && service.ports.find((p) => portMatches(parentRef, p));
    if (!service || !port) {
      const what = !service ? `Service ${key} does not exist` : `Service ${key} has no port ${parentRef.port ?? parentRef.sectionName} (${this.registry.describePorts(service)})`;
      return { ...base, accepted: { type: 'Accepted', status: 'False', reason: 'NoMatchingParent', message: `${what}; the route applies to nothing` }, resolvedRefs };
    }
    const compiled = route.spec.rules.map((rule, index) => this.compileRule(route, rule, index, grants));
    const unsupported = compiled.flatMap((rule, index) => (rule.unsupported ? [`rule ${index} (${route.spec.rules[index]!.filterTypes.join(', ')})`] : []));
    if (compiled.length > 0 && unsupported.length === compiled.length) {
      return {
        ...base,
        accepted: { type: 'Accepted', status: 'False', reason: 'IncompatibleFilters', message: `proxyless gRPC clients cannot apply filters, and every rule has one: ${unsupported.join(', ')}` },
        resolvedRefs,
      };
    }
    const namespaceNote = route.namespace === service.namespace ? 'applies to every caller' : `a consumer route: applies to callers whose ServiceAccount is in namespace ${route.namespace}, which only --caller-auth kubernetes tells; without it the route is served to no caller`;
    const filterNote = unsupported.length === 0 ? '' : `; proxyless gRPC clients cannot apply filters, so calls matched by ${unsupported.join(', ')} fail UNAVAILABLE`;
    return { ...base, accepted: { type: 'Accepted', status: 'True', reason: 'Accepted', message: `bound to Service ${key}; ${namespaceNote}${filterNote}` }, resolvedRefs };
  }

  private compileRule(route: RouteSource, rule: GrpcRouteRule, index: number, grants: readonly ReferenceGrantSource[]): { rule: Omit<RoutingRule, 'match'>; failure?: string; unsupported: boolean } {
    const base = { route: routeKey(route), rule: index, ...(rule.name !== undefined && { ruleName: rule.name }) };
    const where = `rule ${index} of GRPCRoute ${routeKey(route)}`;
    if (rule.filterTypes.length > 0) {
      const failure = `${where} has filters (${rule.filterTypes.join(', ')}) that proxyless gRPC clients cannot apply`;
      return { rule: { ...base, targets: [], unavailableWeight: 0, failure }, failure, unsupported: true };
    }
    const resolved = rule.backendRefs.map((ref) => this.resolveRef(route, ref, grants));
    const targets = resolved.flatMap((entry) => (entry.target && entry.target.weight > 0 ? [entry.target] : []));
    const unavailableWeight = resolved.reduce((sum, entry) => sum + (entry.problem ? entry.ref.weight : 0), 0);
    if (targets.length === 0 && unavailableWeight === 0) {
      const failure = rule.backendRefs.length === 0 ? `${where} has no backendRefs` : `every backendRef of ${where} has weight 0`;
      return { rule: { ...base, targets, unavailableWeight, failure }, failure, unsupported: false };
    }
    if (targets.length === 0) {
      const failure = `no backendRef of ${where} can be used: ${resolved.map((entry) => entry.problem?.message).filter(Boolean).join('; ')}`;
      return { rule: { ...base, targets, unavailableWeight, failure }, failure, unsupported: false };
    }
    return { rule: { ...base, targets, unavailableWeight }, unsupported: false };
  }

  private resolveRef(route: RouteSource, ref: RouteBackendRef, grants: readonly ReferenceGrantSource[]): ResolvedRef {
    const namespace = ref.namespace ?? route.namespace;
    const key = serviceKey(ref.name, namespace);
    if (ref.group !== '' || ref.kind !== 'Service') {
      return { ref, problem: { reason: 'InvalidKind', message: `backendRef ${ref.group || 'core'}/${ref.kind} ${ref.name} is not a Service (only group "" kind Service is supported)` } };
    }
    if (namespace !== route.namespace && !permits(grants, route.namespace, namespace, ref.name)) {
      return { ref, problem: { reason: 'RefNotPermitted', message: `backendRef Service ${key} is in another namespace and no ReferenceGrant in ${namespace} lets GRPCRoutes of ${route.namespace} refer to it` } };
    }
    const service = this.registry.get(key);
    if (!service) return { ref, problem: { reason: 'BackendNotFound', message: `backendRef Service ${key} does not exist` } };
    if (!service.ports.some((p) => p.port === ref.port)) {
      return { ref, problem: { reason: 'BackendNotFound', message: `backendRef Service ${key} has no port ${ref.port} (${this.registry.describePorts(service)})` } };
    }
    if (ref.filterTypes.length > 0) {
      return { ref, problem: { reason: 'UnsupportedFilter', message: `backendRef Service ${key} has filters (${ref.filterTypes.join(', ')}) that proxyless gRPC clients cannot apply` } };
    }
    return { ref, target: { name: ref.name, namespace, key, port: ref.port!, weight: ref.weight } };
  }
}

function portMatches(ref: RouteParentRef, port: { readonly name: string; readonly port: number }): boolean {
  if (ref.port !== undefined && ref.port !== port.port) return false;
  if (ref.sectionName !== undefined && ref.sectionName !== port.name) return false;
  return true;
}

/** A ReferenceGrant in `to` that lets GRPCRoutes of `from` refer to Service `name`. */
function permits(grants: readonly ReferenceGrantSource[], from: string, to: string, name: string): boolean {
  return grants.some(
    (grant) =>
      grant.namespace === to &&
      grant.from.some((f) => f.group === GATEWAY_GROUP && f.kind === 'GRPCRoute' && f.namespace === from) &&
      grant.to.some((t) => t.group === '' && t.kind === 'Service' && (t.name === undefined || t.name === name)),
  );
}

/** Header names compare case-insensitively; of equivalent names only the first counts (the spec says so). */
function normalizeMatch(match: GrpcRouteMatch): GrpcRouteMatch {
  const seen = new Set<string>();
  const headers = match.headers.flatMap((header) => {
    const name = header.name.toLowerCase();
    if (seen.has(name)) return [];
    seen.add(name);
    return [{ ...header, name }];
  });
  return { ...(match.method && { method: match.method }), headers };
}

function serviceChars(match: GrpcRouteMatch | undefined): number {
  return match?.method?.service?.length ?? 0;
}

function methodChars(match: GrpcRouteMatch | undefined): number {
  return match?.method?.method?.length ?? 0;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

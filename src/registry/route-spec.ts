// What sources put into the registry for routing: Gateway API GRPCRoutes and
// ReferenceGrants, as plain data (no Kubernetes objects). A route's `spec` is
// the GRPCRoute spec with the CRD's defaults applied by the source; what it
// means (binding, precedence, targets, status) is worked out by the
// translation layer (src/translation/route-table.ts), not here.

/** gateway.networking.k8s.io: the API group of GRPCRoute and ReferenceGrant. */
export const GATEWAY_GROUP = 'gateway.networking.k8s.io';

export type StringMatchType = 'Exact' | 'RegularExpression';

export interface GrpcMethodMatch {
  readonly type: StringMatchType;
  /** Absent: any service. */
  readonly service?: string;
  /** Absent: any method. */
  readonly method?: string;
}

export interface GrpcHeaderMatch {
  readonly type: StringMatchType;
  readonly name: string;
  readonly value: string;
}

export interface GrpcRouteMatch {
  readonly method?: GrpcMethodMatch;
  readonly headers: readonly GrpcHeaderMatch[];
}

export interface RouteParentRef {
  /** "" for the core group (a Service); the CRD's default is gateway.networking.k8s.io. */
  readonly group: string;
  /** The CRD's default is Gateway. */
  readonly kind: string;
  readonly name: string;
  /** Absent: the route's own namespace. */
  readonly namespace?: string;
  readonly sectionName?: string;
  readonly port?: number;
}

export interface RouteBackendRef {
  /** "" (the core group) by default. */
  readonly group: string;
  /** "Service" by default. */
  readonly kind: string;
  readonly name: string;
  /** Absent: the route's own namespace. */
  readonly namespace?: string;
  /** The Service port number (required for a Service: the CRD says so). */
  readonly port?: number;
  /** 0 to 1,000,000; 1 by default. */
  readonly weight: number;
  /** Filter types on this backendRef (none is supported: see the translation). */
  readonly filterTypes: readonly string[];
}

export interface GrpcRouteRule {
  readonly name?: string;
  /** Empty: the rule matches every call. */
  readonly matches: readonly GrpcRouteMatch[];
  /** The types of the rule's filters, in order (their settings do not matter here: none is supported). */
  readonly filterTypes: readonly string[];
  readonly backendRefs: readonly RouteBackendRef[];
}

export interface GrpcRouteSpec {
  readonly parentRefs: readonly RouteParentRef[];
  readonly hostnames: readonly string[];
  readonly rules: readonly GrpcRouteRule[];
}

/** One GRPCRoute as a source describes it. */
export interface RouteSource {
  readonly name: string;
  readonly namespace: string;
  /** metadata.generation (1 for the file source): what status' observedGeneration names. */
  readonly generation: number;
  /**
   * How old the route is, for precedence between routes ("the oldest Route
   * based on creation timestamp"): milliseconds since the epoch of its
   * creationTimestamp in Kubernetes; in the registry file, its place in the
   * list (an earlier entry counts as older).
   */
  readonly age: number;
  readonly spec: GrpcRouteSpec;
}

export interface ReferenceGrantFrom {
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
}

export interface ReferenceGrantTo {
  readonly group: string;
  readonly kind: string;
  /** Absent: every object of that kind in the grant's namespace. */
  readonly name?: string;
}

/** One ReferenceGrant: lets objects `from` other namespaces refer to objects `to` in its own. */
export interface ReferenceGrantSource {
  readonly name: string;
  readonly namespace: string;
  readonly from: readonly ReferenceGrantFrom[];
  readonly to: readonly ReferenceGrantTo[];
}

/** "namespace/name": how routes are named in logs, status and tables. */
export function routeKey(route: { readonly name: string; readonly namespace: string }): string {
  return `${route.namespace}/${route.name}`;
}

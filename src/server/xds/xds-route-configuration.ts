// The RouteConfiguration served by RDS for one Listener (gRFC A28), named as
// the Listener is. Without a GRPCRoute it has one route, every call to the
// Service port's own Cluster. With one, it has a route per entry of the
// Service port's route table (src/translation/route-table.ts), in its
// precedence order, since gRPC takes the first route that matches:
//
//   method Exact service+method   path "/svc/Method"
//   method Exact service          prefix "/svc/"
//   method Exact method           safe_regex "/[^/]+/Method"
//   method RegularExpression      safe_regex "/(?:svc)/(?:method)" (either part "[^/]+" when absent)
//   headers                       string_match exact, or safe_regex_match (the whole value)
//   backendRefs                   weighted_clusters over each Service port's own Cluster
//
// A share that must fail UNAVAILABLE (a backendRef that cannot be used, a
// rule that routes nowhere) goes to the routed port's "unavailable" Cluster:
// a Cluster with no endpoints, which gRPC clients fail calls on with
// UNAVAILABLE. Weight-0 targets are left out: gRPC clients reject a
// weighted cluster list whose weights sum to 0, and send nothing to 0 anyway.
// Every route carries the retry policy of xds-resources.ts.

import type { RouteTable, RoutingRule } from '../../translation/route-table.js';
import { clusterName } from './xds-resource-names.js';

/** What the Cluster name of a routed port's failing share ends with. */
export const UNAVAILABLE_CLUSTER_SUFFIX = '/unavailable';

/** The Cluster, with no endpoints, that calls which must fail UNAVAILABLE are sent to. */
export function unavailableClusterName(canonicalCluster: string): string {
  return `${canonicalCluster}${UNAVAILABLE_CLUSTER_SUFFIX}`;
}

/** Escapes a literal for RE2 (and JavaScript) regular expressions. */
function literal(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

function pathMatch(rule: RoutingRule): Record<string, unknown> {
  const method = rule.match?.method;
  if (!method) return { prefix: '' };
  if (method.type === 'Exact') {
    if (method.service !== undefined && method.method !== undefined) return { path: `/${method.service}/${method.method}` };
    if (method.service !== undefined) return { prefix: `/${method.service}/` };
    return { safe_regex: { regex: `/[^/]+/${literal(method.method!)}` } };
  }
  const service = method.service === undefined ? '[^/]+' : `(?:${method.service})`;
  const name = method.method === undefined ? '[^/]+' : `(?:${method.method})`;
  return { safe_regex: { regex: `/${service}/${name}` } };
}

function headerMatchers(rule: RoutingRule): Record<string, unknown>[] {
  return (rule.match?.headers ?? []).map((header) =>
    header.type === 'Exact' ? { name: header.name, string_match: { exact: header.value } } : { name: header.name, safe_regex_match: { regex: header.value } },
  );
}

function action(rule: RoutingRule, unavailable: string, retryPolicy: Record<string, unknown>): Record<string, unknown> {
  const clusters = rule.failure !== undefined ? [] : rule.targets.map((target) => ({ name: clusterName(target, target.port), weight: { value: target.weight } }));
  if (rule.failure !== undefined || rule.unavailableWeight > 0) clusters.push({ name: unavailable, weight: { value: rule.failure !== undefined ? 1 : rule.unavailableWeight } });
  if (clusters.length === 1) return { cluster: clusters[0]!.name, retry_policy: retryPolicy };
  return { weighted_clusters: { clusters }, retry_policy: retryPolicy };
}

/** The RouteConfiguration `name` for a Service port whose own Cluster is `canonicalCluster`. */
export function routeConfiguration(name: string, canonicalCluster: string, table: RouteTable | undefined, retryPolicy: Record<string, unknown>): Record<string, unknown> {
  const unavailable = unavailableClusterName(canonicalCluster);
  const routes = table
    ? table.rules.map((rule) => ({
        name: `${rule.route}#${rule.rule}`,
        match: { ...pathMatch(rule), headers: headerMatchers(rule) },
        route: action(rule, unavailable, retryPolicy),
      }))
    : [{ match: { prefix: '' }, route: { cluster: canonicalCluster, retry_policy: retryPolicy } }];
  return { name, virtual_hosts: [{ name, domains: ['*'], routes }] };
}

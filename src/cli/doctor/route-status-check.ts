// What the GRPCRoutes bound to the Service say about themselves. A route
// that is not Accepted routes nothing, so it is absent from the route table
// the control plane serves (route-check.ts): only its status.parents entry
// (kubectl get grpcroute -o yaml) says why. doctor lists the routes of the
// Service's namespace with the user's kubeconfig, keeps those whose
// parentRefs name this Service, and reads the entry the control plane
// wrote (controllerName lookaside.dev/control-plane).
//
// RBAC this needs (docs/operations.md, "lookaside doctor"): list
// grpcroutes.gateway.networking.k8s.io in the Service's namespace. Without
// the Gateway API CRDs (404) there is nothing to say.

import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { httpStatusOf } from '../../discovery/kubernetes/api-failure.js';
import { LOOKASIDE_CONTROLLER_NAME } from '../../discovery/kubernetes/route-status-writer.js';
import type { ServiceArgument } from '../option-parsers.js';
import { explain, withDeadline } from './cluster-reader.js';
import type { Finding } from './doctor-report-schema.js';

interface RawCondition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  observedGeneration?: number;
}

interface RawRoute {
  metadata?: { name?: string; namespace?: string; generation?: number };
  spec?: { parentRefs?: { group?: string; kind?: string; name?: string; namespace?: string; port?: number }[] };
  status?: { parents?: { controllerName?: string; parentRef?: { name?: string; namespace?: string; kind?: string; group?: string; port?: number }; conditions?: RawCondition[] }[] };
}

/** Does this parentRef name the Service (group "" and kind Service, namespace defaulting to the route's)? */
function namesService(ref: { group?: string; kind?: string; name?: string; namespace?: string; port?: number }, routeNamespace: string, name: string, namespace: string, port: number | undefined): boolean {
  const portMatches = ref.port === undefined || port === undefined || ref.port === port;
  return (ref.group ?? '') === '' && (ref.kind ?? '') === 'Service' && ref.name === name && (ref.namespace ?? routeNamespace) === namespace && portMatches;
}

function routeFindingsOf(route: RawRoute, name: string, namespace: string, port: number | undefined): Finding[] {
  const routeName = route.metadata?.name ?? '';
  const routeNamespace = route.metadata?.namespace ?? namespace;
  const subject = `GRPCRoute ${routeName}`;
  const ours = (route.status?.parents ?? []).filter((p) => p.controllerName === LOOKASIDE_CONTROLLER_NAME && (!p.parentRef || namesService(p.parentRef, routeNamespace, name, namespace, port)));
  if (ours.length === 0) {
    return [
      {
        verdict: 'warn',
        subject,
        seen: `GRPCRoute ${routeName} names Service ${name} as its parent but the control plane wrote no status for it`,
        cause: `the control plane does not run against this cluster, or lacks RBAC for patch grpcroutes/status (controllerName ${LOOKASIDE_CONTROLLER_NAME})`,
        fix: "check --context against the control plane's cluster, and the control plane's log for grpcroutes/status errors",
      },
    ];
  }
  const findings: Finding[] = [];
  const generation = route.metadata?.generation;
  for (const parent of ours) {
    const conditions = parent.conditions ?? [];
    for (const type of ['Accepted', 'ResolvedRefs']) {
      const condition = conditions.find((c) => c.type === type);
      if (condition?.status !== 'False') continue;
      findings.push({
        verdict: 'fail',
        subject,
        seen: `GRPCRoute ${routeName} is ${type}=False, reason ${condition.reason ?? '(none)'}: ${condition.message ?? ''}`.replace(/: $/, ''),
        fix: type === 'Accepted' ? 'fix the route spec as the message says: a route that is not Accepted routes no call' : 'fix the backendRefs the message names: calls to them fail UNAVAILABLE',
      });
    }
    const observed = Math.min(...conditions.map((c) => c.observedGeneration ?? Number.POSITIVE_INFINITY));
    if (generation !== undefined && Number.isFinite(observed) && observed < generation) {
      findings.push({
        verdict: 'warn',
        subject,
        seen: `GRPCRoute ${routeName} is at generation ${generation} but its status is of generation ${observed}`,
        cause: 'the control plane has not acted on the latest spec: it lags, or the new spec is invalid and it keeps routing by the last valid one',
        fix: "read the control plane's log for this route; kubectl get grpcroute -o yaml shows the conditions",
      });
    }
  }
  return findings;
}

/**
 * Findings for the GRPCRoutes whose parentRefs name the target Service (and,
 * when a parentRef has a port, the target's port number); none when the
 * Gateway API is not installed.
 */
export async function routeStatusFindings(kubeConfig: KubeConfig, target: ServiceArgument, port: number | undefined, deadlineMs: number): Promise<Finding[]> {
  const [name, namespace] = target.service.split('.') as [string, string];
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  let list: { items?: RawRoute[] };
  try {
    list = (await api.listNamespacedCustomObject({ group: 'gateway.networking.k8s.io', version: 'v1', namespace, plural: 'grpcroutes' }, withDeadline(deadlineMs))) as { items?: RawRoute[] };
  } catch (error) {
    const status = httpStatusOf(error);
    if (status === 404) return [];
    if (status === 403) {
      return [
        {
          verdict: 'warn',
          seen: `cannot read the GRPCRoutes: forbidden to list grpcroutes.gateway.networking.k8s.io in namespace ${namespace}`,
          fix: "grant your kubeconfig's user list grpcroutes.gateway.networking.k8s.io in the namespace (the doctor RBAC in docs/operations.md)",
        },
      ];
    }
    return [{ verdict: 'warn', seen: `cannot read the GRPCRoutes: ${explain(error, `list grpcroutes.gateway.networking.k8s.io in namespace ${namespace}`, deadlineMs).message}` }];
  }
  const bound = (list.items ?? []).filter((route) => (route.spec?.parentRefs ?? []).some((ref) => namesService(ref, route.metadata?.namespace ?? namespace, name, namespace, port)));
  return bound.flatMap((route) => routeFindingsOf(route, name, namespace, port));
}

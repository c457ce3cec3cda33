// What doctor says about a routed Service port (GRPCRoutes): each Service
// port its route table sends calls to is asked for too, and a rule whose
// calls partly or wholly fail (a backendRef that did not resolve: the
// route's ResolvedRefs=False; a rule whose filters cannot be applied; all
// weights 0) is reported with the reason the control plane gave. A route
// that is not Accepted routes nothing, so it does not show in the table:
// with a cluster, route-status-check.ts reports it from its status.

import { status, type ServiceError } from '@grpc/grpc-js';
import type { LoadBalancerStub, ServersUpdate } from 'grpc-lookaside-client';
import type { Finding } from './doctor-report-schema.js';

export async function routeFindings(stub: LoadBalancerStub, servers: ServersUpdate, ask: (stub: LoadBalancerStub, service: string, port: string) => Promise<ServersUpdate>): Promise<Finding[]> {
  const table = servers.routeTable;
  if (!table) return [];
  const findings: Finding[] = [];
  const routes = table.routes.join(', ');
  for (const rule of table.rules) {
    const subject = `rule ${rule.rule} of GRPCRoute ${rule.route}`;
    if (rule.failure) {
      findings.push({ verdict: 'fail', subject, seen: `every call this rule matches fails UNAVAILABLE: ${rule.failure}`, fix: 'fix the rule (kubectl get grpcroute -o yaml shows its Accepted and ResolvedRefs conditions)' });
    } else if (rule.unavailableWeight > 0) {
      const total = rule.unavailableWeight + rule.targets.reduce((sum, t) => sum + t.weight, 0);
      findings.push({
        verdict: 'fail',
        subject,
        seen: `${((100 * rule.unavailableWeight) / total).toFixed(1)}% of the calls this rule matches fail UNAVAILABLE: some backendRefs do not resolve (ResolvedRefs=False)`,
        cause: 'a backendRef names a Service or port that does not exist, or one in another namespace without a ReferenceGrant',
        fix: 'kubectl get grpcroute -o yaml: the ResolvedRefs condition names each backendRef and why',
      });
    }
  }
  const targets = new Map<string, { service: string; port: string }>();
  for (const rule of table.rules) for (const target of rule.targets) targets.set(target.key, target);
  for (const [key, target] of targets) {
    try {
      const answer = await ask(stub, target.service, target.port);
      if (answer.servers.length === 0) findings.push({ verdict: 'warn', subject: key, seen: `route target ${key} (routed by ${routes}) has no ready backend: calls routed there fail` });
    } catch (error) {
      const failure = error as ServiceError;
      findings.push({ verdict: 'fail', subject: key, seen: `route target ${key} (routed by ${routes}): ${failure.details} (${status[failure.code] ?? failure.code})` });
    }
  }
  if (findings.length === 0) findings.push({ verdict: 'pass', subject: `${servers.target.service}:${servers.target.port}`, seen: `routed by ${routes}: ${table.rules.length} rule${table.rules.length === 1 ? '' : 's'}, every target answers with backends` });
  return findings;
}

// RBAC as the API server applies it, for the tests: the verb and resource a
// request is authorized as, and a Role's or ClusterRole's rules as a set.

import type { RecordedRequest } from '../support/recording-api-proxy.js';
import type { PolicyRule } from './deploy-files.js';

export interface Authorization {
  /** "group|resource|verb", or "nonResourceURL|path|verb". */
  readonly rule: string;
  /** The namespace of a namespaced request; undefined for a cluster-scope one. */
  readonly namespace: string | undefined;
}

/** How the API server's authorizer sees a request (its RequestInfo). */
export function authorizationOf(request: RecordedRequest): Authorization {
  const segments = request.path.split('/').filter((s) => s.length > 0);
  let rest: string[];
  let group: string;
  // /api/v1 and /apis/GROUP/VERSION name no resource: API discovery, a
  // non-resource request (the API server's RequestInfo needs a resource).
  if (segments[0] === 'api' && segments.length >= 3) {
    group = '';
    rest = segments.slice(2);
  } else if (segments[0] === 'apis' && segments.length >= 4) {
    group = segments[1]!;
    rest = segments.slice(3);
  } else {
    return { rule: `nonResourceURL|${request.path}|${request.method.toLowerCase()}`, namespace: undefined };
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource] = rest;
  const watch = request.query.watch === 'true' || request.query.watch === '1';
  const verbs: Record<string, string> = { GET: watch ? 'watch' : name ? 'get' : 'list', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: name ? 'delete' : 'deletecollection' };
  const verb = verbs[request.method] ?? request.method.toLowerCase();
  return { rule: `${group}|${resource ?? ''}${subresource ? `/${subresource}` : ''}|${verb}`, namespace };
}

/**
 * Whether every authenticated user may make this request: API discovery
 * (GET /api, /api/*, /apis, /apis/*), which the built-in ClusterRole
 * system:discovery grants to system:authenticated, so no manifest needs to.
 */
export function grantedToEveryone(authorization: Authorization): boolean {
  const match = /^nonResourceURL\|(\/[^|]*)\|get$/.exec(authorization.rule);
  return match !== null && /^\/apis?(\/|$)/.test(match[1]!);
}

/** The rules as "group|resource|verb" entries; wildcards and name restrictions are refused outright. */
export function ruleSet(rules: readonly PolicyRule[]): Set<string> {
  const set = new Set<string>();
  for (const rule of rules) {
    if ((rule.resourceNames ?? []).length > 0 || (rule.nonResourceURLs ?? []).length > 0) throw new Error(`a rule with resourceNames or nonResourceURLs: ${JSON.stringify(rule)}`);
    for (const group of rule.apiGroups ?? []) {
      for (const resource of rule.resources ?? []) {
        for (const verb of rule.verbs) {
          if ([group, resource, verb].includes('*')) throw new Error(`a wildcard in ${JSON.stringify(rule)}`);
          set.add(`${group}|${resource}|${verb}`);
        }
      }
    }
  }
  return set;
}

/**
 * The rules of the built-in ClusterRole system:auth-delegator, as the API
 * server creates it (Kubernetes' RBAC bootstrap policy, plugin/pkg/auth/
 * authorizer/rbac/bootstrappolicy/policy.go): create tokenreviews and create
 * subjectaccessreviews. Not in deploy/, so written down here.
 */
export const AUTH_DELEGATOR_RULES: readonly PolicyRule[] = [
  { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
  { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
];

// A route table (src/translation/route-table.ts) as the lookaside.v1
// RouteTable message, in the field names the proto spells. Targets name
// their port by number, as backendRefs do.

import type { RouteTable } from '../../translation/route-table.js';

const MATCH_TYPES = { Exact: 'MATCH_TYPE_EXACT', RegularExpression: 'MATCH_TYPE_REGULAR_EXPRESSION' } as const;

export interface RouteTableMessage {
  rules: Record<string, unknown>[];
  routes: string[];
}

export function routeTableMessage(table: RouteTable): RouteTableMessage {
  return {
    routes: [...table.routes],
    rules: table.rules.map((rule) => ({
      route: rule.route,
      rule: rule.rule,
      ...(rule.match?.method && {
        method: { type: MATCH_TYPES[rule.match.method.type], service: rule.match.method.service ?? '', method: rule.match.method.method ?? '' },
      }),
      headers: (rule.match?.headers ?? []).map((header) => ({ type: MATCH_TYPES[header.type], name: header.name, value: header.value })),
      targets: rule.targets.map((target) => ({ target: { service: target.key, port: String(target.port) }, weight: target.weight })),
      unavailable_weight: rule.unavailableWeight,
      failure: rule.failure ?? '',
    })),
  };
}

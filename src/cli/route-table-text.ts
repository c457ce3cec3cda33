// Renders a routed Service port's route table for people, under its
// backends in `get` and `watch`: the rules in the order they are tried,
// what each matches, and where its calls go with their shares.
import type { ServersUpdate } from 'grpc-lookaside-client';

type RouteTable = NonNullable<ServersUpdate['routeTable']>;
type Rule = RouteTable['rules'][number];

function describeMatch(rule: Rule): string {
  const parts: string[] = [];
  if (rule.method) {
    const regex = rule.method.type === 'RegularExpression';
    const service = rule.method.service || '*';
    const method = rule.method.method || '*';
    parts.push(`${regex ? '~' : ''}/${service}/${method}`);
  }
  for (const header of rule.headers) parts.push(`${header.name}${header.type === 'RegularExpression' ? '~' : '='}${header.value}`);
  return parts.length === 0 ? 'any call' : parts.join(' ');
}

function describeTargets(rule: Rule): string {
  if (rule.failure) return `UNAVAILABLE (${rule.failure})`;
  const total = rule.targets.reduce((sum, t) => sum + t.weight, 0) + rule.unavailableWeight;
  const share = (weight: number) => `${((100 * weight) / total).toFixed(1)}%`;
  const targets = rule.targets.map((t) => `${t.key} ${share(t.weight)} (weight ${t.weight})`);
  if (rule.unavailableWeight > 0) targets.push(`UNAVAILABLE ${share(rule.unavailableWeight)} (unusable backendRefs, weight ${rule.unavailableWeight})`);
  return targets.join(', ');
}

export function formatRouteTable(table: RouteTable): string {
  const rows = [['RULE', 'MATCH', 'TARGETS'], ...table.rules.map((rule) => [`${rule.route}#${rule.rule}`, describeMatch(rule), describeTargets(rule)])];
  const widths = [0, 1].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
  const lines = rows.map((row) => `${row[0]!.padEnd(widths[0]!)}  ${row[1]!.padEnd(widths[1]!)}  ${row[2]}`);
  return `routed by ${table.routes.join(', ')}: each call goes by the first rule that matches it (none matches: UNAVAILABLE)\n${lines.join('\n')}\n`;
}

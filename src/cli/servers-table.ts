// Renders a LoadBalancer answer for people: a header line and an aligned
// table of backends, as `get` and `watch` print it.
import type { ServersUpdate } from 'grpc-lookaside-client';
import { formatRouteTable } from './route-table-text.js';

export function formatServers(update: ServersUpdate): string {
  const servers = formatOwnServers(update);
  return update.routeTable ? `${servers}${formatRouteTable(update.routeTable)}` : servers;
}

function formatOwnServers(update: ServersUpdate): string {
  const header = `${update.target.service}:${update.target.port}  version ${update.version}`;
  if (!update.exists) return `${header}  (the control plane does not know this service or port)\n`;
  if (update.servers.length === 0) return `${header}  0 backends (the service exists but has no ready backend)\n`;
  // Calls go to the lowest failover rank (priority) only; shares are within it.
  const preferred = Math.min(...update.servers.map((s) => s.priority));
  const ranked = update.servers.some((s) => s.priority !== preferred);
  const total = update.servers.filter((s) => s.priority === preferred).reduce((sum, s) => sum + s.weight, 0);
  // Where each weight came from, when any came from an annotation (Kubernetes).
  const sourced = update.servers.some((s) => s.metadata['weight-source'] !== undefined);
  const rows = update.servers.map((s) => [
    s.address,
    String(s.weight),
    ...(sourced ? [s.metadata['weight-source'] ?? 'default'] : []),
    s.priority === preferred ? `${((100 * s.weight) / total).toFixed(1)}%` : 'failover',
    ...(ranked ? [String(s.priority)] : []),
    s.zone || '-',
    s.metadata.pod ?? '-',
    s.metadata.node ?? '-',
  ]);
  const table = [['ADDRESS', 'WEIGHT', ...(sourced ? ['FROM'] : []), 'SHARE', ...(ranked ? ['PRIORITY'] : []), 'ZONE', 'POD', 'NODE'], ...rows];
  const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  const lines = table.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd());
  return `${header}  ${update.servers.length} backend${update.servers.length === 1 ? '' : 's'}\n${lines.join('\n')}\n`;
}

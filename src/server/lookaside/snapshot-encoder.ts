// Encodes registry lookups as LoadBalancer responses. A found port's
// encoding is cached on its immutable snapshot, so each version is encoded
// once and the same bytes go to every watcher and every GetServers caller
// (invariant 5, docs/design.md). GetServersResponse and WatchServersResponse share their
// field layout, so one encoding serves both methods. Where answers depend
// on the caller's zone (caller-topology.ts), there is one encoding per
// version and caller class, shared by the callers of that class.

import type { PortLookup } from '../../registry/registry.js';
import type { PortSnapshot } from '../../registry/snapshot.js';
import type { RouteCaller, RouteTranslator } from '../../translation/route-table.js';
import { rankBackends, rankedBackends, type CallerLocation } from '../../translation/caller-topology.js';
import { routeTableMessage, type RouteTableMessage } from './route-table-message.js';

/** The target as the caller wrote it, echoed in every response. */
export interface Target {
  readonly service: string;
  readonly port: string;
}

export interface ServerMessage {
  address: string;
  weight: number;
  zone: string;
  metadata: Record<string, string>;
  priority?: number;
}

export interface ServersResponse {
  target: Target;
  version: string;
  exists: boolean;
  servers: ServerMessage[];
  /** Set for a Service port that GRPCRoutes bind to (the caller's consumer routes where its namespace is known and has some, else the producer routes). */
  route_table?: RouteTableMessage;
}

const NO_LOCATION: CallerLocation = { zone: '' };

export class SnapshotEncoder {
  private readonly cache = new WeakMap<PortSnapshot, Map<string, Buffer>>();
  private encodeCount = 0;

  constructor(
    private readonly serialize: (value: ServersResponse) => Buffer,
    private readonly routes?: RouteTranslator,
  ) {}

  /** How many responses were encoded; for tests and benchmarks. */
  get encodes(): number {
    return this.encodeCount;
  }

  encode(target: Target, lookup: PortLookup, caller: CallerLocation = NO_LOCATION, routeCaller: RouteCaller = {}): Buffer {
    if (lookup.status !== 'found') {
      // A "does not exist" answer has no servers: a few bytes, not worth caching.
      return this.run({ target, version: String(lookup.version), exists: false, servers: [] });
    }
    let byTarget = this.cache.get(lookup.port);
    if (!byTarget) {
      byTarget = new Map();
      this.cache.set(lookup.port, byTarget);
    }
    // Callers may name the port by name or by number; each spelling is echoed back.
    const ranking = rankBackends(lookup.port, caller);
    // The routes are few and change rarely; their digest keys the encoding with the port's version.
    const table = this.routes?.table(lookup.service.key, lookup.port.port, routeCaller);
    const cacheKey = `${target.service}/${target.port}/${ranking.callerClass}/${table?.digest ?? ''}`;
    let bytes = byTarget.get(cacheKey);
    if (!bytes) {
      bytes = this.run({
        target,
        version: String(lookup.version),
        exists: true,
        servers: rankedBackends(lookup.port, ranking).map(({ backend: b, rank }) => ({ address: b.address, weight: b.weight, zone: b.zone, metadata: { ...b.metadata }, ...(rank > 0 && { priority: rank }) })),
        ...(table && { route_table: routeTableMessage(table) }),
      });
      byTarget.set(cacheKey, bytes);
    }
    return bytes;
  }

  private run(response: ServersResponse): Buffer {
    this.encodeCount += 1;
    return this.serialize(response);
  }
}

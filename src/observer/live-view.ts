// What the live page shows, in one JSON document: every service port of the
// registry with its backends (weight, zone, rank, intended share) beside
// what clients reported they did with them (measured share, error rate),
// and every client stream with whether it is in sync. Built from the
// registry and the traffic observer's snapshot; the page only draws it.

import type { ClientStatus, ObserverSnapshot } from './traffic-observer.js';
import type { Registry } from '../registry/registry.js';
import type { PortSnapshot } from '../registry/snapshot.js';
import { rankBackends, type CallerLocation } from '../translation/caller-topology.js';

export interface LiveBackend {
  /** "host:port". */
  readonly address: string;
  /** undefined: reported by clients but no longer in the registry. */
  readonly weight?: number;
  readonly zone: string;
  /** The ranks the connected callers give it ("0", or "0/1" when callers in different zones rank it differently). */
  readonly rank: string;
  /** Percent of the service's calls it should get, over the connected callers (0-100). */
  readonly intendedShare: number;
  /** Percent of the reported calls it got; undefined when no calls were reported for the service. */
  readonly measuredShare?: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Percent of its reported calls that failed; undefined with no calls. */
  readonly errorRate?: number;
  /** Set when clients reported it in a group whose calls were split evenly (an xDS locality). */
  readonly estimatedFrom?: string;
}

export interface LiveService {
  /** "name.namespace:port", as xDS names the cluster and the observer the load. */
  readonly cluster: string;
  readonly name: string;
  readonly namespace: string;
  readonly port: number;
  readonly portName: string;
  readonly trafficDistribution: string;
  readonly succeeded: number;
  readonly failed: number;
  readonly errorRate?: number;
  readonly backends: readonly LiveBackend[];
}

export interface LiveView {
  readonly at: string;
  readonly windowMs: number;
  readonly services: readonly LiveService[];
  readonly clients: readonly ClientStatus[];
  readonly dropped: ObserverSnapshot['dropped'];
}

function percent(part: number, whole: number): number | undefined {
  return whole > 0 ? (part / whole) * 100 : undefined;
}

/**
 * Each backend's intended share and ranks: a caller sends its calls to its
 * best rank, by weight, so the share averages that over the connected
 * callers' locations (every caller counts once; with none, one caller that
 * names no zone).
 */
function intended(port: PortSnapshot, callers: readonly CallerLocation[]): { shares: number[]; ranks: string[] } {
  const shares = port.backends.map(() => 0);
  const ranks = port.backends.map(() => new Set<number>());
  const locations = callers.length > 0 ? callers : [{ zone: '' }];
  for (const caller of locations) {
    const answer = rankBackends(port, caller);
    const rankOf = (index: number) => answer.ranks?.[index] ?? 0;
    const used = port.backends.map((_, index) => !answer.excluded?.has(index));
    const best = Math.min(...port.backends.map((_, index) => (used[index] ? rankOf(index) : Infinity)));
    let total = 0;
    port.backends.forEach((backend, index) => {
      if (used[index]) ranks[index]!.add(rankOf(index));
      if (used[index] && rankOf(index) === best) total += backend.weight;
    });
    port.backends.forEach((backend, index) => {
      if (used[index] && rankOf(index) === best && total > 0) shares[index]! += (backend.weight / total / locations.length) * 100;
    });
  }
  return { shares, ranks: ranks.map((set) => [...set].sort((a, b) => a - b).join('/')) };
}

export function buildLiveView(registry: Registry, snapshot: ObserverSnapshot): LiveView {
  const load = new Map(snapshot.services.map((service) => [service.cluster, service]));
  const callers = new Map<string, CallerLocation>();
  for (const client of snapshot.clients) {
    if (!client.connected) continue;
    const location = { zone: client.zone, node: client.node };
    callers.set(`${location.zone}\n${location.node}`, location);
  }
  const services: LiveService[] = [];
  for (const key of [...registry.keys()].sort()) {
    const service = registry.get(key);
    if (!service) continue;
    for (const port of service.ports) {
      const cluster = `${service.key}:${port.port}`;
      const reported = load.get(cluster);
      load.delete(cluster);
      const byBackend = new Map((reported?.backends ?? []).map((backend) => [backend.backend, backend]));
      const total = (reported?.succeeded ?? 0) + (reported?.failed ?? 0);
      const { shares, ranks } = intended(port, [...callers.values()]);
      const backends: LiveBackend[] = port.backends.map((backend, index) => {
        const counts = byBackend.get(backend.address);
        byBackend.delete(backend.address);
        const calls = (counts?.succeeded ?? 0) + (counts?.failed ?? 0);
        const measuredShare = percent(calls, total);
        const errorRate = percent(counts?.failed ?? 0, calls);
        return {
          address: backend.address,
          weight: backend.weight,
          zone: backend.zone,
          rank: ranks[index]!,
          intendedShare: shares[index]!,
          ...(measuredShare !== undefined && { measuredShare }),
          succeeded: counts?.succeeded ?? 0,
          failed: counts?.failed ?? 0,
          ...(errorRate !== undefined && { errorRate }),
          ...(counts?.estimatedFrom !== undefined && { estimatedFrom: counts.estimatedFrom }),
        };
      });
      // Calls reported to backends the registry no longer lists (removed within the window).
      for (const counts of byBackend.values()) backends.push(reportedOnly(counts, total));
      const errorRate = percent(reported?.failed ?? 0, total);
      services.push({
        cluster,
        name: service.name,
        namespace: service.namespace,
        port: port.port,
        portName: port.name,
        trafficDistribution: port.trafficDistribution,
        succeeded: reported?.succeeded ?? 0,
        failed: reported?.failed ?? 0,
        ...(errorRate !== undefined && { errorRate }),
        backends,
      });
    }
  }
  return { at: snapshot.at, windowMs: snapshot.windowMs, services, clients: snapshot.clients, dropped: snapshot.dropped };
}

function reportedOnly(counts: ObserverSnapshot['services'][number]['backends'][number], total: number): LiveBackend {
  const calls = counts.succeeded + counts.failed;
  const measuredShare = percent(calls, total);
  const errorRate = percent(counts.failed, calls);
  return {
    address: counts.backend,
    zone: '',
    rank: '',
    intendedShare: 0,
    ...(measuredShare !== undefined && { measuredShare }),
    succeeded: counts.succeeded,
    failed: counts.failed,
    ...(errorRate !== undefined && { errorRate }),
    ...(counts.estimatedFrom !== undefined && { estimatedFrom: counts.estimatedFrom }),
  };
}

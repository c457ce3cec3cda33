// Topology-aware answers: which backends a caller should use first, as
// Kubernetes specifies it for a Service that keeps traffic close, and better
// than kube-proxy where it can. Both faces (lookaside.v1, xDS) rank
// backends through this one function, so their callers get the same answer.
//
// The rules (Kubernetes "Service: traffic distribution", "Topology Aware
// Routing", "Service Internal Traffic Policy"; kube-proxy's filtering in
// pkg/proxy/topology.go, CategorizeEndpoints):
//  - spec.internalTrafficPolicy Local: only the backends on the caller's
//    node; none there means none, as kube-proxy ("no endpoints, the traffic
//    is dropped"). A caller that names no node gets the unfiltered list.
//  - spec.trafficDistribution PreferSameZone (PreferClose, its older name):
//    the caller's zone first. kube-proxy reads each endpoint's
//    hints.forZones and, when ANY endpoint lacks hints, filters nothing.
//    Endpoints from Kubernetes carry their hints in metadata "hints.zones";
//    endpoints of the registry file carry none, and their own zone stands
//    for the hint. A mix of both is treated as kube-proxy does: no filtering.
//  - spec.trafficDistribution PreferSameNode: the caller's node first
//    (hints.forNodes, metadata "hints.nodes", or the backend's node), then
//    its zone, then the rest.
//  - a caller that names neither zone nor node gets the unfiltered list.
//  - Where kube-proxy DROPS the backends outside the preference, the answer
//    KEEPS them, ranked lower (priority 1, 2): a client uses a rank only
//    while no backend of a lower one is ready, so a zone that loses its
//    backends fails over with no failed call instead of failing.
//  - ranks have no gaps and start at 0; when nothing matches the caller,
//    every backend is rank 0.

import type { Backend, PortSnapshot } from '../registry/snapshot.js';

/** The metadata key of an endpoint's hints.forZones, comma-separated (set by the Kubernetes source). */
export const ZONE_HINTS_METADATA = 'hints.zones';
/** The metadata key of an endpoint's hints.forNodes, comma-separated. */
export const NODE_HINTS_METADATA = 'hints.nodes';
/** The metadata key of the node a backend runs on. */
export const NODE_METADATA = 'node';

/** What a face knows of its caller; "" when unknown. */
export interface CallerLocation {
  readonly zone: string;
  readonly node?: string;
}

/** A caller's answer: its class (callers of one class share an encoding) and each backend's rank. */
export interface RankedAnswer {
  /** "" when every backend is rank 0 (the same answer for every caller). */
  readonly callerClass: string;
  /** The rank of each of port.backends, by index; undefined when all are 0. */
  readonly ranks: readonly number[] | undefined;
  /** Backends left out entirely (internalTrafficPolicy Local), by index. */
  readonly excluded?: ReadonlySet<number>;
}

const UNRANKED: RankedAnswer = { callerClass: '', ranks: undefined };

function listOf(value: string | undefined): string[] {
  return (value ?? '').split(',').filter((item) => item.length > 0);
}

/**
 * The zones (or nodes) each backend serves: its hints where every backend has
 * them, its own zone (node) where none has, undefined for a mix (kube-proxy:
 * no filtering).
 */
function served(backends: readonly Backend[], hintsKey: string, own: (backend: Backend) => string): string[][] | undefined {
  const withHints = backends.filter((backend) => backend.metadata[hintsKey] !== undefined).length;
  if (withHints === backends.length) return backends.map((backend) => listOf(backend.metadata[hintsKey]));
  if (withHints > 0) return undefined;
  return backends.map((backend) => (own(backend) ? [own(backend)] : []));
}

/** Turns per-backend preference levels (lower is better) into gapless ranks from 0. */
function normalize(levels: readonly number[], callerClass: string): RankedAnswer {
  const distinct = [...new Set(levels)].sort((a, b) => a - b);
  if (distinct.length <= 1) return UNRANKED;
  return { callerClass, ranks: levels.map((level) => distinct.indexOf(level)) };
}

/** Ranks the backends of `port` for a caller at `caller`. */
export function rankBackends(port: PortSnapshot, caller: CallerLocation): RankedAnswer {
  const backends = port.backends;
  const node = caller.node ?? '';
  if (backends.length === 0) return UNRANKED;
  if (port.internalTrafficPolicy === 'Local' && node !== '') {
    const excluded = new Set<number>();
    backends.forEach((backend, index) => {
      if (backend.metadata[NODE_METADATA] !== node) excluded.add(index);
    });
    if (excluded.size === 0) return UNRANKED;
    return { callerClass: `node=${node}`, ranks: undefined, excluded };
  }
  if (port.trafficDistribution === '' || (caller.zone === '' && node === '')) return UNRANKED;
  const zones = caller.zone === '' ? undefined : served(backends, ZONE_HINTS_METADATA, (backend) => backend.zone);
  const inZone = (index: number) => zones !== undefined && zones[index]!.includes(caller.zone);
  if (port.trafficDistribution === 'PreferSameZone') {
    if (!zones) return UNRANKED;
    return normalize(backends.map((_, index) => (inZone(index) ? 0 : 1)), `zone=${caller.zone}`);
  }
  // PreferSameNode: node, then zone, then the rest.
  const nodes = node === '' ? undefined : served(backends, NODE_HINTS_METADATA, (backend) => backend.metadata[NODE_METADATA] ?? '');
  const onNode = (index: number) => nodes !== undefined && nodes[index]!.includes(node);
  return normalize(backends.map((_, index) => (onNode(index) ? 0 : inZone(index) ? 1 : 2)), `node=${node};zone=${caller.zone}`);
}

/** One backend of a caller's answer, with its rank. */
export interface RankedBackend {
  readonly backend: Backend;
  readonly rank: number;
}

/** The backends a caller is told about, in the port's order, each with its rank; and the caller's class. */
export function answerFor(port: PortSnapshot, caller: CallerLocation): { readonly callerClass: string; readonly backends: readonly RankedBackend[] } {
  const { callerClass, ranks, excluded } = rankBackends(port, caller);
  const backends: RankedBackend[] = [];
  port.backends.forEach((backend, index) => {
    if (!excluded?.has(index)) backends.push({ backend, rank: ranks?.[index] ?? 0 });
  });
  return { callerClass, backends };
}

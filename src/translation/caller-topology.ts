// Topology-aware answers: which backends a caller should use first, as
// Kubernetes specifies it for a Service that keeps traffic close, and better
// than kube-proxy where it can. Both faces (lookaside.v1, xDS) rank
// backends through this one function, so their callers get the same answer.
//
// The rules (Kubernetes "Service: traffic distribution", "Topology Aware
// Routing", "Service Internal Traffic Policy"; kube-proxy's
// CategorizeEndpoints and topologyModeFromHints in pkg/proxy/topology.go):
//  - spec.internalTrafficPolicy Local: only the backends on the caller's
//    node; none there means none, as kube-proxy ("no endpoints, the traffic
//    is dropped"). A caller that names no node gets the unfiltered list.
//  - From Kubernetes (topologyFromHints), the endpoints' hints decide, as in
//    kube-proxy, which the EndpointSlice controller sets for
//    trafficDistribution PreferSameZone/PreferClose/PreferSameNode and for
//    Topology Aware Routing (service.kubernetes.io/topology-mode: Auto):
//    hints.forNodes when EVERY endpoint has them and one names the caller's
//    node; else hints.forZones when every endpoint has them and one names
//    the caller's zone; else no filtering ("if any endpoints lack hints,
//    ignore hints").
//  - From the registry file, which has no hints, the Service's
//    trafficDistribution applies to the backends' own zone and node:
//    PreferSameZone (PreferClose) the caller's zone first; PreferSameNode
//    its node, then its zone.
//  - A caller that names neither zone nor node gets the unfiltered list.
//  - Where kube-proxy DROPS the backends outside the preference, the answer
//    KEEPS them, ranked lower (priority 1, 2): a client uses a rank only
//    while no backend of a lower one is ready, so a zone that loses its
//    backends fails over with no failed call instead of failing.
//  - Ranks have no gaps and start at 0; when nothing matches the caller,
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

/** Each backend's hints under `key`, when every backend has some; undefined otherwise. */
function everyoneHinted(backends: readonly Backend[], key: string): string[][] | undefined {
  const lists = backends.map((backend) => listOf(backend.metadata[key]));
  return lists.every((list) => list.length > 0) ? lists : undefined;
}

/**
 * Turns per-backend preference levels (lower is better) into gapless ranks
 * from 0. The class is the rank vector itself, not the caller's zone and
 * node as it wrote them: callers that get the same answer share its
 * encoding, and a caller naming ever new nodes cannot grow the caches.
 */
function normalize(levels: readonly number[]): RankedAnswer {
  const distinct = [...new Set(levels)].sort((a, b) => a - b);
  if (distinct.length <= 1) return UNRANKED;
  const ranks = levels.map((level) => distinct.indexOf(level));
  return { callerClass: `ranks=${ranks.join(',')}`, ranks };
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
    // By what is left out, not by the node's name (see normalize).
    return { callerClass: `excluded=${[...excluded].join(',')}`, ranks: undefined, excluded };
  }
  if (caller.zone === '' && node === '') return UNRANKED;
  let onNode: (index: number) => boolean;
  let inZone: (index: number) => boolean;
  if (port.topologyFromHints) {
    const nodes = node === '' ? undefined : everyoneHinted(backends, NODE_HINTS_METADATA);
    const zones = caller.zone === '' ? undefined : everyoneHinted(backends, ZONE_HINTS_METADATA);
    onNode = (index) => nodes !== undefined && nodes[index]!.includes(node);
    inZone = (index) => zones !== undefined && zones[index]!.includes(caller.zone);
  } else {
    if (port.trafficDistribution === '') return UNRANKED;
    const sameNodeWanted = port.trafficDistribution === 'PreferSameNode';
    onNode = (index) => sameNodeWanted && node !== '' && backends[index]!.metadata[NODE_METADATA] === node;
    inZone = (index) => caller.zone !== '' && backends[index]!.zone === caller.zone;
  }
  const levels = backends.map((_, index) => (onNode(index) ? 0 : inZone(index) ? 1 : 2));
  return normalize(levels);
}

/**
 * Where a caller is: its own zone, or, when it names only its node, that
 * node's zone as the registry knows it (from the Nodes' zone labels).
 */
export function locate(caller: { readonly zone: string; readonly node: string }, zoneOfNode: (node: string) => string): CallerLocation {
  if (caller.zone !== '' || caller.node === '') return caller;
  return { zone: zoneOfNode(caller.node), node: caller.node };
}

/** One backend of a caller's answer, with its rank. */
export interface RankedBackend {
  readonly backend: Backend;
  readonly rank: number;
}

/**
 * The backends a caller is told about, in the port's order, each with its
 * rank, given the ranking rankBackends made for it. Apart from the ranking
 * because the faces look answers up by caller class first and build the
 * list only on a cache miss: a GetServers call or an ADS flush that finds
 * its answer encoded allocates nothing per backend.
 */
export function rankedBackends(port: PortSnapshot, ranking: RankedAnswer): readonly RankedBackend[] {
  const { ranks, excluded } = ranking;
  const backends: RankedBackend[] = [];
  port.backends.forEach((backend, index) => {
    if (!excluded?.has(index)) backends.push({ backend, rank: ranks?.[index] ?? 0 });
  });
  return backends;
}

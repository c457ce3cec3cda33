// Zone-aware answers: which backends a caller should use first, as
// Kubernetes specifies it for a Service that keeps traffic close, and better
// than kube-proxy where it can. Both faces (lookaside.v1, xDS) rank
// backends through this one function, so their callers get the same answer.
//
// The rules (Kubernetes "Traffic distribution" and "Topology Aware
// Routing"; kube-proxy's topology filtering, pkg/proxy/topology.go):
//  - spec.trafficDistribution PreferSameZone (PreferClose, its older name):
//    the caller's own zone first. kube-proxy reads each endpoint's
//    hints.forZones; when ANY usable endpoint lacks hints it filters nothing
//    (CategorizeEndpoints: "if any endpoints lack hints, ignore hints").
//    Endpoints from Kubernetes carry their hints in metadata "hints.zones";
//    endpoints from the registry file carry none, and their own zone stands
//    for the hint. A mix of both is treated as kube-proxy does: no filtering;
//  - a caller that names no zone gets the unfiltered list;
//  - where kube-proxy DROPS the other zones, the answer KEEPS them, ranked
//    one lower (priority 1): a client uses them only while none of its own
//    zone is ready, so a zone that loses its backends fails over with no
//    failed call instead of failing;
//  - a zone no backend serves gets the unfiltered list (every rank 0).

import type { Backend, PortSnapshot } from '../registry/snapshot.js';

/** The metadata key of an endpoint's hints.forZones, comma-separated (set by the Kubernetes source). */
export const ZONE_HINTS_METADATA = 'hints.zones';

/** What a face knows of its caller. */
export interface CallerLocation {
  readonly zone: string;
}

/** A caller's answer: its class (callers of one class share an encoding) and each backend's rank. */
export interface RankedAnswer {
  /** "" when every backend is rank 0 (the same answer for every caller). */
  readonly callerClass: string;
  /** The rank of each of port.backends, by index; undefined when all are 0. */
  readonly ranks: readonly number[] | undefined;
}

const UNRANKED: RankedAnswer = { callerClass: '', ranks: undefined };

/** The zones a backend serves: its hints, or its own zone where the source gives no hints. */
function servedZones(backend: Backend, useHints: boolean): readonly string[] {
  if (!useHints) return backend.zone ? [backend.zone] : [];
  return (backend.metadata[ZONE_HINTS_METADATA] ?? '').split(',').filter((zone) => zone.length > 0);
}

/** Ranks the backends of `port` for a caller at `caller`. */
export function rankBackends(port: PortSnapshot, caller: CallerLocation): RankedAnswer {
  if (port.trafficDistribution !== 'PreferSameZone' || caller.zone === '' || port.backends.length === 0) return UNRANKED;
  const withHints = port.backends.filter((backend) => backend.metadata[ZONE_HINTS_METADATA] !== undefined).length;
  if (withHints !== 0 && withHints !== port.backends.length) return UNRANKED;
  const useHints = withHints > 0;
  const ranks = port.backends.map((backend) => (servedZones(backend, useHints).includes(caller.zone) ? 0 : 1));
  if (!ranks.includes(0)) return UNRANKED;
  if (!ranks.includes(1)) return UNRANKED;
  return { callerClass: `zone=${caller.zone}`, ranks };
}

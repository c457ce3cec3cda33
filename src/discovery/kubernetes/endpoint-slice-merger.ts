// Turns one Service and all of its EndpointSlices into the registry's
// ServiceSpec. Pure: the same inputs always give the same spec, whatever the
// order of the slices, so a relist or a reshuffle of endpoints between slices
// re-publishes an identical spec and the registry bumps nothing.
//
// The rules (invariants 6 and 7 of docs/design.md):
//  - Slices are joined; an endpoint is keyed by (address, target port),
//    never by slice, because the EndpointSlice controller moves endpoints
//    between slices and may list one in two slices while it does.
//  - Ports are resolved per slice: pods behind one named Service port may
//    listen on different numbers, and then sit in different slices.
//  - Readiness follows kube-proxy (readiness.ts), per Service port.
//  - One address family per Service unless asked for both (ipFamily).
//  - FQDN slices are deprecated and name no pod; they are skipped.

import type { BackendSpec, PortSpec, ServiceSpec } from '../../registry/snapshot.js';
import type { EndpointView, IpFamily, ServicePortView, ServiceView, SliceView } from './kubernetes-objects.js';
import { selectUsable, usabilityOf } from './readiness.js';
import { WEIGHT_SOURCE_METADATA, type WeightSource } from './backend-weights.js';

/**
 * Which addresses of a dual-stack Service to publish: one family (preferred,
 * falling back to the other when the Service has none of it) or both.
 */
export type IpFamilyPreference = IpFamily | 'both';

export interface MergeResult {
  readonly spec: ServiceSpec;
  /** Names of FQDN (or unknown-type) slices that were skipped, for a debug log. */
  readonly skippedSlices: readonly string[];
}

interface Candidate extends EndpointView {
  readonly port: number;
  /** The slice it came from: only a tie-breaker, never published. */
  readonly slice: string;
}

/** A backend's weight from annotations (backend-weights.ts), by its pod; undefined weight: the registry's default. */
export type WeightLookup = (pod: string | undefined) => { weight: number | undefined; source: WeightSource };

const NO_WEIGHTS: WeightLookup = () => ({ weight: undefined, source: 'default' });

export function mergeEndpointSlices(service: ServiceView, slices: Iterable<SliceView>, ipFamily: IpFamilyPreference, weights: WeightLookup = NO_WEIGHTS): MergeResult {
  const skippedSlices: string[] = [];
  const usable: SliceView[] = [];
  for (const slice of slices) {
    if (slice.addressType === 'IPv4' || slice.addressType === 'IPv6') usable.push(slice);
    else skippedSlices.push(slice.name);
  }
  const family = chooseFamily(service, usable, ipFamily);
  const chosen = family === 'both' ? usable : usable.filter((s) => s.addressType === family);
  const ports: PortSpec[] = service.ports.map((servicePort) => ({
    name: servicePort.name,
    port: servicePort.port,
    backends: backendsOf(servicePort, chosen, weights),
  }));
  const spec: ServiceSpec = {
    name: service.name,
    namespace: service.namespace,
    ports,
    // The endpoints' hints decide topology, as in kube-proxy (caller-topology.ts).
    topologyFromHints: true,
    ...(service.trafficDistribution !== '' && { trafficDistribution: service.trafficDistribution }),
    ...(service.internalTrafficPolicy === 'Local' && { internalTrafficPolicy: 'Local' as const }),
  };
  return { spec, skippedSlices };
}

/**
 * The family to publish. The Service's own spec.ipFamilies decides when it
 * is set (it never changes while the Service lives, so the choice cannot
 * flap as slices come and go); otherwise whichever families have slices.
 */
function chooseFamily(service: ServiceView, slices: readonly SliceView[], preference: IpFamilyPreference): IpFamilyPreference {
  if (preference === 'both') return 'both';
  const other: IpFamily = preference === 'IPv4' ? 'IPv6' : 'IPv4';
  if (service.ipFamilies.length > 0) return service.ipFamilies.includes(preference) ? preference : other;
  if (slices.some((s) => s.addressType === preference)) return preference;
  return other;
}

/** The slice port that carries `servicePort`: by name, else by target port number. */
function slicePortNumber(servicePort: ServicePortView, slice: SliceView): number | null {
  const byName = slice.ports.find((p) => p.name === servicePort.name);
  if (byName) return byName.port;
  // Hand-written slices may leave port names out; then a slice port whose
  // number is the Service port's numeric target port is the same port.
  const target = typeof servicePort.targetPort === 'number' ? servicePort.targetPort : servicePort.targetPort === undefined ? servicePort.port : undefined;
  if (target === undefined) return null;
  return slice.ports.find((p) => p.name === '' && p.port === target)?.port ?? null;
}

function backendsOf(servicePort: ServicePortView, slices: readonly SliceView[], weights: WeightLookup): BackendSpec[] {
  const best = new Map<string, Candidate>();
  for (const slice of slices) {
    const port = slicePortNumber(servicePort, slice);
    if (port === null) continue;
    for (const endpoint of slice.endpoints) {
      const key = `${endpoint.address}|${port}`;
      const candidate: Candidate = { ...endpoint, port, slice: slice.name };
      const current = best.get(key);
      if (!current || better(candidate, current)) best.set(key, candidate);
    }
  }
  return selectUsable([...best.values()]).map((candidate) => toBackend(candidate, weights(candidate.podName)));
}

/**
 * Orders two copies of one endpoint: the more usable wins (a copy that is
 * ready somewhere is ready), then the smaller slice name, so the winner does
 * not depend on the order events arrived in.
 */
function better(a: Candidate, b: Candidate): boolean {
  const ua = usabilityOf(a);
  const ub = usabilityOf(b);
  if (ua !== ub) return ua > ub;
  return a.slice < b.slice;
}

function toBackend(candidate: Candidate, weight: { weight: number | undefined; source: WeightSource }): BackendSpec {
  const metadata: Record<string, string> = {};
  // Only an annotated weight says where it came from; no key means the default.
  if (weight.source !== 'default') metadata[WEIGHT_SOURCE_METADATA] = weight.source;
  if (candidate.podName) metadata.pod = candidate.podName;
  if (candidate.nodeName) metadata.node = candidate.nodeName;
  if (candidate.zoneHints.length > 0) metadata['hints.zones'] = candidate.zoneHints.join(',');
  if (candidate.nodeHints.length > 0) metadata['hints.nodes'] = candidate.nodeHints.join(',');
  if (!candidate.ready) metadata.terminating = 'true';
  return {
    host: candidate.address,
    port: candidate.port,
    ...(candidate.zone && { zone: candidate.zone }),
    ...(weight.weight !== undefined && { weight: weight.weight }),
    metadata,
  };
}

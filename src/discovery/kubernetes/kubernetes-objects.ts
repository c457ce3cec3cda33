// The few facts this source needs from Services and EndpointSlices, read out
// of the client-node objects as soon as they arrive. Everything downstream
// (merging, readiness, the index) works on these views, so it does not care
// whether an object came from a list (class instances, Date fields) or a
// watch (plain JSON, string timestamps), and so tests can build views
// without a Kubernetes object in sight.
//
// Reading is defensive: a field the API server always sets may still be
// missing on a hand-made object, and a bad object must cost one service,
// never the watch.

import { isIP } from 'node:net';
import type { InternalTrafficPolicy, TrafficDistribution } from '../../registry/snapshot.js';
import { WEIGHT_ANNOTATION } from './backend-weights.js';
import { SLOW_START_ANNOTATION } from './slow-start.js';

/** The label that ties an EndpointSlice to its Service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export type AddressType = 'IPv4' | 'IPv6' | 'FQDN';
export type IpFamily = 'IPv4' | 'IPv6';

export interface ServicePortView {
  /** "" for the single unnamed port of a Service. */
  readonly name: string;
  readonly port: number;
  /** A number, a container port name, or undefined (then it equals `port`). */
  readonly targetPort: number | string | undefined;
}

export interface ServiceView {
  readonly name: string;
  readonly namespace: string;
  /** TCP ports only: gRPC runs on TCP, and a UDP port of the same number would make lookups by number ambiguous. */
  readonly ports: readonly ServicePortView[];
  /** spec.ipFamilies, primary first; empty when the object does not say. */
  readonly ipFamilies: readonly IpFamily[];
  /** ExternalName Services have no endpoints to balance over. */
  readonly externalName: boolean;
  /** spec.trafficDistribution, PreferClose read as PreferSameZone; "" when unset or unknown. */
  readonly trafficDistribution: TrafficDistribution;
  /** spec.internalTrafficPolicy; Cluster when unset. */
  readonly internalTrafficPolicy: InternalTrafficPolicy;
  /** The lookaside.dev/weight annotation as written (backend-weights.ts reads it). */
  readonly weightAnnotation: string | undefined;
  /** The lookaside.dev/slow-start annotation as written (slow-start.ts reads it). */
  readonly slowStartAnnotation: string | undefined;
}

/** What the control plane keeps of a Pod (with --pod-weights): its weight annotation, nothing else. */
export interface PodView {
  readonly weightAnnotation: string | undefined;
}

export function toPodView(raw: { metadata?: ObjectMeta }): PodView {
  const value = raw.metadata?.annotations?.[WEIGHT_ANNOTATION];
  return { weightAnnotation: typeof value === 'string' ? value : undefined };
}

export interface SlicePortView {
  /** "" when the slice port has no name. */
  readonly name: string;
  /** null on hand-made slices that leave it out: such a port matches nothing. */
  readonly port: number | null;
}

export interface EndpointView {
  /** The endpoint's first address (the API allows one in practice), normalised. */
  readonly address: string;
  readonly ready: boolean;
  readonly serving: boolean;
  readonly terminating: boolean;
  readonly zone: string | undefined;
  readonly nodeName: string | undefined;
  /** The pod's name when targetRef is a Pod. */
  readonly podName: string | undefined;
  /** hints.forZones, in the slice's order. */
  readonly zoneHints: readonly string[];
  /** hints.forNodes, in the slice's order. */
  readonly nodeHints: readonly string[];
}

export interface SliceView {
  readonly name: string;
  readonly namespace: string;
  /** From the kubernetes.io/service-name label; undefined if the slice has none. */
  readonly serviceName: string | undefined;
  readonly addressType: string;
  readonly ports: readonly SlicePortView[];
  readonly endpoints: readonly EndpointView[];
}

// The shapes below describe both forms an object arrives in (class instance
// or plain JSON); every field is optional because neither is trusted.
interface ObjectMeta {
  name?: string;
  namespace?: string;
  resourceVersion?: string;
  labels?: Record<string, string> | null;
  annotations?: Record<string, string> | null;
}
export interface RawService {
  metadata?: ObjectMeta;
  spec?: {
    type?: string;
    ipFamilies?: string[] | null;
    ports?: { name?: string | null; port?: number; protocol?: string | null; targetPort?: number | string | null }[] | null;
    trafficDistribution?: string | null;
    internalTrafficPolicy?: string | null;
  };
}
export interface RawEndpointSlice {
  metadata?: ObjectMeta;
  addressType?: string;
  ports?: { name?: string | null; port?: number | null; protocol?: string | null }[] | null;
  endpoints?: RawEndpoint[] | null;
}
interface RawEndpoint {
  addresses?: string[];
  conditions?: { ready?: boolean | null; serving?: boolean | null; terminating?: boolean | null } | null;
  zone?: string | null;
  nodeName?: string | null;
  targetRef?: { kind?: string; name?: string } | null;
  hints?: { forZones?: { name?: string }[] | null; forNodes?: { name?: string }[] | null } | null;
}

/** Shared by every endpoint without hints: 100,000 empty arrays cost megabytes. */
const NO_HINTS: readonly string[] = Object.freeze([]);

function hintNames(hints: { name?: string }[] | null | undefined): readonly string[] {
  if (!hints?.length) return NO_HINTS;
  return hints.map((hint) => hint.name).filter((name): name is string => typeof name === 'string' && name.length > 0);
}

function isPortNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}

/** The object's namespace and name, or undefined when either is missing. */
export function objectName(object: { metadata?: ObjectMeta } | undefined): { namespace: string; name: string } | undefined {
  const name = object?.metadata?.name;
  const namespace = object?.metadata?.namespace;
  if (!name || !namespace) return undefined;
  return { name, namespace };
}

/** The zone label Kubernetes sets on Nodes (and the EndpointSlice controller copies to endpoints). */
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

/** What the control plane keeps of a Node: its zone, nothing else. */
export interface NodeView {
  readonly zone: string | undefined;
}

export function toNodeView(raw: { metadata?: ObjectMeta }): NodeView {
  const zone = raw.metadata?.labels?.[ZONE_LABEL];
  return { zone: typeof zone === 'string' && zone.length > 0 ? zone : undefined };
}

export function toServiceView(raw: RawService): ServiceView | undefined {
  const id = objectName(raw);
  if (!id) return undefined;
  const ports: ServicePortView[] = [];
  for (const port of raw.spec?.ports ?? []) {
    if ((port.protocol ?? 'TCP') !== 'TCP' || !isPortNumber(port.port)) continue;
    ports.push({ name: port.name ?? '', port: port.port, targetPort: port.targetPort ?? undefined });
  }
  const ipFamilies = (raw.spec?.ipFamilies ?? []).filter((f): f is IpFamily => f === 'IPv4' || f === 'IPv6');
  // Values Kubernetes may add later are read as no preference, as an older kube-proxy would.
  const distribution = raw.spec?.trafficDistribution;
  const trafficDistribution: TrafficDistribution = distribution === 'PreferSameZone' || distribution === 'PreferClose' ? 'PreferSameZone' : distribution === 'PreferSameNode' ? 'PreferSameNode' : '';
  const internalTrafficPolicy: InternalTrafficPolicy = raw.spec?.internalTrafficPolicy === 'Local' ? 'Local' : 'Cluster';
  const weight = raw.metadata?.annotations?.[WEIGHT_ANNOTATION];
  const slowStart = raw.metadata?.annotations?.[SLOW_START_ANNOTATION];
  return {
    ...id,
    ports,
    ipFamilies,
    externalName: raw.spec?.type === 'ExternalName',
    trafficDistribution,
    internalTrafficPolicy,
    weightAnnotation: typeof weight === 'string' ? weight : undefined,
    slowStartAnnotation: typeof slowStart === 'string' ? slowStart : undefined,
  };
}

export function toSliceView(raw: RawEndpointSlice): SliceView | undefined {
  const id = objectName(raw);
  if (!id) return undefined;
  const ports: SlicePortView[] = [];
  for (const port of raw.ports ?? []) {
    if ((port.protocol ?? 'TCP') !== 'TCP') continue;
    ports.push({ name: port.name ?? '', port: isPortNumber(port.port) ? port.port : null });
  }
  const addressType = raw.addressType ?? '';
  const endpoints: EndpointView[] = [];
  for (const endpoint of raw.endpoints ?? []) {
    const first = endpoint.addresses?.[0];
    if (typeof first !== 'string' || first.length === 0) continue;
    const address = normalizeAddress(first, addressType);
    if (address === undefined) continue;
    const conditions = endpoint.conditions ?? {};
    // Defaults as the API documents them and kube-proxy reads them:
    // ready and serving are true when unset, terminating false.
    const ready = conditions.ready ?? true;
    endpoints.push({
      address,
      ready,
      serving: conditions.serving ?? true,
      terminating: conditions.terminating ?? false,
      zone: endpoint.zone ?? undefined,
      nodeName: endpoint.nodeName ?? undefined,
      podName: endpoint.targetRef?.kind === 'Pod' ? endpoint.targetRef.name : undefined,
      zoneHints: hintNames(endpoint.hints?.forZones),
      nodeHints: hintNames(endpoint.hints?.forNodes),
    });
  }
  return { ...id, serviceName: raw.metadata?.labels?.[SERVICE_NAME_LABEL] || undefined, addressType, ports, endpoints };
}

/**
 * Checks an address against its slice's type and returns it in one canonical
 * spelling (lowercase IPv6), so the same endpoint read from two slices is one
 * key. FQDN addresses pass through lowercased; the merger decides about them.
 */
function normalizeAddress(address: string, addressType: string): string | undefined {
  if (addressType === 'IPv4') return isIP(address) === 4 ? address : undefined;
  if (addressType === 'IPv6') {
    if (isIP(address) !== 6) return undefined;
    // URL parsing gives the canonical compressed form ("2001:db8::1").
    return new URL(`http://[${address}]/`).hostname.slice(1, -1);
  }
  return address.toLowerCase();
}

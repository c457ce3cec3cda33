// What sources put into the registry (specs) and what the registry hands out
// (snapshots). Snapshots are immutable: a new version is a new object, so a
// consumer may cache anything derived from one (the server caches its
// encoding) and compare versions by identity.

/** The weight a backend gets when its source says nothing. */
export const DEFAULT_WEIGHT = 100;
/** Weights are integers from MIN_WEIGHT to MAX_WEIGHT. */
export const MIN_WEIGHT = 1;
export const MAX_WEIGHT = 10_000;

/** One backend as a source describes it. */
export interface BackendSpec {
  /** An IPv4 or IPv6 address (no brackets) or a host name. */
  readonly host: string;
  /** The port to dial on that host (the target port, not the Service port). */
  readonly port: number;
  /** Relative share of calls; DEFAULT_WEIGHT when absent. */
  readonly weight?: number;
  /** topology.kubernetes.io/zone of the backend. */
  readonly zone?: string;
  /** Facts for people and logs: pod, node, hints. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** One port of a service as a source describes it. */
export interface PortSpec {
  /** The Service port's name; "" for the single unnamed port of a Service. */
  readonly name: string;
  /** The Service port number clients name. */
  readonly port: number;
  readonly backends: readonly BackendSpec[];
}

/**
 * How a Service wants its traffic kept close (Kubernetes
 * spec.trafficDistribution): "" for no preference; "PreferSameZone" (and its
 * older alias PreferClose) for the caller's own zone first;
 * "PreferSameNode" for the caller's own node, then its zone.
 */
export type TrafficDistribution = '' | 'PreferSameZone' | 'PreferSameNode';

/**
 * Kubernetes spec.internalTrafficPolicy: "Local" keeps a caller on the
 * backends of its own node, and gives it none when there are none.
 */
export type InternalTrafficPolicy = 'Cluster' | 'Local';

/** A whole service as a source describes it. */
export interface ServiceSpec {
  readonly name: string;
  readonly namespace: string;
  readonly ports: readonly PortSpec[];
  /** Default "": every caller gets the same answer. */
  readonly trafficDistribution?: TrafficDistribution;
  /** Default "Cluster". */
  readonly internalTrafficPolicy?: InternalTrafficPolicy;
  /**
   * True when the source is Kubernetes: its endpoints' hints (metadata
   * "hints.zones", "hints.nodes") alone decide topology, as in kube-proxy.
   * False (the registry file): the backends' own zone and node do.
   */
  readonly topologyFromHints?: boolean;
}

export interface Backend {
  /** "host:port", with IPv6 hosts in brackets: what a client dials. */
  readonly address: string;
  readonly host: string;
  readonly port: number;
  readonly weight: number;
  readonly zone: string;
  readonly metadata: Readonly<Record<string, string>>;
}

export interface PortSnapshot {
  readonly name: string;
  readonly port: number;
  /** The registry revision at which this port's content last changed. */
  readonly version: number;
  /** Sorted by address, unique by address. */
  readonly backends: readonly Backend[];
  /** The Service's preference, kept per port so that a change of it is a new version of each port. */
  readonly trafficDistribution: TrafficDistribution;
  readonly internalTrafficPolicy: InternalTrafficPolicy;
  readonly topologyFromHints: boolean;
}

export interface ServiceSnapshot {
  /** "name.namespace". */
  readonly key: string;
  readonly name: string;
  readonly namespace: string;
  /** The registry revision at which anything in this service last changed. */
  readonly version: number;
  readonly ports: readonly PortSnapshot[];
}

/** Formats host and port as a dialable address, bracketing IPv6 literals. */
export function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

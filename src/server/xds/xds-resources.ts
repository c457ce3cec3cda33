// Translates registry state into xDS resources for proxyless gRPC clients,
// and encodes each resource once per registry version (invariant 5, docs/design.md).
//
// For a target "greeter.default:grpc" (Service port "grpc" = 50051):
//   Listener "greeter.default:grpc": an api_listener HttpConnectionManager
//     whose RouteConfiguration comes by RDS, under the Listener's own name,
//     and the router as its last, only, filter;
//   RouteConfiguration "greeter.default:grpc": one virtual host, whose
//     routes send every call to the cluster, or follow the Service's
//     GRPCRoutes (xds-route-configuration.ts). Served by RDS, not inline, so
//     routes change without a new Listener and clients that refuse an inline
//     one (grpc-go before 1.38) work;
//   Cluster "greeter.default:50051": type EDS over ADS, ROUND_ROBIN;
//   ClusterLoadAssignment "greeter.default:50051": the backends.
//
// Weights. gRPC clients ignore an endpoint's load_balancing_weight outside
// ring_hash (gRFC A27): with ROUND_ROBIN they pick a LOCALITY by its weight
// (weighted_target), then round-robin inside it. So backends that share a
// zone, a rank for the caller (the EDS priority) and a weight share one
// locality whose weight is their weight times their count: each backend's
// share is still its weight over the total, in every language, and a client
// builds one child policy per such class, not one per backend (with one per
// backend, grpc-js-xds and C-core took seconds to make a first call at a few
// thousand backends: bench/xds-scale.ts). A backend alone in its class keeps
// a locality of its own named by its address, so a backend whose weight
// moves on its own (slow start's ramp) stays in one locality all the way.
// The endpoint carries its weight too, for clients that read it (ring_hash,
// custom policies).
//
// What a weight-only change of one backend costs: the backend moves to
// another locality (of its new class, or its own) and its old class's
// locality weight drops by its weight. grpc-js-xds 1.14 builds new
// subchannels for every backend on any EDS update (a new config-selector
// object among their arguments misses its subchannel pool), with a locality
// per backend as much as with shared ones: the move costs it nothing more
// (test/xds/xds-balancing.test.ts). grpc-go and grpc-java build connections
// per locality child, so they may connect to the moved backend again (not
// measured here).
//
// Only IP addresses are published: gRPC's xDS clients reject the whole
// ClusterLoadAssignment when one endpoint is a host name. The file source
// allows host names; those backends are left out (and logged once) rather
// than breaking the service for every xDS caller.

import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import type { PortLookup, Registry } from '../../registry/registry.js';
import type { Backend, PortSnapshot } from '../../registry/snapshot.js';
import {
  anyOf,
  CLUSTER_LOAD_ASSIGNMENT_TYPE,
  CLUSTER_TYPE,
  DISCOVERY_RESPONSE_FIELDS,
  encodeMessage,
  HTTP_CONNECTION_MANAGER_TYPE,
  lengthDelimitedField,
  LISTENER_TYPE,
  ROUTE_CONFIGURATION_TYPE,
  ROUTER_TYPE,
} from '../../wire/xds-messages.js';
import { rankBackends, rankedBackends, type CallerLocation, type RankedBackend } from '../../translation/caller-topology.js';
import { RouteTranslator, type RouteCaller } from '../../translation/route-table.js';
import { clusterName, parseXdsTarget, type XdsTarget } from './xds-resource-names.js';
import { routeConfiguration, UNAVAILABLE_CLUSTER_SUFFIX, unavailableClusterName } from './xds-route-configuration.js';

/** The resource types served, by type URL. */
export const SERVED_TYPES = [LISTENER_TYPE, ROUTE_CONFIGURATION_TYPE, CLUSTER_TYPE, CLUSTER_LOAD_ASSIGNMENT_TYPE] as const;
export type ServedType = (typeof SERVED_TYPES)[number];

/** Short names for logs and metric labels. */
export const TYPE_LABELS: Record<ServedType, string> = {
  [LISTENER_TYPE]: 'listener',
  [ROUTE_CONFIGURATION_TYPE]: 'route_configuration',
  [CLUSTER_TYPE]: 'cluster',
  [CLUSTER_LOAD_ASSIGNMENT_TYPE]: 'cluster_load_assignment',
};

export function isServedType(typeUrl: string): typeUrl is ServedType {
  return (SERVED_TYPES as readonly string[]).includes(typeUrl);
}

/** One resource, encoded once and shared by every response that carries it. */
export interface EncodedResource {
  readonly name: string;
  /** The resource as DiscoveryResponse field 2 (tag, length, Any): ready to concatenate. */
  readonly field: Buffer;
  /** A digest of the content: equal content, equal digest, on any replica. */
  readonly digest: string;
}

/**
 * Retry a call that failed UNAVAILABLE, twice (gRFC A44): what a call meets
 * when its backend goes away under it (a refused stream on a connection
 * being closed, a reset), so rollouts and a zone's failover cost no failed
 * call. Istio's default is alike (unavailable among its retry conditions, 2
 * attempts). A call that failed otherwise is never retried.
 */
const RETRY_POLICY = { retry_on: 'unavailable', num_retries: { value: 2 } };

/** The router filter's name as Envoy and gRPC know it. */
const ROUTER_FILTER = 'envoy.filters.http.router';

function digestOf(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('base64url').slice(0, 22);
}

function encodeResource(name: string, typeUrl: ServedType, value: Record<string, unknown>): EncodedResource {
  const any = encodeMessage('google.protobuf.Any', anyOf(typeUrl, value));
  return { name, field: lengthDelimitedField(DISCOVERY_RESPONSE_FIELDS.resources, any), digest: digestOf(any) };
}

/**
 * The version a response is sent with: a digest of its resources' names and
 * contents. Two replicas that hold the same state answer with the same
 * version, so a client that reconnects elsewhere sees no change.
 */
export function versionOf(resources: readonly EncodedResource[]): string {
  if (resources.length === 1) return resources[0]!.digest;
  const hash = createHash('sha256');
  for (const resource of resources) hash.update(resource.name).update('\0').update(resource.digest).update('\0');
  return hash.digest('base64url').slice(0, 22);
}

function listener(name: string): Record<string, unknown> {
  return {
    name,
    api_listener: {
      api_listener: anyOf(HTTP_CONNECTION_MANAGER_TYPE, {
        rds: { config_source: { ads: {}, resource_api_version: 'V3' }, route_config_name: name },
        http_filters: [{ name: ROUTER_FILTER, typed_config: anyOf(ROUTER_TYPE, {}) }],
      }),
    },
  };
}

/** `loadReporting`: the Cluster names this server as its LRS server (load-reporting-service.ts), so clients report their calls. */
function cluster(name: string, loadReporting = false): Record<string, unknown> {
  return {
    name,
    type: 'EDS',
    eds_cluster_config: { eds_config: { ads: {}, resource_api_version: 'V3' } },
    lb_policy: 'ROUND_ROBIN',
    ...(loadReporting && { lrs_server: { self: {} } }),
  };
}

/**
 * Each backend's rank for the caller (caller-topology.ts) becomes its
 * locality's EDS priority, which every gRPC client fails over by, lowest
 * first. Backends of one zone, priority and weight share a locality (see the
 * header), listed in the order of their first backend.
 */
function clusterLoadAssignment(name: string, ranked: readonly RankedBackend[]): Record<string, unknown> {
  return {
    cluster_name: name,
    endpoints: edsLocalities(ranked).map(({ zone, subZone, priority, weight, backends }) => ({
      locality: { zone, sub_zone: subZone },
      load_balancing_weight: { value: weight * backends.length },
      priority,
      lb_endpoints: backends.map((backend) => ({
        endpoint: { address: { socket_address: { address: backend.host, port_value: backend.port } } },
        health_status: 'HEALTHY',
        load_balancing_weight: { value: weight },
      })),
    })),
  };
}

/** One EDS locality: backends of one zone, priority and weight. */
export interface EdsLocality {
  readonly zone: string;
  /** The backend's address when it is alone, else "priority-N/weight-W". */
  readonly subZone: string;
  readonly priority: number;
  readonly weight: number;
  readonly backends: readonly Backend[];
}

/** The localities of a ranked backend list, in the order of their first backend; load reports name them (load-reporting-service.ts). */
export function edsLocalities(ranked: readonly RankedBackend[]): EdsLocality[] {
  // EDS priorities may have no gaps and start at 0 (clients reject the
  // assignment otherwise); leaving out host names may have made one.
  const present = [...new Set(ranked.map((entry) => entry.rank))].sort((a, b) => a - b);
  const classes = new Map<string, { zone: string; priority: number; weight: number; backends: Backend[] }>();
  for (const { backend, rank } of ranked) {
    const priority = present.indexOf(rank);
    const key = `${backend.zone}\n${priority}\n${backend.weight}`;
    const known = classes.get(key);
    if (known) known.backends.push(backend);
    else classes.set(key, { zone: backend.zone, priority, weight: backend.weight, backends: [backend] });
  }
  // Locality names are unique across priorities, as clients require.
  return [...classes.values()].map((entry) => ({ ...entry, subZone: entry.backends.length === 1 ? entry.backends[0]!.address : `priority-${entry.priority}/weight-${entry.weight}` }));
}

export class XdsResources {
  /** Encodings per port snapshot and resource name; a new version is a new snapshot. */
  private readonly cache = new WeakMap<PortSnapshot, Map<string, EncodedResource>>();
  private readonly warnedHostNames = new WeakSet<PortSnapshot>();
  /** RouteConfigurations by name and caller class (routeConfiguration()), with the route table digest they were built from. */
  private readonly routeConfigurations = new Map<string, { digest: string; resource: EncodedResource }>();
  private readonly routes: RouteTranslator;
  /** EDS localities per port snapshot and caller class, for load reports (localities()). */
  private readonly localityCache = new WeakMap<PortSnapshot, Map<string, EdsLocality[]>>();
  private encodeCount = 0;

  constructor(
    private readonly registry: Registry,
    private readonly log: Logger,
    /** Clusters name this server as their LRS server. */
    private readonly loadReporting = false,
  ) {
    this.routes = new RouteTranslator(registry, registry.routes);
  }

  /** Resources encoded so far; for tests and benchmarks. */
  get encodes(): number {
    return this.encodeCount;
  }

  /** The registry key a resource name depends on, or an error for a name that is no target. */
  target(resourceName: string): XdsTarget | { error: string } {
    // The failing share's Cluster belongs to the routed Service port.
    if (resourceName.endsWith(UNAVAILABLE_CLUSTER_SUFFIX)) return parseXdsTarget(resourceName.slice(0, -UNAVAILABLE_CLUSTER_SUFFIX.length));
    return parseXdsTarget(resourceName);
  }

  /**
   * The resource of `typeUrl` named `name`, or undefined when it does not
   * exist. A ClusterLoadAssignment depends on the caller's zone (its node's
   * locality) where the Service keeps traffic close.
   */
  resolve(typeUrl: ServedType, name: string, target: XdsTarget, caller: CallerLocation = { zone: '' }, routeCaller: RouteCaller = {}): EncodedResource | undefined {
    const lookup = this.registry.lookup(target.service.key, target.port);
    if (lookup.status !== 'found') return undefined;
    const canonical = clusterName(target.service, lookup.port.port);
    if (typeUrl === ROUTE_CONFIGURATION_TYPE) return this.routeConfiguration(name, canonical, lookup, routeCaller);
    if (name === unavailableClusterName(canonical) && typeUrl !== LISTENER_TYPE) {
      return this.cached(lookup, `${typeUrl}\n${name}`, () => encodeResource(name, typeUrl, typeUrl === CLUSTER_TYPE ? cluster(name) : { cluster_name: name, endpoints: [] }));
    }
    // A Cluster or ClusterLoadAssignment exists only under its canonical
    // name (by port number, no DNS suffix): the one routes send calls to.
    if (typeUrl !== LISTENER_TYPE && name !== canonical) return undefined;
    if (typeUrl === LISTENER_TYPE) return this.cached(lookup, `${typeUrl}\n${name}`, () => encodeResource(name, typeUrl, listener(name)));
    if (typeUrl === CLUSTER_TYPE) return this.cached(lookup, `${typeUrl}\n${name}`, () => encodeResource(name, typeUrl, cluster(name, this.loadReporting)));
    const ranking = rankBackends(lookup.port, caller);
    return this.cached(lookup, `${typeUrl}\n${name}\n${ranking.callerClass}`, () => encodeResource(name, typeUrl, clusterLoadAssignment(name, this.published(lookup, ranking))));
  }

  /**
   * The EDS localities a caller is sent for a cluster now, or undefined for
   * a name that is no cluster: what its load reports name.
   */
  localities(clusterResourceName: string, caller: CallerLocation): EdsLocality[] | undefined {
    const target = this.target(clusterResourceName);
    if ('error' in target) return undefined;
    const lookup = this.registry.lookup(target.service.key, target.port);
    if (lookup.status !== 'found' || clusterName(target.service, lookup.port.port) !== clusterResourceName) return undefined;
    const ranking = rankBackends(lookup.port, caller);
    // Every report of every client names them: built once per version and caller class.
    let byClass = this.localityCache.get(lookup.port);
    if (!byClass) {
      byClass = new Map();
      this.localityCache.set(lookup.port, byClass);
    }
    let localities = byClass.get(ranking.callerClass);
    if (!localities) {
      localities = edsLocalities(this.published(lookup, ranking));
      byClass.set(ranking.callerClass, localities);
    }
    return localities;
  }

  /** The ranked backends a ClusterLoadAssignment lists: those with an address a client can dial. */
  private published(lookup: Extract<PortLookup, { status: 'found' }>, ranking: ReturnType<typeof rankBackends>): RankedBackend[] {
    const publishable = new Set(this.publishable(lookup));
    return rankedBackends(lookup.port, ranking).filter((entry) => publishable.has(entry.backend));
  }

  /**
   * The RouteConfiguration of a Service port for a caller: its namespace's
   * consumer routes where it is known (caller authorization) and has some,
   * else the producer routes (the translation's header says why). Kept per
   * name and caller class: a namespace without consumer routes adds none.
   */
  private routeConfiguration(name: string, canonical: string, lookup: Extract<PortLookup, { status: 'found' }>, routeCaller: RouteCaller): EncodedResource {
    const callerClass = this.routes.callerClass(lookup.service.key, routeCaller.namespace);
    const table = this.routes.table(lookup.service.key, lookup.port.port, callerClass);
    const digest = `${canonical}\n${table?.digest ?? ''}`;
    const cacheKey = `${name}\n${callerClass.namespace ?? ''}`;
    const known = this.routeConfigurations.get(cacheKey);
    if (known && known.digest === digest) return known.resource;
    const resource = encodeResource(name, ROUTE_CONFIGURATION_TYPE, routeConfiguration(name, canonical, table, RETRY_POLICY));
    this.encodeCount += 1;
    this.routeConfigurations.set(cacheKey, { digest, resource });
    return resource;
  }

  private cached(lookup: Extract<PortLookup, { status: 'found' }>, key: string, build: () => EncodedResource): EncodedResource {
    let byName = this.cache.get(lookup.port);
    if (!byName) {
      byName = new Map();
      this.cache.set(lookup.port, byName);
    }
    let resource = byName.get(key);
    if (!resource) {
      resource = build();
      this.encodeCount += 1;
      byName.set(key, resource);
    }
    return resource;
  }

  /** The backends an xDS client accepts: IP addresses only (see the header). */
  private publishable(lookup: Extract<PortLookup, { status: 'found' }>): readonly Backend[] {
    const backends = lookup.port.backends;
    const ips = backends.filter((backend) => isIP(backend.host) !== 0);
    if (ips.length !== backends.length && !this.warnedHostNames.has(lookup.port)) {
      this.warnedHostNames.add(lookup.port);
      const hostNames = backends.filter((backend) => isIP(backend.host) === 0).map((backend) => backend.address);
      this.log.warn(
        { service: lookup.service.key, port: lookup.port.port, hostNames },
        'backends with host names are left out of xDS answers: gRPC xDS clients accept only IP addresses (lookaside.v1 clients still get them)',
      );
    }
    return ips;
  }
}

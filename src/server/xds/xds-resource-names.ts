// How xDS resource names map to registry targets.
//
// A channel that targets `xds:///greeter.default:grpc` asks for the Listener
// named `greeter.default:grpc`; the port is the Service port's name or
// number, by the same rules as a lookaside.v1 target. The Kubernetes DNS
// spelling `greeter.default.svc.cluster.local:grpc` names the same service,
// so a target copied from a DNS-based config works unchanged.
//
// Listeners route to a cluster named by the port NUMBER
// (`greeter.default:50051`), so the listeners of one port, by name, number
// or DNS spelling, share one Cluster and one ClusterLoadAssignment, and their
// callers share one encoding.

import { InvalidServiceRefError, parsePortRef, parseServiceName, type PortRef, type ServiceName } from '../../registry/service-ref.js';

/** The cluster-local DNS suffix accepted after "name.namespace". */
const DNS_SUFFIXES = ['.svc.cluster.local', '.svc'];

export interface XdsTarget {
  readonly service: ServiceName;
  readonly port: PortRef;
}

/** A name that is not a target: why, for the log. */
export interface UnparsedName {
  readonly error: string;
}

/**
 * Parses a Listener, Cluster or ClusterLoadAssignment name:
 * "name.namespace:port", "name.namespace.svc:port" or
 * "name.namespace.svc.cluster.local:port".
 */
export function parseXdsTarget(resourceName: string): XdsTarget | UnparsedName {
  const colon = resourceName.lastIndexOf(':');
  if (colon < 0) return { error: `"${resourceName}" has no port; name a target as "name.namespace:port" (port by name or number)` };
  let host = resourceName.slice(0, colon);
  for (const suffix of DNS_SUFFIXES) {
    if (host.endsWith(suffix)) {
      host = host.slice(0, -suffix.length);
      break;
    }
  }
  try {
    return { service: parseServiceName(host, 'resource name'), port: parsePortRef(resourceName.slice(colon + 1), 'resource name port') };
  } catch (error) {
    if (error instanceof InvalidServiceRefError) return { error: error.message };
    throw error;
  }
}

/** The Cluster (and ClusterLoadAssignment) name of a service port. */
export function clusterName(service: ServiceName, portNumber: number): string {
  return `${service.key}:${portNumber}`;
}

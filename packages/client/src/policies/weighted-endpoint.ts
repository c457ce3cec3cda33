// Weights travel on the Endpoint objects themselves. grpc-js hands the
// resolver's endpoint objects to the policy by reference (also through
// outlier_detection), while resolution attributes flow into every
// subchannel's options: a weight there would make a weight-only update look
// like new channel options and reconnect every backend.

import type { experimental } from '@grpc/grpc-js';
import type { ServerEntry } from '../control-plane/load-balancer-stub.js';
import type { GrpcModule } from '../grpc/grpc-module.js';

type Endpoint = experimental.Endpoint;

/** The weight of an endpoint whose source states none (DNS fallback, a 0 on the wire). */
export const DEFAULT_WEIGHT = 100;

/** An Endpoint with the control plane's weight for it (1..10000). */
export interface WeightedEndpoint extends Endpoint {
  readonly lookasideWeight: number;
  /** The zone the backend runs in, if the control plane knows it. */
  readonly lookasideZone?: string;
  /** The failover rank for this caller (0: preferred); absent means 0. */
  readonly lookasidePriority?: number;
}

/** The weight carried by an endpoint, or DEFAULT_WEIGHT if it carries none. */
export function weightOf(endpoint: Endpoint): number {
  const weight = (endpoint as Partial<WeightedEndpoint>).lookasideWeight;
  return typeof weight === 'number' && Number.isFinite(weight) && weight > 0 ? weight : DEFAULT_WEIGHT;
}

/** The failover rank of an endpoint: 0 unless the control plane ranked it lower. */
export function priorityOf(endpoint: Endpoint): number {
  const priority = (endpoint as Partial<WeightedEndpoint>).lookasidePriority;
  return typeof priority === 'number' && Number.isInteger(priority) && priority > 0 ? priority : 0;
}

/**
 * Splits "host:port" or "[v6]:port" with grpc-js's own reading of an
 * address (experimental.splitHostPort, the one its resolvers use);
 * undefined when there is no host, no port or a port outside 1..65535.
 */
function parseServerAddress(grpc: GrpcModule, address: string): { host: string; port: number } | undefined {
  const parsed = grpc.experimental.splitHostPort(address);
  if (!parsed || parsed.host === '' || parsed.port === undefined || parsed.port < 1 || parsed.port > 65535) return undefined;
  return { host: parsed.host, port: parsed.port };
}

/**
 * The identity of a server list, for telling a real change from a repeat
 * (a reconnect, a restarted control plane). It is the JSON of the endpoints
 * exactly as the policies receive them: everything a policy can read of an
 * endpoint (address, weight, rank, zone) is on the endpoint object, so a
 * field added to WeightedEndpoint takes part here without being named.
 */
export function serverListSignature(exists: boolean, endpoints: readonly WeightedEndpoint[]): string {
  return JSON.stringify([exists, endpoints]);
}

/**
 * Turns the control plane's servers into endpoints, skipping (and returning)
 * addresses that cannot be dialled rather than failing the whole update.
 */
export function toWeightedEndpoints(grpc: GrpcModule, servers: readonly ServerEntry[]): { endpoints: WeightedEndpoint[]; rejected: string[] } {
  const endpoints: WeightedEndpoint[] = [];
  const rejected: string[] = [];
  const seen = new Set<string>();
  for (const server of servers) {
    const parsed = parseServerAddress(grpc, server.address);
    if (!parsed) {
      rejected.push(server.address);
      continue;
    }
    const key = `${parsed.host}:${parsed.port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    endpoints.push({
      addresses: [{ host: parsed.host, port: parsed.port }],
      lookasideWeight: server.weight > 0 ? server.weight : DEFAULT_WEIGHT,
      ...(server.zone && { lookasideZone: server.zone }),
      ...(server.priority > 0 && { lookasidePriority: server.priority }),
    });
  }
  return { endpoints, rejected };
}

// Validates LoadBalancer requests. Every rejection is INVALID_ARGUMENT with a
// message that names the field and the rule (invariant 11, docs/design.md), so a caller can
// fix the request without reading the server's code.

import { status } from '@grpc/grpc-js';
import { InvalidServiceRefError, parsePortRef, parseServiceName, type PortRef, type ServiceName } from '../../registry/service-ref.js';
import type { Target } from './snapshot-encoder.js';

/** Marks a request that did not decode (see requestDecoder): the value is what the caller is told. */
export const UNDECODABLE = Symbol('undecodable request');

/** Longest accepted caller-info values: a zone label value, a node name, an id. */
const CLIENT_FIELD_LIMITS = { zone: 63, node: 253, client_id: 253 } as const;

export interface ServersRequest {
  target?: { service?: string; port?: string } | null;
  client?: { zone?: string; node?: string; client_id?: string } | null;
}

export interface ValidRequest {
  readonly service: ServiceName;
  readonly port: PortRef;
  /** The target as written, echoed in responses. */
  readonly target: Target;
  readonly client: { readonly zone: string; readonly node: string; readonly clientId: string };
}

export class InvalidRequestError extends Error {
  readonly code = status.INVALID_ARGUMENT;
}

export function validateServersRequest(request: ServersRequest): ValidRequest {
  const undecodable = (request as { [UNDECODABLE]?: string })[UNDECODABLE];
  if (undecodable !== undefined) throw new InvalidRequestError(undecodable);
  const target = request.target;
  if (!target) throw new InvalidRequestError('target: is required; set target.service ("name.namespace") and target.port (a port name or number)');
  const serviceText = target.service ?? '';
  const portText = target.port ?? '';
  let service: ServiceName;
  let port: PortRef;
  try {
    service = parseServiceName(serviceText, 'target.service');
    port = parsePortRef(portText, 'target.port');
  } catch (error) {
    if (error instanceof InvalidServiceRefError) throw new InvalidRequestError(error.message);
    throw error;
  }
  return { service, port, target: { service: serviceText, port: portText }, client: validateClientInfo(request.client) };
}

/** A request's caller info (optional: unset fields read as ""), within the lengths allowed. */
export function validateClientInfo(info: ServersRequest['client']): ValidRequest['client'] {
  const client = { zone: info?.zone ?? '', node: info?.node ?? '', clientId: info?.client_id ?? '' };
  for (const field of ['zone', 'node', 'client_id'] as const) {
    const limit = CLIENT_FIELD_LIMITS[field];
    const value = field === 'client_id' ? client.clientId : client[field];
    if (value.length > limit) throw new InvalidRequestError(`client.${field}: has ${value.length} characters; at most ${limit} are allowed`);
  }
  return client;
}

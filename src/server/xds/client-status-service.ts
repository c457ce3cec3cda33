// CSDS: envoy.service.status.v3.ClientStatusDiscoveryService, the
// management server's view of every xDS client, so existing xDS tooling
// (grpcdebug, istioctl-style scripts, grpcurl) can ask which clients are in
// sync. Read from the observer's client status: per client its node, and
// per resource it was sent, the version and whether the client ACKed it
// (SYNCED), has not answered yet (STALE) or NACKed it (ERROR, with the
// client's error). lookaside.v1 clients are not xDS clients and are left out
// (`lookaside status` lists them).

import { status, type sendUnaryData, type ServerDuplexStream, type ServerUnaryCall, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import type { ClientStatus } from '../../observer/traffic-observer.js';
import { decodeMessage, encodeMessage, xdsFileDescriptorProtos } from '../../wire/xds-messages.js';
import { TYPE_LABELS } from './xds-resources.js';

export const CSDS_SERVICE = 'envoy.service.status.v3.ClientStatusDiscoveryService';
const REQUEST_TYPE = 'envoy.service.status.v3.ClientStatusRequest';
const RESPONSE_TYPE = 'envoy.service.status.v3.ClientStatusResponse';

/** What server reflection needs to describe the CSDS service. */
export function clientStatusReflectionDefinition(): PackageDefinition {
  return { [CSDS_SERVICE]: { fileDescriptorProtos: xdsFileDescriptorProtos() } } as unknown as PackageDefinition;
}

interface StringMatcher {
  readonly exact?: string;
  readonly prefix?: string;
  readonly match_pattern?: string;
}

interface ClientStatusRequest {
  readonly node_matchers: readonly { readonly node_id?: StringMatcher | null; readonly node_metadatas: readonly unknown[] }[];
}

class InvalidRequest extends Error {}

const TYPE_URLS = new Map(Object.entries(TYPE_LABELS).map(([typeUrl, label]) => [label, typeUrl]));

/** Which node ids a request asks about; throws InvalidRequest for a matcher this server cannot apply. */
function nodeFilter(request: ClientStatusRequest): (id: string) => boolean {
  if (request.node_matchers.length === 0) return () => true;
  const tests = request.node_matchers.map((matcher, index) => {
    if (matcher.node_metadatas.length > 0) throw new InvalidRequest(`node_matchers[${index}].node_metadatas: matching on metadata is not supported; match node_id by exact or prefix`);
    const idMatcher = matcher.node_id;
    if (!idMatcher) return () => true;
    if (idMatcher.match_pattern === 'exact') return (id: string) => id === idMatcher.exact;
    if (idMatcher.match_pattern === 'prefix') return (id: string) => id.startsWith(idMatcher.prefix ?? '');
    throw new InvalidRequest(`node_matchers[${index}].node_id: ${idMatcher.match_pattern ?? 'an empty matcher'} is not supported; use exact or prefix`);
  });
  return (id) => tests.some((test) => test(id));
}

/** One ClientConfig per connected xDS client stream. */
function clientConfigs(clients: readonly ClientStatus[], matches: (id: string) => boolean): Record<string, unknown>[] {
  return clients
    .filter((client) => client.protocol === 'xds' && client.connected && matches(client.clientId))
    .map((client) => ({
      node: { id: client.clientId, locality: { zone: client.zone } },
      generic_xds_configs: client.versions.flatMap((entry) => {
        const nack = client.lastNack?.type === entry.type ? client.lastNack : undefined;
        const configStatus = nack ? 'ERROR' : entry.acked === entry.sent ? 'SYNCED' : 'STALE';
        const names = entry.names.length > 0 ? entry.names : [''];
        return names.map((name) => ({
          type_url: TYPE_URLS.get(entry.type) ?? entry.type,
          name,
          version_info: entry.sent,
          config_status: configStatus,
          ...(nack && { error_state: { details: nack.error, version_info: nack.version, last_update_attempt: timestamp(nack.at) } }),
        }));
      }),
    }));
}

function timestamp(iso: string): { seconds: number; nanos: number } {
  const ms = Date.parse(iso);
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 };
}

export class ClientStatusService {
  readonly definition: ServiceDefinition;

  constructor(private readonly clients: () => readonly ClientStatus[]) {
    const method = (name: string, responseStream: boolean) => ({
      path: `/${CSDS_SERVICE}/${name}`,
      requestStream: responseStream,
      responseStream,
      requestSerialize: (value: Record<string, unknown>) => Buffer.from(encodeMessage(REQUEST_TYPE, value)),
      requestDeserialize: (bytes: Buffer) => bytes,
      responseSerialize: (value: Record<string, unknown>) => Buffer.from(encodeMessage(RESPONSE_TYPE, value)),
      responseDeserialize: (bytes: Buffer) => decodeMessage(RESPONSE_TYPE, bytes),
    });
    this.definition = { FetchClientStatus: method('FetchClientStatus', false), StreamClientStatus: method('StreamClientStatus', true) };
  }

  get implementation(): UntypedServiceImplementation {
    return {
      FetchClientStatus: (call: ServerUnaryCall<Buffer, Record<string, unknown>>, callback: sendUnaryData<Record<string, unknown>>) => {
        try {
          callback(null, this.answer(call.request));
        } catch (error) {
          callback(this.toStatus(error));
        }
      },
      StreamClientStatus: (call: ServerDuplexStream<Buffer, Record<string, unknown>>) => {
        call.on('data', (bytes: Buffer) => {
          try {
            call.write(this.answer(bytes));
          } catch (error) {
            call.emit('error', this.toStatus(error));
          }
        });
        call.on('end', () => call.end());
        call.on('error', () => {});
      },
    };
  }

  private answer(bytes: Buffer): Record<string, unknown> {
    let request: ClientStatusRequest;
    try {
      request = decodeMessage(REQUEST_TYPE, bytes) as unknown as ClientStatusRequest;
    } catch (error) {
      throw new InvalidRequest(`the request is not a valid ${REQUEST_TYPE} (${(error as Error).message})`);
    }
    return { config: clientConfigs(this.clients(), nodeFilter(request)) };
  }

  private toStatus(error: unknown): { code: status; details: string } {
    if (error instanceof InvalidRequest) return { code: status.INVALID_ARGUMENT, details: error.message };
    return { code: status.INTERNAL, details: `the control plane failed to answer: ${(error as Error).message}` };
  }
}

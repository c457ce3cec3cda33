// xDS subscribers for the benchmarks: each a StreamAggregatedResources call
// on grpc-js that subscribes to one ClusterLoadAssignment and behaves as a
// proxyless gRPC client does: it decodes every response down to the
// resources inside their Any wrappers, and ACKs it (version and nonce)
// before the next. Used in a watcher fleet's child process, so their CPU is
// not the control plane's.

import { Client, credentials, Metadata, type ClientDuplexStream } from '@grpc/grpc-js';
import { ADS_METHOD, ADS_SERVICE, CLUSTER_LOAD_ASSIGNMENT_TYPE, decodeMessage, encodeMessage } from '../../src/wire/xds-messages.js';

export interface AdsSubscribersOptions {
  readonly address: string;
  readonly subscribers: number;
  /** Subscribers per grpc-js channel (connection). */
  readonly perChannel: number;
  /** The ClusterLoadAssignment to subscribe to, e.g. "busy.default:50051". */
  readonly resource: string;
  /** Subscriber `index` has decoded and ACKed a response. */
  readonly onResponse: (index: number) => void;
  readonly onError: (index: number, error: Error) => void;
}

interface DiscoveryResponse {
  version_info: string;
  nonce: string;
  resources: { type_url: string; value: Uint8Array }[];
}

const PATH = `/${ADS_SERVICE}/${ADS_METHOD}`;
const serialize = (request: Record<string, unknown>) => Buffer.from(encodeMessage('envoy.service.discovery.v3.DiscoveryRequest', request));
const deserialize = (bytes: Buffer) => decodeMessage('envoy.service.discovery.v3.DiscoveryResponse', bytes) as unknown as DiscoveryResponse;

export function openAdsSubscribers(options: AdsSubscribersOptions): { close(): void } {
  const clients: Client[] = [];
  const calls: ClientDuplexStream<Record<string, unknown>, DiscoveryResponse>[] = [];
  for (let i = 0; i < options.subscribers; i++) {
    if (i % options.perChannel === 0) clients.push(new Client(options.address, credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 }));
    const call = clients.at(-1)!.makeBidiStreamRequest(PATH, serialize, deserialize, new Metadata());
    const subscription = { type_url: CLUSTER_LOAD_ASSIGNMENT_TYPE, resource_names: [options.resource] };
    call.on('data', (response: DiscoveryResponse) => {
      // Decode the resources, as a client must before it can use them.
      for (const resource of response.resources) decodeMessage(resource.type_url, resource.value);
      call.write({ ...subscription, version_info: response.version_info, response_nonce: response.nonce });
      options.onResponse(i);
    });
    call.on('error', (error: Error) => options.onError(i, error));
    call.write({ node: { id: `bench-subscriber-${i}`, locality: {} }, ...subscription });
    calls.push(call);
  }
  return {
    close() {
      for (const call of calls) call.cancel();
      for (const client of clients) client.close();
    },
  };
}

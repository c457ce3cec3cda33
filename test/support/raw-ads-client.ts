// A raw ADS client for protocol tests: grpc-js with the envoy protos that
// @grpc/grpc-js-xds ships, loaded from the .proto files by proto-loader, so
// it decodes what the control plane sends independently of the control
// plane's own generated descriptor. A test drives the protocol by hand:
// it sends each DiscoveryRequest (subscriptions, ACKs, NACKs) and reads the
// responses in order.

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { credentials, loadPackageDefinition, Metadata, type connectivityState, type ClientDuplexStream, type GrpcObject, type ServiceClientConstructor, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import protobuf from 'protobufjs';

const require = createRequire(import.meta.url);
const XDS_ROOT = dirname(require.resolve('@grpc/grpc-js-xds/package.json'));
const INCLUDE_DIRS = ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map((dir) => join(XDS_ROOT, 'deps', dir));
const RESOURCE_FILES = [
  'envoy/config/listener/v3/listener.proto',
  'envoy/config/cluster/v3/cluster.proto',
  'envoy/config/endpoint/v3/endpoint.proto',
  'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
  'envoy/extensions/filters/http/router/v3/router.proto',
];

export const TYPES = {
  listener: 'type.googleapis.com/envoy.config.listener.v3.Listener',
  route: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
  cluster: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  endpoints: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
  httpConnectionManager: 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
} as const;

let loaded: { Ads: ServiceClientConstructor; root: protobuf.Root } | undefined;

function load() {
  if (!loaded) {
    const definition = loadSync(['envoy/service/discovery/v3/ads.proto'], { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true, includeDirs: INCLUDE_DIRS });
    const grpcObject = loadPackageDefinition(definition) as unknown as { envoy: { service: { discovery: { v3: GrpcObject } } } };
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => {
      for (const dir of [...INCLUDE_DIRS, dirname(require.resolve('protobufjs/package.json'))]) {
        try {
          require.resolve(join(dir, target));
          return join(dir, target);
        } catch {
          // not in this folder
        }
      }
      return target;
    };
    root.loadSync(RESOURCE_FILES, { keepCase: true });
    loaded = { Ads: grpcObject.envoy.service.discovery.v3.AggregatedDiscoveryService as ServiceClientConstructor, root };
  }
  return loaded;
}

/** Decodes an Any's payload as the message its type URL names. */
export function unpack(any: { type_url: string; value: Buffer | Uint8Array }): Record<string, unknown> {
  const type = load().root.lookupType(any.type_url.slice(any.type_url.indexOf('/') + 1));
  return type.toObject(type.decode(any.value), { longs: String, enums: String, defaults: true, oneofs: true, arrays: true });
}

export interface DiscoveryResponse {
  version_info: string;
  resources: { type_url: string; value: Buffer }[];
  type_url: string;
  nonce: string;
}

export interface DiscoveryRequest {
  version_info?: string;
  node?: { id: string; locality?: { zone?: string } };
  resource_names?: string[];
  type_url: string;
  response_nonce?: string;
  error_detail?: { code: number; message: string };
}

/** A grpc-js ADS client (one channel) that several RawAdsClients may open their streams on. */
export type AdsChannel = InstanceType<ServiceClientConstructor>;

export function adsChannel(address: string): AdsChannel {
  const { Ads } = load();
  return new Ads(address, credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
}

export class RawAdsClient {
  readonly responses: DiscoveryResponse[] = [];
  readonly call: ClientDuplexStream<DiscoveryRequest, DiscoveryResponse>;
  /** The status the stream ended with, once it has. */
  ended: ServiceError | { code: 0 } | undefined;
  private readonly client: InstanceType<ServiceClientConstructor>;
  private readonly waiters = new Set<() => void>();
  private read = 0;

  /**
   * `metadata`: sent with the stream, e.g. { authorization: 'Bearer ...' }.
   * `channel`: open the stream on this channel (closed by its owner), not on one of its own.
   */
  constructor(address: string, metadata: Record<string, string> = {}, private readonly channel?: AdsChannel) {
    this.client = channel ?? adsChannel(address);
    const sent = new Metadata();
    for (const [key, value] of Object.entries(metadata)) sent.set(key, value);
    this.call = (this.client as unknown as { StreamAggregatedResources(metadata: Metadata): ClientDuplexStream<DiscoveryRequest, DiscoveryResponse> }).StreamAggregatedResources(sent);
    this.call.on('data', (response: DiscoveryResponse) => {
      this.responses.push(response);
      this.wake();
    });
    this.call.on('error', (error: ServiceError) => {
      this.ended = error;
      this.wake();
    });
    this.call.on('status', (status: { code: number }) => {
      if (status.code === 0) this.ended ??= { code: 0 };
      this.wake();
    });
  }

  send(request: DiscoveryRequest): void {
    this.call.write(request);
  }

  /** The next response not read yet; fails after `timeoutMs`. */
  async next(timeoutMs = 5_000): Promise<DiscoveryResponse> {
    await this.until(() => this.responses.length > this.read, `a response (after ${this.read} read)`, timeoutMs);
    return this.responses[this.read++]!;
  }

  /** Resolves when the stream has ended; with its status. */
  async status(timeoutMs = 5_000): Promise<ServiceError | { code: 0 }> {
    await this.until(() => this.ended !== undefined, 'the stream to end', timeoutMs);
    return this.ended!;
  }

  /** Responses received and not read by next(). */
  get unread(): number {
    return this.responses.length - this.read;
  }

  /** The state of the client's own channel (IDLE once the server sent a GOAWAY, say). */
  channelState(): connectivityState {
    return this.client.getChannel().getConnectivityState(false);
  }

  close(): void {
    this.call.cancel();
    if (!this.channel) this.client.close();
  }

  private until(ready: () => boolean, what: string, timeoutMs: number): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!ready()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

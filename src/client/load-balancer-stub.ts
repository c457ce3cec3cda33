// A typed grpc-js client for lookaside.v1.LoadBalancer. The resolver uses it
// to watch the control plane; the CLI uses it for `get` and `watch`. It
// loads the proto shipped with the package and nothing from the server side.

import { fileURLToPath } from 'node:url';
import {
  credentials as grpcCredentials,
  loadPackageDefinition,
  Metadata,
  type CallOptions,
  type ChannelCredentials,
  type ChannelOptions,
  type Client,
  type ClientReadableStream,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

const PROTO_ROOT = fileURLToPath(new URL('../../proto/', import.meta.url));

/** One backend as the control plane sends it. */
export interface ServerEntry {
  readonly address: string;
  /** Always from 1 to 10000: a 0 on the wire is read as the default, 100. */
  readonly weight: number;
  readonly zone: string;
  readonly metadata: Readonly<Record<string, string>>;
}

/** One answer of GetServers or one message of WatchServers. */
export interface ServersUpdate {
  readonly target: { readonly service: string; readonly port: string };
  readonly version: number;
  readonly exists: boolean;
  readonly servers: readonly ServerEntry[];
}

export interface ServersQuery {
  /** "name.namespace" */
  readonly service: string;
  /** Port name or number. */
  readonly port: string;
  readonly client?: { readonly zone?: string; readonly node?: string; readonly clientId?: string };
}

export interface WireServers {
  target?: { service?: string; port?: string } | null;
  version?: number;
  exists?: boolean;
  servers?: { address?: string; weight?: number; zone?: string; metadata?: Record<string, string> }[];
}

type RawClient = Client & {
  GetServers(request: object, metadata: Metadata, options: CallOptions, callback: (error: ServiceError | null, value?: WireServers) => void): void;
  WatchServers(request: object, metadata: Metadata, options: CallOptions): ClientReadableStream<WireServers>;
};

let clientConstructor: (new (address: string, credentials: ChannelCredentials, options?: ChannelOptions) => RawClient) | undefined;

function loadConstructor() {
  if (!clientConstructor) {
    const definition = loadSync('lookaside/v1/lookaside.proto', { keepCase: false, longs: Number, defaults: true, includeDirs: [PROTO_ROOT] });
    const loaded = loadPackageDefinition(definition) as unknown as { lookaside: { v1: { LoadBalancer: typeof clientConstructor } } };
    clientConstructor = loaded.lookaside.v1.LoadBalancer;
  }
  return clientConstructor!;
}

/** Turns a wire message into a ServersUpdate, applying the documented defaults. */
export function toServersUpdate(message: WireServers): ServersUpdate {
  return {
    target: { service: message.target?.service ?? '', port: message.target?.port ?? '' },
    version: Number(message.version ?? 0),
    exists: message.exists ?? false,
    servers: (message.servers ?? []).map((s) => ({
      address: s.address ?? '',
      weight: s.weight && s.weight > 0 ? s.weight : 100,
      zone: s.zone ?? '',
      metadata: s.metadata ?? {},
    })),
  };
}

function toRequest(query: ServersQuery): object {
  return { target: { service: query.service, port: query.port }, client: query.client ?? {} };
}

export class LoadBalancerStub {
  readonly raw: RawClient;

  constructor(address: string, credentials: ChannelCredentials = grpcCredentials.createInsecure(), options: ChannelOptions = {}) {
    const Constructor = loadConstructor();
    this.raw = new Constructor(address, credentials, options);
  }

  /** GetServers with a deadline (every call made by this code has one). */
  getServers(query: ServersQuery, timeoutMs: number): Promise<ServersUpdate> {
    return new Promise((resolve, reject) => {
      this.raw.GetServers(toRequest(query), new Metadata(), { deadline: Date.now() + timeoutMs }, (error, value) => {
        if (error) reject(error);
        else resolve(toServersUpdate(value ?? {}));
      });
    });
  }

  /**
   * Opens a WatchServers stream. It has no deadline: it is meant to live as
   * long as the channel, kept alive by keepalive pings. `options` may set
   * waitForReady, so the call waits for the control plane to be reachable.
   */
  watchServers(query: ServersQuery, options: { readonly waitForReady?: boolean } = {}): ClientReadableStream<WireServers> {
    const metadata = new Metadata();
    if (options.waitForReady) metadata.setOptions({ waitForReady: true });
    return this.raw.WatchServers(toRequest(query), metadata, {});
  }

  close(): void {
    this.raw.close();
  }
}

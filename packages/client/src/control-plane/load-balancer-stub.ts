// A typed grpc-js client for lookaside.v1.LoadBalancer. The resolver uses it
// to watch the control plane; the CLI uses it for `get` and `watch`. Its
// message types come from the descriptor generated from proto/ at build
// time (../generated/lookaside-v1.ts): no file is read at run time, so the
// package works the same from ESM, CommonJS and a bundle.
//
// Responses are decoded with protobufjs straight into ServersUpdate, without
// proto-loader's extra pass that copies every message into a plain object
// with defaults: a large fleet's clients each decode every update, and a
// GetServers caller pays it per call (bench/get-servers-throughput).

import { fromWireRouteTable, type RouteTable, type WireRouteTable } from '../policies/route-table.js';
import { defaultGrpc } from '../grpc/default-grpc.js';
import type { CallOptions, ChannelCredentials, ChannelOptions, Client, ClientDuplexStream, ClientReadableStream, Metadata, MethodDefinition, ServiceError } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import type { GrpcModule } from '../grpc/grpc-module.js';
import { LOOKASIDE_DESCRIPTOR } from '../generated/lookaside-v1.js';

/** One backend as the control plane sends it. */
export interface ServerEntry {
  readonly address: string;
  /** Always from 1 to 10000: a 0 on the wire is read as the default, 100. */
  readonly weight: number;
  readonly zone: string;
  readonly metadata: Readonly<Record<string, string>>;
  /** The failover rank for this caller: calls go to the lowest rank with a ready backend. */
  readonly priority: number;
}

/** One answer of GetServers or one message of WatchServers. */
export interface ServersUpdate {
  readonly target: { readonly service: string; readonly port: string };
  readonly version: number;
  readonly exists: boolean;
  readonly servers: readonly ServerEntry[];
  /** Set when GRPCRoutes route this Service port (route-table.ts); servers stay its own backends. */
  readonly routeTable?: RouteTable;
}

export interface ServersQuery {
  /** "name.namespace" */
  readonly service: string;
  /** Port name or number. */
  readonly port: string;
  readonly client?: { readonly zone?: string; readonly node?: string; readonly clientId?: string };
}

/** A response as protobufjs decodes it: unset fields read as their defaults. */
interface WireServers {
  target?: { service?: string; port?: string } | null;
  /** uint64: a Long when protobufjs has long.js (it does), else a number. */
  version?: number | { toNumber(): number } | null;
  exists?: boolean;
  servers?: { address?: string; weight?: number; zone?: string; metadata?: Record<string, string>; priority?: number }[];
  routeTable?: WireRouteTable | null;
}

/** A lookaside.v1 ReportLoadRequest, field names as protobufjs gives them (camelCase). */
export interface LoadReportRequest {
  readonly client?: { readonly zone?: string; readonly node?: string; readonly clientId?: string };
  readonly targets: readonly {
    readonly target: { readonly service: string; readonly port: string };
    readonly applied?: { readonly version: number; readonly exists: boolean };
    readonly backends: readonly { readonly address: string; readonly succeededCalls: number; readonly failedCalls: number; readonly issuedCalls: number; readonly inProgressCalls: number }[];
  }[];
}

/** A ReportLoadResponse: how often the control plane wants reports (0: it did not say). */
export interface LoadReportAnswer {
  readonly reportIntervalMs: number;
}

type RawClient = Client & {
  ReportLoad(metadata: Metadata, options: CallOptions): ClientDuplexStream<LoadReportRequest, LoadReportAnswer>;
  GetServers(request: object, metadata: Metadata, options: CallOptions, callback: (error: ServiceError | null, value?: ServersUpdate) => void): void;
  WatchServers(request: object, metadata: Metadata, options: CallOptions): ClientReadableStream<ServersUpdate>;
};

type RawClientConstructor = new (address: string, credentials: ChannelCredentials, options?: ChannelOptions) => RawClient;

/** One client class per grpc-js copy (keyed by its `experimental` object): a class made by one copy cannot run on another. */
const clientConstructors = new WeakMap<object, RawClientConstructor>();
let definition: (Record<'GetServers' | 'WatchServers', MethodDefinition<object, ServersUpdate>> & { ReportLoad: MethodDefinition<LoadReportRequest, LoadReportAnswer> }) | undefined;

function reportLoadMethod(root: protobuf.Root): MethodDefinition<LoadReportRequest, LoadReportAnswer> {
  const request = root.lookupType('lookaside.v1.ReportLoadRequest');
  const response = root.lookupType('lookaside.v1.ReportLoadResponse');
  return {
    path: '/lookaside.v1.LoadBalancer/ReportLoad',
    requestStream: true,
    responseStream: true,
    requestSerialize: (value) => Buffer.from(request.encode(request.fromObject(value)).finish()),
    requestDeserialize: (bytes) => request.toObject(request.decode(bytes), { longs: Number }) as LoadReportRequest,
    responseSerialize: (value) => Buffer.from(response.encode(response.fromObject(value)).finish()),
    responseDeserialize: (bytes) => ({ reportIntervalMs: (response.decode(bytes) as { reportIntervalMs?: number }).reportIntervalMs ?? 0 }),
  };
}

function method(name: 'GetServers' | 'WatchServers', root: protobuf.Root): MethodDefinition<object, ServersUpdate> {
  const request = root.lookupType(`lookaside.v1.${name}Request`);
  const response = root.lookupType(`lookaside.v1.${name}Response`);
  return {
    path: `/lookaside.v1.LoadBalancer/${name}`,
    requestStream: false,
    responseStream: name === 'WatchServers',
    requestSerialize: (value) => Buffer.from(request.encode(request.fromObject(value)).finish()),
    requestDeserialize: (bytes) => request.decode(bytes),
    responseSerialize: () => {
      throw new Error('the LoadBalancer client does not serialize responses');
    },
    responseDeserialize: (bytes) => toServersUpdate(response.decode(bytes) as WireServers),
  };
}

function loadConstructor(grpc: GrpcModule): RawClientConstructor {
  let constructor = clientConstructors.get(grpc.experimental);
  if (!constructor) {
    if (!definition) {
      const root = protobuf.Root.fromJSON(LOOKASIDE_DESCRIPTOR as protobuf.INamespace);
      definition = { GetServers: method('GetServers', root), WatchServers: method('WatchServers', root), ReportLoad: reportLoadMethod(root) };
    }
    constructor = grpc.makeGenericClientConstructor(definition, 'LoadBalancer') as unknown as RawClientConstructor;
    clientConstructors.set(grpc.experimental, constructor);
  }
  return constructor;
}

/** Turns a decoded message into a ServersUpdate, applying the documented defaults. */
function toServersUpdate(message: WireServers): ServersUpdate {
  const version = message.version ?? 0;
  return {
    target: { service: message.target?.service ?? '', port: message.target?.port ?? '' },
    version: typeof version === 'number' ? version : version.toNumber(),
    exists: message.exists ?? false,
    servers: (message.servers ?? []).map((s) => ({
      address: s.address ?? '',
      weight: s.weight && s.weight > 0 ? s.weight : 100,
      zone: s.zone ?? '',
      metadata: s.metadata ?? {},
      priority: s.priority ?? 0,
    })),
    ...(message.routeTable && { routeTable: fromWireRouteTable(message.routeTable) }),
  };
}

/** Per-call options of the stub's methods. */
export interface StubCallOptions {
  /**
   * A bearer token, sent as the call's "authorization: Bearer <token>"
   * metadata: the control plane's caller authorization (--caller-auth
   * kubernetes) needs one. In the call's own metadata rather than
   * CallCredentials, which grpc-js refuses on insecure channels.
   */
  readonly token?: string;
}

function toRequest(query: ServersQuery): object {
  return { target: { service: query.service, port: query.port }, client: query.client ?? {} };
}

export class LoadBalancerStub {
  readonly raw: RawClient;
  private readonly grpc: GrpcModule;

  /**
   * @param grpc the grpc-js module to make the channel with; default: the
   *     copy this package resolves. Credentials must come from the same module.
   */
  constructor(address: string, credentials?: ChannelCredentials, options: ChannelOptions = {}, grpc: GrpcModule = defaultGrpc) {
    this.grpc = grpc;
    const Constructor = loadConstructor(grpc);
    this.raw = new Constructor(address, credentials ?? grpc.credentials.createInsecure(), options);
  }

  /** GetServers with a deadline (every call made by this code has one). */
  getServers(query: ServersQuery, timeoutMs: number, options: StubCallOptions = {}): Promise<ServersUpdate> {
    return new Promise((resolve, reject) => {
      this.raw.GetServers(toRequest(query), this.metadata(options), { deadline: Date.now() + timeoutMs }, (error, value) => {
        if (error) reject(error);
        else resolve(value ?? toServersUpdate({}));
      });
    });
  }

  /**
   * Opens a WatchServers stream. It has no deadline: it is meant to live as
   * long as the channel, kept alive by keepalive pings. `options` may set
   * waitForReady, so the call waits for the control plane to be reachable.
   */
  watchServers(query: ServersQuery, options: StubCallOptions & { readonly waitForReady?: boolean } = {}): ClientReadableStream<ServersUpdate> {
    const metadata = this.metadata(options);
    if (options.waitForReady) metadata.setOptions({ waitForReady: true });
    return this.raw.WatchServers(toRequest(query), metadata, {});
  }

  /**
   * Opens a ReportLoad stream (load-report-sender.ts). Like WatchServers it
   * has no deadline and may wait for the control plane (waitForReady).
   */
  reportLoad(options: StubCallOptions & { readonly waitForReady?: boolean } = {}): ClientDuplexStream<LoadReportRequest, LoadReportAnswer> {
    const metadata = this.metadata(options);
    if (options.waitForReady) metadata.setOptions({ waitForReady: true });
    return this.raw.ReportLoad(metadata, {});
  }

  private metadata(options: StubCallOptions): Metadata {
    const metadata = new this.grpc.Metadata();
    if (options.token !== undefined) metadata.set('authorization', `Bearer ${options.token}`);
    return metadata;
  }

  close(): void {
    this.raw.close();
  }
}

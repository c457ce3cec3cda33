// One StreamAggregatedResources call: the state-of-the-world xDS protocol
// for one client, over every resource type it asks for.
//
// The protocol (envoy's xDS REST and gRPC protocol, "State of the World"):
//  - a request names, for one type URL, every resource the client wants
//    now (resource_names); the server answers with every one of them that
//    exists, with a version and a nonce;
//  - the client's next request for that type carries the nonce it answers:
//    with version_info = the answered version it ACKs, with error_detail
//    set (and its last accepted version) it NACKs. A request whose nonce is
//    not the newest sent for its type is stale and ignored, as the protocol
//    says; every request repeats the full subscription, so nothing is lost;
//  - a resource left out of a Listener or Cluster response does not exist
//    (clients report "does not exist"), which is how unknown targets are
//    told apart from known ones with no backends (invariant 3, docs/design.md).
//
// Like a WatchServers stream (invariant 4, docs/design.md), a stream holds no queue: per
// type it keeps the subscription and what it sent last. A change marks it
// dirty; when it can write, it sends the newest state; a stream whose
// socket is full sends nothing until it drains. The response is assembled
// from resources encoded once per version and shared (invariant 5, docs/design.md).

import { status, type ServerDuplexStream } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { ScheduledStream, type StreamHooks, type StreamScheduler } from '../shared/stream-scheduler.js';
import type { Registry } from '../../registry/registry.js';
import { DISCOVERY_RESPONSE_FIELDS, lengthDelimitedField, type DiscoveryRequest } from '../../wire/xds-messages.js';
import type { XdsTarget } from './xds-resource-names.js';
import { locate } from '../../translation/caller-topology.js';
import type { RouteCaller } from '../../translation/route-table.js';
import { NODE_METADATA_KEY } from '../../wire/xds-node-metadata.js';
import { isServedType, SERVED_TYPES, TYPE_LABELS, versionOf, type EncodedResource, type ServedType, type XdsResources } from './xds-resources.js';
import type { ServerClock } from '../../clock/server-clock.js';
import { NackWarnings } from './nack-warnings.js';

/** What a client may subscribe to per type on one stream; more is refused with INVALID_ARGUMENT. */
export const MAX_RESOURCE_NAMES_PER_TYPE = 10_000;

/**
 * How long a namespace the caller was refused (PERMISSION_DENIED) stays left
 * out of its stream before a request naming it is reviewed again: the
 * authorizer's cache keeps a denial at most as long, so a grant is seen on
 * the first request after it.
 */
export const DENIED_NAMESPACE_RECHECK_MS = 5_000;

export type AdsCall = ServerDuplexStream<DiscoveryRequest | { readonly undecodable: string }, Buffer>;

export interface AdsHooks extends StreamHooks<AdsStream> {
  /** A response of `version` was written to `stream`. */
  readonly onPush?: (type: ServedType, stream: AdsStream, version: string) => void;
  readonly onAck?: (type: ServedType, stream: AdsStream, version: string) => void;
  /** The client refused `rejectedVersion` with `error`. */
  readonly onNack?: (type: ServedType, stream: AdsStream, rejectedVersion: string, error: string) => void;
}

/** What the stream needs from the service that owns it. */
export interface AdsStreamContext {
  readonly registry: Registry;
  readonly resources: XdsResources;
  readonly log: Logger;
  readonly hooks: AdsHooks;
  /** The clock the stream's own timers run on. */
  readonly clock: ServerClock;
  /** Writes the streams: when they are due, with back-pressure. */
  readonly scheduler: StreamScheduler<AdsStream>;
}

interface TypeState {
  /** The subscription, sorted: the order responses list resources in. */
  names: string[];
  /** Parsed names; names that are no target map to their parse error. */
  readonly targets: Map<string, XdsTarget | { error: string }>;
  /** The subscription changed since the last response: answer even if the version did not. */
  answerDue: boolean;
  sentVersion: string | undefined;
  /** The newest nonce sent for this type: only a request carrying it ACKs or NACKs. */
  sentNonce: string | undefined;
  /**
   * The nonce last ACKed or NACKed. A client's later requests for the type
   * (a subscription change) carry the same nonce until the next response:
   * they are not counted or logged as another ACK or NACK.
   */
  repliedNonce: string | undefined;
  ackedVersion: string;
}

export class AdsStream extends ScheduledStream {
  private readonly types = new Map<ServedType, TypeState>();
  /** The services this stream follows, one per service named by any type. */
  private readonly watches = new Map<string, () => void>();
  private nonceCounter = 0;
  private readonly authorizedNamespaces = new Set<string>();
  /** The caller's namespace, where caller authorization told it: GAMMA consumer routes of that namespace apply to it. */
  private routeCaller: RouteCaller = {};
  /** Namespaces refused to this caller, until when (on the context's clock): their names get no resources. */
  private readonly deniedNamespaces = new Map<string, number>();
  private readonly nackWarnings: NackWarnings;
  /** The node id (for logs), zone and Kubernetes node (for topology-aware answers) from the first request. */
  private node: { id: string; zone: string; kubernetesNode: string } | undefined;

  constructor(
    private readonly context: AdsStreamContext,
    override readonly call: AdsCall,
  ) {
    super(call, context.scheduler);
    this.nackWarnings = new NackWarnings(context.log, context.clock, () => this.nodeId);
  }

  get nodeId(): string {
    return this.node?.id ?? '';
  }

  /** The client as its first request named it: node id, zone, Kubernetes node ("" each before it). */
  get client(): { readonly id: string; readonly zone: string; readonly kubernetesNode: string } {
    return this.node ?? { id: '', zone: '', kubernetesNode: '' };
  }

  /** The resource names the client asks for of one type. */
  subscription(type: ServedType): readonly string[] {
    return this.types.get(type)?.names ?? [];
  }

  /**
   * The namespaces a request names that this stream has not been authorized
   * for yet (with --caller-auth), leaving out those refused less than
   * DENIED_NAMESPACE_RECHECK_MS ago: the service decides them before receive().
   */
  namespacesToAuthorize(request: DiscoveryRequest | { readonly undecodable: string }): string[] {
    if (this.isClosed || 'undecodable' in request) return [];
    const namespaces = new Set<string>();
    for (const name of request.resource_names) {
      const target = this.context.resources.target(name);
      if ('error' in target) continue;
      const namespace = target.service.namespace;
      if (!this.authorizedNamespaces.has(namespace) && !this.isDenied(namespace)) namespaces.add(namespace);
    }
    return [...namespaces];
  }

  /**
   * Records namespaces the caller was authorized for; they are not asked
   * again on this stream. One refused before is served from the next answer.
   */
  authorized(namespaces: readonly string[]): void {
    let wasDenied = false;
    for (const namespace of namespaces) {
      this.authorizedNamespaces.add(namespace);
      wasDenied = this.deniedNamespaces.delete(namespace) || wasDenied;
    }
    if (wasDenied) for (const state of this.types.values()) state.answerDue = true;
  }

  /**
   * Records a namespace the caller may not read. Its names are left out of
   * every answer, as names of resources that do not exist, while the rest
   * of the stream goes on: a gRPC process shares one ADS stream across its
   * channels, and ending it would stop the targets the caller may read too.
   */
  denied(namespace: string): void {
    this.deniedNamespaces.set(namespace, this.context.clock.now() + DENIED_NAMESPACE_RECHECK_MS);
  }

  /** The caller's namespace as an allowed authorization decision named it (its token is the stream's: it does not change). */
  callerNamespaceIs(namespace: string): void {
    this.routeCaller = { namespace };
  }

  /** The namespaces this stream was authorized for: what a recheck of the open stream asks about again. */
  authorizedNamespaceList(): string[] {
    return [...this.authorizedNamespaces];
  }

  /**
   * A namespace the caller could read and, checked again, may not: left out
   * of the answers from the next one on, as a namespace refused at first.
   */
  revoked(namespace: string): void {
    if (!this.authorizedNamespaces.delete(namespace)) return;
    this.denied(namespace);
    this.markDirty();
  }

  private isDenied(namespace: string): boolean {
    const until = this.deniedNamespaces.get(namespace);
    return until !== undefined && this.context.clock.now() < until;
  }

  /** Reads one request; a bad one ends the stream with INVALID_ARGUMENT naming the field. */
  receive(request: DiscoveryRequest | { readonly undecodable: string }): void {
    if (this.isClosed) return;
    if ('undecodable' in request) return this.end(status.INVALID_ARGUMENT, request.undecodable);
    const typeUrl = request.type_url;
    if (!isServedType(typeUrl)) {
      // A gRPC process shares one ADS stream across its channels: ending it
      // for a type this server does not serve would freeze every other
      // target. The type simply gets no answer, as from servers that lack it.
      this.context.log.debug({ node: this.nodeId, type: typeUrl, served: SERVED_TYPES }, 'xDS request for a type that is not served; ignored');
      return;
    }
    if (request.resource_names.length > MAX_RESOURCE_NAMES_PER_TYPE) {
      return this.end(status.INVALID_ARGUMENT, `resource_names: ${request.resource_names.length} names for ${TYPE_LABELS[typeUrl]}; at most ${MAX_RESOURCE_NAMES_PER_TYPE} are allowed per type and stream`);
    }
    this.node ??= { id: request.node?.id ?? '', zone: request.node?.locality?.zone ?? '', kubernetesNode: kubernetesNodeOf(request.node?.metadata) };
    let state = this.types.get(typeUrl);
    if (!state) {
      state = { names: [], targets: new Map(), answerDue: true, sentVersion: undefined, sentNonce: undefined, repliedNonce: undefined, ackedVersion: '' };
      this.types.set(typeUrl, state);
    }
    if (request.response_nonce !== '') {
      if (state.sentNonce !== undefined && request.response_nonce !== state.sentNonce) {
        this.context.log.debug({ node: this.nodeId, type: TYPE_LABELS[typeUrl], nonce: request.response_nonce }, 'stale xDS request ignored');
        return;
      }
      // A nonce already ACKed or NACKed was counted then: only the subscription below can be new.
      const firstReply = request.response_nonce !== state.repliedNonce;
      const error = request.error_detail;
      if (firstReply && error && (error.code !== 0 || error.message)) {
        // The client keeps what it accepted last; the same version is not
        // sent again, so a NACK never loops. The next change sends anew.
        this.context.hooks.onNack?.(typeUrl, this, state.sentVersion ?? '', error.message ?? '');
        this.nackWarnings.nacked({ type: TYPE_LABELS[typeUrl], rejectedVersion: state.sentVersion, keptVersion: request.version_info, error: error.message ?? '' });
      } else if (firstReply) {
        state.ackedVersion = request.version_info;
        this.context.hooks.onAck?.(typeUrl, this, request.version_info);
      }
      state.repliedNonce = request.response_nonce;
    }
    const names = [...new Set(request.resource_names)].sort();
    if (names.join('\n') !== state.names.join('\n')) {
      state.names = names;
      state.answerDue = true;
      for (const name of [...state.targets.keys()]) if (!names.includes(name)) state.targets.delete(name);
      for (const name of names) if (!state.targets.has(name)) state.targets.set(name, this.context.resources.target(name));
      this.rewatch();
    }
    if (state.answerDue) this.markDirty();
  }

  /** Sends, per type, the newest state if it differs from what was sent or the subscription changed. */
  flush(): void {
    if (!this.writable) return;
    const caller = locate({ zone: this.node?.zone ?? '', node: this.node?.kubernetesNode ?? '' }, (node) => this.context.registry.zoneOfNode(node));
    for (const [typeUrl, state] of this.types) {
      const resources: EncodedResource[] = [];
      for (const name of state.names) {
        const target = state.targets.get(name);
        if (!target || 'error' in target || this.deniedNamespaces.has(target.service.namespace)) continue;
        const resource = this.context.resources.resolve(typeUrl, name, target, caller, this.routeCaller);
        if (resource) resources.push(resource);
      }
      const version = versionOf(resources);
      if (!state.answerDue && version === state.sentVersion) continue;
      this.nonceCounter += 1;
      const nonce = String(this.nonceCounter);
      state.answerDue = false;
      state.sentVersion = version;
      state.sentNonce = nonce;
      const writable = this.write(responseBytes(typeUrl, version, nonce, resources));
      this.context.hooks.onPush?.(typeUrl, this, version);
      // The socket is full: the other types wait for the drain, then get their newest state.
      if (!writable) return;
    }
  }

  logFields(): Record<string, unknown> {
    return { node: this.nodeId };
  }

  protected detached(): void {
    this.nackWarnings.stop();
    for (const unwatch of this.watches.values()) unwatch();
    this.watches.clear();
  }

  /** Follows exactly the services the subscriptions name. */
  private rewatch(): void {
    const keys = new Set<string>();
    for (const state of this.types.values()) for (const target of state.targets.values()) if (!('error' in target)) keys.add(target.service.key);
    for (const [key, unwatch] of this.watches) {
      if (keys.has(key)) continue;
      unwatch();
      this.watches.delete(key);
    }
    for (const key of keys) {
      if (!this.watches.has(key)) this.watches.set(key, this.context.scheduler.follow(this, key));
    }
  }
}

/**
 * The Kubernetes node a client names in its bootstrap's node.metadata
 * (NODE_METADATA_KEY, as `lookaside xds-bootstrap --node-name` writes it);
 * "" when absent. The metadata is a google.protobuf.Struct.
 */
export function kubernetesNodeOf(metadata: unknown): string {
  const fields = (metadata as { fields?: Record<string, { string_value?: unknown }> } | undefined)?.fields;
  const value = fields?.[NODE_METADATA_KEY]?.string_value;
  return typeof value === 'string' && value.length <= 253 ? value : '';
}

/** Lays a DiscoveryResponse end to end from shared resource encodings. */
function responseBytes(typeUrl: ServedType, version: string, nonce: string, resources: readonly EncodedResource[]): Buffer {
  return Buffer.concat([
    lengthDelimitedField(DISCOVERY_RESPONSE_FIELDS.version_info, Buffer.from(version)),
    ...resources.map((resource) => resource.field),
    lengthDelimitedField(DISCOVERY_RESPONSE_FIELDS.type_url, Buffer.from(typeUrl)),
    lengthDelimitedField(DISCOVERY_RESPONSE_FIELDS.nonce, Buffer.from(nonce)),
  ]);
}

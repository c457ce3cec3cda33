// The xDS face: envoy.service.discovery.v3.AggregatedDiscoveryService
// (state of the world, v3) over the registry, for proxyless gRPC clients in
// every language. It holds no state of its own beyond each stream's
// subscription: resources are read from the registry when a stream is
// written, so there is no second copy of the registry to drift.
//
// It shares WatchServers' guarantees through the same scheduler
// (../shared/stream-scheduler.ts): nothing before the source's first sync
// (invariant 1 of docs/design.md), O(1) memory per slow stream (4), one
// encoding per resource version (5), the stream limits, every stream ended
// with UNAVAILABLE at shutdown. What is left here is the protocol's: the
// requests a stream reads, and who may read which namespace.

import type { PackageDefinition } from '@grpc/proto-loader';
import { status, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { Registry } from '../../registry/registry.js';
import type { AuthorizationDecision, CallerAuthorizer } from '../shared/caller-authorization/caller-authorizer.js';
import { OpenStreamAuthorization, type NamespaceDecision } from '../shared/caller-authorization/open-stream-authorization.js';
import type { ConnectionAges } from '../shared/connection-age.js';
import type { WatchStreamLimits } from '../shared/watch-stream-limits.js';
import { StreamScheduler } from '../shared/stream-scheduler.js';
import type { AdmittedCall } from '../shared/stream-admission.js';
import { ADS_METHOD, ADS_SERVICE, decodeDiscoveryRequest, decodeMessage, encodeMessage, xdsFileDescriptorProtos, type DiscoveryRequest } from '../../wire/xds-messages.js';
import { AdsStream, DENIED_NAMESPACE_RECHECK_MS, type AdsCall, type AdsHooks, type AdsStreamContext } from './ads-stream.js';
import { XdsResources } from './xds-resources.js';
import { SYSTEM_CLOCK, type ServerClock } from '../../clock/server-clock.js';

export interface AggregatedDiscoveryServiceOptions {
  readonly registry: Registry;
  readonly logger: Logger;
  readonly hooks?: AdsHooks;
  /**
   * With --caller-auth: a stream is told about a namespace's services only
   * once its caller (the token in the stream's metadata) may list
   * EndpointSlices there, the same rule as for lookaside.v1.
   */
  readonly authorizer?: CallerAuthorizer;
  /** The watch-stream budget ADS streams share with WatchServers (RESOURCE_EXHAUSTED past it). */
  readonly limits: WatchStreamLimits;
  /** The clock of the streams' own timers; default the process's. */
  readonly clock?: ServerClock;
  /** Clusters name this server as their LRS server (load-reporting-service.ts). */
  readonly loadReporting?: boolean;
  /** Ends streams at their connection's age (--max-connection-age); none: they live on. */
  readonly connectionAges?: ConnectionAges;
}

type AdsRequest = DiscoveryRequest | { readonly undecodable: string };

/** What server reflection needs to describe the ADS service: its files, named as the protos name them. */
export function xdsReflectionDefinition(): PackageDefinition {
  return { [ADS_SERVICE]: { fileDescriptorProtos: xdsFileDescriptorProtos() } } as unknown as PackageDefinition;
}

function decodeRequest(bytes: Buffer): AdsRequest {
  try {
    return decodeDiscoveryRequest(bytes);
  } catch (error) {
    // grpc-js would answer a throwing decoder with INTERNAL, as if the server were at fault.
    return { undecodable: `the request is not a valid envoy.service.discovery.v3.DiscoveryRequest (${(error as Error).message})` };
  }
}

export class AggregatedDiscoveryService {
  readonly definition: ServiceDefinition;
  readonly resources: XdsResources;
  private readonly scheduler: StreamScheduler<AdsStream>;
  private readonly context: AdsStreamContext;
  private readonly log: Logger;

  constructor(private readonly options: AggregatedDiscoveryServiceOptions) {
    this.log = options.logger.child({ component: 'xds' });
    this.resources = new XdsResources(options.registry, this.log, options.loadReporting ?? false);
    this.definition = {
      [ADS_METHOD]: {
        path: `/${ADS_SERVICE}/${ADS_METHOD}`,
        requestStream: true,
        responseStream: true,
        requestSerialize: (value: Record<string, unknown>) => Buffer.from(encodeMessage('envoy.service.discovery.v3.DiscoveryRequest', value)),
        requestDeserialize: decodeRequest,
        // Responses are assembled from shared encodings (AdsStream); they pass through as is.
        responseSerialize: (value: Buffer) => value,
        responseDeserialize: (bytes: Buffer) => decodeMessage('envoy.service.discovery.v3.DiscoveryResponse', bytes),
      },
    };
    this.scheduler = new StreamScheduler<AdsStream>({
      registry: options.registry,
      logger: this.log,
      face: 'xDS',
      limits: options.limits,
      ...(options.hooks && { hooks: options.hooks }),
      ...(options.connectionAges && { connectionAges: options.connectionAges }),
    });
    this.context = { registry: options.registry, resources: this.resources, log: this.log, hooks: options.hooks ?? {}, clock: options.clock ?? SYSTEM_CLOCK, scheduler: this.scheduler };
  }

  /** Open ADS streams. */
  get size(): number {
    return this.scheduler.size;
  }

  get implementation(): UntypedServiceImplementation {
    return { [ADS_METHOD]: (call: AdsCall) => this.stream(call) };
  }

  /** Refuses new streams and ends every open one with UNAVAILABLE. */
  drain(): void {
    this.scheduler.drain();
  }

  private stream(call: AdsCall): void {
    const admitted = this.scheduler.admit(call);
    if (!admitted) return;
    const stream = new AdsStream(this.context, call);
    this.scheduler.add(admitted, stream);
    const authorizer = this.options.authorizer;
    const recheck = authorizer && this.recheckWhileOpen(authorizer, stream, admitted);
    call.on('data', (request: AdsRequest) => {
      if (!authorizer) return this.receive(stream, request);
      const namespaces = stream.namespacesToAuthorize(request);
      if (namespaces.length === 0) return this.receive(stream, request);
      // Requests are handled in order: the stream reads nothing more until
      // this one is authorized, which also bounds what a caller can queue.
      call.pause();
      void this.authorize(authorizer, stream, admitted.peer, namespaces)
        .then((decisions) => {
          if (!decisions) return;
          recheck?.allowed(decisions);
          this.receive(stream, request);
          call.resume();
        })
        .catch((error: unknown) => {
          // Invariant 9 (docs/design.md): a failure here ends this stream, never the process.
          this.log.error({ err: error, node: stream.nodeId }, 'authorizing an xDS request failed; closing the stream');
          stream.end(status.INTERNAL, 'the control plane failed to authorize this request; reconnect');
        });
    });
    // The client half-closed: it will ask for nothing more. What its last
    // requests asked for is written first, so a one-shot `grpcurl` or
    // `buf curl` request gets its answer; then the stream ends with OK.
    call.on('end', () => setImmediate(() => this.halfClosed(call, stream, admitted)));
  }

  private receive(stream: AdsStream, request: AdsRequest): void {
    try {
      stream.receive(request);
    } catch (error) {
      // Invariant 9 (docs/design.md): a request that breaks the handler ends its stream, never the process.
      this.log.error({ err: error, node: stream.nodeId }, 'handling an xDS request failed; closing the stream');
      stream.end(status.INTERNAL, 'the control plane failed to handle this request; reconnect');
    }
  }

  private halfClosed(call: AdsCall, stream: AdsStream, admitted: AdmittedCall<AdsStream>): void {
    if (stream.isClosed) return;
    this.scheduler.writeNow(stream);
    admitted.finish();
    call.end();
  }

  /**
   * Decides the namespaces a request names that the stream was not
   * authorized for. Resolves with the decisions when the request can be
   * served (refused namespaces are left out of the stream's answers), or
   * undefined when the stream was ended: it closed meanwhile, or no
   * decision could be had (no valid token, the API server is unreachable)
   * and the client must reconnect.
   */
  private async authorize(authorizer: CallerAuthorizer, stream: AdsStream, peer: string, namespaces: readonly string[]): Promise<AuthorizationDecision[] | undefined> {
    const metadata = stream.call.metadata;
    const results = await Promise.all(namespaces.map(async (namespace) => ({ namespace, decision: await authorizer.authorize(metadata, namespace) })));
    if (stream.isClosed) return undefined;
    const unanswerable = results.find((result) => !result.decision.allowed && result.decision.code !== status.PERMISSION_DENIED);
    if (unanswerable && !unanswerable.decision.allowed) {
      stream.end(unanswerable.decision.code, `${unanswerable.decision.details} (xDS resources of namespace "${unanswerable.namespace}" were asked for)`);
      return undefined;
    }
    for (const result of results) {
      if (result.decision.allowed) continue;
      stream.denied(result.namespace);
      this.log.warn(
        { node: stream.nodeId, peer, namespace: result.namespace, recheckAfterMs: DENIED_NAMESPACE_RECHECK_MS },
        `xDS resources of namespace "${result.namespace}" are left out of this stream: ${result.decision.details}`,
      );
    }
    stream.authorized(results.filter((result) => result.decision.allowed).map((result) => result.namespace));
    for (const result of results) if (result.decision.allowed && result.decision.callerNamespace !== undefined) stream.callerNamespaceIs(result.decision.callerNamespace);
    return results.map((result) => result.decision);
  }

  /** Each namespace the stream was authorized for is asked about again when its allow expires; see rechecked(). */
  private recheckWhileOpen(authorizer: CallerAuthorizer, stream: AdsStream, admitted: AdmittedCall<AdsStream>): OpenStreamAuthorization {
    const recheck = new OpenStreamAuthorization({
      authorizer,
      clock: this.context.clock,
      metadata: stream.call.metadata,
      namespaces: () => stream.authorizedNamespaceList(),
      onRecheck: (results) => this.rechecked(stream, admitted.peer, results),
      onError: (error) => {
        this.log.error({ err: error, node: stream.nodeId }, 'authorizing an open xDS stream again failed; closing the stream');
        stream.end(status.INTERNAL, 'the control plane failed to authorize this stream again; reconnect');
      },
    });
    admitted.onOver(() => recheck.stop());
    return recheck;
  }

  /**
   * The namespaces of an open stream, authorized again. A token no longer
   * accepted ends the stream (nothing on it can be served); a namespace the
   * caller may no longer read is left out of its answers, as at first; when
   * it may read none of them any more, the stream ends PERMISSION_DENIED.
   * Undecided ones (the API server is away) stay as they are.
   */
  private rechecked(stream: AdsStream, peer: string, results: readonly NamespaceDecision[]): void {
    if (stream.isClosed) return;
    const again = (details: string, namespace: string) => `${details} (checked again while the stream was open, for xDS resources of namespace "${namespace}")`;
    const unauthenticated = results.find((result) => !result.decision.allowed && result.decision.code === status.UNAUTHENTICATED);
    if (unauthenticated && !unauthenticated.decision.allowed) return stream.end(status.UNAUTHENTICATED, again(unauthenticated.decision.details, unauthenticated.namespace));
    const revoked = results.filter((result) => !result.decision.allowed && result.decision.code === status.PERMISSION_DENIED);
    if (revoked.length === 0) return;
    if (revoked.length === results.length) {
      const first = revoked[0]!;
      this.log.info({ node: stream.nodeId, peer, namespaces: revoked.map((result) => result.namespace) }, 'xDS stream ended: the caller may no longer read any namespace it asked for');
      return stream.end(status.PERMISSION_DENIED, again(first.decision.allowed ? '' : first.decision.details, first.namespace));
    }
    for (const { namespace, decision } of revoked) {
      stream.revoked(namespace);
      this.log.warn(
        { node: stream.nodeId, peer, namespace, recheckAfterMs: DENIED_NAMESPACE_RECHECK_MS },
        `xDS resources of namespace "${namespace}" are left out of this stream from now on: ${decision.allowed ? '' : decision.details}`,
      );
    }
  }
}

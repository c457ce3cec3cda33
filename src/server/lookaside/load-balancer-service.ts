// The lookaside.v1.LoadBalancer service: GetServers and WatchServers over
// the registry. Handlers validate, look up, and hand out pre-encoded bytes.

import { status, type sendUnaryData, type ServerUnaryCall, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { PortLookup, Registry } from '../../registry/registry.js';
import { InvalidRequestError, validateServersRequest, type ServersRequest, type ValidRequest } from './request-validation.js';
import { SnapshotEncoder, type ServersResponse } from './snapshot-encoder.js';
import { RouteTranslator, type RouteCaller } from '../../translation/route-table.js';
import { WatchFanout, type FanoutHooks, type WatchCall, type WatchStream } from './watch-fanout.js';
import { loadBalancerDefinition, requestDecoder } from './proto-definitions.js';
import { locate } from '../../translation/caller-topology.js';
import { DEFAULT_MAX_WATCH_STREAMS, DEFAULT_MAX_WATCH_STREAMS_PER_CONNECTION, WatchStreamLimits, type WatchStreamLimitOptions } from '../shared/watch-stream-limits.js';
import type { CallerAuthorizer } from '../shared/caller-authorization/caller-authorizer.js';
import { OpenStreamAuthorization } from '../shared/caller-authorization/open-stream-authorization.js';
import type { ConnectionAges } from '../shared/connection-age.js';
import { SHUTTING_DOWN } from '../shared/stream-scheduler.js';
import type { AdmittedCall } from '../shared/stream-admission.js';
import { SYSTEM_CLOCK, type ServerClock } from '../../clock/server-clock.js';

export interface LoadBalancerServiceOptions {
  readonly registry: Registry;
  readonly logger: Logger;
  readonly hooks?: FanoutHooks;
  /** Bounds on WatchServers streams; default DEFAULT_MAX_WATCH_STREAMS(_PER_CONNECTION). */
  readonly watchLimits?: Partial<WatchStreamLimitOptions>;
  /**
   * Decides who may read a target's namespace (--caller-auth). Without it
   * every caller is served, as before.
   */
  readonly authorizer?: CallerAuthorizer;
  /** Ends watches at their connection's age (--max-connection-age); none: they live on. */
  readonly connectionAges?: ConnectionAges;
  /** The clock of the rechecks of open streams; default the process's. */
  readonly clock?: ServerClock;
}

const NOT_SYNCED = 'the control plane has not synced with its discovery source yet; retry shortly';

export class LoadBalancerService {
  readonly definition: ServiceDefinition;
  readonly encoder: SnapshotEncoder;
  readonly fanout: WatchFanout;
  readonly watchLimits: WatchStreamLimits;
  private readonly log: Logger;
  private draining = false;

  constructor(private readonly options: LoadBalancerServiceOptions) {
    this.log = options.logger.child({ component: 'load-balancer' });
    const base = loadBalancerDefinition();
    const serialize = base.GetServers!.responseSerialize as (value: ServersResponse) => Buffer;
    this.encoder = new SnapshotEncoder(serialize, new RouteTranslator(options.registry, options.registry.routes));
    // Responses are encoded ahead by the encoder; buffers pass through as is.
    const passThrough = (value: Buffer | ServersResponse): Buffer => (Buffer.isBuffer(value) ? value : serialize(value));
    this.definition = {
      GetServers: { ...base.GetServers!, requestDeserialize: requestDecoder('GetServersRequest'), responseSerialize: passThrough },
      WatchServers: { ...base.WatchServers!, requestDeserialize: requestDecoder('WatchServersRequest'), responseSerialize: passThrough },
    };
    this.watchLimits = new WatchStreamLimits({
      perConnection: options.watchLimits?.perConnection ?? DEFAULT_MAX_WATCH_STREAMS_PER_CONNECTION,
      total: options.watchLimits?.total ?? DEFAULT_MAX_WATCH_STREAMS,
    });
    this.fanout = new WatchFanout({
      registry: options.registry,
      encoder: this.encoder,
      logger: this.log,
      limits: this.watchLimits,
      ...(options.hooks && { hooks: options.hooks }),
      ...(options.connectionAges && { connectionAges: options.connectionAges }),
    });
  }

  get implementation(): UntypedServiceImplementation {
    return {
      GetServers: (call: ServerUnaryCall<ServersRequest, Buffer>, callback: sendUnaryData<Buffer>) => this.getServers(call, callback),
      WatchServers: (call: WatchCall) => this.watchServers(call),
    };
  }

  /** Refuses new calls and ends every watch with UNAVAILABLE. */
  drain(): void {
    this.draining = true;
    this.fanout.scheduler.drain();
  }

  private getServers(call: ServerUnaryCall<ServersRequest, Buffer>, callback: sendUnaryData<Buffer>): void {
    try {
      if (this.draining) return callback({ code: status.UNAVAILABLE, details: SHUTTING_DOWN });
      const request = validateServersRequest(call.request);
      const authorizer = this.options.authorizer;
      if (!authorizer) return this.answerGetServers(call, request, callback);
      authorizer.authorize(call.metadata, request.service.namespace).then(
        (decision) => {
          if (!decision.allowed) return callback({ code: decision.code, details: decision.details });
          this.answerGetServers(call, request, callback, { namespace: decision.callerNamespace });
        },
        (error: unknown) => callback(toStatus(error, this.log)),
      );
    } catch (error) {
      callback(toStatus(error, this.log));
    }
  }

  private answerGetServers(call: ServerUnaryCall<ServersRequest, Buffer>, request: ValidRequest, callback: sendUnaryData<Buffer>, routeCaller: RouteCaller = {}): void {
    try {
      if (this.draining) return callback({ code: status.UNAVAILABLE, details: SHUTTING_DOWN });
      if (!this.options.registry.synced) return callback({ code: status.UNAVAILABLE, details: NOT_SYNCED });
      const lookup = this.options.registry.lookup(request.service.key, request.port);
      if (lookup.status !== 'found') return callback({ code: status.NOT_FOUND, details: describeMissing(this.options.registry, request, lookup) });
      // Guarded: the fields (the peer's address is a fresh string) cost more than the lookup.
      if (this.log.isLevelEnabled('debug')) this.log.debug({ service: request.target.service, port: request.target.port, version: lookup.version, client: request.client, peer: call.getPeer() }, 'GetServers');
      callback(null, this.encoder.encode(request.target, lookup, locate(request.client, (node) => this.options.registry.zoneOfNode(node)), routeCaller));
    } catch (error) {
      callback(toStatus(error, this.log));
    }
  }

  private watchServers(call: WatchCall): void {
    try {
      if (this.draining) return void call.emit('error', { code: status.UNAVAILABLE, details: SHUTTING_DOWN });
      const request = validateServersRequest(call.request as ServersRequest);
      // The stream counts against the limits from here, while it is being
      // authorized too: a caller cannot pile up pending reviews past them.
      const admitted = this.fanout.scheduler.admit(call);
      if (!admitted) return;
      const authorizer = this.options.authorizer;
      if (!authorizer) return void this.openWatch(call, admitted, request);
      // The target's namespace is fixed for the stream: authorized when it
      // opens, and again each time the allow expires (a revoked caller's
      // stream ends then).
      const namespace = request.service.namespace;
      authorizer.authorize(call.metadata, namespace).then(
        (decision) => {
          if (call.cancelled || admitted.isOver) return;
          if (!decision.allowed) return void call.emit('error', { code: decision.code, details: decision.details });
          if (this.draining) return void call.emit('error', { code: status.UNAVAILABLE, details: SHUTTING_DOWN });
          if (!this.openWatch(call, admitted, request, { namespace: decision.callerNamespace })) return;
          const recheck = new OpenStreamAuthorization({
            authorizer,
            clock: this.options.clock ?? SYSTEM_CLOCK,
            metadata: call.metadata,
            namespaces: () => [namespace],
            onRecheck: ([result]) => {
              const again = result!.decision;
              // Undecided (the API server is away): the stream goes on, as cached decisions do.
              if (again.allowed || again.code === status.UNAVAILABLE) return;
              this.log.info({ peer: admitted.peer, service: request.target.service, code: status[again.code] }, 'WatchServers ended: the caller may no longer read this target');
              admitted.end(again.code, `${again.details} (checked again while the stream was open)`);
            },
            onError: (error) => admitted.end(toStatus(error, this.log).code, 'the control plane failed to authorize this stream again; reconnect'),
          });
          admitted.onOver(() => recheck.stop());
          recheck.allowed([decision]);
        },
        (error: unknown) => call.emit('error', toStatus(error, this.log)),
      );
    } catch (error) {
      call.emit('error', toStatus(error, this.log));
    }
  }

  private openWatch(call: WatchCall, admitted: AdmittedCall<WatchStream>, request: ValidRequest, routeCaller: RouteCaller = {}): WatchStream | undefined {
    try {
      this.log.debug({ service: request.target.service, port: request.target.port, client: request.client, peer: admitted.peer }, 'WatchServers opened');
      return this.fanout.add(admitted, call, request, routeCaller);
    } catch (error) {
      call.emit('error', toStatus(error, this.log));
      return undefined;
    }
  }
}

function describeMissing(registry: Registry, request: ValidRequest, lookup: PortLookup): string {
  if (lookup.status === 'unknown-port') {
    return `service ${request.service.key} has no port "${request.target.port}"; ${registry.describePorts(lookup.service)}`;
  }
  return `service ${request.service.key} is not known to the control plane`;
}

function toStatus(error: unknown, log: Logger): { code: status; details: string } {
  if (error instanceof InvalidRequestError) return { code: error.code, details: error.message };
  log.error({ err: error }, 'LoadBalancer handler failed');
  return { code: status.INTERNAL, details: 'the control plane failed to answer; this is a bug, please report it' };
}

// The gRPC faces of the control plane: lookaside.v1 LoadBalancer, xDS
// (AggregatedDiscoveryService), grpc.health.v1 and server reflection on one
// grpc-js server, with keepalive and a graceful, bounded shutdown.

import { Server, ServerCredentials, type ServerInterceptor, type ServerOptions } from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import type { Logger } from 'pino';
import type { Registry } from '../registry/registry.js';
import type { CallerAuthorizer } from './shared/caller-authorization/caller-authorizer.js';
import { LoadBalancerService } from './lookaside/load-balancer-service.js';
import { LOAD_BALANCER_SERVICE, reflectionPackageDefinition } from './lookaside/proto-definitions.js';
import type { FanoutHooks } from './lookaside/watch-fanout.js';
import { AggregatedDiscoveryService, xdsReflectionDefinition } from './xds/aggregated-discovery-service.js';
import type { AdsHooks } from './xds/ads-stream.js';
import { LoadReportingService, loadReportingReflectionDefinition } from './xds/load-reporting-service.js';
import { LoadReportService } from './lookaside/load-report-service.js';
import type { LoadReportHooks } from '../observer/load-report.js';
import { ClientStatusService, clientStatusReflectionDefinition } from './xds/client-status-service.js';
import type { ClientStatus } from '../observer/traffic-observer.js';
import { DEFAULT_MAX_WATCH_STREAMS, DEFAULT_MAX_WATCH_STREAMS_PER_CONNECTION } from './shared/watch-stream-limits.js';
import { SYSTEM_CLOCK, type ServerClock } from '../clock/server-clock.js';
import { ConnectionAges, defaultConnectionAgeGraceMs, grpcJsConnectionAgeGraceMs } from './shared/connection-age.js';

export interface ControlPlaneServerOptions {
  readonly registry: Registry;
  readonly logger: Logger;
  /** Address to listen on; default 0.0.0.0. */
  readonly host?: string;
  /** Port to listen on; 0 picks a free one. */
  readonly port: number;
  readonly credentials?: ServerCredentials;
  /** Server keepalive ping interval; long WatchServers streams rely on it. */
  readonly keepaliveTimeMs?: number;
  readonly keepaliveTimeoutMs?: number;
  /**
   * Close connections older than this (with a GOAWAY), and end their watch
   * streams (WatchServers, ADS) soon after (see connection-age.ts), so
   * clients spread over replicas again after a rollout. 0 keeps connections
   * and streams forever.
   */
  readonly maxConnectionAgeMs?: number;
  /** The window over which a connection's watch streams end after its age; default a tenth of the age. */
  readonly maxConnectionAgeGraceMs?: number;
  /** Draws where in that window each connection's watches end; default Math.random. */
  readonly connectionAgeRandom?: () => number;
  readonly hooks?: FanoutHooks;
  /** Hooks of the xDS face (metrics). */
  readonly xdsHooks?: AdsHooks;
  /**
   * Load reports: Clusters name this server as their LRS server and clients
   * are asked to report every `intervalMs`; reports go to `hooks`. false:
   * Clusters name no LRS server (clients count nothing for it).
   */
  readonly loadReports?: { readonly intervalMs?: number; readonly hooks?: LoadReportHooks } | false;
  /** The status of every client stream: served by CSDS when given. */
  readonly clientStatus?: () => readonly ClientStatus[];
  /** Bounds on what one caller can take; defaults in ServerLimits' comments. */
  readonly limits?: Partial<ServerLimits>;
  /** Interceptors for every call (metrics). */
  readonly interceptors?: ServerInterceptor[];
  /** Authorizes LoadBalancer callers per target namespace (--caller-auth); health and reflection stay open. */
  readonly authorizer?: CallerAuthorizer;
  /** The clock of the server's own timers (stream lifetimes, rechecks, log summaries); default the process's. */
  readonly clock?: ServerClock;
}

/** What one caller can take from the control plane. */
export interface ServerLimits {
  /** Watch streams (WatchServers and xDS) per connection (default 1,000). HTTP/2 allows 100 more streams than this, for unary calls. */
  readonly maxWatchStreamsPerConnection: number;
  /** Watch streams (WatchServers and xDS) in all (default 100,000). */
  readonly maxWatchStreams: number;
  /** Largest request message accepted (default 3 MiB: an xDS request may name up to 10,000 resources; a lookaside.v1 request is under 1 KiB). */
  readonly maxRequestBytes: number;
}

export const DEFAULT_MAX_REQUEST_BYTES = 3 * 1024 * 1024;

export const DEFAULT_KEEPALIVE_TIME_MS = 30_000;
export const DEFAULT_KEEPALIVE_TIMEOUT_MS = 10_000;

export class ControlPlaneServer {
  readonly server: Server;
  readonly loadBalancer: LoadBalancerService;
  readonly xds: AggregatedDiscoveryService;
  /** The LRS face; undefined when load reports are off. */
  readonly loadReporting: LoadReportingService | undefined;
  /** lookaside.v1 ReportLoad; undefined when load reports are off (clients are answered UNIMPLEMENTED). */
  readonly lookasideLoadReports: LoadReportService | undefined;
  readonly health: HealthImplementation;
  /** The caller authorization every face that reveals backends asks (--caller-auth); undefined: callers are not checked. */
  readonly authorizer: CallerAuthorizer | undefined;
  private readonly log: Logger;
  private boundPort: number | undefined;
  private shuttingDown: Promise<void> | undefined;
  private stopSyncListener: () => void = () => {};

  constructor(private readonly options: ControlPlaneServerOptions) {
    this.log = options.logger.child({ component: 'server' });
    this.authorizer = options.authorizer;
    const perConnection = options.limits?.maxWatchStreamsPerConnection ?? DEFAULT_MAX_WATCH_STREAMS_PER_CONNECTION;
    const channelOptions: ServerOptions = {
      ...(options.interceptors && { interceptors: options.interceptors }),
      // Nothing serves channelz here; its per-call and per-message bookkeeping
      // is a measurable share of a large fan-out (bench/fanout-cost).
      'grpc.enable_channelz': 0,
      'grpc.keepalive_time_ms': options.keepaliveTimeMs ?? DEFAULT_KEEPALIVE_TIME_MS,
      'grpc.keepalive_timeout_ms': options.keepaliveTimeoutMs ?? DEFAULT_KEEPALIVE_TIMEOUT_MS,
      // Bounds (docs/operations.md, "Limits"): an oversized request is refused with
      // RESOURCE_EXHAUSTED before it is decoded; HTTP/2 refuses streams past
      // the watch limit plus room for unary calls and health checks.
      'grpc.max_receive_message_length': options.limits?.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES,
      'grpc.max_concurrent_streams': perConnection + 100,
    };
    let connectionAges: ConnectionAges | undefined;
    if (options.maxConnectionAgeMs && options.maxConnectionAgeMs > 0) {
      const graceMs = options.maxConnectionAgeGraceMs ?? defaultConnectionAgeGraceMs(options.maxConnectionAgeMs);
      connectionAges = new ConnectionAges({
        maxAgeMs: options.maxConnectionAgeMs,
        graceMs,
        clock: options.clock ?? SYSTEM_CLOCK,
        ...(options.connectionAgeRandom && { random: options.connectionAgeRandom }),
      });
      channelOptions['grpc.max_connection_age_ms'] = options.maxConnectionAgeMs;
      // A backstop that never cuts a watch (they end first): it closes a
      // connection whose other calls never end.
      channelOptions['grpc.max_connection_age_grace_ms'] = grpcJsConnectionAgeGraceMs(options.maxConnectionAgeMs, graceMs);
    }
    this.server = new Server(channelOptions);
    this.loadBalancer = new LoadBalancerService({
      registry: options.registry,
      logger: options.logger,
      ...(options.hooks && { hooks: options.hooks }),
      watchLimits: { perConnection, total: options.limits?.maxWatchStreams ?? DEFAULT_MAX_WATCH_STREAMS },
      ...(options.authorizer && { authorizer: options.authorizer }),
      ...(connectionAges && { connectionAges }),
      ...(options.clock && { clock: options.clock }),
    });
    this.server.addService(this.loadBalancer.definition, this.loadBalancer.implementation);
    this.xds = new AggregatedDiscoveryService({
      loadReporting: options.loadReports !== false,
      registry: options.registry,
      logger: options.logger,
      ...(options.xdsHooks && { hooks: options.xdsHooks }),
      ...(options.authorizer && { authorizer: options.authorizer }),
      limits: this.loadBalancer.watchLimits,
      ...(options.clock && { clock: options.clock }),
      ...(connectionAges && { connectionAges }),
    });
    this.server.addService(this.xds.definition, this.xds.implementation);
    this.loadReporting = options.loadReports === false ? undefined : new LoadReportingService({
      registry: options.registry,
      resources: this.xds.resources,
      logger: options.logger,
      ...(options.loadReports?.hooks && { hooks: options.loadReports.hooks }),
      ...(options.loadReports?.intervalMs !== undefined && { intervalMs: options.loadReports.intervalMs }),
      limits: this.loadBalancer.watchLimits,
      ...(options.authorizer && { authorizer: options.authorizer }),
    });
    if (this.loadReporting) this.server.addService(this.loadReporting.definition, this.loadReporting.implementation);
    this.lookasideLoadReports = options.loadReports === false ? undefined : new LoadReportService({
      registry: options.registry,
      logger: options.logger,
      ...(options.loadReports?.hooks && { hooks: options.loadReports.hooks }),
      ...(options.loadReports?.intervalMs !== undefined && { intervalMs: options.loadReports.intervalMs }),
      limits: this.loadBalancer.watchLimits,
      ...(options.authorizer && { authorizer: options.authorizer }),
    });
    // A method of lookaside.v1.LoadBalancer, served from its own definition: grpc-js routes calls by path.
    if (this.lookasideLoadReports) this.server.addService(this.lookasideLoadReports.definition, this.lookasideLoadReports.implementation);
    const clientStatus = options.clientStatus && new ClientStatusService(options.clientStatus);
    if (clientStatus) this.server.addService(clientStatus.definition, clientStatus.implementation);
    // Invariant 1 (docs/design.md): NOT_SERVING until the source has synced once.
    this.health = new HealthImplementation({ '': 'NOT_SERVING', [LOAD_BALANCER_SERVICE]: 'NOT_SERVING' });
    this.health.addToServer(this.server);
    new ReflectionService({ ...reflectionPackageDefinition(), ...xdsReflectionDefinition(), ...(this.loadReporting && loadReportingReflectionDefinition()), ...(clientStatus && clientStatusReflectionDefinition()) }).addToServer(this.server);
  }

  get port(): number {
    if (this.boundPort === undefined) throw new Error('the server is not listening yet');
    return this.boundPort;
  }

  /** Binds and starts serving; resolves with the bound port. */
  async start(): Promise<number> {
    const host = this.options.host ?? '0.0.0.0';
    const address = host.includes(':') ? `[${host}]:${this.options.port}` : `${host}:${this.options.port}`;
    this.boundPort = await new Promise<number>((resolve, reject) => {
      this.server.bindAsync(address, this.options.credentials ?? ServerCredentials.createInsecure(), (error, port) => {
        if (error) reject(new Error(`cannot listen on ${address}: ${error.message}`));
        else resolve(port);
      });
    });
    this.stopSyncListener = this.options.registry.onSynced(() => {
      if (this.shuttingDown) return;
      this.health.setStatus('', 'SERVING');
      this.health.setStatus(LOAD_BALANCER_SERVICE, 'SERVING');
      this.log.info('source synced; serving');
    });
    this.log.info({ address: `${host}:${this.boundPort}` }, 'listening');
    return this.boundPort;
  }

  /**
   * Shuts down: health NOT_SERVING (load balancers and probes stop sending),
   * every WatchServers stream ended with UNAVAILABLE (clients reconnect to
   * another replica), then tryShutdown, forced after `graceMs`. Idempotent.
   */
  shutdown(graceMs: number): Promise<void> {
    this.shuttingDown ??= this.runShutdown(graceMs);
    return this.shuttingDown;
  }

  private async runShutdown(graceMs: number): Promise<void> {
    this.stopSyncListener();
    this.health.setStatus('', 'NOT_SERVING');
    this.health.setStatus(LOAD_BALANCER_SERVICE, 'NOT_SERVING');
    const watchers = this.loadBalancer.fanout.size;
    const xdsStreams = this.xds.size;
    this.loadBalancer.drain();
    this.xds.drain();
    this.loadReporting?.drain();
    this.lookasideLoadReports?.drain();
    this.log.info({ watchers, xdsStreams, graceMs }, 'shutting down: watch and xDS streams ended, draining calls');
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        // Streams that never end (a health Watch, a client that stopped
        // reading) would hold tryShutdown forever.
        this.log.warn({ graceMs }, 'grace period over; closing remaining calls');
        this.server.forceShutdown();
        resolve();
      }, graceMs);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.log.info('server stopped');
  }
}

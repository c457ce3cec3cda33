// The control plane assembled: one discovery source feeding one registry,
// served by one gRPC server. The CLI's `serve` and the tests start it here.

import type { ServerCredentials } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { DiscoverySource } from './discovery/source.js';
import { Registry } from './registry/registry.js';
import { ControlPlaneServer, type ServerLimits } from './server/control-plane-server.js';
import { ControlPlaneMetrics } from './server/metrics.js';
import type { AdsHooks } from './server/xds/ads-stream.js';
import type { FanoutHooks } from './server/lookaside/watch-fanout.js';
import { composeHooks } from './server/shared/composed-hooks.js';
import type { ServerClock } from './clock/server-clock.js';
import type { CallerAuthorizer } from './server/shared/caller-authorization/caller-authorizer.js';
import { TrafficObserver } from './observer/traffic-observer.js';
import { adsStatusHooks, loadReportHooks, watchStatusHooks } from './server/stream-status-hooks.js';
import type { LoadReportHooks } from './observer/load-report.js';
import { buildLiveView } from './observer/live-view.js';
import { registerTrafficMetrics } from './observer/traffic-metrics.js';
import { trafficStatus } from './observer/traffic-status.js';
import { trafficStatusHandler } from './server/live-page/traffic-status-endpoint.js';
import { LivePageServer, type LivePageOptions } from './server/live-page/live-page-server.js';

export interface ControlPlaneOptions {
  readonly logger: Logger;
  /**
   * Builds the source that feeds the registry. `metrics` is there when
   * metrics are on, for the source's own counters.
   */
  readonly createSource: (registry: Registry, logger: Logger, metrics: ControlPlaneMetrics | undefined) => DiscoverySource | Promise<DiscoverySource>;
  readonly host?: string;
  readonly port: number;
  readonly credentials?: ServerCredentials;
  readonly keepaliveTimeMs?: number;
  readonly maxConnectionAgeMs?: number;
  /** See ControlPlaneServerOptions.maxConnectionAgeGraceMs. */
  readonly maxConnectionAgeGraceMs?: number;
  /** See ControlPlaneServerOptions.connectionAgeRandom (tests). */
  readonly connectionAgeRandom?: () => number;
  readonly limits?: Partial<ServerLimits>;
  /** Hooks of the WatchServers fan-out, called after the metrics' own (for tests and benchmarks). */
  readonly hooks?: FanoutHooks;
  /** Hooks of the xDS face, called after the metrics' own (for tests and benchmarks). */
  readonly xdsHooks?: AdsHooks;
  /**
   * Load reports (docs/observability.md): clients are asked to report every
   * `intervalMs` (default 10 s); `hooks` see each report after the
   * observer. false: xDS Clusters name no LRS server.
   */
  readonly loadReports?: { readonly intervalMs?: number; readonly hooks?: LoadReportHooks } | false;
  /** Serve Prometheus metrics on this address (port 0 picks a free one). */
  readonly metrics?: {
    readonly host: string;
    readonly port: number;
    /** Per-backend traffic series (--metrics-per-backend; docs/observability.md says why they are off by default). */
    readonly perBackend?: boolean;
  };
  /** Serve the live page under /live on the metrics port (--live-page); needs `metrics`. */
  readonly livePage?: LivePageOptions;
  /**
   * Builds the caller authorization (--caller-auth); without it every caller
   * is served. `metrics` is there when metrics are on, for its counters.
   */
  readonly createAuthorizer?: (logger: Logger, metrics: ControlPlaneMetrics | undefined) => CallerAuthorizer | Promise<CallerAuthorizer>;
  /** The clock of the server's own timers; tests pass one they advance by hand. */
  readonly clock?: ServerClock;
}

export class ControlPlane {
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly registry: Registry,
    readonly source: DiscoverySource,
    readonly server: ControlPlaneServer,
    readonly port: number,
    private readonly log: Logger,
    readonly metrics: ControlPlaneMetrics | undefined,
    /** The bound metrics port, when metrics are on. */
    readonly metricsPort: number | undefined,
    /** Load reports and the status of every client stream (docs/observability.md). */
    readonly observer: TrafficObserver,
    private readonly livePage: LivePageServer | undefined,
  ) {}

  /**
   * Starts listening (health NOT_SERVING), then starts the source; the
   * server turns SERVING when the source has synced. If the source cannot
   * start, the server is closed again and the source's error is thrown.
   */
  static async start(options: ControlPlaneOptions): Promise<ControlPlane> {
    const log = options.logger;
    const registry = new Registry({
      onListenerError: (error) => log.error({ err: error }, 'a registry listener threw; the source carries on'),
    });
    if (options.livePage && !options.metrics) throw new Error('the live page is served on the metrics port: it needs metrics on');
    const metrics = options.metrics ? new ControlPlaneMetrics() : undefined;
    const authorizer = await options.createAuthorizer?.(log, metrics);
    const observer = new TrafficObserver({
      ...(options.clock && { clock: options.clock }),
      onListenerError: (error) => log.error({ err: error }, 'an observer subscriber threw; the others are still told'),
    });
    const server = new ControlPlaneServer({
      registry,
      logger: log,
      port: options.port,
      ...(options.host !== undefined && { host: options.host }),
      ...(options.credentials && { credentials: options.credentials }),
      ...(options.keepaliveTimeMs !== undefined && { keepaliveTimeMs: options.keepaliveTimeMs }),
      ...(options.maxConnectionAgeMs !== undefined && { maxConnectionAgeMs: options.maxConnectionAgeMs }),
      ...(options.maxConnectionAgeGraceMs !== undefined && { maxConnectionAgeGraceMs: options.maxConnectionAgeGraceMs }),
      ...(options.connectionAgeRandom && { connectionAgeRandom: options.connectionAgeRandom }),
      ...(options.limits && { limits: options.limits }),
      hooks: composeHooks(metrics?.fanoutHooks(), watchStatusHooks(observer), options.hooks),
      xdsHooks: composeHooks(metrics?.xdsHooks(), adsStatusHooks(observer), options.xdsHooks),
      ...(metrics && { interceptors: [metrics.interceptor()] }),
      ...(authorizer && { authorizer }),
      ...(options.clock && { clock: options.clock }),
      loadReports:
        options.loadReports === false
          ? false
          : { ...(options.loadReports?.intervalMs !== undefined && { intervalMs: options.loadReports.intervalMs }), hooks: composeHooks(loadReportHooks(observer), options.loadReports?.hooks) },
      clientStatus: () => observer.clientStatuses(),
    });
    const livePage = options.livePage && new LivePageServer(registry, observer, log.child({ component: 'live-page' }), options.livePage);
    metrics?.observe(registry, () => server.loadBalancer.fanout.size, () => server.xds.size);
    let source: DiscoverySource | undefined;
    let metricsPort: number | undefined;
    let port: number;
    try {
      if (metrics && options.metrics) {
        const view = () => buildLiveView(registry, observer.snapshot());
        registerTrafficMetrics(metrics.registry, view, { perBackend: options.metrics.perBackend === true });
        const status = trafficStatusHandler(() => trafficStatus(view()));
        metricsPort = await metrics.listen(options.metrics.host, options.metrics.port, log.child({ component: 'metrics' }), (request, response) => (livePage ? livePage.handle(request, response) : false) || status(request, response));
      }
      if (livePage && options.metrics) log.info({ address: `${options.metrics.host}:${metricsPort}`, path: '/live', remote: options.livePage?.remote === true }, 'serving the live page');
      port = await server.start();
      source = await options.createSource(registry, log, metrics);
      await source.start();
    } catch (error) {
      await source?.stop().catch(() => {});
      await server.shutdown(0);
      livePage?.close();
      await metrics?.close();
      throw error;
    }
    return new ControlPlane(registry, source, server, port, log, metrics, metricsPort, observer, livePage);
  }

  /** Stops serving (see ControlPlaneServer.shutdown), then the source. Idempotent. */
  stop(graceMs = 5_000): Promise<void> {
    this.stopping ??= (async () => {
      await this.server.shutdown(graceMs);
      await this.source.stop();
      this.livePage?.close();
      await this.metrics?.close();
      this.log.info('control plane stopped');
    })();
    return this.stopping;
  }
}

// Prometheus metrics of the control plane, served on their own HTTP port so
// that scraping never competes with gRPC traffic and works without TLS.
//
// The gRPC metrics follow the grpc-ecosystem conventions
// (grpc_server_started_total, grpc_server_handled_total{grpc_code},
// grpc_server_handling_seconds), so existing dashboards and alerts apply.

import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { ServerInterceptingCall, status, type ServerInterceptingCallInterface, type ServerInterceptor } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry as PromRegistry } from 'prom-client';
import type { Registry } from '../registry/registry.js';
import type { FanoutHooks } from './lookaside/watch-fanout.js';
import type { AdsHooks } from './xds/ads-stream.js';
import type { StreamHooks } from './shared/stream-scheduler.js';
import { TYPE_LABELS } from './xds/xds-resources.js';
import type { CallerAuthorizationHooks } from './shared/caller-authorization/caller-authorizer.js';

type GrpcType = 'unary' | 'client_stream' | 'server_stream' | 'bidi_stream';

/** Latency buckets (seconds) for calls: unary lookups are sub-millisecond. */
const HANDLING_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800];
/** Buckets (seconds) for propagation and lag: the goal is tens of milliseconds. */
const PROPAGATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class ControlPlaneMetrics {
  readonly registry = new PromRegistry();
  private readonly started: Counter<'grpc_type' | 'grpc_service' | 'grpc_method'>;
  private readonly handled: Counter<'grpc_type' | 'grpc_service' | 'grpc_method' | 'grpc_code'>;
  private readonly handling: Histogram<'grpc_type' | 'grpc_service' | 'grpc_method'>;
  private readonly sent: Counter<'grpc_type' | 'grpc_service' | 'grpc_method'>;
  private readonly updates: Counter;
  private readonly propagation: Histogram<'protocol'>;
  private readonly watchRestarts: Counter<'resource' | 'reason'>;
  private readonly eventLag: Histogram<'resource'>;
  private readonly xdsResponses: Counter<'type' | 'answer'>;
  private readonly authDecisions: Counter<'decision'>;
  private readonly authReviews: Counter<'review' | 'source'>;
  private readonly methods = new Map<string, { labels: Record<'grpc_type' | 'grpc_service' | 'grpc_method', string>; streaming: boolean; sent: { inc(): void } }>();
  private watcherCount: () => number = () => 0;
  private xdsStreamCount: () => number = () => 0;
  private http: HttpServer | undefined;

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.started = new Counter({ name: 'grpc_server_started_total', help: 'Total number of RPCs started on the server.', labelNames: ['grpc_type', 'grpc_service', 'grpc_method'], registers });
    this.handled = new Counter({
      name: 'grpc_server_handled_total',
      help: 'Total number of RPCs completed on the server, regardless of success or failure.',
      labelNames: ['grpc_type', 'grpc_service', 'grpc_method', 'grpc_code'],
      registers,
    });
    this.handling = new Histogram({
      name: 'grpc_server_handling_seconds',
      help: 'Histogram of response latency (seconds) of gRPC calls that had been completed by the server; for WatchServers, the stream duration.',
      labelNames: ['grpc_type', 'grpc_service', 'grpc_method'],
      buckets: HANDLING_BUCKETS,
      registers,
    });
    this.sent = new Counter({ name: 'grpc_server_msg_sent_total', help: 'Total number of gRPC stream messages sent by the server.', labelNames: ['grpc_type', 'grpc_service', 'grpc_method'], registers });
    this.updates = new Counter({ name: 'lookaside_updates_total', help: 'Changes applied to the registry (a service created, changed or deleted).', registers });
    this.propagation = new Histogram({
      name: 'lookaside_update_propagation_seconds',
      help: 'From a source event reaching the registry until the new state was written to every stream following the service, by protocol: lookaside (WatchServers) or xds (ADS).',
      labelNames: ['protocol'],
      buckets: PROPAGATION_BUCKETS,
      registers,
    });
    this.watchRestarts = new Counter({ name: 'lookaside_kubernetes_watch_restarts_total', help: 'Restarts of a Kubernetes list/watch after an error, by resource and reason.', labelNames: ['resource', 'reason'], registers });
    this.eventLag = new Histogram({
      name: 'lookaside_kubernetes_event_lag_seconds',
      help: "From an object's last change (as the API server recorded it) until the control plane received the event.",
      labelNames: ['resource'],
      buckets: PROPAGATION_BUCKETS,
      registers,
    });
    this.xdsResponses = new Counter({
      name: 'lookaside_xds_responses_total',
      help: 'xDS responses by resource type and what became of them: sent (pushed to a client), acked, nacked (the client rejected it and kept its last accepted resources).',
      labelNames: ['type', 'answer'],
      registers,
    });
    this.authDecisions = new Counter({
      name: 'lookaside_caller_auth_decisions_total',
      help: 'Caller authorization decisions (--caller-auth): allowed, denied (PERMISSION_DENIED), unauthenticated (UNAUTHENTICATED), error (UNAVAILABLE: the API server could not decide).',
      labelNames: ['decision'],
      registers,
    });
    this.authReviews = new Counter({
      name: 'lookaside_caller_auth_reviews_total',
      help: 'Reviews a caller authorization needed (review: token or access), by where the answer came from: api_server (a TokenReview or SubjectAccessReview was sent), cache, or coalesced (joined an identical review in flight).',
      labelNames: ['review', 'source'],
      registers,
    });
  }

  /** Reports the registry's and the fan-out's sizes at every scrape. */
  observe(registry: Registry, watchers: () => number, xdsStreams: () => number = () => 0): void {
    this.watcherCount = watchers;
    this.xdsStreamCount = xdsStreams;
    const registers = [this.registry];
    new Gauge({ name: 'lookaside_services', help: 'Services in the registry.', registers, collect: function () { this.set(registry.stats().services); } });
    new Gauge({ name: 'lookaside_backends', help: 'Backends in the registry, summed over every port of every service.', registers, collect: function () { this.set(registry.stats().backends); } });
    new Gauge({ name: 'lookaside_source_synced', help: '1 once the discovery source has synced; 0 before.', registers, collect: function () { this.set(registry.synced ? 1 : 0); } });
    const count = () => this.watcherCount();
    new Gauge({ name: 'lookaside_watchers', help: 'Open WatchServers streams.', registers, collect: function () { this.set(count()); } });
    const xdsCount = () => this.xdsStreamCount();
    new Gauge({ name: 'lookaside_xds_streams', help: 'Open xDS (StreamAggregatedResources) streams: one per proxyless gRPC client process.', registers, collect: function () { this.set(xdsCount()); } });
    registry.onChange(() => this.updates.inc());
  }

  /** Hooks for the WatchServers streams: propagation latency. */
  fanoutHooks(): FanoutHooks {
    return this.propagationHooks('lookaside');
  }

  /** Hooks for the xDS face: propagation latency; responses sent, ACKed and NACKed, by type. */
  xdsHooks(): AdsHooks {
    const counter = this.xdsResponses;
    const bound = (answer: string) => {
      const children = new Map(Object.entries(TYPE_LABELS).map(([typeUrl, type]) => [typeUrl, counter.labels({ type, answer })]));
      return (typeUrl: string) => children.get(typeUrl)?.inc();
    };
    return { ...this.propagationHooks('xds'), onPush: bound('sent'), onAck: bound('acked'), onNack: bound('nacked') };
  }

  /** The scheduler's hook both faces report propagation through, each under its protocol label. */
  private propagationHooks(protocol: 'lookaside' | 'xds'): StreamHooks<unknown> {
    const histogram = this.propagation.labels({ protocol });
    return { onPropagated: (_key, seconds) => histogram.observe(seconds) };
  }

  /** Hooks for the caller authorization: decisions, and reviews by where their answer came from. */
  callerAuthorizationHooks(): CallerAuthorizationHooks {
    for (const decision of ['allowed', 'denied', 'unauthenticated', 'error']) this.authDecisions.inc({ decision }, 0);
    const sources = { review: 'api_server', hit: 'cache', coalesced: 'coalesced' } as const;
    return {
      onDecision: (decision) => this.authDecisions.inc({ decision }),
      onReview: (review, outcome) => this.authReviews.inc({ review, source: sources[outcome] }),
    };
  }

  /** For the Kubernetes source: a list/watch restarted after an error. */
  watchRestarted(resource: string, reason: string): void {
    this.watchRestarts.inc({ resource, reason });
  }

  /** For the Kubernetes source: how late an event arrived. */
  eventReceived(resource: string, lagSeconds: number): void {
    if (Number.isFinite(lagSeconds) && lagSeconds >= 0) this.eventLag.observe({ resource }, lagSeconds);
  }

  /** A server interceptor that counts and times every call. */
  interceptor(): ServerInterceptor {
    return (methodDescriptor, call: ServerInterceptingCallInterface) => {
      const { labels, streaming, sent } = this.methodLabels(methodDescriptor.path, methodDescriptor.requestStream, methodDescriptor.responseStream);
      const start = performance.now();
      let done = false;
      const finish = (code: status) => {
        if (done) return;
        done = true;
        this.handled.inc({ ...labels, grpc_code: status[code] ?? String(code) });
        this.handling.observe(labels, (performance.now() - start) / 1000);
      };
      this.started.inc(labels);
      return new ServerInterceptingCall(call, {
        start: (next) => next({ onCancel: () => finish(status.CANCELLED) }),
        sendMessage: streaming
          ? (message, next) => {
              sent.inc();
              next(message);
            }
          : (message, next) => next(message),
        sendStatus: (statusObject, next) => {
          finish(statusObject.code ?? status.UNKNOWN);
          next(statusObject);
        },
      });
    };
  }

  /**
   * The labels of a method, worked out once per method rather than per call,
   * with grpc_server_msg_sent_total's child counter already bound: a fan-out
   * sends one message per watcher, and prom-client's inc(labels) hashes the
   * label set each time.
   */
  private methodLabels(path: string, requestStream: boolean, responseStream: boolean) {
    let entry = this.methods.get(path);
    if (!entry) {
      const [, service = 'unknown', method = 'unknown'] = /^\/([^/]+)\/([^/]+)$/.exec(path) ?? [];
      const type: GrpcType = requestStream ? (responseStream ? 'bidi_stream' : 'client_stream') : responseStream ? 'server_stream' : 'unary';
      const labels = { grpc_type: type, grpc_service: service, grpc_method: method };
      entry = { labels, streaming: responseStream, sent: this.sent.labels(labels) };
      this.methods.set(path, entry);
    }
    return entry;
  }

  /**
   * Serves GET /metrics on host:port; resolves with the bound port. `pages`
   * answers the other paths it knows (the live page) and returns false for
   * the rest.
   */
  async listen(host: string, port: number, log: Logger, pages?: (request: IncomingMessage, response: ServerResponse) => boolean): Promise<number> {
    this.http = createServer((request, response) => {
      if (pages?.(request, response)) return;
      if (request.method !== 'GET' || (request.url ?? '').split('?')[0] !== '/metrics') {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: metrics are at GET /metrics\n');
        return;
      }
      this.registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': this.registry.contentType }).end(text),
        (error: unknown) => {
          log.error({ err: error }, 'collecting metrics failed');
          response.writeHead(500, { 'content-type': 'text/plain' }).end('collecting metrics failed\n');
        },
      );
    });
    const http = this.http;
    await new Promise<void>((resolve, reject) => {
      http.once('error', (error) => reject(new Error(`cannot serve metrics on ${host}:${port}: ${error.message}`)));
      http.listen(port, host, () => resolve());
    });
    const address = http.address();
    const bound = typeof address === 'object' && address ? address.port : port;
    log.info({ address: `${host}:${bound}`, path: '/metrics' }, 'serving metrics');
    return bound;
  }

  async close(): Promise<void> {
    const http = this.http;
    if (!http) return;
    this.http = undefined;
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  }
}

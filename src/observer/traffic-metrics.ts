// Prometheus gauges of what clients reported, intended against measured, at
// every scrape. Cardinality is bounded by the number of service ports by
// default: one series per service (and per protocol and sync state for
// clients). Per-backend series (perBackend, --metrics-per-backend) multiply
// that by the backends, and pods come and go with every rollout, each
// leaving a series behind in Prometheus for its retention: off by default,
// for the few services where a per-pod graph is worth it (the live page and
// `lookaside status` show per-backend figures without that cost).

import { Gauge, type Registry as PromRegistry } from 'prom-client';
import type { LiveView } from './live-view.js';

export interface TrafficMetricsOptions {
  /** Per-backend share and error series; default false. */
  readonly perBackend?: boolean;
}

/** The largest |measured - intended| share of a service's backends, in percentage points; undefined with no calls. */
export function shareDeviation(service: LiveView['services'][number]): number | undefined {
  let deviation: number | undefined;
  for (const backend of service.backends) {
    if (backend.measuredShare === undefined) continue;
    deviation = Math.max(deviation ?? 0, Math.abs(backend.measuredShare - backend.intendedShare));
  }
  return deviation;
}

/** Registers the traffic gauges on `registry`; `view` is built at most once per scrape. */
export function registerTrafficMetrics(registry: PromRegistry, view: () => LiveView, options: TrafficMetricsOptions = {}): void {
  let cached: LiveView | undefined;
  // Every gauge's collect of one scrape runs in the same turn: build the view once for all of them.
  const current = (): LiveView => {
    if (!cached) {
      cached = view();
      setImmediate(() => (cached = undefined));
    }
    return cached;
  };
  const registers = [registry];
  const reported = (view: LiveView) => view.services.filter((service) => service.succeeded + service.failed > 0);
  new Gauge({
    name: 'lookaside_service_calls_per_second',
    help: 'Calls clients reported to a service port over the last minute (load reports), per second.',
    labelNames: ['service'],
    registers,
    collect() {
      this.reset();
      const seen = current();
      for (const service of reported(seen)) this.set({ service: service.cluster }, (service.succeeded + service.failed) / (seen.windowMs / 1000));
    },
  });
  new Gauge({
    name: 'lookaside_service_error_ratio',
    help: 'Share of the reported calls to a service port that failed over the last minute (0 to 1).',
    labelNames: ['service'],
    registers,
    collect() {
      this.reset();
      for (const service of reported(current())) this.set({ service: service.cluster }, service.failed / (service.succeeded + service.failed));
    },
  });
  new Gauge({
    name: 'lookaside_service_share_deviation_points',
    help: "The largest gap between a backend's measured and intended share of its service port's calls over the last minute, in percentage points.",
    labelNames: ['service'],
    registers,
    collect() {
      this.reset();
      for (const service of reported(current())) {
        const deviation = shareDeviation(service);
        if (deviation !== undefined) this.set({ service: service.cluster }, deviation);
      }
    },
  });
  new Gauge({
    name: 'lookaside_clients',
    help: 'Client streams (WatchServers and ADS) by protocol and sync state: in_sync, out_of_sync (a NACK or an unacknowledged version), unknown (the client does not acknowledge).',
    labelNames: ['protocol', 'state'],
    registers,
    collect() {
      this.reset();
      for (const protocol of ['lookaside', 'xds']) for (const state of ['in_sync', 'out_of_sync', 'unknown']) this.set({ protocol, state }, 0);
      for (const client of current().clients) {
        if (!client.connected) continue;
        this.inc({ protocol: client.protocol, state: client.inSync === undefined ? 'unknown' : client.inSync ? 'in_sync' : 'out_of_sync' });
      }
    },
  });
  new Gauge({
    name: 'lookaside_observer_dropped',
    help: 'Client streams and backend windows the observer left out at its bounds (docs/observability.md).',
    labelNames: ['kind'],
    registers,
    collect() {
      const { dropped } = current();
      this.set({ kind: 'clients' }, dropped.clients);
      this.set({ kind: 'backends' }, dropped.backends);
    },
  });
  if (!options.perBackend) return;
  new Gauge({
    name: 'lookaside_backend_share_percent',
    help: "A backend's intended and measured share of its service port's calls over the last minute (--metrics-per-backend).",
    labelNames: ['service', 'backend', 'kind'],
    registers,
    collect() {
      this.reset();
      for (const service of current().services) {
        for (const backend of service.backends) {
          this.set({ service: service.cluster, backend: backend.address, kind: 'intended' }, backend.intendedShare);
          if (backend.measuredShare !== undefined) this.set({ service: service.cluster, backend: backend.address, kind: 'measured' }, backend.measuredShare);
        }
      }
    },
  });
  new Gauge({
    name: 'lookaside_backend_error_ratio',
    help: "Share of a backend's reported calls that failed over the last minute (--metrics-per-backend).",
    labelNames: ['service', 'backend'],
    registers,
    collect() {
      this.reset();
      for (const service of current().services) {
        for (const backend of service.backends) {
          const calls = backend.succeeded + backend.failed;
          if (calls > 0) this.set({ service: service.cluster, backend: backend.address }, backend.failed / calls);
        }
      }
    },
  });
}

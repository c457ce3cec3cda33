// The document `lookaside status` prints and GET /status.json on the metrics
// port serves: per service port, each backend's intended share beside its
// measured share, call rate, error rate and the gap between the shares,
// and every client stream with whether it is in sync. Built from the live
// view (intended shares from weights and the connected callers' ranks).

import type { LiveBackend, LiveView } from './live-view.js';
import { shareDeviation } from './traffic-metrics.js';

/** A live backend as the status document shows it: counts turned into a rate and the gap between the shares. */
export interface BackendStatus extends Pick<LiveBackend, 'address' | 'weight' | 'zone' | 'rank' | 'intendedShare' | 'measuredShare' | 'errorRate' | 'estimatedFrom'> {
  /** measuredShare - intendedShare, in percentage points. */
  readonly deviation?: number;
  readonly callsPerSecond: number;
}

export interface ServiceStatus {
  /** "name.namespace:port". */
  readonly service: string;
  readonly portName: string;
  readonly callsPerSecond: number;
  readonly errorRate?: number;
  /** The largest |deviation| of its backends. */
  readonly maxDeviation?: number;
  readonly backends: readonly BackendStatus[];
}

/** The live view's document (time, window, clients, drops) with each service's rates and deviations. */
export interface TrafficStatus extends Omit<LiveView, 'services'> {
  readonly services: readonly ServiceStatus[];
}

export function trafficStatus(view: LiveView): TrafficStatus {
  const seconds = view.windowMs / 1000;
  return {
    at: view.at,
    windowMs: view.windowMs,
    services: view.services.map((service) => {
      const maxDeviation = shareDeviation(service);
      return {
        service: service.cluster,
        portName: service.portName,
        callsPerSecond: (service.succeeded + service.failed) / seconds,
        ...(service.errorRate !== undefined && { errorRate: service.errorRate }),
        ...(maxDeviation !== undefined && { maxDeviation }),
        backends: service.backends.map((backend) => ({
          address: backend.address,
          ...(backend.weight !== undefined && { weight: backend.weight }),
          zone: backend.zone,
          rank: backend.rank,
          intendedShare: backend.intendedShare,
          ...(backend.measuredShare !== undefined && { measuredShare: backend.measuredShare, deviation: backend.measuredShare - backend.intendedShare }),
          callsPerSecond: (backend.succeeded + backend.failed) / seconds,
          ...(backend.errorRate !== undefined && { errorRate: backend.errorRate }),
          ...(backend.estimatedFrom !== undefined && { estimatedFrom: backend.estimatedFrom }),
        })),
      };
    }),
    clients: view.clients,
    dropped: view.dropped,
  };
}

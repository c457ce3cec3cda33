// Feeds the observer from the streams and load reports the control plane serves,
// through the same hooks the metrics use (composed in control-plane.ts):
// the stream code calls hooks and knows nothing of the observer.

import type { FanoutHooks, WatchStream } from './lookaside/watch-fanout.js';
import type { LoadReportHooks } from '../observer/load-report.js';
import type { AdsHooks, AdsStream } from './xds/ads-stream.js';
import { LISTENER_TYPE } from '../wire/xds-messages.js';
import { TYPE_LABELS } from './xds/xds-resources.js';
import type { TrafficObserver } from '../observer/traffic-observer.js';

/** The type a WatchServers stream's versions are listed under. */
export const LOOKASIDE_RESOURCE_TYPE = 'servers';

/** The version shown for an answer that says the target does not exist. */
export const NOT_FOUND_VERSION = 'not-found';

/**
 * WatchServers streams: identity from the request, each answer's version
 * as sent. A lookaside.v1 client acknowledges by reporting the version it
 * applied (its load reports); until it does, its sync state is unknown.
 */
export function watchStatusHooks(observer: TrafficObserver): FanoutHooks {
  return {
    onOpened: (stream: WatchStream) => {
      const { client, target } = stream.request;
      observer.streamOpened(stream, { protocol: 'lookaside', clientId: client.clientId, node: client.node, zone: client.zone, peer: stream.call.getPeer(), targets: [`${target.service}:${target.port}`] }, false);
    },
    onSent: (stream, exists, version) => observer.sent(stream, LOOKASIDE_RESOURCE_TYPE, exists ? String(version) : NOT_FOUND_VERSION),
    onClosed: (stream) => observer.streamClosed(stream),
  };
}

/** ADS streams: identity from the first request's node, versions per type as sent, ACKed and NACKed. */
export function adsStatusHooks(observer: TrafficObserver): AdsHooks {
  const identify = (stream: AdsStream) => {
    const { id, zone, kubernetesNode } = stream.client;
    observer.identified(stream, { clientId: id, zone, node: kubernetesNode, targets: stream.subscription(LISTENER_TYPE) });
  };
  return {
    onOpened: (stream) => observer.streamOpened(stream, { protocol: 'xds', clientId: '', node: '', zone: '', peer: stream.call.getPeer(), targets: [] }, true),
    onPush: (type, stream, version) => {
      // The node comes with the first request and the Listener names may change with any.
      identify(stream);
      observer.sent(stream, TYPE_LABELS[type], version, stream.subscription(type));
    },
    onAck: (type, stream, version) => observer.acked(stream, TYPE_LABELS[type], version),
    onNack: (type, stream, version, error) => {
      identify(stream);
      observer.nacked(stream, TYPE_LABELS[type], version, error);
    },
    onClosed: (stream) => observer.streamClosed(stream),
  };
}

/**
 * Load reports of both faces, into the observer's windows; a lookaside.v1
 * client's applied server list acknowledges its WatchServers streams of the
 * target, in the spelling their answers were listed in.
 */
export function loadReportHooks(observer: TrafficObserver): LoadReportHooks {
  return {
    onLoadReport: (reporter, entries) => observer.report(reporter, entries),
    onAppliedServerList: (reporter, target, version, exists) => observer.applied(reporter, target, LOOKASIDE_RESOURCE_TYPE, exists ? version : NOT_FOUND_VERSION),
  };
}

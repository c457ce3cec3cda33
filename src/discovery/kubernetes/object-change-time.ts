// When an object last changed, as the cluster recorded it, to measure how
// late its watch event arrived (lookaside_kubernetes_event_lag_seconds).
//
// An EndpointSlice carries endpoints.kubernetes.io/last-change-trigger-time:
// the moment the pod or Service change that caused it happened, set by the
// EndpointSlice controller (kube-proxy's network-programming latency starts
// there too). Other objects have only their managedFields' times, the last
// write by any field manager, at one-second resolution.

const TRIGGER_TIME_ANNOTATION = 'endpoints.kubernetes.io/last-change-trigger-time';

interface ObjectMetadata {
  annotations?: Record<string, unknown>;
  managedFields?: { time?: unknown }[];
}

/** Milliseconds since the epoch, or undefined when the object says nothing usable. */
export function lastChangeTime(object: unknown): number | undefined {
  const metadata = (object as { metadata?: ObjectMetadata } | null | undefined)?.metadata;
  if (!metadata) return undefined;
  const trigger = metadata.annotations?.[TRIGGER_TIME_ANNOTATION];
  if (typeof trigger === 'string') {
    const parsed = Date.parse(trigger);
    if (Number.isFinite(parsed)) return parsed;
  }
  let latest: number | undefined;
  for (const entry of metadata.managedFields ?? []) {
    // List items are class instances with Date fields; watch objects are
    // plain JSON with strings. Accept both.
    const time = entry.time instanceof Date ? entry.time.getTime() : typeof entry.time === 'string' ? Date.parse(entry.time) : NaN;
    if (Number.isFinite(time) && (latest === undefined || time > latest)) latest = time;
  }
  return latest;
}

// Slow start: a backend that becomes ready while the control plane runs
// gets a small share of calls at first and its full weight over a window, so
// a pod with cold caches or a JIT still warming is not handed its full share
// at once. Set per Service with the annotation lookaside.dev/slow-start (a
// duration such as "30s"), or for every Service with --slow-start.
//
// The curve is Envoy's (slow_start_config): during the window,
//     factor = max(min_weight_percent, (t / window) ^ (1 / aggression))
// with t the time since the backend became ready, min_weight_percent 10 %
// and aggression 1.0 (linear), Envoy's defaults; weight × factor, rounded,
// at least 1.
//
// Which backends ramp: those first seen ready after the source's first
// sync, in a Service that already had slow start. Backends present at
// start-up (or when a Service gets its annotation) do not, so a restart of
// the control plane does not re-ramp the whole fleet; a backend is known by
// address and port, so one that only moves between EndpointSlices does not
// ramp either. Only Services with slow start are tracked: one entry per
// backend of those.
// The ramp is published by the control plane itself (every client, xDS
// ones included, sees it), at most one new version per second per service.

import type { Logger } from 'pino';
import ms from 'ms';
import type { ServiceSpec } from '../../registry/snapshot.js';
import { WEIGHT_SOURCE_METADATA } from './backend-weights.js';

export const SLOW_START_ANNOTATION = 'lookaside.dev/slow-start';
export const MIN_WEIGHT_FACTOR = 0.1;
export const AGGRESSION = 1.0;
/** A ramp is republished this often, and never more often. */
export const RAMP_STEP_MS = 1_000;
/** The longest window accepted. */
export const MAX_SLOW_START_MS = 60 * 60_000;

/** A slow-start duration, or why it is not one. */
export function parseSlowStart(value: string): number | { readonly error: string } {
  const duration = ms(value.trim() as ms.StringValue) as number | undefined;
  if (typeof duration !== 'number' || !Number.isFinite(duration) || duration < 0 || duration > MAX_SLOW_START_MS) {
    return { error: `${SLOW_START_ANNOTATION}: "${value.slice(0, 40)}" must be a duration from 0s to 1h, such as "30s" or "2m"` };
  }
  return duration;
}

/** Envoy's slow-start factor at `elapsedMs` into a window of `windowMs`. */
export function rampFactor(elapsedMs: number, windowMs: number): number {
  if (windowMs <= 0 || elapsedMs >= windowMs) return 1;
  const time = Math.max(elapsedMs, 0) / windowMs;
  return Math.max(MIN_WEIGHT_FACTOR, time ** (1 / AGGRESSION));
}

export class SlowStart {
  /** Per Service with slow start: "address:port" → when the backend was first seen ready (on the `now` clock). */
  private readonly readySince = new Map<string, Map<string, number>>();
  private readonly reported = new Map<string, string>();
  private accepting = false;

  constructor(
    private readonly log: Logger,
    /** --slow-start: the window of Services without the annotation; 0 is off. */
    private readonly defaultWindowMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** From the first sync on, newly ready backends ramp; the ones before it never do. */
  startRamping(): void {
    this.accepting = true;
  }

  /** The window of a Service: its annotation, else the default. A bad annotation is logged once and ignored. */
  windowOf(serviceKey: string, annotation: string | undefined): number {
    if (annotation === undefined) {
      this.reported.delete(serviceKey);
      return this.defaultWindowMs;
    }
    const parsed = parseSlowStart(annotation);
    if (typeof parsed === 'number') return parsed;
    if (this.reported.get(serviceKey) !== annotation) {
      this.reported.set(serviceKey, annotation);
      this.log.warn({ service: serviceKey, annotation }, `${parsed.error}; the Service ${this.defaultWindowMs > 0 ? `uses the default window (--slow-start ${ms(this.defaultWindowMs)})` : 'has no slow start'}`);
    }
    return this.defaultWindowMs;
  }

  /**
   * Applies the ramp to `spec` in place of its weights; returns the spec to
   * publish and whether any backend is still ramping (then the service is
   * to be rebuilt after RAMP_STEP_MS).
   */
  apply(serviceKey: string, spec: ServiceSpec, windowMs: number): { spec: ServiceSpec; ramping: boolean } {
    if (windowMs <= 0) {
      this.readySince.delete(serviceKey);
      return { spec, ramping: false };
    }
    const now = this.now();
    let known = this.readySince.get(serviceKey);
    // The first look at a Service (at start-up, or when it gets slow start): its backends are not new.
    const firstLook = known === undefined || !this.accepting;
    if (!known) {
      known = new Map();
      this.readySince.set(serviceKey, known);
    }
    const seen = new Set<string>();
    let ramping = false;
    const ports = spec.ports.map((port) => ({
      ...port,
      backends: port.backends.map((backend) => {
        // Only ready backends ramp; a terminating one (served only while none is ready) keeps its weight.
        if (backend.metadata?.terminating === 'true') return backend;
        const key = `${backend.host}:${backend.port}`;
        seen.add(key);
        let since = known.get(key);
        if (since === undefined) {
          since = firstLook ? -Infinity : now;
          known.set(key, since);
        }
        const factor = rampFactor(now - since, windowMs);
        if (factor >= 1) return backend;
        ramping = true;
        const weight = Math.max(1, Math.round((backend.weight ?? 100) * factor));
        return { ...backend, weight, metadata: { ...backend.metadata, [WEIGHT_SOURCE_METADATA]: 'slow-start' } };
      }),
    }));
    // Backends gone from the service are forgotten: one that comes back later ramps again.
    for (const key of known.keys()) if (!seen.has(key)) known.delete(key);
    return { spec: { ...spec, ports }, ramping };
  }

  /** Forgets a deleted service. */
  forget(serviceKey: string): void {
    this.readySince.delete(serviceKey);
    this.reported.delete(serviceKey);
  }
}

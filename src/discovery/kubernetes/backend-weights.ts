// Weights on Kubernetes, from annotations:
//   lookaside.dev/weight on a Pod      that backend's weight (with --pod-weights)
//   lookaside.dev/weight on a Service  the default weight of its backends
// else the registry's default, 100. A value must be an integer from 1 to
// 10000; a bad one is logged once per object, with the rule, and the object
// keeps the default: nothing crashes and nothing else changes.
//
// Pods are kept as their weight alone (namespace/name → weight), so memory
// is a few dozen bytes per annotated pod, whatever the Pod objects carry.

import type { Logger } from 'pino';
import { MAX_WEIGHT, MIN_WEIGHT } from '../../registry/snapshot.js';

export const WEIGHT_ANNOTATION = 'lookaside.dev/weight';

/** Where a backend's weight came from; published as the backend's "weight-source" metadata. */
export type WeightSource = 'pod' | 'service' | 'default';
export const WEIGHT_SOURCE_METADATA = 'weight-source';

/** A weight annotation's value, or why it is not one. */
export function parseWeight(value: string): number | { readonly error: string } {
  const trimmed = value.trim();
  const rule = `must be an integer from ${MIN_WEIGHT} to ${MAX_WEIGHT}`;
  if (!/^[0-9]{1,5}$/.test(trimmed)) return { error: `${WEIGHT_ANNOTATION}: "${value.slice(0, 40)}" ${rule}` };
  const weight = Number(trimmed);
  if (weight < MIN_WEIGHT || weight > MAX_WEIGHT) return { error: `${WEIGHT_ANNOTATION}: ${weight} is out of range; it ${rule}` };
  return weight;
}

/**
 * The annotated weights of pods, and the bad values already reported (so a
 * pod or Service with a bad value is logged once, not at every resync).
 */
export class BackendWeights {
  private readonly pods = new Map<string, number>();
  private readonly reported = new Map<string, string>();

  constructor(private readonly log: Logger) {}

  get podCount(): number {
    return this.pods.size;
  }

  /** Records a pod's annotation (undefined: none). Returns true when its weight changed. */
  setPod(namespace: string, name: string, annotation: string | undefined): boolean {
    const key = `${namespace}/${name}`;
    const weight = this.valid(`pod ${key}`, annotation);
    const previous = this.pods.get(key);
    if (weight === undefined) this.pods.delete(key);
    else this.pods.set(key, weight);
    return previous !== weight;
  }

  /** Forgets a deleted pod. Returns true when it had a weight. */
  deletePod(namespace: string, name: string): boolean {
    const key = `${namespace}/${name}`;
    this.reported.delete(`pod ${key}`);
    return this.pods.delete(key);
  }

  /** A Service's default weight from its annotation, undefined when none (or a bad one, logged once). */
  serviceDefault(namespace: string, name: string, annotation: string | undefined): number | undefined {
    return this.valid(`service ${namespace}/${name}`, annotation);
  }

  /** The weight of a backend: its pod's, else its Service's default, else none (the registry's default). */
  weightOf(namespace: string, pod: string | undefined, serviceDefault: number | undefined): { weight: number | undefined; source: WeightSource } {
    const podWeight = pod === undefined ? undefined : this.pods.get(`${namespace}/${pod}`);
    if (podWeight !== undefined) return { weight: podWeight, source: 'pod' };
    if (serviceDefault !== undefined) return { weight: serviceDefault, source: 'service' };
    return { weight: undefined, source: 'default' };
  }

  private valid(subject: string, annotation: string | undefined): number | undefined {
    if (annotation === undefined) {
      this.reported.delete(subject);
      return undefined;
    }
    const parsed = parseWeight(annotation);
    if (typeof parsed === 'number') {
      this.reported.delete(subject);
      return parsed;
    }
    if (this.reported.get(subject) !== annotation) {
      this.reported.set(subject, annotation);
      this.log.warn({ object: subject, annotation }, `${parsed.error}; ${subject} keeps the default weight`);
    }
    return undefined;
  }
}

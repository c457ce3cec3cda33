// What the watchers have seen, grouped by service: each Service's view and
// the views of the EndpointSlices labelled with its name. Watch handlers
// write here and mark the service dirty; the source later turns dirty
// services into registry writes in one batch (see KubernetesSource.flush),
// so a burst of events (a relist, a rolling update's slice rewrites) ends in
// one complete spec per service instead of a trail of partial ones.

import { serviceKey } from '../../registry/service-ref.js';
import { mergeEndpointSlices, type IpFamilyPreference, type MergeResult } from './endpoint-slice-merger.js';
import type { ServiceView, SliceView } from './kubernetes-objects.js';
import type { BackendWeights } from './backend-weights.js';

interface ServiceEntry {
  service: ServiceView | undefined;
  readonly slices: Map<string, SliceView>;
}

export class ServiceEndpointsIndex {
  private readonly entries = new Map<string, ServiceEntry>();
  /** "namespace/slice" → the service key it was filed under. */
  private readonly sliceOwners = new Map<string, string>();
  private readonly dirty = new Set<string>();

  constructor(
    private readonly ipFamily: IpFamilyPreference,
    /** Weights from annotations (pods with --pod-weights, Services always). */
    private readonly weights: BackendWeights,
  ) {}

  get serviceCount(): number {
    let count = 0;
    for (const entry of this.entries.values()) if (entry.service) count++;
    return count;
  }

  setService(view: ServiceView): void {
    const key = serviceKey(view.name, view.namespace);
    this.entry(key).service = view;
    this.dirty.add(key);
  }

  deleteService(namespace: string, name: string): void {
    const key = serviceKey(name, namespace);
    const entry = this.entries.get(key);
    if (!entry) return;
    entry.service = undefined;
    this.dirty.add(key);
    this.dropIfEmpty(key, entry);
  }

  setSlice(view: SliceView): void {
    const sliceId = `${view.namespace}/${view.name}`;
    const previousOwner = this.sliceOwners.get(sliceId);
    const owner = view.serviceName ? serviceKey(view.serviceName, view.namespace) : undefined;
    // A relabelled slice leaves its old service.
    if (previousOwner !== undefined && previousOwner !== owner) this.removeSlice(sliceId, previousOwner, view.name);
    if (owner === undefined) return;
    this.entry(owner).slices.set(view.name, view);
    this.sliceOwners.set(sliceId, owner);
    this.dirty.add(owner);
  }

  deleteSlice(namespace: string, name: string): void {
    const sliceId = `${namespace}/${name}`;
    const owner = this.sliceOwners.get(sliceId);
    if (owner !== undefined) this.removeSlice(sliceId, owner, name);
  }

  /** The Service object of `key`, if known. */
  serviceOf(key: string): ServiceView | undefined {
    return this.entries.get(key)?.service;
  }

  /** Marks one service dirty (a slow-start ramp moves on). */
  markDirty(key: string): void {
    if (this.entries.has(key)) this.dirty.add(key);
  }

  /** Service keys changed since the last call, and forgets them. */
  takeDirty(): string[] {
    const keys = [...this.dirty];
    this.dirty.clear();
    return keys;
  }

  /** Marks every service of a namespace dirty: a pod's weight there changed. */
  markNamespaceDirty(namespace: string): void {
    for (const [key, entry] of this.entries) if (entry.service?.namespace === namespace) this.dirty.add(key);
  }

  /** Marks every known service dirty (after the first sync). */
  markAllDirty(): void {
    for (const key of this.entries.keys()) this.dirty.add(key);
  }

  /**
   * The spec to publish for `key`, or undefined when the service must not be
   * in the registry: its Service object is unknown (slices alone do not make
   * a service; they may arrive before their Service, or outlive it briefly)
   * or it is an ExternalName Service.
   */
  build(key: string): MergeResult | undefined {
    const entry = this.entries.get(key);
    if (!entry?.service || entry.service.externalName) return undefined;
    const service = entry.service;
    const serviceDefault = this.weights.serviceDefault(service.namespace, service.name, service.weightAnnotation);
    return mergeEndpointSlices(service, entry.slices.values(), this.ipFamily, (pod) => this.weights.weightOf(service.namespace, pod, serviceDefault));
  }

  private removeSlice(sliceId: string, owner: string, name: string): void {
    this.sliceOwners.delete(sliceId);
    const entry = this.entries.get(owner);
    if (!entry) return;
    if (entry.slices.delete(name)) this.dirty.add(owner);
    this.dropIfEmpty(owner, entry);
  }

  private entry(key: string): ServiceEntry {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { service: undefined, slices: new Map() };
      this.entries.set(key, entry);
    }
    return entry;
  }

  private dropIfEmpty(key: string, entry: ServiceEntry): void {
    if (!entry.service && entry.slices.size === 0) this.entries.delete(key);
  }
}

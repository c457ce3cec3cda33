// The backend registry: the control plane's whole state, and nothing else.
// Sources write service specs into it; the server reads snapshots out of it.
// It does no I/O and knows neither Kubernetes objects nor protobuf.
//
// Versions come from one revision counter shared by every service, so a
// version never goes backwards for a name, even across a delete and re-create.
// A write that changes nothing bumps nothing: a source may re-publish its whole
// state (a relist, a file reload) and watchers see no update.

import { RouteStore } from './route-store.js';
import { serviceKey, type PortRef } from './service-ref.js';
import {
  DEFAULT_WEIGHT,
  formatAddress,
  MAX_WEIGHT,
  MIN_WEIGHT,
  type Backend,
  type BackendSpec,
  type PortSnapshot,
  type PortSpec,
  type ServiceSnapshot,
  type ServiceSpec,
} from './snapshot.js';

/** The answer to "what are the backends of this service port?". */
export type PortLookup =
  | { readonly status: 'found'; readonly version: number; readonly service: ServiceSnapshot; readonly port: PortSnapshot }
  | { readonly status: 'unknown-service'; readonly version: number }
  | { readonly status: 'unknown-port'; readonly version: number; readonly service: ServiceSnapshot };

/** Told after a service changed; `service` is undefined when it was deleted. */
export type ChangeListener = (key: string, service: ServiceSnapshot | undefined) => void;

export interface RegistryStats {
  readonly services: number;
  readonly backends: number;
  readonly revision: number;
}

export interface RegistryOptions {
  /**
   * Where a listener's exception goes. Listeners are the server's code, but a
   * throw must not stop the source that is writing (invariant 9, docs/design.md), so the
   * registry catches it and reports it here.
   */
  readonly onListenerError?: (error: unknown) => void;
}

export class Registry {
  private readonly services = new Map<string, ServiceSnapshot>();
  /** Deletion revisions of services that watchers still wait on. */
  private readonly tombstones = new Map<string, number>();
  private readonly watchers = new Map<string, Set<() => void>>();
  private readonly changeListeners = new Set<ChangeListener>();
  private readonly syncListeners = new Set<() => void>();
  /** Kubernetes node name → its zone: where a caller that names only its node is. */
  private readonly nodeZones = new Map<string, string>();
  private revisionCounter = 0;
  private backendTotal = 0;
  private isSynced = false;
  /** GRPCRoutes and ReferenceGrants, kept apart from the services they route between. */
  readonly routes: RouteStore;

  constructor(private readonly options: RegistryOptions = {}) {
    this.routes = new RouteStore((error) => this.options.onListenerError?.(error));
    // A route names Services besides the one it binds to, so a route change
    // may change the answer of any watched Service: every watcher looks
    // again (rare: a route edit), and each answers only what changed.
    this.routes.onChange(() => this.touchAllWatchers());
  }

  /** True once a source has delivered its complete initial state. */
  get synced(): boolean {
    return this.isSynced;
  }

  get revision(): number {
    return this.revisionCounter;
  }

  stats(): RegistryStats {
    return { services: this.services.size, backends: this.backendTotal, revision: this.revisionCounter };
  }

  /**
   * Declares that the source has delivered its complete state once. Until
   * then nothing is served (invariant 1, docs/design.md). Idempotent.
   */
  markSynced(): void {
    if (this.isSynced) return;
    this.isSynced = true;
    for (const listener of [...this.syncListeners]) this.call(listener);
    // Watchers that subscribed before the sync have been sent nothing yet.
    for (const set of this.watchers.values()) for (const listener of [...set]) this.call(listener);
  }

  /** Calls `listener` once when the registry becomes synced (now, if it is). */
  onSynced(listener: () => void): () => void {
    if (this.isSynced) {
      this.call(listener);
      return () => {};
    }
    this.syncListeners.add(listener);
    return () => this.syncListeners.delete(listener);
  }

  /** Subscribes to every change of every service (for metrics and logs). */
  onChange(listener: ChangeListener): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  get(key: string): ServiceSnapshot | undefined {
    return this.services.get(key);
  }

  keys(): IterableIterator<string> {
    return this.services.keys();
  }

  /** Looks up one port of one service, by the port's name or number. */
  lookup(key: string, ref: PortRef): PortLookup {
    const service = this.services.get(key);
    if (!service) return { status: 'unknown-service', version: this.tombstones.get(key) ?? 0 };
    const port = service.ports.find((p) => (ref.kind === 'name' ? p.name === ref.name : p.port === ref.number));
    if (!port) return { status: 'unknown-port', version: service.version, service };
    return { status: 'found', version: port.version, service, port };
  }

  /**
   * Records the zone of a Kubernetes node (undefined: unknown, or the node
   * is gone). A change tells every watcher to look again, since the answers
   * of callers that name only that node may change; node zones practically
   * never change, so this costs nothing in steady state.
   */
  setNodeZone(node: string, zone: string | undefined): void {
    if (this.nodeZones.get(node) === zone) return;
    if (zone === undefined) this.nodeZones.delete(node);
    else this.nodeZones.set(node, zone);
    this.touchAllWatchers();
  }

  /** Tells every watcher to look again (after the sync: before it, nothing is served). */
  private touchAllWatchers(): void {
    if (!this.isSynced) return;
    for (const set of this.watchers.values()) for (const listener of [...set]) this.call(listener);
  }

  /** The zone of a Kubernetes node, or "" when it is not known. */
  zoneOfNode(node: string): string {
    return this.nodeZones.get(node) ?? '';
  }

  /** Node zones known, for metrics and tests. */
  get nodeZoneCount(): number {
    return this.nodeZones.size;
  }

  /** Describes the ports a service has, for error messages. */
  describePorts(service: ServiceSnapshot): string {
    if (service.ports.length === 0) return 'it has no ports';
    return `its ports are ${service.ports.map((p) => (p.name ? `${p.name} (${p.port})` : String(p.port))).join(', ')}`;
  }

  /**
   * Subscribes to changes of one service, existing or not. The listener is
   * only told that something changed; it reads the newest state with
   * lookup() when it is ready to, so a slow consumer skips versions instead
   * of queueing them (invariant 4, docs/design.md). It is also called once when the registry
   * becomes synced.
   */
  watch(key: string, listener: () => void): () => void {
    let set = this.watchers.get(key);
    if (!set) {
      set = new Set();
      this.watchers.set(key, set);
    }
    set.add(listener);
    return () => {
      const current = this.watchers.get(key);
      if (!current) return;
      current.delete(listener);
      if (current.size === 0) {
        this.watchers.delete(key);
        this.tombstones.delete(key);
      }
    };
  }

  watcherCount(): number {
    let count = 0;
    for (const set of this.watchers.values()) count += set.size;
    return count;
  }

  /**
   * Sets a service to `spec`. Returns true when that changed anything; an
   * identical spec leaves the version alone. Throws on a spec that breaks the
   * registry's rules (a source bug: sources validate their input first).
   */
  upsert(spec: ServiceSpec): boolean {
    const key = serviceKey(spec.name, spec.namespace);
    const previous = this.services.get(key);
    const revision = this.revisionCounter + 1;
    let changed = !previous || previous.ports.length !== spec.ports.length;
    let portsChanged = changed;
    const ports: PortSnapshot[] = [];
    const seenNames = new Set<string>();
    for (const portSpec of [...spec.ports].sort((a, b) => a.port - b.port || a.name.localeCompare(b.name))) {
      if (seenNames.has(portSpec.name)) throw new Error(`service ${key}: port name "${portSpec.name}" appears twice`);
      seenNames.add(portSpec.name);
      const backends = normalizeBackends(key, portSpec);
      const old = previous?.ports.find((p) => p.name === portSpec.name);
      const trafficDistribution = spec.trafficDistribution ?? '';
      const internalTrafficPolicy = spec.internalTrafficPolicy ?? 'Cluster';
      const topologyFromHints = spec.topologyFromHints ?? false;
      const sameRules = old !== undefined && old.trafficDistribution === trafficDistribution && old.internalTrafficPolicy === internalTrafficPolicy && old.topologyFromHints === topologyFromHints;
      if (!old || old.port !== portSpec.port) portsChanged = true;
      if (old && sameRules && old.port === portSpec.port && sameBackends(old.backends, backends)) {
        ports.push(old);
      } else {
        changed = true;
        ports.push({ name: portSpec.name, port: portSpec.port, version: revision, backends, trafficDistribution, internalTrafficPolicy, topologyFromHints });
      }
    }
    if (!changed) return false;
    this.revisionCounter = revision;
    const snapshot: ServiceSnapshot = { key, name: spec.name, namespace: spec.namespace, version: revision, ports };
    this.backendTotal += countBackends(snapshot) - (previous ? countBackends(previous) : 0);
    this.services.set(key, snapshot);
    this.tombstones.delete(key);
    this.notify(key, snapshot);
    // Whether a backendRef resolves depends on the Service and its ports.
    if (portsChanged && this.routes.routes().length > 0) this.touchAllWatchers();
    return true;
  }

  /** Removes a service. Returns false when it was not there. */
  delete(key: string): boolean {
    const previous = this.services.get(key);
    if (!previous) return false;
    this.revisionCounter += 1;
    this.services.delete(key);
    this.backendTotal -= countBackends(previous);
    if (this.watchers.has(key)) this.tombstones.set(key, this.revisionCounter);
    this.notify(key, undefined);
    if (this.routes.routes().length > 0) this.touchAllWatchers();
    return true;
  }

  /**
   * Makes the registry hold exactly `specs`: for sources that always know
   * their whole state (a file). Unchanged services keep their versions.
   * Returns the keys that changed.
   */
  replaceAll(specs: readonly ServiceSpec[]): string[] {
    const changed: string[] = [];
    const wanted = new Set<string>();
    for (const spec of specs) {
      const key = serviceKey(spec.name, spec.namespace);
      wanted.add(key);
      if (this.upsert(spec)) changed.push(key);
    }
    for (const key of [...this.services.keys()]) {
      if (!wanted.has(key) && this.delete(key)) changed.push(key);
    }
    return changed;
  }

  private notify(key: string, service: ServiceSnapshot | undefined): void {
    for (const listener of [...this.changeListeners]) this.call(() => listener(key, service));
    if (!this.isSynced) return;
    const set = this.watchers.get(key);
    if (set) for (const listener of [...set]) this.call(listener);
  }

  private call(listener: () => void): void {
    try {
      listener();
    } catch (error) {
      this.options.onListenerError?.(error);
    }
  }
}

function countBackends(service: ServiceSnapshot): number {
  let count = 0;
  for (const port of service.ports) count += port.backends.length;
  return count;
}

function normalizeBackends(key: string, port: PortSpec): Backend[] {
  const byAddress = new Map<string, Backend>();
  for (const spec of port.backends) {
    const backend = toBackend(key, port, spec);
    // Sources de-duplicate; this keeps the registry's own promise (unique by
    // address) even if one does not. The first occurrence wins.
    if (!byAddress.has(backend.address)) byAddress.set(backend.address, backend);
  }
  return [...byAddress.values()].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

function toBackend(key: string, port: PortSpec, spec: BackendSpec): Backend {
  const weight = spec.weight ?? DEFAULT_WEIGHT;
  if (!Number.isInteger(weight) || weight < MIN_WEIGHT || weight > MAX_WEIGHT) {
    throw new Error(`service ${key} port ${port.name || port.port}: weight ${weight} of ${spec.host} is not an integer from ${MIN_WEIGHT} to ${MAX_WEIGHT}`);
  }
  if (!Number.isInteger(spec.port) || spec.port < 1 || spec.port > 65535) {
    throw new Error(`service ${key}: backend ${spec.host} has port ${spec.port}; ports are from 1 to 65535`);
  }
  return {
    address: formatAddress(spec.host, spec.port),
    host: spec.host,
    port: spec.port,
    weight,
    zone: spec.zone ?? '',
    metadata: spec.metadata ?? {},
  };
}

function sameBackends(a: readonly Backend[], b: readonly Backend[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.address !== y.address || x.weight !== y.weight || x.zone !== y.zone || !sameRecord(x.metadata, y.metadata)) return false;
  }
  return true;
}

function sameRecord(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const k of keys) if (a[k] !== b[k]) return false;
  return true;
}

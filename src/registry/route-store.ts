// The routing half of the registry's state: GRPCRoutes and ReferenceGrants,
// as sources describe them. Pure state, no I/O. A write that changes nothing
// tells nobody, so a source may re-publish everything (a relist, a file
// reload) for free; any real change bumps the revision and tells each
// listener once. What routes mean is the translation's business.

import { isDeepStrictEqual } from 'node:util';
import { routeKey, type ReferenceGrantSource, type RouteSource } from './route-spec.js';

export type RouteStoreListener = () => void;

export class RouteStore {
  private readonly routeMap = new Map<string, RouteSource>();
  private readonly grantMap = new Map<string, ReferenceGrantSource>();
  private readonly listeners = new Set<RouteStoreListener>();
  private revisionCounter = 0;

  constructor(private readonly onListenerError: (error: unknown) => void = () => {}) {}

  /** Bumped by every change of a route or grant. */
  get revision(): number {
    return this.revisionCounter;
  }

  /** How many routes there are: 0 lets a reader skip routing altogether. */
  get routeCount(): number {
    return this.routeMap.size;
  }

  routes(): readonly RouteSource[] {
    return [...this.routeMap.values()];
  }

  grants(): readonly ReferenceGrantSource[] {
    return [...this.grantMap.values()];
  }

  route(namespace: string, name: string): RouteSource | undefined {
    return this.routeMap.get(`${namespace}/${name}`);
  }

  /** Told after each change; the listener reads the new state itself. */
  onChange(listener: RouteStoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  upsertRoute(route: RouteSource): boolean {
    return this.put(this.routeMap, routeKey(route), route);
  }

  deleteRoute(namespace: string, name: string): boolean {
    return this.remove(this.routeMap, `${namespace}/${name}`);
  }

  upsertGrant(grant: ReferenceGrantSource): boolean {
    return this.put(this.grantMap, routeKey(grant), grant);
  }

  deleteGrant(namespace: string, name: string): boolean {
    return this.remove(this.grantMap, `${namespace}/${name}`);
  }

  /** Makes the store hold exactly these (a source that knows its whole state); one notification at most. */
  replaceAll(routes: readonly RouteSource[], grants: readonly ReferenceGrantSource[]): boolean {
    const nextRoutes = new Map(routes.map((route) => [routeKey(route), route]));
    const nextGrants = new Map(grants.map((grant) => [routeKey(grant), grant]));
    if (sameMap(this.routeMap, nextRoutes) && sameMap(this.grantMap, nextGrants)) return false;
    this.routeMap.clear();
    for (const [key, route] of nextRoutes) this.routeMap.set(key, route);
    this.grantMap.clear();
    for (const [key, grant] of nextGrants) this.grantMap.set(key, grant);
    this.changed();
    return true;
  }

  private put<T>(map: Map<string, T>, key: string, value: T): boolean {
    if (isDeepStrictEqual(map.get(key), value)) return false;
    map.set(key, value);
    this.changed();
    return true;
  }

  private remove<T>(map: Map<string, T>, key: string): boolean {
    if (!map.delete(key)) return false;
    this.changed();
    return true;
  }

  private changed(): void {
    this.revisionCounter += 1;
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch (error) {
        // Invariant 9 (docs/design.md): a listener's throw never stops the source writing.
        this.onListenerError(error);
      }
    }
  }
}

function sameMap<T>(a: ReadonlyMap<string, T>, b: ReadonlyMap<string, T>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, value] of a) if (!isDeepStrictEqual(b.get(key), value)) return false;
  return true;
}

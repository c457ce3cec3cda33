// What a watch knows of its objects, by namespace/name, in the compact form
// the source keeps (CachedObject). A watch event changes one entry; a
// complete list replaces them all and yields only the differences (deleted,
// added, changed by resourceVersion), so a relist after 410 Gone, or a
// restart, re-publishes nothing that did not change and never passes
// through an empty or partial state (invariant 2, docs/design.md).

/** What the cache holds for one object: its identity and a compact view. */
export interface CachedObject<V> {
  readonly metadata: { readonly name: string; readonly namespace: string; readonly resourceVersion?: string };
  /** undefined when the object could not be read (the failure was logged). */
  readonly view: V | undefined;
}

export interface ListDifference<V> {
  /** Objects gone from the list, as they were cached. */
  readonly deleted: CachedObject<V>[];
  /** Objects new to the cache, or at another resourceVersion. */
  readonly upserted: CachedObject<V>[];
}

export class ObjectCache<V> {
  private objects = new Map<string, CachedObject<V>>();

  get size(): number {
    return this.objects.size;
  }

  /** Stores the object; false when the same resourceVersion is cached already (nothing changed). */
  upsert(object: CachedObject<V>): boolean {
    const key = keyOf(object);
    const known = this.objects.get(key);
    if (known && sameVersion(known, object)) return false;
    this.objects.set(key, object);
    return true;
  }

  /** Removes the object; the cached entry, or undefined when it was not known. */
  delete(object: CachedObject<V>): CachedObject<V> | undefined {
    const key = keyOf(object);
    const known = this.objects.get(key);
    if (known) this.objects.delete(key);
    return known;
  }

  /** Makes the cache equal to a complete list; returns what differs from before. */
  replace(items: readonly CachedObject<V>[]): ListDifference<V> {
    const next = new Map<string, CachedObject<V>>();
    for (const item of items) next.set(keyOf(item), item);
    const deleted = [...this.objects].filter(([key]) => !next.has(key)).map(([, object]) => object);
    const upserted = [...next].filter(([key, object]) => {
      const known = this.objects.get(key);
      return !known || !sameVersion(known, object);
    });
    this.objects = next;
    return { deleted, upserted: upserted.map(([, object]) => object) };
  }
}

function keyOf(object: CachedObject<unknown>): string {
  return `${object.metadata.namespace}/${object.metadata.name}`;
}

function sameVersion(a: CachedObject<unknown>, b: CachedObject<unknown>): boolean {
  return a.metadata.resourceVersion !== undefined && a.metadata.resourceVersion === b.metadata.resourceVersion;
}

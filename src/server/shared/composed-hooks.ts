// Hooks of several observers on one event source. The control plane's own
// metrics and a caller's hooks (a test, a benchmark, an embedding program)
// watch the same fan-out and the same xDS streams: each must see every
// event, so hooks are composed, never spread over one another (a spread
// keeps only the last observer's hook of each name).

/** A set of optional hooks, each a function returning nothing. */
type HookSet<H> = { readonly [K in keyof H]?: (...args: never[]) => void };

/**
 * One hook set that calls, for each event, the hook of every set that has
 * one, in the order given. Sets that are undefined are skipped; with one set
 * left, it is returned as it is.
 */
export function composeHooks<H extends HookSet<H>>(...sets: readonly (H | undefined)[]): H {
  const present = sets.filter((set): set is H => set !== undefined);
  if (present.length <= 1) return present[0] ?? ({} as H);
  const byName = new Map<string, ((...args: unknown[]) => void)[]>();
  for (const set of present) {
    for (const [name, hook] of Object.entries(set)) {
      if (typeof hook !== 'function') continue;
      const hooks = byName.get(name) ?? [];
      hooks.push(hook as (...args: unknown[]) => void);
      byName.set(name, hooks);
    }
  }
  const composed: Record<string, (...args: unknown[]) => void> = {};
  for (const [name, hooks] of byName) {
    composed[name] =
      hooks.length === 1
        ? hooks[0]!
        : (...args: unknown[]) => {
            for (const hook of hooks) hook(...args);
          };
  }
  return composed as unknown as H;
}

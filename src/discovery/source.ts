// A discovery source feeds the registry from the outside world (a file, the
// Kubernetes API). It owns all knowledge of that world's formats; the
// registry sees only service specs.

export interface DiscoverySource {
  /** A short name for logs and health: "file", "kubernetes". */
  readonly kind: string;
  /**
   * Starts feeding the registry. Resolves once the source is running; the
   * source calls registry.markSynced() when its first complete state is in.
   * Rejects only when the source cannot start at all (for example, the file
   * it was given does not parse), with an error that says why.
   */
  start(): Promise<void>;
  /** Stops every watch and timer; the process can then exit. Idempotent. */
  stop(): Promise<void>;
}

// An open stream authorized again whenever the allow it holds expires.
//
// A stream is authorized when it opens; without more, a caller whose
// RoleBinding was deleted (or whose token expired) kept its stream, and its
// updates, until it reconnected. So each open stream keeps a timer: when the
// earliest allow it rests on expires (the authorizer says how long each
// holds, at most --caller-auth-cache-ttl), it asks the authorizer again for
// every namespace it serves. The cache has expired by then, so the API server
// is asked: a revocation reaches an open stream within the TTL, plus the
// time of the review. The face decides what a refusal means (WatchServers
// ends its stream; ADS leaves the namespace out and ends the stream when the
// caller may read none of its namespaces any more).
//
// A recheck that cannot be decided (the API server unreachable) leaves the
// stream as it is and asks again after RECHECK_RETRY_MS: open streams keep
// working while the API server is away, as cached decisions do.

import { status, type Metadata } from '@grpc/grpc-js';
import type { ServerClock, ServerTimer } from '../../../clock/server-clock.js';
import type { AuthorizationDecision, CallerAuthorizer } from './caller-authorizer.js';

/** Rechecks of one stream are at least this far apart, whatever the TTL (0 keeps nothing). */
export const MIN_STREAM_RECHECK_MS = 5_000;
/** After a recheck that could not be decided, the next one comes this much later. */
export const RECHECK_RETRY_MS = 5_000;

export interface NamespaceDecision {
  readonly namespace: string;
  readonly decision: AuthorizationDecision;
}

export interface OpenStreamAuthorizationOptions {
  readonly authorizer: CallerAuthorizer;
  readonly clock: ServerClock;
  /** The stream's metadata: the token it opened with. */
  readonly metadata: Metadata;
  /** The namespaces the stream serves now; none: nothing to recheck. */
  readonly namespaces: () => readonly string[];
  /** The decisions of a recheck, one per namespace. */
  readonly onRecheck: (decisions: readonly NamespaceDecision[]) => void;
  /** A recheck failed (a bug): the face ends its stream. */
  readonly onError: (error: unknown) => void;
}

export class OpenStreamAuthorization {
  private timer: ServerTimer | undefined;
  /** When (on the clock) the next recheck is due. */
  private dueAt = Infinity;
  private stopped = false;

  constructor(private readonly options: OpenStreamAuthorizationOptions) {}

  /** Records allows the stream now holds: the next recheck comes when the earliest of them expires. */
  allowed(decisions: readonly AuthorizationDecision[]): void {
    let validForMs = Infinity;
    for (const decision of decisions) if (decision.allowed) validForMs = Math.min(validForMs, decision.validForMs);
    if (validForMs !== Infinity) this.schedule(Math.max(MIN_STREAM_RECHECK_MS, validForMs));
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    const dueAt = this.options.clock.now() + delayMs;
    // An earlier recheck already planned covers this allow too.
    if (this.timer && this.dueAt <= dueAt) return;
    this.timer?.cancel();
    this.dueAt = dueAt;
    this.timer = this.options.clock.setTimer(() => {
      this.timer = undefined;
      this.dueAt = Infinity;
      void this.recheck();
    }, delayMs);
  }

  private async recheck(): Promise<void> {
    const namespaces = this.options.namespaces();
    if (this.stopped || namespaces.length === 0) return;
    try {
      const decisions = await Promise.all(namespaces.map(async (namespace) => ({ namespace, decision: await this.options.authorizer.authorize(this.options.metadata, namespace) })));
      if (this.stopped) return;
      this.options.onRecheck(decisions);
      if (decisions.some(({ decision }) => !decision.allowed && decision.code === status.UNAVAILABLE)) this.schedule(RECHECK_RETRY_MS);
      this.allowed(decisions.map(({ decision }) => decision));
    } catch (error) {
      if (!this.stopped) this.options.onError(error);
    }
  }
}

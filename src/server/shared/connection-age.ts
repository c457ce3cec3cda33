// Watch streams end at their connection's age (--max-connection-age).
//
// grpc-js sends a GOAWAY at a connection's maximum age (±10 %, its own
// jitter) and then leaves open streams alone: a WatchServers or ADS stream
// lives on, so clients never spread over replicas that started after them,
// and a caller keeps a stream opened under rights it may since have lost.
// grpc-js's own grace (grpc.max_connection_age_grace_ms) would cut the
// connection, but at a moment the server cannot choose or test, and with a
// status that says nothing of why.
//
// So the server ends its watch streams itself, with UNAVAILABLE saying why:
// all watch streams of a connection (told apart by the peer's address and
// port) end together, at a moment drawn in
//     [1.1 × max age, 1.1 × max age + grace]
// after the connection's first watch stream opened. That is after grpc-js's
// GOAWAY, whatever its jitter drew, so the client's reconnect opens a new
// connection (possibly to another replica, as the headless Service's DNS
// answers change); and the draw spreads over `grace` the reconnects of a
// fleet that connected at once (after a rollout of the control plane).
// Clients keep their lists meanwhile (the lookaside client and gRPC's xDS
// clients both keep what they have while they reconnect).
//
// grpc-js's grace is set too, far enough out that it never cuts a watch this
// ends first: it closes connections whose other calls never end (a health
// Watch) at most MAX_AGE_BACKSTOP after the watches' window.

import type { ServerClock, ServerTimer } from '../../clock/server-clock.js';

/** grpc-js's jitter on the age at which it sends a GOAWAY: ±10 %. */
const GRPC_JS_AGE_JITTER = 0.1;

export const MAX_CONNECTION_AGE_DETAILS =
  'this connection reached the control plane\'s maximum connection age (--max-connection-age); reconnect (a new connection may reach another replica)';

export interface ConnectionAgeOptions {
  /** --max-connection-age (ms); more than 0. */
  readonly maxAgeMs: number;
  /** --max-connection-age-grace (ms): the window the watch ends are spread over. */
  readonly graceMs: number;
  readonly clock: ServerClock;
  /** A draw in [0, 1) per connection; Math.random unless a test passes its own. */
  readonly random?: () => number;
}

/** The default --max-connection-age-grace: a tenth of the maximum age. */
export function defaultConnectionAgeGraceMs(maxAgeMs: number): number {
  return Math.round(maxAgeMs / 10);
}

/**
 * The grace to give grpc-js (grpc.max_connection_age_grace_ms): from its
 * GOAWAY, which may come as early as 0.9 × max age, past the end of the
 * watches' window at 1.1 × max age + grace, with as much again to spare.
 */
export function grpcJsConnectionAgeGraceMs(maxAgeMs: number, graceMs: number): number {
  return Math.ceil(2 * GRPC_JS_AGE_JITTER * maxAgeMs + 2 * graceMs);
}

interface Connection {
  readonly ends: Set<() => void>;
  timer: ServerTimer;
}

export class ConnectionAges {
  private readonly connections = new Map<string, Connection>();
  private readonly random: () => number;

  constructor(private readonly options: ConnectionAgeOptions) {
    if (!(options.maxAgeMs > 0)) throw new RangeError('ConnectionAges: maxAgeMs must be more than 0');
    if (!(options.graceMs >= 0)) throw new RangeError('ConnectionAges: graceMs must be 0 or more');
    this.random = options.random ?? Math.random;
  }

  /** Connections with a watch stream open. */
  get size(): number {
    return this.connections.size;
  }

  /**
   * Follows a watch stream of the connection `peer`: `end` is called when the
   * connection's watches are due to end. Returns what to call when the
   * stream is over for another reason.
   */
  track(peer: string, end: () => void): () => void {
    let connection = this.connections.get(peer);
    if (!connection) {
      const endsAfterMs = (1 + GRPC_JS_AGE_JITTER) * this.options.maxAgeMs + this.random() * this.options.graceMs;
      const created: Connection = { ends: new Set(), timer: this.options.clock.setTimer(() => this.expire(peer, created), endsAfterMs) };
      connection = created;
      this.connections.set(peer, connection);
    }
    const tracked = connection;
    // Each registration is its own entry, even for the same function.
    const entry = () => end();
    tracked.ends.add(entry);
    return () => {
      if (!tracked.ends.delete(entry) || tracked.ends.size > 0) return;
      // The connection's last watch is over: its clock goes with it; a
      // later watch on it starts another (still after the GOAWAY).
      tracked.timer.cancel();
      if (this.connections.get(peer) === tracked) this.connections.delete(peer);
    };
  }

  private expire(peer: string, connection: Connection): void {
    if (this.connections.get(peer) === connection) this.connections.delete(peer);
    for (const end of [...connection.ends]) end();
    connection.ends.clear();
  }
}

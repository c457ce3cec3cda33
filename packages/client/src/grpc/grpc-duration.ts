// Durations in configs ("10s", "0.25s": protobuf's JSON form of a Duration),
// read by grpc-js's own experimental.parseDuration from the module a
// registration was given, so that the policies' fields and the service
// config's timeouts follow the one grammar grpc-js reads.
//
// Every grpc-js the peer dependency allows (>=1.14.0 <1.15.0) exports
// parseDuration, with the same grammar: digits, an optional fraction, "s"
// (checked in 1.14.0 and 1.14.7). So there is no fallback of our own.

import type { GrpcModule } from './grpc-module.js';

/**
 * More than nine digits after the point: finer than a nanosecond, which a
 * protobuf Duration cannot hold and grpc-js's own service config refuses.
 * parseDuration reads such digits as a whole number of nanoseconds
 * ("0.1234567891s" would become 1.23 s), so they are refused before it.
 */
const FINER_THAN_NANOSECONDS = /\.[0-9]{10,}s$/;

/** Seconds and nanoseconds, as grpc-js's parseDuration returns them. */
export interface GrpcDuration {
  readonly seconds: number;
  readonly nanos: number;
}

/** What a duration may be, for error messages. */
export const DURATION_FORMS = 'a duration in seconds such as "10s" or "0.25s" (at most nine digits after the point)';

/** `value` read as a duration; undefined unless it is a string grpc-js reads as one. */
export function readDuration(grpc: GrpcModule, value: unknown): GrpcDuration | undefined {
  if (typeof value !== 'string' || FINER_THAN_NANOSECONDS.test(value)) return undefined;
  return grpc.experimental.parseDuration(value) ?? undefined;
}

/** A duration in milliseconds (fractions kept: "0.0005s" is 0.5). */
export function durationMs(duration: GrpcDuration): number {
  // Not grpc-js's durationToMs: it truncates to a 32-bit integer, which
  // turns durations past about 24 days negative.
  return duration.seconds * 1_000 + duration.nanos / 1_000_000;
}

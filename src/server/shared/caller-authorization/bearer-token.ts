// The caller's token, from the call's `authorization` metadata as gRPC
// carries it ("authorization: Bearer <token>", RFC 6750), and the little
// that can be read from a JWT without verifying it: when it expires, so that
// a cached review never outlives the token it was made for. The token is
// verified by the Kubernetes API server (TokenReview), never here.

import type { Metadata } from '@grpc/grpc-js';

export const AUTHORIZATION_METADATA_KEY = 'authorization';

/** A token as the caller sent it, or why there is none to use. */
export type BearerToken = { readonly token: string } | { readonly problem: 'missing' | 'malformed'; readonly detail: string };

const BEARER = /^Bearer[ \t]+([\x21-\x7e]+)[ \t]*$/i;

/** The bearer token of a call, or the problem with its `authorization` metadata. */
export function bearerTokenOf(metadata: Metadata): BearerToken {
  const values = metadata.get(AUTHORIZATION_METADATA_KEY);
  if (values.length === 0) return { problem: 'missing', detail: 'the call has no "authorization" metadata' };
  if (values.length > 1) return { problem: 'malformed', detail: `the call has ${values.length} "authorization" metadata values; send exactly one` };
  const value = values[0]!;
  const text = typeof value === 'string' ? value : value.toString('latin1');
  const match = BEARER.exec(text);
  if (!match) return { problem: 'malformed', detail: 'the "authorization" metadata is not "Bearer <token>"' };
  return { token: match[1]! };
}

/**
 * When a JWT expires (its `exp` claim, in ms since the epoch), read without
 * checking the signature; undefined for anything that is not a JWT with a
 * numeric `exp`. Used only to shorten a cache entry, never to accept a token.
 */
export function jwtExpiryMs(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' && Number.isFinite(payload.exp) ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

// Caller authorization (`serve --caller-auth kubernetes`): who may read the
// backends of a namespace's Services. Without it, any pod that reaches the
// control plane reads every Service's pod IPs, which Kubernetes RBAC denies
// ordinary pods. With it, a caller presents a projected ServiceAccount token
// ("authorization: Bearer <token>", audience --caller-auth-audience) and is
// served a target in namespace N only if it may
//     list endpointslices.discovery.k8s.io in namespace N
// which is exactly what reading those backends from the API server itself
// would take. The token is checked with a TokenReview, the rule with a
// SubjectAccessReview; both results are cached for a bounded time.
//
// Any gRPC face calls authorize(metadata, namespace) before it reveals a
// backend; it resolves with a decision and never rejects. Streams are
// authorized when they open, and again whenever the allow they hold expires
// (see open-stream-authorization.ts): a revoked permission (or token) takes
// effect on new calls once the cached result has expired, and ends an open
// stream then too.

import { createHash } from 'node:crypto';
import { status, type Metadata } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { ReviewUnavailableError, type AccessReviewer, type AccessReviewResult, type CallerIdentity, type ResourceRule, type TokenReviewResult } from './access-reviewer.js';
import { bearerTokenOf, jwtExpiryMs } from './bearer-token.js';
import { ReviewCache, type CacheOutcome } from './review-cache.js';

/** What a caller needs in a target's namespace: what reading its EndpointSlices from the API server takes. */
export const ENDPOINT_SLICE_LIST_RULE: ResourceRule = Object.freeze({ verb: 'list', group: 'discovery.k8s.io', resource: 'endpointslices' });

export const DEFAULT_CALLER_AUTH_AUDIENCE = 'lookaside';
/** How long an allow (and an authenticated token) is kept: the longest a revocation waits. */
export const DEFAULT_CALLER_AUTH_CACHE_TTL_MS = 30_000;
/** The longest --caller-auth-cache-ttl allowed. */
export const MAX_CALLER_AUTH_CACHE_TTL_MS = 10 * 60_000;
/** Denials and rejected tokens are kept at most this long, so a fix (a new RoleBinding) is seen soon. */
export const MAX_DENIAL_TTL_MS = 5_000;
/** Entries per cache (tokens; identities × namespaces). */
export const DEFAULT_CALLER_AUTH_CACHE_ENTRIES = 10_000;

export type AuthorizationDecision =
  | {
      readonly allowed: true;
      /** The caller's user name, for logs. */
      readonly caller: string;
      /**
       * How long this allow holds (ms): until the token or access review it
       * rests on expires. An open stream asks again then.
       */
      readonly validForMs: number;
      /**
       * The namespace of the caller's ServiceAccount (its user name is
       * system:serviceaccount:<namespace>:<name>); undefined for other users.
       * GAMMA consumer routes of that namespace apply to the caller.
       */
      readonly callerNamespace?: string;
    }
  | { readonly allowed: false; readonly code: status.UNAUTHENTICATED | status.PERMISSION_DENIED | status.UNAVAILABLE; readonly details: string };

export interface CallerAuthorizer {
  /**
   * Whether the caller of a call with this metadata may be told the
   * backends of Services in `namespace`. Never rejects: a failure to decide
   * is an UNAVAILABLE decision (fail closed).
   */
  authorize(metadata: Metadata, namespace: string): Promise<AuthorizationDecision>;
}

export type DecisionOutcome = 'allowed' | 'denied' | 'unauthenticated' | 'error';

/** For metrics: what was decided, and where each review's answer came from. */
export interface CallerAuthorizationHooks {
  readonly onDecision?: (outcome: DecisionOutcome) => void;
  /** `review` asked the API server; `hit` came from the cache; `coalesced` joined a review in flight. */
  readonly onReview?: (review: 'token' | 'access', outcome: CacheOutcome) => void;
}

export interface ReviewingCallerAuthorizerOptions {
  readonly reviewer: AccessReviewer;
  readonly logger: Logger;
  /** The audience callers' tokens must be for (TokenReview spec.audiences). */
  readonly audience?: string;
  /** How long allows and authenticated tokens are kept; 0 keeps nothing. */
  readonly cacheTtlMs?: number;
  readonly maxEntries?: number;
  readonly hooks?: CallerAuthorizationHooks;
  /** The clock, in ms. */
  readonly now?: () => number;
}

const LOG_INTERVAL_MS = 10_000;

const SERVICE_ACCOUNT_USER = /^system:serviceaccount:([^:]+):([^:]+)$/;

/** The namespace of a ServiceAccount's user name, or undefined for any other user. */
export function serviceAccountNamespace(username: string): string | undefined {
  return SERVICE_ACCOUNT_USER.exec(username)?.[1];
}

/** The RBAC subject a user name stands for, as a RoleBinding names it. */
function subjectOf(username: string): string {
  const serviceAccount = SERVICE_ACCOUNT_USER.exec(username);
  return serviceAccount ? `ServiceAccount ${serviceAccount[1]}/${serviceAccount[2]}` : `User ${username}`;
}

function ruleText(rule: ResourceRule): string {
  return `${rule.verb} ${rule.group ? `${rule.resource}.${rule.group}` : rule.resource}`;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function identityKey(user: CallerIdentity): string {
  const extra = Object.keys(user.extra)
    .sort()
    .map((key) => [key, [...(user.extra[key] ?? [])].sort()]);
  return sha256(JSON.stringify([user.username, user.uid, [...user.groups].sort(), extra]));
}

export class ReviewingCallerAuthorizer implements CallerAuthorizer {
  readonly audience: string;
  readonly cacheTtlMs: number;
  private readonly denialTtlMs: number;
  private readonly tokens: ReviewCache<TokenReviewResult>;
  private readonly access: ReviewCache<AccessReviewResult>;
  private readonly log: Logger;
  private readonly now: () => number;
  /** Throttled logging of refusals: one line per kind per LOG_INTERVAL_MS at info/warn, the rest at debug. */
  private readonly lastLogged = new Map<DecisionOutcome, { at: number; suppressed: number }>();

  constructor(private readonly options: ReviewingCallerAuthorizerOptions) {
    this.audience = options.audience ?? DEFAULT_CALLER_AUTH_AUDIENCE;
    if (this.audience.trim() === '') throw new RangeError('caller authorization needs a token audience');
    this.cacheTtlMs = options.cacheTtlMs ?? DEFAULT_CALLER_AUTH_CACHE_TTL_MS;
    if (!(this.cacheTtlMs >= 0 && this.cacheTtlMs <= MAX_CALLER_AUTH_CACHE_TTL_MS)) throw new RangeError(`the cache TTL must be from 0 to ${MAX_CALLER_AUTH_CACHE_TTL_MS} ms`);
    this.denialTtlMs = Math.min(this.cacheTtlMs, MAX_DENIAL_TTL_MS);
    this.now = options.now ?? Date.now;
    const cacheOptions = { maxEntries: options.maxEntries ?? DEFAULT_CALLER_AUTH_CACHE_ENTRIES, now: this.now };
    this.tokens = new ReviewCache(cacheOptions);
    this.access = new ReviewCache(cacheOptions);
    this.log = options.logger.child({ component: 'caller-auth' });
  }

  async authorize(metadata: Metadata, namespace: string): Promise<AuthorizationDecision> {
    let decision: AuthorizationDecision;
    let outcome: DecisionOutcome;
    try {
      [decision, outcome] = await this.decide(metadata, namespace);
    } catch (error) {
      outcome = 'error';
      const unavailable = error instanceof ReviewUnavailableError;
      decision = {
        allowed: false,
        code: status.UNAVAILABLE,
        details: `the control plane cannot check this caller's access right now (${unavailable ? error.message : 'an internal error'}); retry shortly`,
      };
      this.report('error', unavailable ? { reason: error.reason, namespace } : { err: error, namespace }, unavailable ? `caller authorization failed: ${error.message}` : 'caller authorization failed');
    }
    try {
      this.options.hooks?.onDecision?.(outcome);
    } catch (error) {
      this.log.error({ err: error }, 'a caller authorization hook threw');
    }
    return decision;
  }

  private async decide(metadata: Metadata, namespace: string): Promise<[AuthorizationDecision, DecisionOutcome]> {
    const bearer = bearerTokenOf(metadata);
    if (!('token' in bearer)) {
      this.report('unauthenticated', { namespace, problem: bearer.problem }, `caller refused: ${bearer.detail}`);
      return [this.unauthenticated(`${bearer.detail}; this control plane authorizes its callers`), 'unauthenticated'];
    }
    const { value: review, keptUntil: tokenKeptUntil } = await this.reviewToken(bearer.token);
    if (!review.authenticated) {
      this.report('unauthenticated', { namespace, error: review.error }, `caller refused: the token was not accepted: ${review.error}`);
      return [this.unauthenticated(`the Kubernetes API server did not accept the caller's token (${review.error})`), 'unauthenticated'];
    }
    const user = review.user;
    const { value: access, keptUntil: accessKeptUntil } = await this.reviewAccess(user, namespace);
    if (!access.allowed) {
      const rule = ruleText(ENDPOINT_SLICE_LIST_RULE);
      this.report('denied', { caller: user.username, namespace }, `caller denied: ${user.username} may not ${rule} in namespace ${namespace}`);
      const details =
        `${user.username} may not ${rule} in namespace "${namespace}" (lookaside authorizes each target as that RBAC rule; ` +
        `grant it with a Role in "${namespace}" allowing verbs [list] on resources [endpointslices] in apiGroups [discovery.k8s.io], bound to ${subjectOf(user.username)} by a RoleBinding)` +
        (access.reason ? `; the API server said: ${access.reason}` : '');
      return [{ allowed: false, code: status.PERMISSION_DENIED, details }, 'denied'];
    }
    this.log.debug({ caller: user.username, namespace }, 'caller allowed');
    const callerNamespace = serviceAccountNamespace(user.username);
    return [
      { allowed: true, caller: user.username, validForMs: Math.max(0, Math.min(tokenKeptUntil, accessKeptUntil) - this.now()), ...(callerNamespace !== undefined && { callerNamespace }) },
      'allowed',
    ];
  }

  private unauthenticated(why: string): AuthorizationDecision {
    return {
      allowed: false,
      code: status.UNAUTHENTICATED,
      details:
        `${why}: send the metadata "authorization: Bearer <token>" with a projected ServiceAccount token whose audience is "${this.audience}" ` +
        '(grpc-lookaside-client: LOOKASIDE_TOKEN_FILE or the callerToken option; lookaside get/watch: --token-file)',
    };
  }

  private async reviewToken(token: string): Promise<{ value: TokenReviewResult; keptUntil: number }> {
    const { value, outcome, keptUntil } = await this.tokens.get(
      sha256(token),
      async () => {
        const result = await this.options.reviewer.reviewToken(token, [this.audience]);
        // An audience-aware API server names the audiences the token is good
        // for; one that is not (status.audiences empty) is trusted to have
        // checked spec.audiences, as the TokenReview API documents.
        if (result.authenticated && result.audiences.length > 0 && !result.audiences.includes(this.audience)) {
          return { authenticated: false, error: `the token is for the audiences ${JSON.stringify(result.audiences)}, not "${this.audience}"` };
        }
        return result;
      },
      (result) => {
        const now = this.now();
        if (!result.authenticated) return now + this.denialTtlMs;
        // Never keep a token past its own expiry.
        return Math.min(now + this.cacheTtlMs, jwtExpiryMs(token) ?? Infinity);
      },
    );
    this.options.hooks?.onReview?.('token', outcome);
    return { value, keptUntil };
  }

  private async reviewAccess(user: CallerIdentity, namespace: string): Promise<{ value: AccessReviewResult; keptUntil: number }> {
    const { value, outcome, keptUntil } = await this.access.get(
      `${identityKey(user)}\n${namespace}`,
      () => this.options.reviewer.reviewAccess(user, namespace, ENDPOINT_SLICE_LIST_RULE),
      (result) => this.now() + (result.allowed ? this.cacheTtlMs : this.denialTtlMs),
    );
    this.options.hooks?.onReview?.('access', outcome);
    return { value, keptUntil };
  }

  /** Logs a refusal or failure: the first of each kind per interval at info (failures at warn), the rest at debug. */
  private report(kind: DecisionOutcome, fields: Record<string, unknown>, message: string): void {
    const now = this.now();
    const last = this.lastLogged.get(kind);
    if (last && now - last.at < LOG_INTERVAL_MS) {
      last.suppressed++;
      this.log.debug(fields, message);
      return;
    }
    this.lastLogged.set(kind, { at: now, suppressed: 0 });
    const level = kind === 'error' ? 'warn' : 'info';
    this.log[level]({ ...fields, ...(last?.suppressed && { similarSinceLast: last.suppressed }) }, message);
  }
}

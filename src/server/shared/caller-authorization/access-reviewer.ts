// What the caller authorization asks of an authority: who does this token
// belong to (TokenReview), and may that user do this (SubjectAccessReview).
// The Kubernetes implementation is kubernetes-access-reviewer.ts; this file
// holds only the shapes, so that the authorization logic loads without
// @kubernetes/client-node.

/** Who a token belongs to, as the authority told (TokenReview status.user). */
export interface CallerIdentity {
  readonly username: string;
  readonly uid: string;
  readonly groups: readonly string[];
  readonly extra: Readonly<Record<string, readonly string[]>>;
}

export type TokenReviewResult =
  | { readonly authenticated: true; readonly user: CallerIdentity; readonly audiences: readonly string[] }
  | { readonly authenticated: false; readonly error: string };

/** An RBAC rule on a namespaced resource: "list endpointslices.discovery.k8s.io". */
export interface ResourceRule {
  readonly verb: string;
  /** The API group; "" for the core group. */
  readonly group: string;
  readonly resource: string;
}

export interface AccessReviewResult {
  readonly allowed: boolean;
  /** Why, when the authority says (RBAC's reason, a webhook's). */
  readonly reason: string;
}

/** The authority could not answer (unreachable, too slow, an error status): no decision either way. */
export class ReviewUnavailableError extends Error {
  constructor(
    message: string,
    /** A short, low-cardinality label for logs and metrics: unreachable, timeout, forbidden, http_<status>, error. */
    readonly reason: string,
  ) {
    super(message);
    this.name = 'ReviewUnavailableError';
  }
}

export interface AccessReviewer {
  /**
   * Authenticates a bearer token for `audiences`. Resolves with the result
   * (an unknown or expired token is `authenticated: false`); rejects with a
   * ReviewUnavailableError when there is no answer.
   */
  reviewToken(token: string, audiences: readonly string[]): Promise<TokenReviewResult>;
  /** Whether `user` may do `rule` in `namespace`; rejects with a ReviewUnavailableError when there is no answer. */
  reviewAccess(user: CallerIdentity, namespace: string, rule: ResourceRule): Promise<AccessReviewResult>;
}

// The Kubernetes API server as the authority on callers: a TokenReview
// (authentication.k8s.io/v1) says whose a token is, a SubjectAccessReview
// (authorization.k8s.io/v1) whether that user may do something. Both are
// "create" requests on cluster-scoped resources, which the built-in
// ClusterRole system:auth-delegator grants (deploy/kubernetes/overlays/caller-auth).
//
// Every request has a deadline (invariant 10, docs/design.md): an API server that does not
// answer in time is no answer, and the caller is refused with UNAVAILABLE.
//
// This module imports @kubernetes/client-node and is loaded with a dynamic
// import() by whoever turns caller authorization on, as the Kubernetes source is.

import { AuthenticationV1Api, AuthorizationV1Api, type ConfigurationOptions, type KubeConfig, type ObservableMiddleware } from '@kubernetes/client-node';
import { withDeadline } from '../../../discovery/kubernetes/api-deadline.js';
import { explainFailure, httpStatusOf } from '../../../discovery/kubernetes/api-failure.js';
import { ReviewUnavailableError, type AccessReviewer, type AccessReviewResult, type CallerIdentity, type ResourceRule, type TokenReviewResult } from './access-reviewer.js';

/** How long one review may take before the caller is told the control plane cannot decide. */
export const DEFAULT_REVIEW_TIMEOUT_MS = 5_000;

/** Where the permission the control plane needs for reviews is granted. */
export const AUTH_DELEGATOR_HINT =
  'bind its ServiceAccount to the ClusterRole system:auth-delegator (deploy/kubernetes/overlays/caller-auth/cluster-role-binding.yaml), which grants create on tokenreviews and subjectaccessreviews';

export interface KubernetesAccessReviewerOptions {
  readonly kubeConfig: KubeConfig;
  /** Deadline of each review; default DEFAULT_REVIEW_TIMEOUT_MS. */
  readonly timeoutMs?: number;
}

type Review = { readonly resource: 'tokenreviews'; readonly group: 'authentication.k8s.io' } | { readonly resource: 'subjectaccessreviews'; readonly group: 'authorization.k8s.io' };
const TOKEN_REVIEW: Review = { resource: 'tokenreviews', group: 'authentication.k8s.io' };
const ACCESS_REVIEW: Review = { resource: 'subjectaccessreviews', group: 'authorization.k8s.io' };

export class KubernetesAccessReviewer implements AccessReviewer {
  private readonly authentication: AuthenticationV1Api;
  private readonly authorization: AuthorizationV1Api;
  private readonly timeoutMs: number;

  constructor(options: KubernetesAccessReviewerOptions) {
    this.authentication = options.kubeConfig.makeApiClient(AuthenticationV1Api);
    this.authorization = options.kubeConfig.makeApiClient(AuthorizationV1Api);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_REVIEW_TIMEOUT_MS;
  }

  async reviewToken(token: string, audiences: readonly string[]): Promise<TokenReviewResult> {
    const review = await this.call(TOKEN_REVIEW, (options) =>
      this.authentication.createTokenReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, audiences: [...audiences] } } }, options),
    );
    const status = review.status ?? {};
    if (!status.authenticated || !status.user?.username) return { authenticated: false, error: status.error || 'the token is not valid' };
    const user = status.user;
    return {
      authenticated: true,
      user: { username: user.username!, uid: user.uid ?? '', groups: user.groups ?? [], extra: user.extra ?? {} },
      audiences: status.audiences ?? [],
    };
  }

  async reviewAccess(user: CallerIdentity, namespace: string, rule: ResourceRule): Promise<AccessReviewResult> {
    const review = await this.call(ACCESS_REVIEW, (options) =>
      this.authorization.createSubjectAccessReview(
        {
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SubjectAccessReview',
            spec: {
              user: user.username,
              ...(user.uid && { uid: user.uid }),
              groups: [...user.groups],
              extra: Object.fromEntries(Object.entries(user.extra).map(([key, values]) => [key, [...values]])),
              resourceAttributes: { namespace, verb: rule.verb, group: rule.group, resource: rule.resource },
            },
          },
        },
        options,
      ),
    );
    const status = review.status;
    const reason = [status?.reason, status?.evaluationError].filter((s): s is string => typeof s === 'string' && s.length > 0).join('; ');
    return { allowed: status?.allowed === true && status.denied !== true, reason };
  }

  /** Runs one review with a deadline; every failure becomes a ReviewUnavailableError saying what to do. */
  private async call<T>(review: Review, run: (options: ConfigurationOptions<ObservableMiddleware>) => Promise<T>): Promise<T> {
    // fetch gives up at the deadline: no socket is left waiting on an API server that does not answer.
    const { options, signal } = withDeadline(this.timeoutMs);
    try {
      return await run(options);
    } catch (error) {
      const resource = `${review.resource}.${review.group}`;
      if (signal.aborted) throw new ReviewUnavailableError(`the API server did not answer a ${resource} request within ${this.timeoutMs} ms`, 'timeout');
      if (httpStatusOf(error) === 403) {
        throw new ReviewUnavailableError(`the control plane's own account may not create ${resource}: ${AUTH_DELEGATOR_HINT}`, 'forbidden');
      }
      const explained = explainFailure(error, { verb: 'create', resource: review.resource, group: review.group, namespace: undefined });
      throw new ReviewUnavailableError(explained.message, explained.reason);
    }
  }
}

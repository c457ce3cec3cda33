// One GET to the Kubernetes API server through @kubernetes/client-node's
// public request API: a RequestContext that the KubeConfig authenticates
// (applySecurityAuthentication: credentials, TLS, proxy), sent by the
// library's own IsomorphicFetchHttpLibrary. Everything used here is exported
// and typed by the library; no private field is written and no method of
// it is replaced, so a new release cannot silently change what a request
// carries. The watch loop (informer-supervisor.ts) lists and watches with it,
// and so can choose each request's Accept header (metadata only) and
// deadline itself.

import { HttpMethod, IsomorphicFetchHttpLibrary, RequestContext, type KubeConfig, type ResponseContext } from '@kubernetes/client-node';

/**
 * Pods and Nodes are read as metadata only (PartialObjectMetadata, as
 * client-go's metadata client asks), with plain JSON as the fallback an API
 * server without it answers with: only their labels and annotations are
 * used, and a Pod's or Node's status is most of its size. A list asks for
 * the List form, a watch for the single-object form.
 */
export const PARTIAL_OBJECT_METADATA_LIST_ACCEPT = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';
export const PARTIAL_OBJECT_METADATA_ACCEPT = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';

/** An answer other than 200: `statusCode` and the API server's body (a Status), as explainFailure reads them. */
export class ApiStatusError extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: string,
    /** The answer's Retry-After in milliseconds (429 and 503 of API Priority and Fairness), when it gave one in seconds. */
    readonly retryAfterMs?: number,
  ) {
    super(`HTTP ${statusCode}`);
    this.name = 'ApiStatusError';
  }
}

export interface ApiGetOptions {
  /** Query parameters; undefined ones are left out. */
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  /** The Accept header; default the library's (JSON). */
  readonly accept?: string;
  /** Aborts the request (a deadline, or stop). */
  readonly signal: AbortSignal;
}

const httpLibrary = new IsomorphicFetchHttpLibrary();

/**
 * The API path of a collection: core resources under /api/v1, others under
 * /apis/GROUP/VERSION; namespaced when a namespace is given.
 */
export function collectionPath(group: string, version: string, resource: string, namespace?: string): string {
  const base = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
  return namespace ? `${base}/namespaces/${encodeURIComponent(namespace)}/${resource}` : `${base}/${resource}`;
}

/**
 * GETs `path` from the current cluster of `kubeConfig`. Resolves with the
 * response once its headers are in (the body may still be streaming); an
 * answer other than 200 rejects with ApiStatusError.
 */
export async function apiGet(kubeConfig: KubeConfig, path: string, options: ApiGetOptions): Promise<ResponseContext> {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig names no current cluster: set current-context (or --context) to a context whose cluster has a server');
  const url = new URL(cluster.server.replace(/\/+$/, '') + path);
  for (const [key, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
  const context = new RequestContext(url.toString(), HttpMethod.GET);
  await kubeConfig.applySecurityAuthentication(context);
  if (options.accept !== undefined) context.setHeaderParam('Accept', options.accept);
  context.setSignal(options.signal);
  const response = await httpLibrary.send(context).toPromise();
  if (response.httpStatusCode !== 200) {
    const body = await response.body.text().catch(() => '');
    const retryAfter = Number(response.headers['retry-after'] ?? Number.NaN);
    throw new ApiStatusError(response.httpStatusCode, body, Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter * 1000 : undefined);
  }
  return response;
}

// Turns whatever a failed list or watch threw into one sentence a person can
// act on. The shapes differ by where the failure happened: the generated API
// client throws ApiException (.code, .body), the Watch throws an Error with
// .statusCode, undici throws TypeError("fetch failed") with a .cause that has
// the socket error's code, and a stream cut mid-body ends in "terminated".

/** Where the RBAC manifests live; 403 messages point at them. */
export const RBAC_MANIFEST_HINT = {
  cluster: 'deploy/kubernetes/base/cluster-role.yaml (kubectl apply -k deploy/kubernetes/base)',
  namespaced: 'deploy/kubernetes/overlays/single-namespace/role.yaml (kubectl apply -k deploy/kubernetes/overlays/single-namespace)',
} as const;

export interface ApiRequestDescription {
  readonly verb: 'list' | 'watch' | 'create' | 'get' | 'patch';
  /** "services", "endpointslices" or "nodes". */
  readonly resource: string;
  /** "" for the core group. */
  readonly group: string;
  /** undefined for all namespaces. */
  readonly namespace: string | undefined;
}

export interface ExplainedFailure {
  /** The HTTP status, when there was one. */
  readonly status: number | undefined;
  /**
   * A short, low-cardinality label for metrics: forbidden, unauthorized,
   * not_found, http_<status>, unreachable, connection_lost or error.
   */
  readonly reason: string;
  readonly message: string;
}

export function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { code?: unknown; statusCode?: unknown };
  if (typeof e.statusCode === 'number') return e.statusCode;
  if (typeof e.code === 'number') return e.code;
  return undefined;
}

/** The API server's own message from a Status body, if one is there. */
function statusMessage(error: unknown): string | undefined {
  const body = (error as { body?: unknown }).body;
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return body.length > 0 ? body.slice(0, 300) : undefined;
    }
  }
  const message = (parsed as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : undefined;
}

function causeCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function describeRequest(request: ApiRequestDescription): string {
  const resource = request.group ? `${request.resource}.${request.group}` : request.resource;
  const scope = request.namespace ? `in namespace ${request.namespace}` : 'in all namespaces (cluster scope)';
  return `${request.verb} ${resource} ${scope}`;
}

export function explainFailure(error: unknown, request: ApiRequestDescription): ExplainedFailure {
  const status = httpStatusOf(error);
  const what = describeRequest(request);
  const server = statusMessage(error);
  const said = server ? ` The API server said: ${server}` : '';
  if (status === 403) {
    const resource = request.group ? `${request.resource}.${request.group}` : request.resource;
    return {
      status,
      reason: 'forbidden',
      message:
        `forbidden: this service account may not ${request.verb} ${resource} ${request.namespace ? `in namespace ${request.namespace}` : 'at cluster scope'}. ` +
        `Grant ${request.verb === 'list' || request.verb === 'watch' ? 'the verbs list and watch' : `the verb ${request.verb}`} on ${resource} with the RBAC manifest ${request.namespace ? RBAC_MANIFEST_HINT.namespaced : RBAC_MANIFEST_HINT.cluster}; ` +
        `the watcher keeps retrying and recovers by itself once the permission exists.${said}`,
    };
  }
  if (status === 401) {
    return { status, reason: 'unauthorized', message: `unauthorized: the API server rejected the credentials while trying to ${what}; check the kubeconfig user or the service account token.${said}` };
  }
  if (status === 404) {
    const why = request.group === 'gateway.networking.k8s.io' ? 'its CRD is not installed (any more)' : 'discovery.k8s.io/v1 needs Kubernetes 1.21 or newer';
    return { status, reason: 'not_found', message: `not found while trying to ${what}: the API server does not serve this resource (${why}) or the namespace does not exist.${said}` };
  }
  if (status !== undefined) {
    return { status, reason: `http_${status}`, message: `HTTP ${status} while trying to ${what}.${said}` };
  }
  const code = causeCode(error);
  const text = error instanceof Error ? error.message : String(error);
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return { status, reason: 'unreachable', message: `cannot reach the API server (${code}) to ${what}` };
  }
  if (text === 'terminated' || code === 'UND_ERR_SOCKET' || code === 'ECONNRESET') {
    return { status, reason: 'connection_lost', message: `the connection to the API server broke during ${what}${code ? ` (${code})` : ''}` };
  }
  return { status, reason: 'error', message: `${what} failed: ${text}${code ? ` (${code})` : ''}` };
}

// A small HTTP server that speaks the Kubernetes API's list/watch protocol
// for v1 Services, discovery.k8s.io/v1 EndpointSlices and v1 Pods, so the
// real @kubernetes/client-node can be tested against it over real HTTP.
//
// What it does as the API server documents it:
//  - one resourceVersion counter for everything (etcd's revision); every
//    write bumps it and stamps the object; a list carries the current one;
//  - GET .../services, .../endpointslices and .../pods, cluster-wide or
//    namespaced, and GET .../namespaces/NS/RESOURCE/NAME for one object
//    (404 NotFound when it is not there); /api/v1/nodes, cluster-scoped
//    (stored with namespace "");
//  - equality-based label selectors on lists and watches (?labelSelector=
//    "a=b,c==d,e!=f,g,!h"), as the API server filters them;
//    with ?watch=true&resourceVersion=N it streams newline-delimited JSON
//    events with resourceVersion > N: ADDED, MODIFIED, DELETED, and BOOKMARK
//    (only when allowWatchBookmarks=true was asked for); a watch from "" or
//    "0" first replays the current state as ADDED events;
//  - a watch from a resourceVersion older than the last compaction gets
//    HTTP 200 and one ERROR event carrying a Status with code 410 (reason
//    Expired), then the stream ends, as the real API server does; the
//    `goneAsHttpStatus` option answers HTTP 410 instead;
//  - errors are Status objects (kind Status, code, reason, message);
//  - a request whose Accept header asks first for PartialObjectMetadata
//    (as=PartialObjectMetadataList;g=meta.k8s.io;v=v1 for a list,
//    as=PartialObjectMetadata for a watch) gets objects of kind
//    PartialObjectMetadata (meta.k8s.io/v1) holding only their metadata, as
//    the API server answers client-go's metadata client;
//  - POST authentication.k8s.io/v1 tokenreviews and authorization.k8s.io/v1
//    subjectaccessreviews, answered from tokens and access rules the test
//    sets (addToken, grantAccess): a TokenReview with spec.audiences accepts
//    a token only for an audience it was issued for and returns the
//    intersection in status.audiences, as an audience-aware API server does;
//    a SubjectAccessReview is allowed when a rule matches the user or one of
//    its groups. Reviews are recorded (`reviews`) with their specs.
//
// Where it differs from the real API server, on purpose:
//  - it does not validate objects. In particular it accepts loopback
//    endpoint addresses (127.0.0.0/8, ::1), which the real API server
//    rejects ("may not be in the loopback range"), so tests can point
//    slices at local backends. Tests that check addresses should use
//    real-looking ones (10.x, 2001:db8::) too;
//  - lists page with limit/continue like the API server (a consistent
//    snapshot per list; a continue token older than the last compaction
//    gets 410), but requests themselves are not authenticated (reviews
//    are answered, not enforced), there are no set-based label selectors
//    ("in", "notin"), no field selectors and no server-side watch timeout;
//    access rules stand in for RBAC (subject, namespace, verb, group,
//    resource; no wildcards);
//  - faults on demand: 403 for a resource and verb, abrupt disconnects,
//    stalled watches (open but silent), lists that are never answered,
//    raw lines on watches (writeRawLine), graceful closes, compaction, and
//    reviews that fail with a status or never answer.
//
// Gateway API (gateway.networking.k8s.io), as a cluster with its CRDs:
//  - GRPCRoutes (v1) and ReferenceGrants (v1 and v1beta1, as the standard
//    channel serves them) exist only once installGatewayApi() is called;
//    before, their paths and the group's discovery documents
//    (/apis/gateway.networking.k8s.io/v1, /v1beta1) answer 404 NotFound,
//    as an API server without the CRDs does, and they can be installed at
//    any time later, and deleted again (uninstallGatewayApi);
//  - a GRPCRoute gets metadata.generation 1 when created, bumped only when
//    its spec changes, and a creationTimestamp; apply() never changes its
//    status (the status subresource is enabled: writes to the object
//    ignore status);
//  - the status subresource (.../grpcroutes/NAME/status) takes PUT and
//    PATCH with application/merge-patch+json (RFC 7386); only status is
//    taken from the result, generation stays, resourceVersion is bumped and
//    watchers see MODIFIED. A resourceVersion in the body is a
//    precondition: a stale one gets 409 Conflict; a PUT without one gets
//    422, as the API server answers. JSON patch and server-side apply are
//    not implemented here (415).

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type ResourceKind = 'services' | 'endpointslices' | 'pods' | 'nodes' | GatewayResourceKind;
export type GatewayResourceKind = 'grpcroutes' | 'referencegrants';
export type Verb = 'list' | 'watch' | 'get' | 'patch' | 'update';

export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';
/** The versions the standard-channel CRDs serve, by resource. */
const GATEWAY_VERSIONS: Record<GatewayResourceKind, readonly string[]> = { grpcroutes: ['v1'], referencegrants: ['v1', 'v1beta1'] };
const GATEWAY_KINDS = new Set<ResourceKind>(['grpcroutes', 'referencegrants']);

const KINDS: Record<ResourceKind, { kind: string; apiVersion: string; group: string }> = {
  services: { kind: 'Service', apiVersion: 'v1', group: '' },
  endpointslices: { kind: 'EndpointSlice', apiVersion: 'discovery.k8s.io/v1', group: 'discovery.k8s.io' },
  pods: { kind: 'Pod', apiVersion: 'v1', group: '' },
  // Cluster-scoped: stored with namespace "".
  nodes: { kind: 'Node', apiVersion: 'v1', group: '' },
  grpcroutes: { kind: 'GRPCRoute', apiVersion: 'gateway.networking.k8s.io/v1', group: GATEWAY_API_GROUP },
  referencegrants: { kind: 'ReferenceGrant', apiVersion: 'gateway.networking.k8s.io/v1beta1', group: GATEWAY_API_GROUP },
};

function allKinds<T>(make: () => T): Record<ResourceKind, T> {
  return { services: make(), endpointslices: make(), pods: make(), nodes: make(), grpcroutes: make(), referencegrants: make() };
}

/** RFC 7386 JSON merge patch: objects merge, null removes, anything else (arrays too) replaces. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const result: Record<string, unknown> = target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/** Whether an Accept header asks first for PartialObjectMetadata (a metadata-only client). */
function asksForMetadataOnly(accept: string | undefined): boolean {
  return /;\s*as=PartialObjectMetadata(List)?\s*;/.test(`${accept?.split(',')[0] ?? ''};`);
}

function toPartialObjectMetadata(object: KubeObject): unknown {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata };
}

/** One requirement of an equality-based label selector. */
interface LabelRequirement {
  readonly key: string;
  readonly op: '=' | '!=' | 'exists' | '!exists';
  readonly value: string;
}

function parseLabelSelector(text: string | undefined): LabelRequirement[] {
  if (!text) return [];
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part): LabelRequirement => {
      const notEqual = /^([^!=]+)!=(.*)$/.exec(part);
      if (notEqual) return { key: notEqual[1]!.trim(), op: '!=', value: notEqual[2]!.trim() };
      const equal = /^([^!=]+)==?(.*)$/.exec(part);
      if (equal) return { key: equal[1]!.trim(), op: '=', value: equal[2]!.trim() };
      if (part.startsWith('!')) return { key: part.slice(1).trim(), op: '!exists', value: '' };
      return { key: part, op: 'exists', value: '' };
    });
}

function matchesLabels(object: KubeObject, requirements: readonly LabelRequirement[]): boolean {
  const labels = object.metadata.labels ?? {};
  return requirements.every((r) => {
    const value = labels[r.key];
    if (r.op === 'exists') return value !== undefined;
    if (r.op === '!exists') return value === undefined;
    if (r.op === '=') return value === r.value;
    return value !== r.value;
  });
}

/** Any Kubernetes object: metadata plus whatever the test puts in it. */
export interface KubeObject {
  metadata: { name: string; namespace: string; resourceVersion?: string; uid?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

export interface HarnessOptions {
  /** Send a BOOKMARK this often on watches that asked for them; 0: only when bookmark() is called. */
  readonly bookmarkIntervalMs?: number;
  /** Answer a too-old watch with HTTP 410 instead of an ERROR event. */
  readonly goneAsHttpStatus?: boolean;
}

export interface RequestRecord {
  readonly resource: ResourceKind;
  readonly verb: Verb;
  readonly namespace: string | undefined;
  readonly query: Readonly<Record<string, string>>;
  /** The request's Accept header (a metadata-only client asks for PartialObjectMetadata). */
  readonly accept: string | undefined;
}

/** A write to a GRPCRoute's status subresource, and what it was answered. */
export interface StatusWriteRecord {
  readonly namespace: string;
  readonly name: string;
  readonly verb: 'patch' | 'update';
  readonly contentType: string | undefined;
  /** The HTTP status answered: 200 written, 409 conflict, 404, 415, 422. */
  readonly code: number;
}

/** Who a token belongs to, for TokenReviews. */
export interface TokenIdentity {
  readonly username: string;
  readonly uid?: string;
  readonly groups?: readonly string[];
  /** The audiences the token was issued for; default the API server's own. */
  readonly audiences?: readonly string[];
  /** An expired token: reviews reject it as the API server does. */
  readonly expired?: boolean;
}

/** The API server's own audience: a token without a requested audience gets it. */
export const API_SERVER_AUDIENCE = 'https://kubernetes.default.svc.cluster.local';

/** An RBAC grant, for SubjectAccessReviews: a user or group may do a verb on a resource, in a namespace or in all. */
export interface AccessRule {
  /** A user name ("system:serviceaccount:app:web") or a group ("system:serviceaccounts:app"). */
  readonly subject: string;
  /** undefined: every namespace (a ClusterRoleBinding). */
  readonly namespace?: string;
  readonly verb: string;
  readonly group: string;
  readonly resource: string;
}

export type ReviewKind = 'tokenreviews' | 'subjectaccessreviews';

export interface ReviewRecord {
  readonly kind: ReviewKind;
  /** The review's spec as the client sent it. */
  readonly spec: Record<string, unknown>;
}

const REVIEW_PATHS: Record<string, ReviewKind> = {
  '/apis/authentication.k8s.io/v1/tokenreviews': 'tokenreviews',
  '/apis/authorization.k8s.io/v1/subjectaccessreviews': 'subjectaccessreviews',
};

interface StoredEvent {
  readonly rv: number;
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly object: KubeObject;
}

interface WatchConnection {
  readonly resource: ResourceKind;
  readonly namespace: string | undefined;
  readonly bookmarks: boolean;
  readonly selector: readonly LabelRequirement[];
  /** Objects are sent as PartialObjectMetadata. */
  readonly metadataOnly: boolean;
  readonly response: ServerResponse;
  stalled: boolean;
  timer: NodeJS.Timeout | undefined;
}

export class KubernetesApiHarness {
  readonly requests: RequestRecord[] = [];
  private revision = 1;
  private compactedRevision = 0;
  private uidCounter = 0;
  private readonly objects: Record<ResourceKind, Map<string, KubeObject>> = allKinds(() => new Map());
  private readonly events: Record<ResourceKind, StoredEvent[]> = allKinds(() => []);
  /** The Gateway API CRDs installed so far. */
  private readonly installed = new Set<GatewayResourceKind>();
  /** Writes to status subresources, in order. */
  readonly statusWrites: StatusWriteRecord[] = [];
  /**
   * Called when a status write has arrived and before it is applied: a test
   * can make another write land first (another controller, another
   * replica), as a race on the real API server would.
   */
  beforeStatusWrite: ((namespace: string, name: string) => void) | undefined;
  /**
   * Called when a list request has arrived and before it is answered, with
   * its query (limit, continue): a test can change state between the pages
   * of a paged list, or compact history so its continue token expires.
   */
  beforeListPage: ((resource: ResourceKind, query: Readonly<Record<string, string>>) => void) | undefined;
  /**
   * Called with each list, watch or get once it is recorded in `requests`
   * and before the harness answers it: returning true means the test has
   * answered it itself, as a misbehaving API server would (a body that is
   * not JSON, a status with Retry-After, a watch that ends at once).
   */
  answerInstead: ((request: RequestRecord, response: ServerResponse) => boolean) | undefined;
  /** Paths of the API discovery documents asked for (/apis/gateway.networking.k8s.io/...). */
  readonly discoveryRequests: string[] = [];
  private readonly watches = new Set<WatchConnection>();
  private readonly forbidden = new Set<string>();
  /** Resources whose list requests are taken and never answered. */
  private readonly stalledLists = new Set<ResourceKind>();
  private readonly sockets = new Set<Socket>();
  private down = false;
  private readonly watchListeners = new Set<() => void>();
  /** Snapshots of lists being paged through, by continue token. */
  private readonly pagedLists = new Map<string, { revision: number; items: KubeObject[] }>();
  private pageCounter = 0;
  private readonly bookmarkCounts: Record<ResourceKind, number> = allKinds(() => 0);
  /** TokenReviews and SubjectAccessReviews received, in order. */
  readonly reviews: ReviewRecord[] = [];
  private readonly tokens = new Map<string, TokenIdentity>();
  private readonly accessRules = new Set<AccessRule>();
  private reviewFault: number | 'stall' | undefined;
  private readonly stalledReviews = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    private readonly options: HarnessOptions,
  ) {}

  static async start(options: HarnessOptions = {}): Promise<KubernetesApiHarness> {
    const server = createServer();
    const harness = new KubernetesApiHarness(server, options);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => harness.handle(request, response));
    server.on('connection', (socket) => {
      // Down: every connection is cut at once, as a restarting API server's
      // port does (the client sees ECONNRESET, no HTTP status).
      if (harness.down) return socket.destroy();
      harness.sockets.add(socket);
      socket.on('close', () => harness.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return harness;
  }

  /**
   * Plays an API-server outage: every open connection is cut and new ones
   * are cut on arrival until up(). State written meanwhile (apply, delete)
   * is what the watches find when it returns.
   */
  goDown(): void {
    this.down = true;
    for (const socket of this.sockets) socket.destroy();
  }

  up(): void {
    this.down = false;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The current resourceVersion. */
  get resourceVersion(): number {
    return this.revision;
  }

  // ---- state ---------------------------------------------------------

  /** Creates or replaces an object; watchers see ADDED or MODIFIED. Returns the stored copy. */
  apply(resource: ResourceKind, object: KubeObject): KubeObject {
    const key = `${object.metadata.namespace}/${object.metadata.name}`;
    const existing = this.objects[resource].get(key);
    this.revision++;
    const stored: KubeObject = structuredClone(object);
    stored.metadata.resourceVersion = String(this.revision);
    stored.metadata.uid = existing?.metadata.uid ?? `uid-${++this.uidCounter}`;
    if (GATEWAY_KINDS.has(resource)) {
      // Custom resources: generation counts spec changes; status is the subresource's.
      const specChanged = !existing || JSON.stringify(existing.spec) !== JSON.stringify(stored.spec);
      stored.metadata.generation = existing ? Number(existing.metadata.generation ?? 1) + (specChanged ? 1 : 0) : 1;
      stored.metadata.creationTimestamp = existing?.metadata.creationTimestamp ?? new Date().toISOString();
      delete stored.status;
      if (existing?.status !== undefined) stored.status = structuredClone(existing.status);
    }
    this.objects[resource].set(key, stored);
    this.publish(resource, { rv: this.revision, type: existing ? 'MODIFIED' : 'ADDED', object: stored });
    return stored;
  }

  /** Deletes an object; watchers see DELETED with its last state. Returns false if it was not there. */
  delete(resource: ResourceKind, namespace: string, name: string): boolean {
    const key = `${namespace}/${name}`;
    const existing = this.objects[resource].get(key);
    if (!existing) return false;
    this.objects[resource].delete(key);
    this.revision++;
    const tombstone: KubeObject = structuredClone(existing);
    tombstone.metadata.resourceVersion = String(this.revision);
    this.publish(resource, { rv: this.revision, type: 'DELETED', object: tombstone });
    return true;
  }

  get(resource: ResourceKind, namespace: string, name: string): KubeObject | undefined {
    return this.objects[resource].get(`${namespace}/${name}`);
  }

  /**
   * Forgets the event history up to now, as etcd compaction does: a watch
   * that resumes from an older resourceVersion gets 410 Gone and must relist.
   */
  compact(): void {
    this.compactedRevision = this.revision;
    for (const resource of Object.keys(this.events) as ResourceKind[]) this.events[resource] = [];
  }

  /**
   * Installs the Gateway API CRDs (by default both): from now on their
   * resources and the group's discovery documents are served.
   */
  installGatewayApi(resources: readonly GatewayResourceKind[] = ['grpcroutes', 'referencegrants']): void {
    for (const resource of resources) this.installed.add(resource);
  }

  /**
   * Deletes Gateway API CRDs as the API server does: their objects are
   * deleted first (watchers see DELETED), then open watches end and the
   * resources and discovery documents answer 404.
   */
  uninstallGatewayApi(resources: readonly GatewayResourceKind[] = ['grpcroutes', 'referencegrants']): void {
    for (const resource of resources) {
      for (const object of [...this.objects[resource].values()]) this.delete(resource, object.metadata.namespace, object.metadata.name);
      this.installed.delete(resource);
      this.closeWatches(resource);
    }
  }

  /** Sets an object's status as another controller's write would: resourceVersion bumped, watchers see MODIFIED. */
  setStatus(resource: GatewayResourceKind, namespace: string, name: string, status: unknown): KubeObject {
    const key = `${namespace}/${name}`;
    const current = this.objects[resource].get(key);
    if (!current) throw new Error(`no ${resource} ${key}`);
    this.revision++;
    const stored: KubeObject = { ...structuredClone(current), status: structuredClone(status) };
    stored.metadata.resourceVersion = String(this.revision);
    this.objects[resource].set(key, stored);
    this.publish(resource, { rv: this.revision, type: 'MODIFIED', object: stored });
    return stored;
  }

  /** Status writes of one GRPCRoute answered with `code` (default: the successful ones). */
  statusWritesOf(namespace: string, name: string, code = 200): StatusWriteRecord[] {
    return this.statusWrites.filter((w) => w.namespace === namespace && w.name === name && w.code === code);
  }

  // ---- faults --------------------------------------------------------

  /** Answers 403 Forbidden to these verbs on a resource until allow(). */
  forbid(resource: ResourceKind, verbs: readonly Verb[] = ['list', 'watch']): void {
    for (const verb of verbs) this.forbidden.add(`${resource}:${verb}`);
  }

  allow(resource: ResourceKind, verbs: readonly Verb[] = ['list', 'watch']): void {
    for (const verb of verbs) this.forbidden.delete(`${resource}:${verb}`);
  }

  /** Cuts open watch connections without an end of stream (a crash, a network cut). */
  disconnectWatches(resource?: ResourceKind): number {
    return this.endWatches(resource, (w) => w.response.socket?.destroy());
  }

  /** Ends open watches cleanly, as an API server does at its request timeout. */
  closeWatches(resource?: ResourceKind): number {
    return this.endWatches(resource, (w) => w.response.end());
  }

  /**
   * Makes open watches go silent while their connections stay up: events
   * and bookmarks are no longer sent on them. New watches are not stalled.
   */
  stallWatches(resource?: ResourceKind): number {
    let count = 0;
    for (const watch of this.watches) {
      if (resource && watch.resource !== resource) continue;
      watch.stalled = true;
      count++;
    }
    return count;
  }

  /** Takes list requests of a resource from now on and never answers them (the connection stays open) until resumeLists(). */
  stallLists(resource: ResourceKind): void {
    this.stalledLists.add(resource);
  }

  resumeLists(resource: ResourceKind): void {
    this.stalledLists.delete(resource);
  }

  /** Writes `text` as it is on every open watch of a resource, as a broken API server or proxy might. */
  writeRawLine(resource: ResourceKind, text: string): void {
    for (const watch of this.watches) if (watch.resource === resource && !watch.stalled) watch.response.write(`${text}\n`);
  }

  /** Sends a BOOKMARK now on every watch that asked for bookmarks. */
  bookmark(resource?: ResourceKind): void {
    for (const watch of this.watches) if (!resource || watch.resource === resource) this.sendBookmark(watch);
  }

  /** Open, unstalled watches of a resource. */
  watchCount(resource: ResourceKind): number {
    let count = 0;
    for (const watch of this.watches) if (watch.resource === resource && !watch.stalled) count++;
    return count;
  }

  /** Resolves when at least `count` unstalled watches of `resource` are open. */
  waitForWatches(resource: ResourceKind, count = 1, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.watchCount(resource) < count) return;
        this.watchListeners.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.watchListeners.delete(check);
        reject(new Error(`no ${count} open watch(es) of ${resource} within ${timeoutMs} ms (open: ${this.watchCount(resource)})`));
      }, timeoutMs);
      this.watchListeners.add(check);
      check();
    });
  }

  /** BOOKMARK events sent so far on watches of `resource`. */
  bookmarksSent(resource: ResourceKind): number {
    return this.bookmarkCounts[resource];
  }

  /** Requests seen so far of one resource and verb. */
  requestsOf(resource: ResourceKind, verb: Verb): RequestRecord[] {
    return this.requests.filter((r) => r.resource === resource && r.verb === verb);
  }

  async close(): Promise<void> {
    for (const watch of this.watches) if (watch.timer) clearInterval(watch.timer);
    this.watches.clear();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- reviews -------------------------------------------------------

  /** Makes TokenReviews of `token` authenticate it as `identity`. */
  addToken(token: string, identity: TokenIdentity): void {
    this.tokens.set(token, identity);
  }

  /** Forgets a token: its reviews fail from now on. */
  removeToken(token: string): void {
    this.tokens.delete(token);
  }

  /** Grants a rule for SubjectAccessReviews; returns the function that revokes it. */
  grantAccess(rule: AccessRule): () => void {
    this.accessRules.add(rule);
    return () => this.accessRules.delete(rule);
  }

  /** Reviews of one kind received so far. */
  reviewsOf(kind: ReviewKind): ReviewRecord[] {
    return this.reviews.filter((r) => r.kind === kind);
  }

  /**
   * Makes reviews fail: with this HTTP status (a Status body), or 'stall'
   * to accept them and never answer; undefined answers them again.
   */
  failReviews(fault: number | 'stall' | undefined): void {
    this.reviewFault = fault;
    if (fault !== 'stall') {
      for (const response of this.stalledReviews) response.destroy();
      this.stalledReviews.clear();
    }
  }

  private review(request: IncomingMessage, response: ServerResponse, path: string): void {
    const kind = REVIEW_PATHS[path];
    if (!kind) {
      this.status(response, 404, 'NotFound', `the server could not find the requested resource (POST ${path})`);
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let body: { apiVersion?: string; kind?: string; spec?: Record<string, unknown> };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
      } catch {
        this.status(response, 400, 'BadRequest', 'the request body is not JSON');
        return;
      }
      const spec = body.spec ?? {};
      this.reviews.push({ kind, spec });
      if (this.reviewFault === 'stall') {
        this.stalledReviews.add(response);
        response.on('close', () => this.stalledReviews.delete(response));
        return;
      }
      if (this.reviewFault !== undefined) {
        this.status(response, this.reviewFault, this.reviewFault === 403 ? 'Forbidden' : 'InternalError', `${kind} failed on purpose (harness fault ${this.reviewFault})`);
        return;
      }
      const status = kind === 'tokenreviews' ? this.tokenReviewStatus(spec) : this.accessReviewStatus(spec);
      const apiVersion = kind === 'tokenreviews' ? 'authentication.k8s.io/v1' : 'authorization.k8s.io/v1';
      response.writeHead(201, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ kind: kind === 'tokenreviews' ? 'TokenReview' : 'SubjectAccessReview', apiVersion, metadata: { creationTimestamp: null }, spec, status }));
    });
  }

  private tokenReviewStatus(spec: Record<string, unknown>): Record<string, unknown> {
    const identity = typeof spec.token === 'string' ? this.tokens.get(spec.token) : undefined;
    if (!identity) return { authenticated: false, user: {}, error: '[invalid bearer token, square/go-jose: error in cryptographic primitive]' };
    if (identity.expired) return { authenticated: false, user: {}, error: '[invalid bearer token, service account token has expired]' };
    const issuedFor = identity.audiences ?? [API_SERVER_AUDIENCE];
    const wanted = Array.isArray(spec.audiences) && spec.audiences.length > 0 ? (spec.audiences as string[]) : [API_SERVER_AUDIENCE];
    const audiences = wanted.filter((a) => issuedFor.includes(a));
    if (audiences.length === 0) {
      return { authenticated: false, user: {}, error: `[invalid bearer token, token audiences ${JSON.stringify(issuedFor)} is invalid for the target audiences ${JSON.stringify(wanted)}]` };
    }
    const user = { username: identity.username, uid: identity.uid ?? `uid-of-${identity.username}`, groups: [...(identity.groups ?? []), 'system:authenticated'] };
    return { authenticated: true, user, audiences };
  }

  private accessReviewStatus(spec: Record<string, unknown>): Record<string, unknown> {
    const subjects = new Set([spec.user, ...((spec.groups as unknown[] | undefined) ?? [])].filter((s): s is string => typeof s === 'string'));
    const attributes = (spec.resourceAttributes ?? {}) as { namespace?: string; verb?: string; group?: string; resource?: string };
    for (const rule of this.accessRules) {
      if (!subjects.has(rule.subject)) continue;
      if (rule.namespace !== undefined && rule.namespace !== attributes.namespace) continue;
      if (rule.verb !== attributes.verb || rule.group !== (attributes.group ?? '') || rule.resource !== attributes.resource) continue;
      const binding = rule.namespace === undefined ? 'ClusterRoleBinding' : `RoleBinding in namespace "${rule.namespace}"`;
      return { allowed: true, reason: `RBAC: allowed by ${binding} for ${rule.subject}` };
    }
    return { allowed: false };
  }

  // ---- protocol ------------------------------------------------------

  private endWatches(resource: ResourceKind | undefined, end: (w: WatchConnection) => void): number {
    let count = 0;
    for (const watch of [...this.watches]) {
      if (resource && watch.resource !== resource) continue;
      this.forget(watch);
      end(watch);
      count++;
    }
    return count;
  }

  private forget(watch: WatchConnection): void {
    if (watch.timer) clearInterval(watch.timer);
    this.watches.delete(watch);
  }

  private publish(resource: ResourceKind, event: StoredEvent): void {
    this.events[resource].push(event);
    for (const watch of this.watches) {
      if (watch.resource !== resource || watch.stalled) continue;
      if (watch.namespace && watch.namespace !== event.object.metadata.namespace) continue;
      if (!matchesLabels(event.object, watch.selector)) continue;
      this.write(watch.response, event.type, this.render(watch, event.object));
    }
  }

  /** An object as a watch sends it: whole, or its metadata alone. */
  private render(watch: WatchConnection, object: KubeObject): unknown {
    return watch.metadataOnly ? toPartialObjectMetadata(object) : this.withKind(watch.resource, object);
  }

  private withKind(resource: ResourceKind, object: KubeObject): KubeObject {
    return { kind: KINDS[resource].kind, apiVersion: KINDS[resource].apiVersion, ...object };
  }

  private write(response: ServerResponse, type: string, object: unknown): void {
    response.write(`${JSON.stringify({ type, object })}\n`);
  }

  private sendBookmark(watch: WatchConnection): void {
    if (!watch.bookmarks || watch.stalled) return;
    const { kind, apiVersion } = KINDS[watch.resource];
    this.bookmarkCounts[watch.resource]++;
    this.write(watch.response, 'BOOKMARK', { kind, apiVersion, metadata: { resourceVersion: String(this.revision) } });
  }

  private status(response: ServerResponse, code: number, reason: string, message: string): void {
    response.writeHead(code, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }));
  }

  private route(path: string): { resource: ResourceKind; namespace: string | undefined; name: string | undefined; subresource?: 'status' } | undefined {
    const gateway = /^\/apis\/gateway\.networking\.k8s\.io\/([^/]+)\/(?:namespaces\/([^/]+)\/)?(grpcroutes|referencegrants)(?:\/([^/]+)(\/status)?)?$/.exec(path);
    if (gateway) {
      const resource = gateway[3] as GatewayResourceKind;
      if (!this.installed.has(resource) || !GATEWAY_VERSIONS[resource].includes(gateway[1]!)) return undefined;
      if (gateway[4] !== undefined && gateway[2] === undefined) return undefined;
      // Only GRPCRoute has the status subresource.
      if (gateway[5] && resource !== 'grpcroutes') return undefined;
      return { resource, namespace: gateway[2], name: gateway[4], ...(gateway[5] && { subresource: 'status' as const }) };
    }
    // Collections (cluster-wide or namespaced), and one object by name in a namespace.
    const patterns: [RegExp, ResourceKind][] = [
      [/^\/api\/v1\/(?:namespaces\/([^/]+)\/)?services(?:\/([^/]+))?$/, 'services'],
      [/^\/apis\/discovery\.k8s\.io\/v1\/(?:namespaces\/([^/]+)\/)?endpointslices(?:\/([^/]+))?$/, 'endpointslices'],
      [/^\/api\/v1\/(?:namespaces\/([^/]+)\/)?pods(?:\/([^/]+))?$/, 'pods'],
    ];
    // Nodes are cluster-scoped: /api/v1/nodes, /api/v1/nodes/NAME.
    const node = /^\/api\/v1\/nodes(?:\/([^/]+))?$/.exec(path);
    if (node) return { resource: 'nodes', namespace: undefined, name: node[1] };
    for (const [pattern, resource] of patterns) {
      const match = pattern.exec(path);
      if (match && (match[2] === undefined || match[1] !== undefined)) return { resource, namespace: match[1], name: match[2] };
    }
    return undefined;
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://harness');
    if (request.method === 'POST') return this.review(request, response, url.pathname);
    if (request.method === 'GET' && this.discovery(url.pathname, response)) return;
    const route = this.route(url.pathname);
    const writable = route?.subresource === 'status' && route.name !== undefined && (request.method === 'PATCH' || request.method === 'PUT');
    if (!route || (request.method !== 'GET' && !writable) || (request.method === 'GET' && route.subresource)) {
      this.status(response, 404, 'NotFound', `the server could not find the requested resource (${request.method} ${url.pathname})`);
      return;
    }
    const query = Object.fromEntries(url.searchParams);
    const verb: Verb = writable ? (request.method === 'PATCH' ? 'patch' : 'update') : route.name !== undefined ? 'get' : query.watch === 'true' || query.watch === '1' ? 'watch' : 'list';
    const record: RequestRecord = { resource: route.resource, namespace: route.namespace, verb, query, accept: request.headers.accept };
    this.requests.push(record);
    if (this.answerInstead?.(record, response)) return;
    if (this.forbidden.has(`${route.resource}:${verb}`)) {
      const { group } = KINDS[route.resource];
      const resourceName = group ? `${route.resource}.${group}` : route.resource;
      const scope = route.namespace ? `in the namespace "${route.namespace}"` : 'at the cluster scope';
      this.status(
        response,
        403,
        'Forbidden',
        `${resourceName} is forbidden: User "system:serviceaccount:lookaside:lookaside" cannot ${verb} resource "${route.resource}" in API group "${group}" ${scope}`,
      );
      return;
    }
    if (verb === 'patch' || verb === 'update') this.writeStatus(request, verb, route.resource, route.namespace!, route.name!, response);
    else if (verb === 'get') this.getOne(route.resource, route.namespace!, route.name!, response);
    else if (verb === 'list') this.list(route.resource, route.namespace, query, asksForMetadataOnly(request.headers.accept), response);
    else this.watch(route.resource, route.namespace, query, asksForMetadataOnly(request.headers.accept), response);
  }

  /** The Gateway API group's discovery documents (APIResourceList), while its CRDs are installed. */
  private discovery(path: string, response: ServerResponse): boolean {
    const match = /^\/apis\/gateway\.networking\.k8s\.io\/([^/]+)$/.exec(path);
    if (!match) return false;
    this.discoveryRequests.push(path);
    const version = match[1]!;
    const resources = [...this.installed].filter((r) => GATEWAY_VERSIONS[r].includes(version));
    if (resources.length === 0) {
      this.status(response, 404, 'NotFound', 'the server could not find the requested resource');
      return true;
    }
    const verbs = ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'];
    const list = resources.flatMap((r) => [
      { name: r, singularName: KINDS[r].kind.toLowerCase(), namespaced: true, kind: KINDS[r].kind, verbs },
      ...(r === 'grpcroutes' ? [{ name: `${r}/status`, singularName: '', namespaced: true, kind: KINDS[r].kind, verbs: ['get', 'patch', 'update'] }] : []),
    ]);
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `${GATEWAY_API_GROUP}/${version}`, resources: list }));
    return true;
  }

  /** PUT or PATCH (merge patch) of a status subresource, as the API server applies it. */
  private writeStatus(request: IncomingMessage, verb: 'patch' | 'update', resource: ResourceKind, namespace: string, name: string, response: ServerResponse): void {
    const contentType = request.headers['content-type']?.split(';')[0]?.trim();
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const answer = (code: number, reason: string, message: string) => {
        this.statusWrites.push({ namespace, name, verb, contentType, code });
        this.status(response, code, reason, message);
      };
      const qualified = `${resource}.${KINDS[resource].group}`;
      if (verb === 'patch' && contentType !== 'application/merge-patch+json') {
        answer(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/merge-patch+json (this harness implements no other for ${qualified})`);
        return;
      }
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        answer(400, 'BadRequest', 'the request body is not JSON');
        return;
      }
      this.beforeStatusWrite?.(namespace, name);
      const key = `${namespace}/${name}`;
      const current = this.objects[resource].get(key);
      if (!current) {
        answer(404, 'NotFound', `${qualified} "${name}" not found`);
        return;
      }
      const result = (verb === 'patch' ? mergePatch(structuredClone(current), body) : body) as Partial<KubeObject> | null;
      const wanted = result?.metadata?.resourceVersion;
      if (verb === 'update' && (wanted === undefined || wanted === '')) {
        answer(422, 'Invalid', `${KINDS[resource].kind}.${KINDS[resource].group} "${name}" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update`);
        return;
      }
      if (wanted !== undefined && wanted !== current.metadata.resourceVersion) {
        answer(409, 'Conflict', `Operation cannot be fulfilled on ${qualified} "${name}": the object has been modified; please apply your changes to the latest version and try again`);
        return;
      }
      this.revision++;
      const stored: KubeObject = structuredClone(current);
      stored.metadata.resourceVersion = String(this.revision);
      if (result?.status === undefined) delete stored.status;
      else stored.status = structuredClone(result.status);
      this.objects[resource].set(key, stored);
      this.statusWrites.push({ namespace, name, verb, contentType, code: 200 });
      this.publish(resource, { rv: this.revision, type: 'MODIFIED', object: stored });
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify(this.withKind(resource, stored)));
    });
  }

  private getOne(resource: ResourceKind, namespace: string, name: string, response: ServerResponse): void {
    const object = this.objects[resource].get(`${namespace}/${name}`);
    if (!object) {
      const { group } = KINDS[resource];
      this.status(response, 404, 'NotFound', `${group ? `${resource}.${group}` : resource} "${name}" not found`);
      return;
    }
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify(this.withKind(resource, object)));
  }

  private list(resource: ResourceKind, namespace: string | undefined, query: Record<string, string>, metadataOnly: boolean, response: ServerResponse): void {
    if (this.stalledLists.has(resource)) return;
    this.beforeListPage?.(resource, query);
    let snapshot: { revision: number; items: KubeObject[] };
    if (query.continue) {
      const found = this.pagedLists.get(query.continue);
      this.pagedLists.delete(query.continue);
      if (!found || found.revision < this.compactedRevision) {
        this.status(response, 410, 'Expired', 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
        return;
      }
      snapshot = found;
    } else {
      const selector = parseLabelSelector(query.labelSelector);
      const items = [...this.objects[resource].values()].filter((o) => (!namespace || o.metadata.namespace === namespace) && matchesLabels(o, selector));
      snapshot = { revision: this.revision, items };
    }
    const limit = Number(query.limit ?? 0);
    const page = limit > 0 ? snapshot.items.slice(0, limit) : snapshot.items;
    const rest = snapshot.items.slice(page.length);
    const metadata: Record<string, unknown> = { resourceVersion: String(snapshot.revision) };
    if (rest.length > 0) {
      const token = `page-${++this.pageCounter}`;
      this.pagedLists.set(token, { revision: snapshot.revision, items: rest });
      metadata.continue = token;
      metadata.remainingItemCount = rest.length;
    }
    response.writeHead(200, { 'Content-Type': 'application/json' });
    const list = metadataOnly
      ? { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata, items: page.map(toPartialObjectMetadata) }
      : { kind: `${KINDS[resource].kind}List`, apiVersion: KINDS[resource].apiVersion, metadata, items: page };
    response.end(JSON.stringify(list));
  }

  private watch(resource: ResourceKind, namespace: string | undefined, query: Record<string, string>, metadataOnly: boolean, response: ServerResponse): void {
    const from = query.resourceVersion ?? '';
    const fromNumber = from === '' || from === '0' ? undefined : Number(from);
    if (fromNumber !== undefined && (!Number.isInteger(fromNumber) || fromNumber < this.compactedRevision)) {
      const message = `too old resource version: ${from} (${this.compactedRevision})`;
      if (this.options.goneAsHttpStatus) {
        this.status(response, 410, 'Expired', message);
        return;
      }
      response.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
      this.write(response, 'ERROR', { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'Expired', code: 410 });
      response.end();
      return;
    }
    response.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    response.flushHeaders();
    const selector = parseLabelSelector(query.labelSelector);
    const watch: WatchConnection = { resource, namespace, bookmarks: query.allowWatchBookmarks === 'true', selector, metadataOnly, response, stalled: false, timer: undefined };
    const inScope = (o: KubeObject) => (!namespace || o.metadata.namespace === namespace) && matchesLabels(o, selector);
    if (fromNumber === undefined) {
      for (const object of this.objects[resource].values()) if (inScope(object)) this.write(response, 'ADDED', this.render(watch, object));
    } else {
      for (const event of this.events[resource]) {
        if (event.rv > fromNumber && inScope(event.object)) this.write(response, event.type, this.render(watch, event.object));
      }
    }
    this.watches.add(watch);
    response.on('close', () => this.forget(watch));
    if (watch.bookmarks && this.options.bookmarkIntervalMs) {
      watch.timer = setInterval(() => this.sendBookmark(watch), this.options.bookmarkIntervalMs);
    }
    for (const listener of [...this.watchListeners]) listener();
  }
}

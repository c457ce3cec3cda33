// doctor's reads of the cluster, with the user's kubeconfig (not the control
// plane's): the Service (get), its EndpointSlices (list by the
// kubernetes.io/service-name label) and the pods its selector matches (list),
// all in the Service's namespace. Each request has the run's deadline,
// enforced by aborting the fetch: client-node has no timeout of its own.
//
// RBAC this needs (docs/operations.md, "lookaside doctor"): get services, list
// endpointslices.discovery.k8s.io, list pods, in the Service's namespace
// (and list grpcroutes.gateway.networking.k8s.io: route-status-check.ts).

import { CoreV1Api, DiscoveryV1Api, Observable, type KubeConfig, type RequestContext, type ResponseContext } from '@kubernetes/client-node';
import { httpStatusOf } from '../../discovery/kubernetes/api-failure.js';
import { toServiceView, toSliceView, SERVICE_NAME_LABEL, type RawEndpointSlice, type RawService, type ServicePortView } from '../../discovery/kubernetes/kubernetes-objects.js';
import { lastChangeTime } from '../../discovery/kubernetes/object-change-time.js';
import { Usability, usabilityOf } from '../../discovery/kubernetes/readiness.js';
import { formatAddress } from '../../registry/snapshot.js';
import type { ServiceArgument } from '../option-parsers.js';

export type EndpointCondition = 'ready' | 'serving-terminating' | 'not-ready';

export interface ClusterEndpoint {
  /** host:port, formatted as the control plane formats it. */
  readonly address: string;
  readonly ip: string;
  readonly condition: EndpointCondition;
  readonly pod: string | undefined;
}

export interface ClusterPod {
  readonly name: string;
  readonly phase: string;
  readonly podIP: string | undefined;
  readonly deleting: boolean;
  /** Names of the container ports the pod declares. */
  readonly portNames: readonly string[];
}

export interface ClusterService {
  /** ClusterIP, NodePort, LoadBalancer or ExternalName, as spec.type says. */
  readonly type: string;
  /** spec.clusterIP: an address, "None" for a headless Service, or undefined. */
  readonly clusterIP: string | undefined;
  readonly headless: boolean;
  /** spec.selector; undefined for a Service without one (its slices are made by hand). */
  readonly selector: Readonly<Record<string, string>> | undefined;
  readonly publishNotReadyAddresses: boolean;
  readonly ports: readonly ServicePortView[];
}

export interface ClusterView {
  readonly service: ClusterService;
  /** The Service port the target names; undefined when it has none such. */
  readonly port: ServicePortView | undefined;
  /** Endpoints of that port across all slices, de-duplicated by address with the best condition. */
  readonly endpoints: readonly ClusterEndpoint[];
  /** Pods named by some slice of that port. */
  readonly podsInSlices: ReadonlySet<string>;
  /** Pods the selector matches; undefined without a selector, or when they could not be read. */
  readonly pods: readonly ClusterPod[] | undefined;
  /** Why the pods could not be read, if they could not. */
  readonly podsError: string | undefined;
  /** The newest change time the slices record (ms since the epoch). */
  readonly lastChangeMs: number | undefined;
}

/** A read of the cluster that failed, told as a person can act on it. */
export class ClusterReadError extends Error {
  constructor(
    message: string,
    readonly notFound = false,
  ) {
    super(message);
    this.name = 'ClusterReadError';
  }
}

/**
 * client-node request options that abort the request after `deadlineMs`.
 * The object-parameter API (makeApiClient) takes the Observable form of
 * middleware, its own small Observable class wrapping a promise.
 */
export function withDeadline(deadlineMs: number) {
  return {
    middleware: [
      {
        pre: (context: RequestContext) => {
          context.setSignal(AbortSignal.timeout(deadlineMs));
          return new Observable(Promise.resolve(context));
        },
        post: (context: ResponseContext) => new Observable(Promise.resolve(context)),
      },
    ],
    middlewareMergeStrategy: 'append' as const,
  };
}

export function explain(error: unknown, what: string, deadlineMs: number): ClusterReadError {
  const status = httpStatusOf(error);
  if (status === 403) return new ClusterReadError(`forbidden to ${what}: your kubeconfig's user needs that permission (see the RBAC doctor needs in docs/operations.md)`);
  if (status === 401) return new ClusterReadError(`unauthorized to ${what}: the API server rejected the kubeconfig's credentials`);
  if (status === 404) return new ClusterReadError(`${what}: not found`, true);
  if (status !== undefined) return new ClusterReadError(`HTTP ${status} trying to ${what}`);
  const name = (error as { name?: string } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return new ClusterReadError(`no answer within ${deadlineMs} ms trying to ${what}: is the API server reachable from here?`);
  let cause: unknown = error;
  for (let i = 0; i < 4 && cause && typeof cause === 'object'; i++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string') return new ClusterReadError(`cannot reach the API server (${code}) to ${what}`);
    cause = (cause as { cause?: unknown }).cause;
  }
  return new ClusterReadError(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
}

function findPort(ports: readonly ServicePortView[], ref: string): ServicePortView | undefined {
  return /^[0-9]+$/.test(ref) ? ports.find((p) => p.port === Number(ref)) : ports.find((p) => p.name === ref);
}

const CONDITION_OF: Record<Usability, EndpointCondition> = {
  [Usability.Ready]: 'ready',
  [Usability.ServingTerminating]: 'serving-terminating',
  [Usability.NotServing]: 'not-ready',
};

interface RawPod {
  metadata?: { name?: string; labels?: Record<string, string> | null; deletionTimestamp?: unknown };
  status?: { phase?: string; podIP?: string };
  spec?: { containers?: { ports?: { name?: string }[] }[] };
}

export async function readCluster(kubeConfig: KubeConfig, target: ServiceArgument, deadlineMs: number): Promise<ClusterView> {
  const [name, namespace] = target.service.split('.') as [string, string];
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const discovery = kubeConfig.makeApiClient(DiscoveryV1Api);
  const options = () => withDeadline(deadlineMs);

  const [rawService, sliceList] = await Promise.all([
    core.readNamespacedService({ name, namespace }, options()).catch((error: unknown) => {
      throw explain(error, `get services ${name} in namespace ${namespace}`, deadlineMs);
    }),
    discovery.listNamespacedEndpointSlice({ namespace, labelSelector: `${SERVICE_NAME_LABEL}=${name}` }, options()).catch((error: unknown) => {
      throw explain(error, `list endpointslices.discovery.k8s.io in namespace ${namespace}`, deadlineMs);
    }),
  ]);
  const raw = rawService as RawService & { spec?: { clusterIP?: string; selector?: Record<string, string>; publishNotReadyAddresses?: boolean } };
  const view = toServiceView(raw);
  const ports = view?.ports ?? [];
  const clusterIP = raw.spec?.clusterIP || undefined;
  const selector = raw.spec?.selector && Object.keys(raw.spec.selector).length > 0 ? raw.spec.selector : undefined;
  const service: ClusterService = {
    type: raw.spec?.type ?? 'ClusterIP',
    clusterIP,
    headless: clusterIP === 'None',
    selector,
    publishNotReadyAddresses: raw.spec?.publishNotReadyAddresses === true,
    ports,
  };
  const port = findPort(ports, target.port);

  // Endpoints of the port: slices are joined and endpoints keyed by address
  // (an endpoint may sit in two slices while it moves); the best condition wins.
  const best = new Map<string, ClusterEndpoint & { usability: Usability }>();
  const podsInSlices = new Set<string>();
  let lastChangeMs: number | undefined;
  for (const item of sliceList.items) {
    // The label selector is the API server's filter; checked again here so a
    // server (or proxy) that ignores it cannot mix in other Services' slices.
    const slice = toSliceView(item as RawEndpointSlice);
    if (!slice || slice.serviceName !== name || !port) continue;
    const changed = lastChangeTime(item);
    if (changed !== undefined && (lastChangeMs === undefined || changed > lastChangeMs)) lastChangeMs = changed;
    const slicePort = slice.ports.find((p) => p.name === port.name && p.port !== null);
    if (!slicePort) continue;
    for (const endpoint of slice.endpoints) {
      const address = formatAddress(endpoint.address, slicePort.port!);
      const usability = usabilityOf(endpoint);
      if (endpoint.podName) podsInSlices.add(endpoint.podName);
      const existing = best.get(address);
      if (existing && existing.usability >= usability) continue;
      best.set(address, { address, ip: endpoint.address, condition: CONDITION_OF[usability], pod: endpoint.podName, usability });
    }
  }
  const endpoints = [...best.values()].map(({ usability: _usability, ...endpoint }) => endpoint);

  let pods: ClusterPod[] | undefined;
  let podsError: string | undefined;
  if (selector) {
    const labelSelector = Object.entries(selector)
      .map(([key, value]) => `${key}=${value}`)
      .join(',');
    try {
      const list = await core.listNamespacedPod({ namespace, labelSelector }, options());
      // Filtered here too, as the slices are: the selector is the server's filter.
      const selected = (list.items as RawPod[]).filter((pod) => Object.entries(selector).every(([key, value]) => pod.metadata?.labels?.[key] === value));
      pods = selected.map((pod) => ({
        name: pod.metadata?.name ?? '',
        phase: pod.status?.phase ?? 'Unknown',
        podIP: pod.status?.podIP || undefined,
        deleting: pod.metadata?.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null,
        portNames: (pod.spec?.containers ?? []).flatMap((c) => (c.ports ?? []).map((p) => p.name ?? '').filter((n) => n.length > 0)),
      }));
    } catch (error) {
      podsError = explain(error, `list pods in namespace ${namespace}`, deadlineMs).message;
    }
  }
  return { service, port, endpoints, podsInSlices, pods, podsError, lastChangeMs };
}

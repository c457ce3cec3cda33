// Builders for the Services, EndpointSlices and Pods tests put into the harness,
// shaped as the API server stores them (defaults left out where the API
// leaves them out, so the source's defaulting is exercised).

import type { KubeObject } from './kubernetes-api-harness.js';

export interface ServicePortInput {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: string;
}

export function service(
  name: string,
  namespace: string,
  ports: ServicePortInput[],
  extra: {
    ipFamilies?: string[];
    type?: string;
    labels?: Record<string, string>;
    clusterIP?: string;
    selector?: Record<string, string>;
    trafficDistribution?: string;
    internalTrafficPolicy?: string;
    annotations?: Record<string, string>;
  } = {},
): KubeObject {
  return {
    metadata: { name, namespace, ...(extra.labels && { labels: extra.labels }), ...(extra.annotations && { annotations: extra.annotations }) },
    spec: {
      type: extra.type ?? 'ClusterIP',
      ...(extra.clusterIP && { clusterIP: extra.clusterIP }),
      ...(extra.selector && { selector: extra.selector }),
      ...(extra.ipFamilies && { ipFamilies: extra.ipFamilies }),
      ...(extra.trafficDistribution && { trafficDistribution: extra.trafficDistribution }),
      ...(extra.internalTrafficPolicy && { internalTrafficPolicy: extra.internalTrafficPolicy }),
      ports: ports.map((p) => ({ ...(p.name !== undefined && { name: p.name }), protocol: p.protocol ?? 'TCP', port: p.port, targetPort: p.targetPort ?? p.port })),
    },
  };
}

export interface EndpointInput {
  address: string;
  ready?: boolean | null;
  serving?: boolean | null;
  terminating?: boolean | null;
  zone?: string;
  node?: string;
  pod?: string;
  forZones?: string[];
  forNodes?: string[];
}

export interface SliceInput {
  name: string;
  namespace: string;
  service: string;
  addressType?: 'IPv4' | 'IPv6' | 'FQDN';
  ports: { name?: string; port: number | null; protocol?: string }[];
  endpoints: EndpointInput[];
}

export function endpointSlice(input: SliceInput): KubeObject {
  return {
    metadata: {
      name: input.name,
      namespace: input.namespace,
      labels: { 'kubernetes.io/service-name': input.service, 'endpointslice.kubernetes.io/managed-by': 'harness.lookaside.dev' },
    },
    addressType: input.addressType ?? 'IPv4',
    ports: input.ports.map((p) => ({ name: p.name ?? '', protocol: p.protocol ?? 'TCP', port: p.port })),
    endpoints: input.endpoints.map((e) => ({
      addresses: [e.address],
      conditions: {
        ...(e.ready !== undefined && e.ready !== null && { ready: e.ready }),
        ...(e.serving !== undefined && e.serving !== null && { serving: e.serving }),
        ...(e.terminating !== undefined && e.terminating !== null && { terminating: e.terminating }),
      },
      ...(e.zone && { zone: e.zone }),
      ...(e.node && { nodeName: e.node }),
      ...(e.pod && { targetRef: { kind: 'Pod', name: e.pod, namespace: input.namespace } }),
      ...((e.forZones || e.forNodes) && {
        hints: {
          ...(e.forZones && { forZones: e.forZones.map((name) => ({ name })) }),
          ...(e.forNodes && { forNodes: e.forNodes.map((name) => ({ name })) }),
        },
      }),
    })),
  };
}

/** Conditions of the phases of a pod's life, as the EndpointSlice controller writes them. */
export const READY = { ready: true, serving: true, terminating: false } as const;
export const STARTING = { ready: false, serving: false, terminating: false } as const;
export const TERMINATING = { ready: false, serving: true, terminating: true } as const;
export const TERMINATED = { ready: false, serving: false, terminating: true } as const;

export interface PodInput {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  /** status.podIP; leave out for a pod that has none yet. */
  ip?: string;
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  /** Named container ports, as in spec.containers[0].ports. */
  ports?: { name: string; containerPort: number }[];
  annotations?: Record<string, string>;
}

/** A pod as the API server stores it, with the fields the endpoint controller and doctor read. */
export function pod(input: PodInput): KubeObject {
  return {
    metadata: { name: input.name, namespace: input.namespace, labels: input.labels, ...(input.annotations && { annotations: input.annotations }) },
    spec: { containers: [{ name: 'app', image: 'example.invalid/app', ...(input.ports && { ports: input.ports.map((p) => ({ ...p, protocol: 'TCP' })) }) }] },
    status: { phase: input.phase ?? 'Running', ...(input.ip && { podIP: input.ip, podIPs: [{ ip: input.ip }] }) },
  };
}

/** A GRPCRoute (gateway.networking.k8s.io/v1) with this spec; the harness sets generation and creationTimestamp. */
export function grpcRoute(name: string, namespace: string, spec: Record<string, unknown>): KubeObject {
  return { metadata: { name, namespace }, spec };
}

/** A ReferenceGrant letting GRPCRoutes of `fromNamespace` refer to Services (all, or the one named) in `namespace`. */
export function referenceGrant(name: string, namespace: string, fromNamespace: string, serviceName?: string): KubeObject {
  return {
    metadata: { name, namespace },
    spec: {
      from: [{ group: 'gateway.networking.k8s.io', kind: 'GRPCRoute', namespace: fromNamespace }],
      to: [{ group: '', kind: 'Service', ...(serviceName !== undefined && { name: serviceName }) }],
    },
  };
}

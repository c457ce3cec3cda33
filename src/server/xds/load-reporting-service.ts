// The LRS face: envoy.service.load_stats.v3.LoadReportingService on the
// control plane's own port. A Cluster that names `lrs_server: {self: {}}`
// (xds-resources.ts) makes an xDS client open StreamLoadStats here; the
// server's answer asks for every cluster (send_all_clusters) at the interval
// the control plane sets, and the client then sends what it counted per
// interval: calls succeeded, failed and in progress, per EDS locality.
//
// A locality is a class of backends (one zone, rank and weight; a backend
// alone keeps its own, named by its address): the report is translated back
// to the backends of the locality the client was sent, by asking the xDS
// resources for the caller's localities now. gRPC clients (grpc-js-xds,
// C-core, grpc-go) report per locality only, never per endpoint (gRFC A27
// leaves upstream_endpoint_stats out); where a client does send per-endpoint
// stats, those are used as they are. docs/observability.md says what this
// means for backends that share a locality.

import { status, type ServerDuplexStream, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import type { Logger } from 'pino';
import type { Registry } from '../../registry/registry.js';
import { decodeMessage, encodeMessage, xdsFileDescriptorProtos } from '../../wire/xds-messages.js';
import { locate } from '../../translation/caller-topology.js';
import type { CallerAuthorizer } from '../shared/caller-authorization/caller-authorizer.js';
import type { LoadReportEntry, LoadReportHooks } from '../../observer/load-report.js';
import type { WatchStreamLimits } from '../shared/watch-stream-limits.js';
import { DEFAULT_LOAD_REPORT_INTERVAL_MS } from '../shared/load-report-interval.js';
import { ReportStreams } from '../shared/report-streams.js';
import { kubernetesNodeOf } from './ads-stream.js';
import type { XdsResources } from './xds-resources.js';

export const LRS_SERVICE = 'envoy.service.load_stats.v3.LoadReportingService';
export const LRS_METHOD = 'StreamLoadStats';
const REQUEST_TYPE = 'envoy.service.load_stats.v3.LoadStatsRequest';
const RESPONSE_TYPE = 'envoy.service.load_stats.v3.LoadStatsResponse';

export { DEFAULT_LOAD_REPORT_INTERVAL_MS, MAX_LOAD_REPORT_INTERVAL_MS, MIN_LOAD_REPORT_INTERVAL_MS } from '../shared/load-report-interval.js';

export const LRS_SHUTTING_DOWN = 'the control plane is shutting down; reconnect to another replica';

/** What server reflection needs to describe the LRS service. */
export function loadReportingReflectionDefinition(): PackageDefinition {
  return { [LRS_SERVICE]: { fileDescriptorProtos: xdsFileDescriptorProtos() } } as unknown as PackageDefinition;
}

interface Counts {
  readonly total_successful_requests?: string | number;
  readonly total_error_requests?: string | number;
  readonly total_requests_in_progress?: string | number;
}

interface LoadStatsRequest {
  readonly node?: { readonly id?: string; readonly locality?: { readonly zone?: string }; readonly metadata?: unknown } | null;
  readonly cluster_stats: readonly {
    readonly cluster_name: string;
    readonly upstream_locality_stats: readonly (Counts & {
      readonly locality?: { readonly zone?: string; readonly sub_zone?: string } | null;
      readonly upstream_endpoint_stats: readonly (Counts & { readonly address?: { readonly socket_address?: { readonly address?: string; readonly port_value?: number } } | null })[];
    })[];
  }[];
}

type LrsCall = ServerDuplexStream<LoadStatsRequest | { readonly undecodable: string }, Buffer>;

export interface LoadReportingServiceOptions {
  readonly registry: Registry;
  readonly resources: XdsResources;
  readonly logger: Logger;
  readonly hooks?: LoadReportHooks;
  /** How often clients are asked to report. */
  readonly intervalMs?: number;
  /** The watch-stream budget LRS streams share with ADS and WatchServers. */
  readonly limits?: WatchStreamLimits;
  /** With --caller-auth: a cluster's stats count only once the caller may read its namespace. */
  readonly authorizer?: CallerAuthorizer;
}

function decodeRequest(bytes: Buffer): LoadStatsRequest | { readonly undecodable: string } {
  try {
    return decodeMessage(REQUEST_TYPE, bytes) as unknown as LoadStatsRequest;
  } catch (error) {
    return { undecodable: `the request is not a valid ${REQUEST_TYPE} (${(error as Error).message})` };
  }
}

const count = (value: string | number | undefined): number => Number(value ?? 0) || 0;

export class LoadReportingService {
  readonly definition: ServiceDefinition;
  private readonly streams: ReportStreams<LrsCall>;
  private readonly log: Logger;
  private readonly response: Buffer;

  constructor(private readonly options: LoadReportingServiceOptions) {
    this.log = options.logger.child({ component: 'lrs' });
    this.streams = new ReportStreams(options.limits, LRS_SHUTTING_DOWN);
    const intervalMs = options.intervalMs ?? DEFAULT_LOAD_REPORT_INTERVAL_MS;
    this.response = Buffer.from(
      encodeMessage(RESPONSE_TYPE, {
        send_all_clusters: true,
        load_reporting_interval: { seconds: Math.floor(intervalMs / 1000), nanos: (intervalMs % 1000) * 1_000_000 },
      }),
    );
    this.definition = {
      [LRS_METHOD]: {
        path: `/${LRS_SERVICE}/${LRS_METHOD}`,
        requestStream: true,
        responseStream: true,
        requestSerialize: (value: Record<string, unknown>) => Buffer.from(encodeMessage(REQUEST_TYPE, value)),
        requestDeserialize: decodeRequest,
        responseSerialize: (value: Buffer) => value,
        responseDeserialize: (bytes: Buffer) => decodeMessage(RESPONSE_TYPE, bytes),
      },
    };
  }

  get implementation(): UntypedServiceImplementation {
    return { [LRS_METHOD]: (call: LrsCall) => this.stream(call) };
  }

  /** Open StreamLoadStats calls. */
  get size(): number {
    return this.streams.size;
  }

  /** Refuses new streams and ends every open one with UNAVAILABLE. */
  drain(): void {
    this.streams.drain();
  }

  private stream(call: LrsCall): void {
    const done = this.streams.admit(call);
    if (!done) return;
    let node: { id: string; zone: string; kubernetesNode: string } | undefined;
    /** Namespaces decided for this stream's caller (--caller-auth): true allowed, false not, a promise while asked. */
    const namespaces = new Map<string, boolean | Promise<unknown>>();
    call.on('data', (request: LoadStatsRequest | { readonly undecodable: string }) => {
      try {
        if ('undecodable' in request) return void call.emit('error', { code: status.INVALID_ARGUMENT, details: request.undecodable });
        if (!node) {
          // The first request names the node; the client waits for this answer to start its timer.
          node = { id: request.node?.id ?? '', zone: request.node?.locality?.zone ?? '', kubernetesNode: kubernetesNodeOf(request.node?.metadata) };
          call.write(this.response);
        }
        const entries = this.translate(request, node, (namespace) => this.mayReport(call, namespaces, namespace));
        if (entries.length > 0) this.options.hooks?.onLoadReport?.({ protocol: 'xds', clientId: node.id }, entries);
      } catch (error) {
        // Invariant 9 (docs/design.md): a report that breaks the handler ends its stream, never the process.
        this.log.error({ err: error, node: node?.id }, 'handling a load report failed; closing the stream');
        call.emit('error', { code: status.INTERNAL, details: 'the control plane failed to handle this load report; reconnect' });
      }
    });
    call.on('end', () => {
      done();
      call.end();
    });
  }

  /**
   * Whether stats for a namespace count. Without --caller-auth, always;
   * with it, once the caller may read the namespace (the first report of a
   * namespace not yet decided is left out while it is asked).
   */
  private mayReport(call: LrsCall, decided: Map<string, boolean | Promise<unknown>>, namespace: string): boolean {
    const authorizer = this.options.authorizer;
    if (!authorizer) return true;
    const known = decided.get(namespace);
    if (typeof known === 'boolean') return known;
    if (known) return false;
    decided.set(
      namespace,
      authorizer.authorize(call.metadata, namespace).then(
        (decision) => decided.set(namespace, decision.allowed),
        () => decided.delete(namespace),
      ),
    );
    return false;
  }

  /** The request's stats as reports per backend, by the localities the caller is sent now. */
  private translate(request: LoadStatsRequest, node: { zone: string; kubernetesNode: string }, mayReport: (namespace: string) => boolean): LoadReportEntry[] {
    const entries: LoadReportEntry[] = [];
    const caller = locate({ zone: node.zone, node: node.kubernetesNode }, (name) => this.options.registry.zoneOfNode(name));
    for (const stats of request.cluster_stats) {
      const target = this.options.resources.target(stats.cluster_name);
      if ('error' in target || !mayReport(target.service.namespace)) continue;
      const localities = this.options.resources.localities(stats.cluster_name, caller);
      let served: Set<string> | undefined;
      for (const locality of stats.upstream_locality_stats) {
        if (locality.upstream_endpoint_stats.length > 0) {
          // Only the cluster's backends now are counted, as ReportLoad counts them: an invented
          // address would take one of the observer's bounded backend windows from a real one.
          served ??= new Set(localities?.flatMap((candidate) => candidate.backends.map((backend) => backend.address)));
          for (const endpoint of locality.upstream_endpoint_stats) {
            const address = endpoint.address?.socket_address;
            if (!address?.address) continue;
            const host = address.address.includes(':') ? `[${address.address}]` : address.address;
            const backend = `${host}:${address.port_value ?? 0}`;
            if (served.has(backend)) entries.push({ cluster: stats.cluster_name, backends: [backend], ...countsOf(endpoint) });
          }
          continue;
        }
        const zone = locality.locality?.zone ?? '';
        const subZone = locality.locality?.sub_zone ?? '';
        const match = localities?.find((candidate) => candidate.zone === zone && candidate.subZone === subZone);
        if (!match) {
          // The locality is gone since the client was sent it (a backend left, a weight changed).
          this.log.debug({ cluster: stats.cluster_name, zone, subZone }, 'load report for a locality no longer served; left out');
          continue;
        }
        entries.push({
          cluster: stats.cluster_name,
          backends: match.backends.map((backend) => backend.address),
          ...(match.backends.length > 1 && { group: `${zone}/${subZone}` }),
          ...countsOf(locality),
        });
      }
    }
    return entries;
  }
}

function countsOf(stats: Counts): { succeeded: number; failed: number; inProgress: number } {
  return { succeeded: count(stats.total_successful_requests), failed: count(stats.total_error_requests), inProgress: count(stats.total_requests_in_progress) };
}

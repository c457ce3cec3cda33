// The lookaside.v1 load reports: LoadBalancer.ReportLoad, a stream each way,
// in the spirit of LRS (src/server/xds/load-reporting-service.ts). A
// client names itself in its first message; the control plane answers with
// the interval it wants reports at; each later message carries, per service
// port the client watches, the server list it applied (version, exists) and
// its calls per backend since the previous report.
//
// The client counts per backend, so nothing is estimated: each backend's
// calls are the calls the client sent it. The applied version acknowledges
// the client's WatchServers streams of the target on the same connection
// (the report names the connection's peer), which is how the observer tells
// a lookaside client in sync from one that is behind. Reports reach the
// observer through the LoadReportHooks LRS uses.

import { status, type Metadata, type ServerDuplexStream, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { Registry } from '../../registry/registry.js';
import { InvalidServiceRefError, parsePortRef, parseServiceName, type PortRef, type ServiceName } from '../../registry/service-ref.js';
import type { LoadReportEntry, LoadReportHooks, LoadReporter } from '../../observer/load-report.js';
import { LOAD_BALANCER_SERVICE, lookasideType } from '../../wire/lookaside-messages.js';
import type { CallerAuthorizer } from '../shared/caller-authorization/caller-authorizer.js';
import type { WatchStreamLimits } from '../shared/watch-stream-limits.js';
import { DEFAULT_LOAD_REPORT_INTERVAL_MS } from '../shared/load-report-interval.js';
import { ReportStreams } from '../shared/report-streams.js';
import { InvalidRequestError, validateClientInfo } from './request-validation.js';

export const REPORT_LOAD_METHOD = 'ReportLoad';

const SHUTTING_DOWN = 'the control plane is shutting down; reconnect to another replica';

/** The longest backend address accepted: a host name of 253 characters, a colon and a port. */
const MAX_ADDRESS_LENGTH = 259;

/**
 * Reports of one stream held while the caller's authorization is decided
 * (--caller-auth): a client reports once per interval, so more waiting means
 * it sends far faster than asked, and each held report is kept in memory
 * until the API server answers.
 */
export const MAX_REPORTS_AWAITING_AUTHORIZATION = 8;

/** A request as decoded (field names as the proto spells them; uint64 as numbers). */
interface ReportLoadRequest {
  readonly client?: { readonly zone?: string; readonly node?: string; readonly client_id?: string } | null;
  readonly targets?: readonly {
    readonly target?: { readonly service?: string; readonly port?: string } | null;
    readonly applied?: { readonly version?: number; readonly exists?: boolean } | null;
    readonly backends?: readonly {
      readonly address?: string;
      readonly succeeded_calls?: number;
      readonly failed_calls?: number;
      readonly issued_calls?: number;
      readonly in_progress_calls?: number;
    }[];
  }[];
}

type Decoded = ReportLoadRequest | { readonly undecodable: string };
type ReportCall = ServerDuplexStream<Decoded, Buffer>;

/** One target of a report, checked. */
interface TargetReport {
  readonly written: string;
  readonly service: ServiceName;
  readonly port: PortRef;
  readonly applied: { readonly version: string; readonly exists: boolean } | undefined;
  readonly backends: readonly { readonly address: string; readonly succeeded: number; readonly failed: number; readonly inProgress: number }[];
}

export interface LoadReportServiceOptions {
  readonly registry: Registry;
  readonly logger: Logger;
  readonly hooks?: LoadReportHooks;
  /** How often clients are asked to report (--load-report-interval, shared with LRS). */
  readonly intervalMs?: number;
  /** The stream budget ReportLoad shares with WatchServers, ADS and LRS. */
  readonly limits?: WatchStreamLimits;
  /** With --caller-auth: every target's namespace must be readable by the caller, as for WatchServers. */
  readonly authorizer?: CallerAuthorizer;
}

function decodeRequest(bytes: Buffer): Decoded {
  const type = lookasideType('ReportLoadRequest');
  try {
    return type.toObject(type.decode(bytes), { longs: Number, arrays: true }) as ReportLoadRequest;
  } catch (error) {
    return { undecodable: `the request is not a valid lookaside.v1.ReportLoadRequest (${(error as Error).message}); send the message the proto defines` };
  }
}

/** Checks a report's targets; throws an InvalidRequestError naming the field. */
function readTargets(request: ReportLoadRequest): TargetReport[] {
  return (request.targets ?? []).map((entry, i) => {
    const field = `targets[${i}]`;
    if (!entry.target) throw new InvalidRequestError(`${field}.target: is required; set the service port the client watches`);
    const serviceText = entry.target.service ?? '';
    const portText = entry.target.port ?? '';
    let service: ServiceName;
    let port: PortRef;
    try {
      service = parseServiceName(serviceText, `${field}.target.service`);
      port = parsePortRef(portText, `${field}.target.port`);
    } catch (error) {
      if (error instanceof InvalidServiceRefError) throw new InvalidRequestError(error.message);
      throw error;
    }
    const backends = (entry.backends ?? []).map((backend, j) => {
      const address = backend.address ?? '';
      if (address === '' || address.length > MAX_ADDRESS_LENGTH) {
        throw new InvalidRequestError(`${field}.backends[${j}].address: must be the backend's "host:port" as the server list named it (1 to ${MAX_ADDRESS_LENGTH} characters), got ${address.length} characters`);
      }
      return { address, succeeded: backend.succeeded_calls ?? 0, failed: backend.failed_calls ?? 0, inProgress: backend.in_progress_calls ?? 0 };
    });
    const applied = entry.applied ? { version: String(entry.applied.version ?? 0), exists: entry.applied.exists ?? false } : undefined;
    return { written: `${serviceText}:${portText}`, service, port, applied, backends };
  });
}

export class LoadReportService {
  readonly definition: ServiceDefinition;
  private readonly streams: ReportStreams<ReportCall>;
  private readonly log: Logger;
  private readonly response: Buffer;
  private readonly intervalMs: number;

  constructor(private readonly options: LoadReportServiceOptions) {
    this.log = options.logger.child({ component: 'load-reports' });
    this.intervalMs = options.intervalMs ?? DEFAULT_LOAD_REPORT_INTERVAL_MS;
    this.streams = new ReportStreams(options.limits, SHUTTING_DOWN);
    const responseType = lookasideType('ReportLoadResponse');
    const requestType = lookasideType('ReportLoadRequest');
    this.response = Buffer.from(responseType.encode({ report_interval_ms: this.intervalMs }).finish());
    this.definition = {
      [REPORT_LOAD_METHOD]: {
        path: `/${LOAD_BALANCER_SERVICE}/${REPORT_LOAD_METHOD}`,
        requestStream: true,
        responseStream: true,
        requestSerialize: (value: object) => Buffer.from(requestType.encode(requestType.fromObject(value)).finish()),
        requestDeserialize: decodeRequest,
        responseSerialize: (value: Buffer) => value,
        responseDeserialize: (bytes: Buffer) => responseType.toObject(responseType.decode(bytes)),
      },
    };
  }

  get implementation(): UntypedServiceImplementation {
    return { [REPORT_LOAD_METHOD]: (call: ReportCall) => this.stream(call) };
  }

  /** Open ReportLoad streams. */
  get size(): number {
    return this.streams.size;
  }

  /** Refuses new streams and ends every open one with UNAVAILABLE. */
  drain(): void {
    this.streams.drain();
  }

  private stream(call: ReportCall): void {
    const release = this.streams.admit(call);
    if (!release) return;
    const peer = call.getPeer();
    let reporter: LoadReporter | undefined;
    let ended = false;
    /** Reports wait for the caller's authorization in order: each is handled after the one before. */
    let queue: Promise<void> = Promise.resolve();
    let awaiting = 0;
    const done = () => {
      ended = true;
      release();
    };
    const fail = (code: status, details: string) => {
      if (ended) return;
      done();
      call.emit('error', { code, details });
    };
    const failWith = (error: unknown) => {
      if (error instanceof InvalidRequestError) return fail(error.code, error.message);
      // Invariant 9 (docs/design.md): a report that breaks the handler ends its stream, never the process.
      this.log.error({ err: error, client: reporter?.clientId, peer }, 'handling a load report failed; closing the stream');
      fail(status.INTERNAL, 'the control plane failed to handle this load report; reconnect');
    };
    call.on('data', (request: Decoded) => {
      try {
        if (ended) return;
        if ('undecodable' in request) return fail(status.INVALID_ARGUMENT, request.undecodable);
        if (!reporter) {
          if (!request.client) throw new InvalidRequestError('client: is required in the first ReportLoadRequest of a stream; name the client (client_id, zone, node) as in WatchServersRequest');
          reporter = { protocol: 'lookaside', clientId: validateClientInfo(request.client).clientId, peer };
          call.write(this.response);
          this.log.debug({ client: reporter.clientId, peer }, 'ReportLoad opened');
        }
        const targets = readTargets(request);
        const from = reporter;
        const authorizer = this.options.authorizer;
        if (!authorizer) return this.accept(from, targets);
        if (awaiting >= MAX_REPORTS_AWAITING_AUTHORIZATION) {
          return fail(
            status.RESOURCE_EXHAUSTED,
            `${awaiting} load reports of this stream are waiting for the caller's authorization; at most ${MAX_REPORTS_AWAITING_AUTHORIZATION} are held: send one report per report_interval_ms (${this.intervalMs} ms)`,
          );
        }
        awaiting++;
        queue = queue.then(() => this.authorized(authorizer, call.metadata, targets)).then(
          (refusal) => {
            awaiting--;
            if (ended) return;
            if (refusal) return fail(refusal.code, refusal.details);
            this.accept(from, targets);
          },
          (error: unknown) => {
            awaiting--;
            failWith(error);
          },
        );
      } catch (error) {
        failWith(error);
      }
    });
    call.on('end', () => {
      done();
      call.end();
    });
    call.on('cancelled', done);
    call.on('close', done);
    call.on('error', done);
  }

  /**
   * WatchServers' rule for each namespace the report names: the caller must
   * be allowed to read it (the authorizer caches its decisions). Returns the
   * refusal of the first namespace refused, if any.
   */
  private async authorized(authorizer: CallerAuthorizer, metadata: Metadata, targets: readonly TargetReport[]): Promise<{ code: status; details: string } | undefined> {
    for (const namespace of new Set(targets.map((target) => target.service.namespace))) {
      const decision = await authorizer.authorize(metadata, namespace);
      if (!decision.allowed) return { code: decision.code, details: `${decision.details} (a load report for namespace ${namespace})` };
    }
    return undefined;
  }

  /** Hands a report to the hooks: the applied lists, and the calls of the targets the registry knows. */
  private accept(reporter: LoadReporter, targets: readonly TargetReport[]): void {
    const hooks = this.options.hooks;
    const entries: LoadReportEntry[] = [];
    for (const target of targets) {
      if (target.applied) hooks?.onAppliedServerList?.(reporter, target.written, target.applied.version, target.applied.exists);
      if (target.backends.length === 0) continue;
      const lookup = this.options.registry.lookup(target.service.key, target.port);
      if (lookup.status !== 'found') {
        this.log.debug({ client: reporter.clientId, target: target.written, lookup: lookup.status }, 'load report for a service port the control plane does not know; its calls are left out');
        continue;
      }
      // Keyed as the xDS cluster is (the port by number), so both faces' reports of a port add up.
      const cluster = `${target.service.key}:${lookup.port.port}`;
      // Only the port's backends now are counted, as LRS counts only the localities it serves: an
      // address the control plane never sent (or no longer serves) would take a place among the
      // observer's bounded backend windows, and enough of them would crowd out every honest report.
      const served = new Set(lookup.port.backends.map((backend) => backend.address));
      let unserved = 0;
      for (const backend of target.backends) {
        if (served.has(backend.address)) entries.push({ cluster, backends: [backend.address], succeeded: backend.succeeded, failed: backend.failed, inProgress: backend.inProgress });
        else {
          unserved++;
          // Its calls in progress are still the client's own (a backend that just left).
          entries.push({ cluster, backends: [], succeeded: 0, failed: 0, inProgress: backend.inProgress });
        }
      }
      if (unserved > 0) this.log.debug({ client: reporter.clientId, target: target.written, backends: unserved }, 'load report names backends the service port does not have now; their calls are left out');
    }
    hooks?.onLoadReport?.(reporter, entries);
  }
}

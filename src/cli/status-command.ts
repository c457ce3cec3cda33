// `lookaside status [SERVICE]`: what clients reported, against what they
// were told. Reads GET /status.json from the control plane's metrics port
// (loopback only: run it in the pod or through `kubectl port-forward`) and
// prints, per service port, each backend's intended and measured share,
// call rate, error rate and the gap; then the clients and whether each is
// in sync.

import { ExitCode } from './exit-codes.js';
import type { ServiceStatus, TrafficStatus } from '../observer/traffic-status.js';

export interface StatusOptions {
  /** host:port of the metrics port. */
  readonly metricsServer: string;
  readonly output: 'table' | 'json';
  readonly timeoutMs: number;
}

export interface StatusResult {
  readonly code: ExitCode;
  readonly stdout: string;
  readonly stderr: string;
}

/** Whether a service port matches the argument: "name.namespace" (every port) or "name.namespace:port" (name or number). */
function matches(service: ServiceStatus, wanted: string): boolean {
  if (!wanted.includes(':')) return service.service.startsWith(`${wanted}:`);
  const [key, port] = [wanted.slice(0, wanted.lastIndexOf(':')), wanted.slice(wanted.lastIndexOf(':') + 1)];
  return service.service === `${key}:${port}` || (service.service.startsWith(`${key}:`) && service.portName === port);
}

const percent = (value: number | undefined) => (value === undefined ? '-' : `${value.toFixed(1)}%`);
const points = (value: number | undefined) => (value === undefined ? '-' : `${value >= 0 ? '+' : ''}${value.toFixed(1)}`);

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n');
}

export function formatStatus(status: TrafficStatus): string {
  const out: string[] = [];
  for (const service of status.services) {
    out.push(`${service.service}  ${service.callsPerSecond.toFixed(1)} calls/s  errors ${percent(service.errorRate)}  max deviation ${points(service.maxDeviation)} points`);
    const rows = [['BACKEND', 'WEIGHT', 'ZONE', 'RANK', 'INTENDED', 'MEASURED', 'DEVIATION', 'CALLS/S', 'ERRORS']];
    for (const backend of service.backends) {
      rows.push([
        backend.address + (backend.estimatedFrom ? ' *' : ''),
        backend.weight === undefined ? '-' : String(backend.weight),
        backend.zone || '-',
        backend.rank,
        percent(backend.intendedShare),
        percent(backend.measuredShare),
        points(backend.deviation),
        backend.callsPerSecond.toFixed(1),
        percent(backend.errorRate),
      ]);
    }
    out.push(table(rows), '');
  }
  if (status.services.some((service) => service.backends.some((backend) => backend.estimatedFrom))) {
    out.push('* reported by xDS clients as one locality with other backends of its class; its calls are the locality\'s split evenly', '');
  }
  const clients = [['CLIENT', 'PROTOCOL', 'ZONE', 'TARGETS', 'IN SYNC', 'LAST NACK']];
  for (const client of status.clients.filter((entry) => entry.connected)) {
    clients.push([
      client.clientId || client.peer,
      client.protocol,
      client.zone || '-',
      client.targets.join(',') || '-',
      client.inSync === undefined ? 'unknown' : client.inSync ? 'yes' : 'NO',
      client.lastNack ? `${client.lastNack.type} ${client.lastNack.version}: ${client.lastNack.error}` : '-',
    ]);
  }
  out.push(table(clients));
  return `${out.join('\n')}\n`;
}

/** Reads GET /status.json; a failure is an Error whose message says what to fix. */
export async function fetchTrafficStatus(metricsServer: string, timeoutMs: number): Promise<TrafficStatus> {
  const url = `http://${metricsServer}/status.json`;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new Error(`cannot read ${url} (${cause}); point --metrics-server at the control plane's metrics port (serve --metrics-port, default 9464), through kubectl port-forward from outside the pod`, { cause: error });
  }
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${(await response.text()).trim()}`);
  return (await response.json()) as TrafficStatus;
}

/** The service ports of `status` that `wanted` names. */
export function servicesMatching(status: TrafficStatus, wanted: string): ServiceStatus[] {
  return status.services.filter((entry) => matches(entry, wanted));
}

export async function runStatus(service: string | undefined, options: StatusOptions): Promise<StatusResult> {
  let status: TrafficStatus;
  try {
    status = await fetchTrafficStatus(options.metricsServer, options.timeoutMs);
  } catch (error) {
    return { code: ExitCode.UNAVAILABLE, stdout: '', stderr: `lookaside status: ${(error as Error).message}\n` };
  }
  const services = service === undefined ? status.services : servicesMatching(status, service);
  if (service !== undefined && services.length === 0) {
    return { code: ExitCode.NOT_FOUND, stdout: '', stderr: `lookaside status: the control plane knows no service port ${service}; it knows ${status.services.map((entry) => entry.service).join(', ') || 'none'}\n` };
  }
  const shown = { ...status, services };
  return { code: ExitCode.OK, stdout: options.output === 'json' ? `${JSON.stringify(shown, null, 2)}\n` : formatStatus(shown), stderr: '' };
}

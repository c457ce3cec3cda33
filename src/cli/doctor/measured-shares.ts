// Part of check 6, distribution: what the clients of the service really did.
// With --metrics-server, doctor reads the control plane's /status.json (load
// reports over the last minute) and sets each backend's measured share
// beside its intended one: doctor's own calls show what a fresh lookaside
// channel does; the reports show what every reporting client did.

import { fetchTrafficStatus, servicesMatching } from '../status-command.js';
import type { Finding } from './doctor-report-schema.js';

/** A measured share may miss its intended share by this many percentage points, or this fraction of it, whichever is larger. */
export const MEASURED_TOLERANCE_POINTS = 5;
export const MEASURED_TOLERANCE_FRACTION = 0.25;

/** Findings for `target` ("name.namespace:port") from the clients' load reports. */
export async function measuredShareFindings(metricsServer: string, target: string, timeoutMs: number): Promise<Finding[]> {
  let status;
  try {
    status = await fetchTrafficStatus(metricsServer, timeoutMs);
  } catch (error) {
    return [{ verdict: 'warn', seen: `measured shares not read: ${(error as Error).message}`, fix: 'check --metrics-server, or leave it out to skip the clients\' load reports' }];
  }
  const service = servicesMatching(status, target)[0];
  const calls = service ? (service.callsPerSecond * status.windowMs) / 1000 : 0;
  if (!service || calls === 0) {
    return [{ verdict: 'pass', seen: `no load reports for ${target} over the last minute: no client reported calls (xDS clients report when their Cluster names the control plane; see docs/observability.md)` }];
  }
  const findings: Finding[] = [];
  for (const backend of service.backends) {
    if (backend.measuredShare === undefined) continue;
    const allowed = Math.max(MEASURED_TOLERANCE_POINTS, MEASURED_TOLERANCE_FRACTION * backend.intendedShare);
    if (Math.abs(backend.measuredShare - backend.intendedShare) <= allowed) continue;
    findings.push({
      verdict: 'warn',
      subject: backend.address,
      seen: `calls to ${backend.address} are ${backend.measuredShare.toFixed(1)}% against an intended ${backend.intendedShare.toFixed(1)}% (load reports of the last minute${backend.estimatedFrom ? `, estimated from locality ${backend.estimatedFrom}` : ''})`,
      cause: 'clients still on an older answer (see lookaside status for who is out of sync), a weight or backend change within the last minute, or clients that do not balance by weight',
      fix: 'run lookaside status to see which clients are out of sync; check again after a minute without changes',
    });
  }
  const summary = `clients reported ${calls.toFixed(0)} calls to ${service.service} over the last minute; ${findings.length === 0 ? 'every measured share within tolerance of its intended share' : `${findings.length} of ${service.backends.length} backends off their intended share`}`;
  return [...findings, { verdict: 'pass', seen: summary }];
}

// What the Service's DNS name, name.namespace.svc.cluster.local, gives a
// client: resolved from where doctor runs (--dns), or modelled from the
// Service object the way the cluster DNS publishes it (one A/AAAA record of
// the cluster IP; for a headless Service one per ready endpoint, or per
// endpoint with publishNotReadyAddresses).

import { Resolver } from 'node:dns/promises';
import type { DoctorRun } from './doctor-context.js';
import { serviceDnsName } from './doctor-context.js';

export interface DnsOutcome {
  readonly name: string;
  readonly method: 'resolved' | 'modelled' | 'none';
  readonly addresses: readonly string[];
  /** Why the name did not resolve from here, when --dns was given and it failed. */
  readonly resolveError: string | undefined;
}

async function resolveHere(name: string, deadlineMs: number): Promise<{ addresses: string[]; error?: string }> {
  const resolver = new Resolver({ timeout: deadlineMs, tries: 1 });
  const query = async (family: 4 | 6) => {
    try {
      return { addresses: family === 4 ? await resolver.resolve4(name) : await resolver.resolve6(name) };
    } catch (error) {
      return { addresses: [] as string[], error: (error as NodeJS.ErrnoException).code ?? String(error) };
    }
  };
  // The resolver's own timeout covers each try; this covers everything else.
  let timer: NodeJS.Timeout | undefined;
  const overall = new Promise<{ addresses: string[]; error: string }>((resolve) => {
    timer = setTimeout(() => {
      resolver.cancel();
      resolve({ addresses: [], error: `no answer within ${deadlineMs} ms` });
    }, deadlineMs * 2);
  });
  const answers = Promise.all([query(4), query(6)]).then(([v4, v6]) => {
    const addresses = [...v4.addresses, ...v6.addresses];
    return addresses.length > 0 ? { addresses } : { addresses, error: v4.error ?? v6.error ?? 'no records' };
  });
  const result = await Promise.race([answers, overall]);
  clearTimeout(timer);
  return result;
}

export async function resolveServiceName(run: DoctorRun): Promise<DnsOutcome> {
  const name = serviceDnsName(run.settings.target.service);
  let resolveError: string | undefined;
  if (run.settings.resolveDns) {
    const resolved = await resolveHere(name, run.settings.deadlineMs);
    if (resolved.addresses.length > 0) return { name, method: 'resolved', addresses: resolved.addresses, resolveError: undefined };
    resolveError = resolved.error;
  }
  const cluster = run.cluster;
  if (cluster) {
    const { service } = cluster;
    if (service.type === 'ExternalName') return { name, method: 'modelled', addresses: [], resolveError };
    if (!service.headless) return { name, method: 'modelled', addresses: service.clusterIP ? [service.clusterIP] : [], resolveError };
    const published = cluster.endpoints.filter((e) => e.condition === 'ready' || service.publishNotReadyAddresses);
    return { name, method: 'modelled', addresses: [...new Set(published.map((e) => e.ip))], resolveError };
  }
  return { name, method: 'none', addresses: [], resolveError };
}

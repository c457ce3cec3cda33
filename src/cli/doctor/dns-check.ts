// Check 7, DNS: what name.namespace.svc.cluster.local gives a DNS-based
// client. A Service with a cluster IP resolves to that one virtual IP:
// kube-proxy picks a pod per connection, and gRPC keeps one connection, so
// every call of such a client lands on one pod (the sticky-connection
// symptom lookaside exists for). A headless Service resolves to the pods, and
// its records can lag behind the ready endpoints.

import { checkResult } from './check-result.js';
import type { DoctorRun } from './doctor-context.js';
import type { CheckResult, Finding } from './doctor-report-schema.js';
import type { DnsOutcome } from './dns-resolution.js';

function hostOf(address: string): string {
  return address.startsWith('[') ? address.slice(1, address.indexOf(']')) : address.slice(0, address.lastIndexOf(':'));
}

function stickyFinding(run: DoctorRun, dns: DnsOutcome, vip: string): Finding {
  const [name, namespace] = run.settings.target.service.split('.');
  return {
    verdict: 'warn',
    subject: dns.name,
    seen: `${dns.name} resolves to one virtual IP (${vip}): a client dialing it by DNS holds one connection, and kube-proxy sends all of it to one pod`,
    cause: 'gRPC multiplexes every call over one long-lived HTTP/2 connection, and a ClusterIP Service balances connections, not calls',
    fix:
      `(1) a headless Service (clusterIP: None) and round_robin: dns:///${dns.name}:PORT with {"loadBalancingConfig":[{"round_robin":{}}]}; ` +
      `or (2) per-call balancing from the control plane: lookaside:///${name}.${namespace}:${run.settings.target.port} (grpc-lookaside-client), or xDS`,
  };
}

export function checkDns(run: DoctorRun, dns: DnsOutcome): CheckResult {
  if (dns.method === 'none') {
    const why = dns.resolveError ? `${dns.name} does not resolve from here (${dns.resolveError}) and no cluster was read` : 'neither a cluster (--kubeconfig, --context, --cluster) nor --dns was given';
    return { ...checkResult('dns', why, []), verdict: 'skip' };
  }
  const how = dns.method === 'resolved' ? 'resolved from here' : `modelled from the Service${dns.resolveError ? `; it does not resolve from here (${dns.resolveError})` : ''}`;
  const records = dns.addresses.length === 0 ? 'no records' : dns.addresses.join(', ');
  const summary = `${dns.name} -> ${records} (${how})`;
  const service = run.cluster?.service;
  const findings: Finding[] = [];
  if (service?.type === 'ExternalName') {
    findings.push({ verdict: 'warn', subject: dns.name, seen: 'an ExternalName Service: a CNAME to another name, with no endpoints', cause: 'its backends live outside the cluster', fix: 'lookaside serves only Services with endpoints; balance the external name with its own load balancer' });
    return checkResult('dns', summary, findings);
  }
  // Which backends the records should be: the ready endpoints with a cluster, else what the control plane serves.
  const expected = new Set(run.cluster ? run.cluster.endpoints.filter((e) => e.condition === 'ready' || service?.publishNotReadyAddresses).map((e) => e.ip) : run.backends.map((b) => hostOf(b.report.address)));
  const isVirtual = service ? !service.headless : dns.addresses.length === 1 && !expected.has(dns.addresses[0]!);
  if (isVirtual) {
    findings.push(stickyFinding(run, dns, dns.addresses[0] ?? service?.clusterIP ?? 'the cluster IP'));
    return checkResult('dns', summary, findings);
  }
  if (dns.method === 'resolved') {
    const got = new Set(dns.addresses);
    const missing = [...expected].filter((ip) => !got.has(ip));
    const extra = [...got].filter((ip) => !expected.has(ip));
    if (missing.length > 0 || extra.length > 0) {
      findings.push({
        verdict: 'warn',
        subject: dns.name,
        seen: `the headless Service's records differ from the ready endpoints:${missing.length ? ` missing ${missing.join(', ')};` : ''}${extra.length ? ` not ready or gone ${extra.join(', ')}` : ''}`.replace(/;$/, ''),
        cause: 'DNS answers are cached (CoreDNS and client resolvers keep them for the TTL), or publishNotReadyAddresses publishes pods that are not ready',
        fix: 'DNS-based round_robin lags behind changes and re-resolves only on connection failure; lookaside:/// follows the endpoints as they change',
      });
    }
  }
  return checkResult('dns', `${summary}; headless: clients get one record per pod`, findings);
}

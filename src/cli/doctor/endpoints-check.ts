// Check 2, endpoints: what the control plane serves (count, weights, zones)
// and, with a cluster, what the EndpointSlices say (ready, serving-
// terminating and not-ready endpoints), which selected pods no slice lists,
// and the status of the GRPCRoutes bound to the Service (route-status-check.ts).

import { backendLabel, checkResult, plural } from './check-result.js';
import type { ClusterReadError, ClusterView } from './cluster-reader.js';
import type { DoctorRun } from './doctor-context.js';
import type { CheckResult, Finding } from './doctor-report-schema.js';

function percent(part: number, whole: number): string {
  return `${whole === 0 ? 0 : Math.round((100 * part) / whole)}%`;
}

/** Why a running pod the Service selects is in no slice of the port, as far as the pod shows. */
function missingPodFinding(view: ClusterView, pod: { name: string; phase: string; podIP: string | undefined; portNames: readonly string[] }): Finding {
  const targetPort = view.port?.targetPort;
  if (typeof targetPort === 'string' && !pod.portNames.includes(targetPort)) {
    return {
      verdict: 'warn',
      subject: `pod ${pod.name}`,
      seen: `pod ${pod.name} (${pod.phase}, ${pod.podIP}) is selected by the Service but in no EndpointSlice of port ${view.port?.name || view.port?.port}`,
      cause: `the Service's targetPort "${targetPort}" names no container port of this pod, so the EndpointSlice controller cannot give it an endpoint for the port`,
      fix: `add a container port named "${targetPort}" to the pod template, or make targetPort a number`,
    };
  }
  return {
    verdict: 'warn',
    subject: `pod ${pod.name}`,
    seen: `pod ${pod.name} (${pod.phase}, ${pod.podIP}) is selected by the Service but in no EndpointSlice of port ${view.port?.name || view.port?.port}`,
    cause: 'the EndpointSlice controller has not caught up (it lags under load or is failing), or the pod matched the selector only now',
    fix: 'run doctor again; if it persists, read kube-controller-manager\'s log for endpointslice errors',
  };
}

function clusterFindings(run: DoctorRun, view: ClusterView): Finding[] {
  const findings: Finding[] = [];
  if (!view.port) {
    const ports = view.service.ports.map((p) => (p.name ? `${p.name} (${p.port})` : String(p.port))).join(', ') || 'none';
    findings.push({ verdict: 'fail', seen: `the Service in the cluster has no TCP port "${run.settings.target.port}"; its ports are ${ports}`, cause: 'the control plane and your kubeconfig may point at different clusters', fix: 'check --context against the control plane\'s cluster' });
    return findings;
  }
  const ready = view.endpoints.filter((e) => e.condition === 'ready');
  const terminating = view.endpoints.filter((e) => e.condition === 'serving-terminating');
  const notReady = view.endpoints.filter((e) => e.condition === 'not-ready');
  if (notReady.length > 0) {
    findings.push({
      verdict: 'warn',
      seen: `${plural(notReady.length, 'endpoint')} not ready: ${notReady.map((e) => backendLabel(e)).join(', ')}`,
      cause: 'their readiness probes fail, or they are still starting',
      fix: 'kubectl describe pod for the probe\'s last failure; they get no traffic until ready',
    });
  }
  if (ready.length === 0 && terminating.length > 0) {
    findings.push({
      verdict: 'warn',
      seen: `no endpoint is ready; ${plural(terminating.length, 'terminating pod')} still serve${terminating.length === 1 ? 's' : ''}`,
      cause: 'a rollout or scale-down in progress, with no new pod ready yet',
      fix: 'watch the rollout (kubectl rollout status); calls go to draining pods until a new one is ready',
    });
  }
  // What the control plane serves against what the slices say it should (kube-proxy's rule).
  const usable = ready.length > 0 ? ready : terminating;
  const served = new Set(run.backends.map((b) => b.report.address));
  const expected = new Set(usable.map((e) => e.address));
  const extra = [...served].filter((a) => !expected.has(a));
  const absent = [...expected].filter((a) => !served.has(a));
  if (extra.length > 0 || absent.length > 0) {
    findings.push({
      verdict: 'warn',
      seen: `the control plane's list differs from the EndpointSlices:${absent.length ? ` not served ${absent.join(', ')};` : ''}${extra.length ? ` served but not usable in the slices ${extra.join(', ')}` : ''}`.replace(/;$/, ''),
      cause: 'the control plane lags behind the cluster, or it watches another cluster than your kubeconfig',
      fix: 'run doctor again; if it persists, check the control plane\'s log for watch errors and --context',
    });
  }
  if (view.podsError) findings.push({ verdict: 'warn', seen: `cannot read the selected pods: ${view.podsError}` });
  for (const pod of view.pods ?? []) {
    if (pod.deleting || !pod.podIP || pod.phase === 'Succeeded' || pod.phase === 'Failed') continue;
    if (!view.podsInSlices.has(pod.name)) findings.push(missingPodFinding(view, pod));
  }
  return findings;
}

export function checkEndpoints(run: DoctorRun, clusterError: ClusterReadError | undefined, routeStatus: readonly Finding[] = []): CheckResult {
  const backends = run.backends.map((b) => b.report);
  const findings: Finding[] = [];
  const total = backends.reduce((sum, b) => sum + b.weight, 0);
  const zones = new Map<string, number>();
  for (const backend of backends) zones.set(backend.zone || '(no zone)', (zones.get(backend.zone || '(no zone)') ?? 0) + backend.weight);
  const weights = new Set(backends.map((b) => b.weight));
  let summary =
    backends.length === 0
      ? '0 backends'
      : `${plural(backends.length, 'backend')}, weights ${weights.size === 1 ? `all ${[...weights][0]}` : backends.map((b) => b.weight).join('/')}, zones ${[...zones].sort(([a], [b]) => a.localeCompare(b)).map(([zone, weight]) => `${zone} ${percent(weight, total)}`).join(', ')}`;
  if (backends.length === 0) {
    findings.push({
      verdict: 'fail',
      seen: 'the service port exists but has no ready backend: every call fails fast with UNAVAILABLE',
      cause: 'no pod is ready (readiness probes fail, the Deployment is scaled to 0), or the selector matches no pod',
      fix: 'kubectl get pods -l <the Service\'s selector>; kubectl describe pod for probe failures',
    });
  }
  const view = run.cluster;
  if (clusterError?.notFound) {
    findings.push({
      verdict: 'fail',
      seen: `the control plane serves ${run.settings.target.service} but the cluster of your kubeconfig (${run.settings.cluster?.description}) has no such Service`,
      cause: 'your kubeconfig\'s context is another cluster than the one the control plane watches, or the Service was just deleted',
      fix: 'pick the control plane\'s cluster with --context',
    });
  } else if (clusterError) {
    findings.push({ verdict: 'fail', seen: `cannot read the cluster: ${clusterError.message}`, fix: 'doctor reads with your kubeconfig: grant get services, list endpointslices and list pods in the namespace, or drop --kubeconfig/--context/--cluster' });
  } else if (view) {
    const count = (condition: string) => view.endpoints.filter((e) => e.condition === condition).length;
    summary += `; slices: ${count('ready')} ready, ${count('serving-terminating')} serving-terminating, ${count('not-ready')} not ready`;
    if (view.pods) summary += `; ${plural(view.pods.length, 'pod')} selected`;
    else if (!view.service.selector) summary += '; no selector (slices made by hand)';
    findings.push(...clusterFindings(run, view), ...routeStatus);
  }
  return checkResult('endpoints', summary, findings);
}

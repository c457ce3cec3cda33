// Check 4, health: each backend's grpc.health.v1 status for the overall
// server ("") and the service's own name (or the --health-service names).
// Readiness in Kubernetes and gRPC health are two opinions of one pod; when
// they disagree, traffic goes where the server says it should not.

import { backendLabel, checkResult, plural } from './check-result.js';
import type { BackendState, DoctorRun } from './doctor-context.js';
import type { CheckResult, Finding } from './doctor-report-schema.js';

const ADD_HEALTH = 'add one: grpc-health-check for Node, google.golang.org/grpc/health for Go, grpcio-health-checking for Python, grpc-services (HealthStatusManager) for Java';

function judge(run: DoctorRun, backend: BackendState): Finding | undefined {
  const report = backend.report;
  const label = backendLabel(report);
  const answers = report.health ?? [];
  const shown = (name: string) => (name === '' ? '"" (the whole server)' : `"${name}"`);
  if (answers.length > 0 && answers.every((a) => a.status === 'UNIMPLEMENTED')) {
    return {
      verdict: 'warn',
      subject: label,
      seen: 'no health service (grpc.health.v1.Health/Check is UNIMPLEMENTED)',
      cause: 'the server registers no health service, so neither a gRPC readiness probe nor a load balancer can tell when it is unwell',
      fix: ADD_HEALTH,
    };
  }
  const notServing = answers.filter((a) => a.status === 'NOT_SERVING');
  if (notServing.length > 0) {
    const k8s = report.kubernetes;
    const listed = k8s === 'ready' ? 'Kubernetes calls it ready' : k8s === undefined ? 'the control plane lists it as a backend (a Kubernetes source lists ready pods)' : `Kubernetes calls it ${k8s}`;
    const disagree = k8s === undefined || k8s === 'ready';
    return {
      verdict: 'fail',
      subject: label,
      seen: `health NOT_SERVING for ${notServing.map((a) => shown(a.service)).join(', ')} while ${listed}`,
      cause: disagree ? 'the readiness probe and gRPC health disagree: the probe checks something else (a TCP port, an HTTP endpoint) than what the server reports' : 'the server says it cannot serve',
      fix: disagree ? 'use a gRPC readiness probe (readinessProbe.grpc.port, with .service for a named check) so Kubernetes takes the pod out when health says NOT_SERVING' : 'read the backend\'s log for why it reports NOT_SERVING',
    };
  }
  const missing = answers.filter((a) => a.status === 'NOT_FOUND');
  if (missing.length > 0 && run.settings.healthServices.explicit) {
    return {
      verdict: 'fail',
      subject: label,
      seen: `the health service knows no ${missing.map((a) => shown(a.service)).join(', ')} (NOT_FOUND)`,
      cause: 'the server never set a status for that name',
      fix: 'set it in the server (setStatus), or check the name given with --health-service',
    };
  }
  const odd = answers.filter((a) => !['SERVING', 'NOT_FOUND', 'NOT_SERVING'].includes(a.status));
  if (odd.length > 0) {
    return {
      verdict: 'warn',
      subject: label,
      seen: `health ${odd.map((a) => `${shown(a.service)} ${a.status}`).join(', ')}`,
      cause: 'the server reports no definite status, or the call failed',
      fix: 'read the backend\'s log',
    };
  }
  return undefined;
}

export async function checkHealth(run: DoctorRun): Promise<CheckResult> {
  const { names } = run.settings.healthServices;
  const reachable = run.backends.filter((b) => b.grpcAnswers && b.probe);
  await Promise.all(
    reachable.map(async (backend) => {
      const answers = await Promise.all(names.map(async (service) => ({ service, status: (await backend.probe!.check(service, run.settings.deadlineMs)).status })));
      backend.report.health = answers;
    }),
  );
  const findings = reachable.map((b) => judge(run, b)).filter((f): f is Finding => f !== undefined);
  const serving = reachable.filter((b) => (b.report.health ?? []).some((a) => a.status === 'SERVING') && !(b.report.health ?? []).some((a) => a.status === 'NOT_SERVING')).length;
  const asked = names.map((n) => (n === '' ? '""' : `"${n}"`)).join(' and ');
  if (reachable.length === 0) return { ...checkResult('health', 'no backend answers gRPC (see connect)', []), verdict: 'skip' };
  return checkResult('health', `${serving}/${plural(reachable.length, 'reachable backend')} SERVING (asked for ${asked})`, findings);
}

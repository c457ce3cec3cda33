// The report of `lookaside doctor`, as a zod schema: the one definition of
// what `--json` prints. The TypeScript types below are inferred from it, and
// schemas/doctor-report.schema.json is generated from it (a test fails while
// the file is stale), so scripts have a JSON Schema to validate against.

import { z } from 'zod';

/** The order checks run and are printed in. */
export const CHECK_IDS = ['control-plane', 'endpoints', 'connect', 'health', 'latency', 'distribution', 'dns'] as const;

export const verdictSchema = z.enum(['pass', 'warn', 'fail', 'skip']).describe('pass, warn, fail, or skip (the check could not run; the finding says why)');

export const findingSchema = z
  .object({
    verdict: verdictSchema,
    subject: z.string().optional().describe('what the finding is about: a backend ("10.0.0.7:8080 (pod greeter-1)"), a pod, a DNS name'),
    seen: z.string().describe('what doctor saw'),
    cause: z.string().optional().describe('the likely cause'),
    fix: z.string().optional().describe('what to do about it'),
  })
  .strict();

export const checkSchema = z
  .object({
    id: z.enum(CHECK_IDS),
    title: z.string(),
    verdict: verdictSchema,
    summary: z.string().describe('one line: what was seen'),
    findings: z.array(findingSchema),
  })
  .strict();

const healthAnswerSchema = z
  .object({
    service: z.string().describe('the grpc.health.v1 service name asked for; "" is the server as a whole'),
    status: z.string().describe('SERVING, NOT_SERVING, UNKNOWN, SERVICE_UNKNOWN, or the gRPC error code of the call (UNIMPLEMENTED: no health service; NOT_FOUND: name not registered)'),
  })
  .strict();

export const backendSchema = z
  .object({
    address: z.string().describe('host:port, as the control plane serves it'),
    weight: z.number().int(),
    zone: z.string(),
    pod: z.string().optional(),
    kubernetes: z
      .enum(['ready', 'serving-terminating', 'not-ready', 'absent'])
      .optional()
      .describe('the endpoint\'s condition in the EndpointSlices (only with a cluster); absent: no slice lists the address'),
    connect: z
      .object({
        tcp: z.enum(['ok', 'refused', 'timeout', 'unreachable', 'error']),
        grpc: z.enum(['ok', 'tls-mismatch', 'tls-error', 'not-http2', 'timeout', 'error', 'skipped']),
        detail: z.string().optional(),
      })
      .strict()
      .optional(),
    health: z.array(healthAnswerSchema).optional(),
    latency: z
      .object({
        calls: z.number().int().describe('health calls sent'),
        answered: z.number().int().describe('calls that got a gRPC answer (UNIMPLEMENTED counts: the backend answered)'),
        p50Ms: z.number().nullable(),
        p99Ms: z.number().nullable(),
        slow: z.boolean().describe('several times slower than the median of the other backends'),
      })
      .strict()
      .optional(),
    distribution: z
      .object({
        picks: z.number().int().describe('calls the lookaside channel sent to this backend'),
        share: z.number().describe('observed share, 0 to 1'),
        expectedShare: z.number().describe('its weight\'s share among the reachable backends, 0 to 1'),
      })
      .strict()
      .optional(),
  })
  .strict();

export const doctorReportSchema = z
  .object({
    schemaVersion: z.literal(1),
    target: z.object({ service: z.string(), port: z.string() }).strict(),
    server: z.string().describe('the control plane asked'),
    startedAt: z.string().describe('ISO 8601'),
    durationMs: z.number(),
    verdict: z.enum(['pass', 'warn', 'fail']).describe('the worst verdict of any check'),
    exitCode: z.number().int(),
    controlPlane: z
      .object({
        reachable: z.boolean(),
        health: z.string().nullable().describe('the control plane\'s own grpc.health.v1 status for ""'),
        synced: z.boolean().nullable(),
        exists: z.boolean().nullable().describe('whether the control plane knows the service port'),
        version: z.number().int().nullable(),
        versionAtEnd: z.number().int().nullable().describe('the version when doctor finished; differs when the backends changed during the run'),
      })
      .strict(),
    backends: z.array(backendSchema),
    cluster: z
      .object({
        serviceType: z.string().nullable().describe('ClusterIP, Headless (clusterIP None), NodePort, LoadBalancer, ExternalName; null when the Service was not read'),
        clusterIP: z.string().nullable(),
        ready: z.number().int(),
        servingTerminating: z.number().int(),
        notReady: z.number().int(),
        podsSelected: z.number().int().nullable().describe('pods the Service\'s selector matches; null for a Service without a selector'),
        podsMissingFromSlices: z.array(z.string()),
      })
      .strict()
      .nullable()
      .describe('null without --kubeconfig, --context or --cluster'),
    dns: z
      .object({
        name: z.string(),
        method: z.enum(['resolved', 'modelled', 'none']).describe('resolved from where doctor runs (--dns), modelled from the Service object, or neither'),
        addresses: z.array(z.string()),
      })
      .strict()
      .nullable(),
    pickFirst: z
      .object({
        method: z.enum(['measured', 'modelled']).describe('measured: calls sent over a pick_first channel to the DNS name; modelled: told from the Service type'),
        target: z.string(),
        connections: z.array(z.object({ peer: z.string(), calls: z.number().int() }).strict()).describe('peers that answered (measured only)'),
        summary: z.string(),
      })
      .strict()
      .nullable(),
    checks: z.array(checkSchema),
  })
  .strict();

export type Verdict = z.infer<typeof verdictSchema>;
export type Finding = z.infer<typeof findingSchema>;
export type CheckResult = z.infer<typeof checkSchema>;
export type CheckId = CheckResult['id'];
export type BackendReport = z.infer<typeof backendSchema>;
export type DoctorReport = z.infer<typeof doctorReportSchema>;

/** The JSON Schema of the report, as written to schemas/doctor-report.schema.json. */
export function doctorReportJsonSchema(): Record<string, unknown> {
  const { $schema, ...schema } = z.toJSONSchema(doctorReportSchema, { target: 'draft-2020-12' });
  return {
    $schema,
    $id: 'https://github.com/grpc-lookaside/grpc-lookaside/schemas/doctor-report.schema.json',
    title: 'lookaside doctor --json report',
    ...schema,
  };
}

// A real control plane with caller authorization on (--caller-auth
// kubernetes): its authorizer asks the API harness over HTTP through the real
// @kubernetes/client-node; its services come from a ManualSource. Plus the
// harness-side helpers the tests share: tokens for ServiceAccounts and the
// RBAC rule lookaside authorizes a target as.

import type { ServerCredentials } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { LoadBalancerStub } from 'grpc-lookaside-client';
import { ControlPlane } from '../../src/control-plane.js';
import type { ServiceSpec } from '../../src/registry/snapshot.js';
import type { ServerClock } from '../../src/clock/server-clock.js';
import { ReviewingCallerAuthorizer } from '../../src/server/shared/caller-authorization/caller-authorizer.js';
import { KubernetesAccessReviewer } from '../../src/server/shared/caller-authorization/kubernetes-access-reviewer.js';
import type { AccessRule, KubernetesApiHarness } from './kubernetes-api-harness.js';
import { harnessKubeConfig } from './kubernetes-control-plane.js';
import { ManualSource } from './manual-source.js';
import { testLogger } from './test-logger.js';

/** The rule lookaside authorizes a target as, granted to `subject` in `namespace` (a Role and RoleBinding), or everywhere. */
export function listSlicesRule(subject: string, namespace?: string): AccessRule {
  return { subject, verb: 'list', group: 'discovery.k8s.io', resource: 'endpointslices', ...(namespace !== undefined && { namespace }) };
}

let tokenCounter = 0;

/** Registers a fresh token for `username` in the harness, issued for `audiences` (default: lookaside), with a ServiceAccount's groups. */
export function issueToken(harness: KubernetesApiHarness, username: string, audiences: string[] = ['lookaside']): string {
  const value = `token-${++tokenCounter}-${Math.random().toString(36).slice(2)}`;
  const namespace = /^system:serviceaccount:([^:]+):/.exec(username)?.[1];
  harness.addToken(value, { username, audiences, groups: namespace ? ['system:serviceaccounts', `system:serviceaccounts:${namespace}`] : [] });
  return value;
}

export interface CallerAuthControlPlaneOptions {
  readonly harness: KubernetesApiHarness;
  readonly services: readonly ServiceSpec[];
  readonly cacheTtlMs?: number;
  /** Deadline of each review. Default 1 s. */
  readonly timeoutMs?: number;
  readonly logger?: Logger;
  readonly credentials?: ServerCredentials;
  /** The clock of the server's timers and of the authorizer's cache; a test passes one it advances. Default: the process's. */
  readonly clock?: ServerClock;
}

export interface CallerAuthControlPlane {
  readonly controlPlane: ControlPlane;
  readonly address: string;
  /** A plaintext stub of its own connection. */
  readonly stub: LoadBalancerStub;
  close(): Promise<void>;
}

export async function startCallerAuthControlPlane(options: CallerAuthControlPlaneOptions): Promise<CallerAuthControlPlane> {
  const controlPlane = await ControlPlane.start({
    logger: options.logger ?? testLogger(),
    host: '127.0.0.1',
    port: 0,
    metrics: { host: '127.0.0.1', port: 0 },
    ...(options.credentials && { credentials: options.credentials }),
    ...(options.clock && { clock: options.clock }),
    createSource: (registry) => {
      const source = new ManualSource(registry);
      source.sync(options.services);
      return source;
    },
    createAuthorizer: (logger, metrics) =>
      new ReviewingCallerAuthorizer({
        reviewer: new KubernetesAccessReviewer({ kubeConfig: harnessKubeConfig(options.harness.url), timeoutMs: options.timeoutMs ?? 1_000 }),
        logger,
        cacheTtlMs: options.cacheTtlMs ?? 60_000,
        ...(metrics && { hooks: metrics.callerAuthorizationHooks() }),
        ...(options.clock && { now: options.clock.now }),
      }),
  });
  const address = `127.0.0.1:${controlPlane.port}`;
  const stub = new LoadBalancerStub(address, undefined, { 'grpc.use_local_subchannel_pool': 1 });
  return {
    controlPlane,
    address,
    stub,
    close: async () => {
      stub.close();
      await controlPlane.stop(200);
    },
  };
}

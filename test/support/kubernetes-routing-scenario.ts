// A GRPCRoute applied through the Kubernetes API reaches a real client
// channel (any client that names a Service by a target string: a
// grpc-js-xds channel, a lookaside channel): the control plane on the
// Kubernetes source (the API harness, through the real
// @kubernetes/client-node) serves the route, calls with the header go to
// greeter-v2's real backend and the others to greeter's, the route's status
// says Accepted and ResolvedRefs, and a deleted route gives the Service its
// own backends back.

import { Metadata, type ServiceError } from '@grpc/grpc-js';
import { afterEach, expect, test } from 'vitest';
import { ControlPlane } from '../../src/control-plane.js';
import { createKubernetesSource } from '../../src/discovery/kubernetes/kubernetes-source.js';
import { LOOKASIDE_CONTROLLER_NAME } from '../../src/discovery/kubernetes/route-status-writer.js';
import { RouteTranslator } from '../../src/translation/route-table.js';
import { startIdentityBackend, type IdentityBackend, type IdentityClient } from './identity-backends.js';
import { KubernetesApiHarness } from './kubernetes-api-harness.js';
import { FAST_TIMING, harnessKubeConfig } from './kubernetes-control-plane.js';
import { endpointSlice, grpcRoute, READY, service } from './kubernetes-objects.js';
import { testLogger } from './test-logger.js';
import { waitFor } from './wait-until.js';

/** The routed Service's target, as clients name it. */
export const KUBERNETES_ROUTED_TARGET = 'greeter.app:8080';

function call(client: IdentityClient, headers: Record<string, string> = {}): Promise<string | ServiceError> {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(headers)) metadata.set(key, value);
  return new Promise((resolve) => client.raw.Who({}, metadata, { deadline: Date.now() + 10_000 }, (error, reply) => resolve(error ?? reply!.backend)));
}

/** A Service whose one ready endpoint is a real local backend (the harness, unlike the API server, takes loopback addresses). */
function publish(harness: KubernetesApiHarness, backend: IdentityBackend, name: string): void {
  harness.apply('services', service(name, 'app', [{ name: 'grpc', port: 8080, targetPort: backend.port }]));
  harness.apply('endpointslices', endpointSlice({ name: `${name}-abc`, namespace: 'app', service: name, ports: [{ name: 'grpc', port: backend.port }], endpoints: [{ address: '127.0.0.1', ...READY }] }));
}

/**
 * Defines the test for clients made by `makeClient(target, controlPlaneAddress)`,
 * named `kind` in the title. Called at the top level of a test file.
 */
export function kubernetesRoutingScenario(kind: string, makeClient: (target: string, controlPlane: string) => IdentityClient): void {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  test(`a GRPCRoute applied through the Kubernetes API routes a ${kind} channel, shows its status, and a deleted route restores the Service`, async () => {
    const [greeter, greeterV2] = await Promise.all([startIdentityBackend('greeter'), startIdentityBackend('greeter-v2')]);
    cleanups.push(() => greeter!.stop(), () => greeterV2!.stop());
    const harness = await KubernetesApiHarness.start({ bookmarkIntervalMs: 200 });
    cleanups.push(() => harness.close());
    harness.installGatewayApi();
    publish(harness, greeter!, 'greeter');
    publish(harness, greeterV2!, 'greeter-v2');
    const controlPlane = await ControlPlane.start({
      logger: testLogger(),
      host: '127.0.0.1',
      port: 0,
      createSource: (registry, logger) => {
        const translator = new RouteTranslator(registry, registry.routes);
        return createKubernetesSource({ registry, logger, kubeConfig: harnessKubeConfig(harness.url), minFlushIntervalMs: 20, timing: FAST_TIMING, routeStatuses: () => translator.statuses() });
      },
    });
    cleanups.push(() => controlPlane.stop(1_000));
    const client = makeClient(KUBERNETES_ROUTED_TARGET, `127.0.0.1:${controlPlane.port}`);
    cleanups.push(() => client.close());
    expect(await call(client, { 'x-canary': 'true' })).toBe('greeter');

    harness.apply(
      'grpcroutes',
      grpcRoute('greeter-canary', 'app', {
        parentRefs: [{ group: '', kind: 'Service', name: 'greeter', port: 8080 }],
        rules: [
          { matches: [{ headers: [{ name: 'x-canary', value: 'true' }] }], backendRefs: [{ name: 'greeter-v2', port: 8080 }] },
          { backendRefs: [{ name: 'greeter', port: 8080 }] },
        ],
      }),
    );
    await waitFor('the route reaches the client', async () => (await call(client, { 'x-canary': 'true' })) === 'greeter-v2');
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => call(client, i % 2 === 0 ? { 'x-canary': 'true' } : {})));
    expect(results.filter((r, i) => r !== (i % 2 === 0 ? 'greeter-v2' : 'greeter'))).toEqual([]);
    await waitFor('the route status is written', () => {
      const parents = ((harness.get('grpcroutes', 'app', 'greeter-canary')?.status as { parents?: { controllerName: string; conditions: { type: string; status: string }[] }[] }) ?? {}).parents ?? [];
      const ours = parents.find((p) => p.controllerName === LOOKASIDE_CONTROLLER_NAME);
      return ours?.conditions.map((c) => `${c.type}=${c.status}`).join(',') === 'Accepted=True,ResolvedRefs=True';
    });

    harness.delete('grpcroutes', 'app', 'greeter-canary');
    await waitFor('the Service has its own backends again', async () => (await call(client, { 'x-canary': 'true' })) === 'greeter');
  });
}

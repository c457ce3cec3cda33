// The routing behaviours of issue 27, run against any client that names a
// Service by a target string (a grpc-js-xds channel, a lookaside channel):
// a real control plane on the file source routes greeter.test's calls to
// greeter-v2.test (and others) by GRPCRoutes in its registry file, and the
// real backends count what they get.

import { status, type ServiceError } from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { RouteTranslator } from '../../src/translation/route-table.js';
import { startFileControlPlane, type FileControlPlane, type FileService } from './file-control-plane.js';
import { startIdentityBackends, waitFor, type IdentityBackend, type IdentityClient } from './identity-backends.js';

export const ROUTED_TARGET = 'greeter.test:8080';
const PARENT = { group: '', kind: 'Service', name: 'greeter', port: 8080 };

/** One call with metadata; resolves with the backend's name or the error. */
function call(c: IdentityClient, headers: Record<string, string> = {}): Promise<string | ServiceError> {
  return c.who({ timeoutMs: 10_000, headers }).catch((error: ServiceError) => error);
}

/** `total` calls, 16 at a time: answers per backend, and failures. */
function calls(c: IdentityClient, total: number, headers: Record<string, string> = {}): Promise<{ counts: Map<string, number>; failures: ServiceError[] }> {
  return c.spread(total, 16, { timeoutMs: 10_000, headers });
}

type Rule = Record<string, unknown>;
const ref = (name: string, weight?: number) => ({ name, port: 8080, ...(weight !== undefined && { weight }) });
/** A rule that sends calls carrying x-probe: <name> to <name>: a marker that a route version reached the client. */
const probe = (name: string): Rule => ({ matches: [{ headers: [{ name: 'x-probe', value: name }] }], backendRefs: [ref(name)] });

/**
 * Defines the routing tests for clients made by `makeClient(target, cp)`.
 * Called at the top level of a test file.
 */
export function routingScenarios(makeClient: (target: string, cp: FileControlPlane) => IdentityClient): void {
  let backends: IdentityBackend[];
  let cp: FileControlPlane;
  const clients: IdentityClient[] = [];
  let services: FileService[];

  const client = () => {
    const created = makeClient(ROUTED_TARGET, cp);
    clients.push(created);
    return created;
  };
  const write = (routes: { name: string; rules: Rule[] }[]) =>
    cp.writeText(stringify({ services, routes: routes.map((r) => ({ name: r.name, namespace: 'test', spec: { parentRefs: [PARENT], rules: r.rules } })) }));
  /** Waits until a call with x-probe: <marker> lands on <marker>: the route that carries that probe is in use. */
  const routeInUse = (c: IdentityClient, marker: string) => waitFor(`the route with probe ${marker} to reach the client`, async () => (await call(c, { 'x-probe': marker })) === named(marker).name);
  const names = ['greeter', 'greeter-v2', 'marker-a', 'marker-b'];
  /** The backend of Service `name` (its only one). */
  const named = (name: string) => backends[names.indexOf(name)]!;

  beforeAll(async () => {
    backends = await Promise.all(names.map(async (name) => (await startIdentityBackends(1, name))[0]!));
    services = names.map((name, i) => ({ name, namespace: 'test', ports: [{ port: 8080, backends: [{ address: backends[i]!.address }] }] }));
    cp = await startFileControlPlane(services);
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await write([]);
  });
  afterAll(async () => {
    await cp?.close();
    await Promise.all(backends.map((b) => b.stop()));
  });
  const share = (counts: Map<string, number>, name: string, total: number) => (((counts.get(named(name).name) ?? 0) / total) * 100);

  it('splits 90/10 to within 2 points over 4,000 calls', async () => {
    await write([{ name: 'canary', rules: [probe('marker-a'), { backendRefs: [ref('greeter', 90), ref('greeter-v2', 10)] }] }]);
    const c = client();
    await routeInUse(c, 'marker-a');
    const { counts, failures } = await calls(c, 4_000);
    expect(failures.map((f) => f.message)).toEqual([]);
    expect(Math.abs(share(counts, 'greeter-v2', 4_000) - 10), `greeter-v2 got ${share(counts, 'greeter-v2', 4_000).toFixed(2)}%`).toBeLessThanOrEqual(2);
    expect((counts.get(named('greeter').name) ?? 0) + (counts.get(named('greeter-v2').name) ?? 0)).toBe(4_000);
  });

  it('sends every call with a matching header to v2 and none of the others', async () => {
    await write([{ name: 'by-header', rules: [{ matches: [{ headers: [{ name: 'X-Canary', value: 'true' }] }], backendRefs: [ref('greeter-v2')] }, { backendRefs: [ref('greeter')] }] }]);
    const c = client();
    await waitFor('the header route to reach the client', async () => (await call(c, { 'x-canary': 'true' })) === named('greeter-v2').name);
    const canary = await calls(c, 400, { 'x-canary': 'true' });
    const other = await calls(c, 400, { 'x-canary': 'false' });
    const plain = await calls(c, 400);
    expect([...canary.failures, ...other.failures, ...plain.failures]).toEqual([]);
    expect(canary.counts).toEqual(new Map([[named('greeter-v2').name, 400]]));
    expect(other.counts).toEqual(new Map([[named('greeter').name, 400]]));
    expect(plain.counts).toEqual(new Map([[named('greeter').name, 400]]));
  });

  it('lets an exact-method rule beat a service-only rule listed before it', async () => {
    await write([
      {
        name: 'by-method',
        rules: [
          { matches: [{ method: { service: 'lookaside.test.Identity' } }], backendRefs: [ref('greeter')] },
          { matches: [{ method: { service: 'lookaside.test.Identity', method: 'Who' } }], backendRefs: [ref('greeter-v2')] },
        ],
      },
    ]);
    const c = client();
    await waitFor('the method route to reach the client', async () => (await call(c)) === named('greeter-v2').name);
    const { counts, failures } = await calls(c, 400);
    expect(failures).toEqual([]);
    expect(counts).toEqual(new Map([[named('greeter-v2').name, 400]]));
  });

  it('sends nothing to a backendRef of weight 0', async () => {
    await write([{ name: 'zero', rules: [probe('marker-b'), { backendRefs: [ref('greeter', 1), ref('greeter-v2', 0)] }] }]);
    const c = client();
    await routeInUse(c, 'marker-b');
    const { counts, failures } = await calls(c, 1_000);
    expect(failures).toEqual([]);
    expect(counts).toEqual(new Map([[named('greeter').name, 1_000]]));
  });

  it('fails the share of a backendRef to a missing Service UNAVAILABLE, and says ResolvedRefs=False BackendNotFound', async () => {
    await write([{ name: 'missing', rules: [probe('marker-a'), { backendRefs: [ref('greeter', 1), ref('greeter-gone', 1)] }] }]);
    const [status0] = new RouteTranslator(cp.controlPlane.registry, cp.controlPlane.registry.routes).statuses();
    expect(status0!.resolvedRefs).toMatchObject({ status: 'False', reason: 'BackendNotFound' });
    const c = client();
    await routeInUse(c, 'marker-a');
    const { counts, failures } = await calls(c, 1_000);
    expect(new Set(failures.map((f) => f.code))).toEqual(new Set([status.UNAVAILABLE]));
    expect([...counts.keys()]).toEqual([named('greeter').name]);
    expect(Math.abs((failures.length / 1_000) * 100 - 50), `${failures.length} of 1,000 failed`).toBeLessThanOrEqual(6);
  });

  it('restores the Service\'s own backends when the route is deleted, with no failed call', async () => {
    await write([{ name: 'all-to-v2', rules: [{ backendRefs: [ref('greeter-v2')] }] }]);
    const c = client();
    await waitFor('the route to reach the client', async () => (await call(c)) === named('greeter-v2').name);
    let running = true;
    const failures: ServiceError[] = [];
    const load = (async () => {
      while (running) failures.push(...(await calls(c, 50)).failures);
    })();
    try {
      await write([]);
      await waitFor('calls to go to greeter again', async () => {
        const { counts } = await calls(c, 50);
        return counts.get(named('greeter').name) === 50;
      });
    } finally {
      running = false;
      await load;
    }
    expect(failures.map((f) => f.message)).toEqual([]);
  });

  it('fails no call while the split changes under load', async () => {
    await write([{ name: 'moving', rules: [{ backendRefs: [ref('greeter', 90), ref('greeter-v2', 10)] }] }]);
    const c = client();
    await waitFor('the split to reach the client', async () => (await calls(c, 100)).counts.has(named('greeter-v2').name));
    let running = true;
    const failures: ServiceError[] = [];
    const load = (async () => {
      while (running) failures.push(...(await calls(c, 50)).failures);
    })();
    try {
      for (const weight of [50, 100]) {
        await write([{ name: 'moving', rules: [{ backendRefs: [ref('greeter', 100 - weight), ref('greeter-v2', weight)] }] }]);
        await waitFor(`${weight}% to v2`, async () => {
          const { counts } = await calls(c, 400);
          return Math.abs(share(counts, 'greeter-v2', 400) - weight) <= 8;
        });
      }
    } finally {
      running = false;
      await load;
    }
    expect(failures.map((f) => f.message)).toEqual([]);
  });
}

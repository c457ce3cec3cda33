// GAMMA consumer routes under --caller-auth kubernetes: a GRPCRoute in
// namespace "web" whose parentRef names the Service greeter.shop applies to
// callers whose ServiceAccount is in "web" (the TokenReview names it), and to
// no one else. Through a real lookaside channel (Node client, caller token
// file) and the xDS face's RouteConfiguration (RawAdsClient with the token:
// grpc-js-xds sends no call credentials to its xDS server).

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { registerLookaside, type LookasideRegistration } from 'grpc-lookaside-client';
import { issueToken, listSlicesRule, startCallerAuthControlPlane, type CallerAuthControlPlane } from '../support/caller-auth-control-plane.js';
import { IdentityClient, startIdentityBackend, type IdentityBackend } from '../support/identity-backends.js';
import { KubernetesApiHarness } from '../support/kubernetes-api-harness.js';
import { RawAdsClient, TYPES, unpack } from '../support/raw-ads-client.js';

const CONSUMER = 'system:serviceaccount:web:client';
const PRODUCER_SIDE = 'system:serviceaccount:shop:client';

let harness: KubernetesApiHarness;
let cp: CallerAuthControlPlane;
let greeter: IdentityBackend;
let greeterWeb: IdentityBackend;
let dir: string;
const revokes: (() => void)[] = [];

beforeAll(async () => {
  harness = await KubernetesApiHarness.start();
  [greeter, greeterWeb] = await Promise.all([startIdentityBackend('greeter'), startIdentityBackend('greeter-web')]);
  cp = await startCallerAuthControlPlane({
    harness,
    services: [
      { name: 'greeter', namespace: 'shop', ports: [{ name: 'grpc', port: 8080, backends: [{ host: '127.0.0.1', port: greeter.port }] }] },
      { name: 'greeter-web', namespace: 'web', ports: [{ name: 'grpc', port: 8080, backends: [{ host: '127.0.0.1', port: greeterWeb.port }] }] },
    ],
  });
  // The consumer route: namespace web's callers of greeter.shop go to web's own greeter-web.
  cp.controlPlane.registry.routes.upsertRoute({
    name: 'pin',
    namespace: 'web',
    generation: 1,
    age: 0,
    spec: {
      parentRefs: [{ group: '', kind: 'Service', name: 'greeter', namespace: 'shop', port: 8080 }],
      hostnames: [],
      rules: [{ matches: [], filterTypes: [], backendRefs: [{ group: '', kind: 'Service', name: 'greeter-web', port: 8080, weight: 1, filterTypes: [] }] }],
    },
  });
  for (const subject of [CONSUMER, PRODUCER_SIDE]) for (const namespace of ['shop', 'web']) revokes.push(harness.grantAccess(listSlicesRule(subject, namespace)));
  dir = await mkdtemp(join(tmpdir(), 'consumer-routes-'));
});
afterAll(async () => {
  for (const revoke of revokes) revoke();
  await cp?.close();
  await Promise.all([greeter?.stop(), greeterWeb?.stop()]);
  await harness?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const open: { registration?: LookasideRegistration; client?: IdentityClient; ads?: RawAdsClient } = {};
afterEach(() => {
  open.client?.close();
  open.registration?.close();
  open.ads?.close();
});

/** 20 calls on a lookaside channel whose caller token is `username`'s: answers per backend. */
async function lookasideCalls(username: string): Promise<Map<string, number>> {
  const file = join(dir, username.replaceAll(':', '_'));
  await writeFile(file, `${issueToken(harness, username)}\n`);
  open.registration = registerLookaside({ controlPlane: cp.address, startTimeoutMs: 5_000, callerToken: { file } });
  open.client = new IdentityClient('lookaside:///greeter.shop:8080');
  const { counts, failures } = await open.client.spread(20, 4, { timeoutMs: 10_000 });
  expect(failures.map((f) => f.message)).toEqual([]);
  return counts;
}

it('sends a lookaside caller of the consumer route namespace to its target, and one of the Service namespace to the Service', async () => {
  expect(await lookasideCalls(CONSUMER)).toEqual(new Map([['greeter-web', 20]]));
  open.client?.close();
  open.registration?.close();
  delete open.client;
  delete open.registration;
  expect(await lookasideCalls(PRODUCER_SIDE)).toEqual(new Map([['greeter', 20]]));
});

/** The clusters the RouteConfiguration of greeter.shop:8080 sends `username`'s calls to. */
async function routedClusters(username: string): Promise<string[]> {
  open.ads?.close();
  open.ads = new RawAdsClient(cp.address, { authorization: `Bearer ${issueToken(harness, username)}` });
  open.ads.send({ node: { id: `consumer-routes-${username}` }, type_url: TYPES.route, resource_names: ['greeter.shop:8080'] });
  const answer = await open.ads.next();
  const [routeConfiguration] = answer.resources.map((r) => unpack(r) as { virtual_hosts: { routes: { route: { cluster?: string } }[] }[] });
  return routeConfiguration!.virtual_hosts.flatMap((host) => host.routes.map((route) => route.route.cluster ?? 'weighted'));
}

it('serves an xDS caller of the consumer route namespace a RouteConfiguration to its target, and one of the Service namespace the Service', async () => {
  expect(await routedClusters(CONSUMER)).toEqual(['greeter-web.web:8080']);
  expect(await routedClusters(PRODUCER_SIDE)).toEqual(['greeter.shop:8080']);
});

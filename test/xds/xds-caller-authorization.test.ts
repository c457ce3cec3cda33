// The xDS face under --caller-auth kubernetes: the same rule as lookaside.v1
// (may the caller list EndpointSlices in the target's namespace?), checked
// through the API harness's TokenReview and SubjectAccessReview, so xDS is
// no way around the access control. A stream is authorized per namespace
// its subscriptions name, when they first name it.

import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { issueToken, listSlicesRule, startCallerAuthControlPlane, type CallerAuthControlPlane } from '../support/caller-auth-control-plane.js';
import { KubernetesApiHarness } from '../support/kubernetes-api-harness.js';
import { RawAdsClient, TYPES, unpack } from '../support/raw-ads-client.js';

const WEB = 'system:serviceaccount:app:web';
const SERVICES = [
  { name: 'ledger', namespace: 'payments', ports: [{ name: 'grpc', port: 50051, backends: [{ host: '10.1.0.1', port: 8080 }] }] },
  { name: 'greeter', namespace: 'app', ports: [{ name: 'grpc', port: 50051, backends: [{ host: '10.2.0.1', port: 8080 }] }] },
];

let harness: KubernetesApiHarness;
let cp: CallerAuthControlPlane;
const clients: RawAdsClient[] = [];
function client(metadata: Record<string, string> = {}): RawAdsClient {
  const created = new RawAdsClient(cp.address, metadata);
  clients.push(created);
  return created;
}

beforeAll(async () => {
  harness = await KubernetesApiHarness.start();
  cp = await startCallerAuthControlPlane({ harness, services: SERVICES });
});
afterAll(async () => {
  for (const c of clients) c.close();
  await cp?.close();
  await harness?.close();
});

it('ends a stream without a token UNAUTHENTICATED before it reveals anything', async () => {
  const c = client();
  c.send({ node: { id: 'anonymous' }, type_url: TYPES.listener, resource_names: ['greeter.app:grpc'] });
  const ended = await c.status();
  expect(ended.code).toBe(status.UNAUTHENTICATED);
  expect(c.responses).toEqual([]);
});

it('serves the namespaces the caller may read, and ends the stream PERMISSION_DENIED naming the rule for one it may not', async () => {
  const revoke = harness.grantAccess(listSlicesRule(WEB, 'app'));
  try {
    const c = client({ authorization: `Bearer ${issueToken(harness, WEB)}` });
    c.send({ node: { id: 'web-0' }, type_url: TYPES.listener, resource_names: ['greeter.app:grpc'] });
    const first = await c.next();
    expect(first.resources.map((r) => unpack(r).name)).toEqual(['greeter.app:grpc']);
    c.send({ type_url: TYPES.listener, resource_names: ['greeter.app:grpc', 'ledger.payments:grpc'], version_info: first.version_info, response_nonce: first.nonce });
    const ended = await c.status();
    expect(ended.code).toBe(status.PERMISSION_DENIED);
    expect((ended as { details: string }).details).toMatch(/system:serviceaccount:app:web.*list.*endpointslices.*payments/);
    expect((ended as { details: string }).details).toMatch(/xDS resources of namespace "payments"/);
    expect(c.unread).toBe(0);
  } finally {
    revoke();
  }
});

// The xDS face under --caller-auth kubernetes: the same rule as lookaside.v1
// (may the caller list EndpointSlices in the target's namespace?), checked
// through the API harness's TokenReview and SubjectAccessReview, so xDS is
// no way around the access control. A stream is authorized per namespace
// its subscriptions name, when they first name it; a namespace refused is
// left out of the answers, not the end of the stream.

import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { issueToken, listSlicesRule, startCallerAuthControlPlane, type CallerAuthControlPlane } from '../support/caller-auth-control-plane.js';
import { KubernetesApiHarness } from '../support/kubernetes-api-harness.js';
import { capturedLogger } from '../support/captured-logger.js';
import { RawAdsClient, TYPES, unpack } from '../support/raw-ads-client.js';
import { DENIED_NAMESPACE_RECHECK_MS } from '../../src/server/xds/ads-stream.js';
import { ManualClock } from '../support/manual-clock.js';

const WEB = 'system:serviceaccount:app:web';
const SERVICES = [
  { name: 'ledger', namespace: 'payments', ports: [{ name: 'grpc', port: 50051, backends: [{ host: '127.11.0.1', port: 8080 }] }] },
  { name: 'greeter', namespace: 'app', ports: [{ name: 'grpc', port: 50051, backends: [{ host: '127.12.0.1', port: 8080 }] }] },
];

let harness: KubernetesApiHarness;
let cp: CallerAuthControlPlane;
const log = capturedLogger();
// The stream's recheck window and the authorizer's cache run on it: "after the window" takes no time.
const clock = new ManualClock();
const clients: RawAdsClient[] = [];
function client(metadata: Record<string, string> = {}): RawAdsClient {
  const created = new RawAdsClient(cp.address, metadata);
  clients.push(created);
  return created;
}

beforeAll(async () => {
  harness = await KubernetesApiHarness.start();
  cp = await startCallerAuthControlPlane({ harness, services: SERVICES, logger: log.logger, clock });
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

it('serves the namespaces the caller may read and leaves out one it may not, keeping the stream; a grant is served after the recheck', async () => {
  const revoke = harness.grantAccess(listSlicesRule(WEB, 'app'));
  let revokePayments: (() => void) | undefined;
  try {
    const c = client({ authorization: `Bearer ${issueToken(harness, WEB)}` });
    c.send({ node: { id: 'web-0' }, type_url: TYPES.listener, resource_names: ['greeter.app:grpc'] });
    const first = await c.next();
    expect(first.resources.map((r) => unpack(r).name)).toEqual(['greeter.app:grpc']);
    c.send({ type_url: TYPES.listener, resource_names: ['greeter.app:grpc', 'ledger.payments:grpc'], version_info: first.version_info, response_nonce: first.nonce });
    // The new subscription is answered, without the namespace it may not read.
    const second = await c.next();
    expect(second.resources.map((r) => unpack(r).name)).toEqual(['greeter.app:grpc']);
    const warning = await log.waitFor((line) => /left out of this stream/.test(line.msg), 'the warning that names the refused namespace');
    expect(warning.msg).toMatch(/namespace "payments".*system:serviceaccount:app:web.*list.*endpointslices.*payments/);
    // ACKs within the recheck window ask nothing of the API server and end nothing.
    const reviews = harness.reviews.length;
    c.send({ type_url: TYPES.listener, resource_names: ['greeter.app:grpc', 'ledger.payments:grpc'], version_info: second.version_info, response_nonce: second.nonce });
    // A barrier: requests are handled in order (one under review holds back
    // the next), so the answer to this one says the ACK before it was handled.
    c.send({ type_url: TYPES.cluster, resource_names: ['greeter.app:grpc'] });
    const barrier = await c.next();
    expect(barrier.type_url).toBe(TYPES.cluster);
    expect(harness.reviews.length).toBe(reviews);
    expect(c.unread).toBe(0);
    // Granted: the first request after the recheck window is served both.
    revokePayments = harness.grantAccess(listSlicesRule(WEB, 'payments'));
    clock.advance(DENIED_NAMESPACE_RECHECK_MS);
    c.send({ type_url: TYPES.listener, resource_names: ['greeter.app:grpc', 'ledger.payments:grpc'], version_info: second.version_info, response_nonce: second.nonce });
    const third = await c.next();
    expect(third.resources.map((r) => unpack(r).name).sort()).toEqual(['greeter.app:grpc', 'ledger.payments:grpc']);
  } finally {
    revokePayments?.();
    revoke();
  }
});

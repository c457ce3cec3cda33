// An open ADS stream under --caller-auth is authorized again when the allows
// it holds expire (a clock the test advances): a namespace the caller may no
// longer read is left out of the next answer, as one refused at first, and
// the stream goes on for the rest; when the caller may read none of its
// namespaces any more, the stream ends PERMISSION_DENIED.

import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { issueToken, listSlicesRule, startCallerAuthControlPlane, type CallerAuthControlPlane } from '../support/caller-auth-control-plane.js';
import { KubernetesApiHarness } from '../support/kubernetes-api-harness.js';
import { ManualClock } from '../support/manual-clock.js';
import { RawAdsClient, TYPES, unpack, type DiscoveryResponse } from '../support/raw-ads-client.js';

const WEB = 'system:serviceaccount:app:web';
const TTL_MS = 60_000;
const SERVICES = [
  { name: 'ledger', namespace: 'payments', ports: [{ name: 'grpc', port: 50051, backends: [{ host: '127.11.0.1', port: 8080 }] }] },
  { name: 'greeter', namespace: 'app', ports: [{ name: 'grpc', port: 50051, backends: [{ host: '127.12.0.1', port: 8080 }] }] },
];
const LISTENERS = ['greeter.app:grpc', 'ledger.payments:grpc'];

let harness: KubernetesApiHarness;
let clock: ManualClock;
let cp: CallerAuthControlPlane;

beforeAll(async () => {
  harness = await KubernetesApiHarness.start();
  clock = new ManualClock();
  cp = await startCallerAuthControlPlane({ harness, services: SERVICES, cacheTtlMs: TTL_MS, clock });
});
afterAll(async () => {
  await cp?.close();
  await harness?.close();
});

const names = (response: DiscoveryResponse) => response.resources.map((r) => unpack(r).name as string).sort();

it('leaves a namespace whose access was revoked out of the next answer, goes on for the rest, and ends PERMISSION_DENIED when no access is left', async () => {
  const revokeApp = harness.grantAccess(listSlicesRule(WEB, 'app'));
  const revokePayments = harness.grantAccess(listSlicesRule(WEB, 'payments'));
  const c = new RawAdsClient(cp.address, { authorization: `Bearer ${issueToken(harness, WEB)}` });
  try {
    c.send({ node: { id: 'web-0', locality: {} }, type_url: TYPES.listener, resource_names: LISTENERS });
    const first = await c.next();
    expect(names(first)).toEqual(LISTENERS);
    c.send({ type_url: TYPES.listener, resource_names: LISTENERS, version_info: first.version_info, response_nonce: first.nonce });

    // Within the TTL nothing is asked again.
    revokePayments();
    const reviews = harness.reviewsOf('subjectaccessreviews').length;
    clock.advance(TTL_MS - 1);
    expect(harness.reviewsOf('subjectaccessreviews').length).toBe(reviews);
    // The allows expire: both namespaces are reviewed again; payments is gone from the next answer.
    clock.advance(1);
    const second = await c.next();
    expect(names(second)).toEqual(['greeter.app:grpc']);
    expect(cp.controlPlane.server.xds.size).toBe(1);
    c.send({ type_url: TYPES.listener, resource_names: LISTENERS, version_info: second.version_info, response_nonce: second.nonce });

    // The last namespace goes too: the stream ends, saying why.
    revokeApp();
    clock.advance(TTL_MS);
    const ended = await c.status();
    expect(ended.code).toBe(status.PERMISSION_DENIED);
    expect((ended as { details?: string }).details).toMatch(/may not list endpointslices\.discovery\.k8s\.io in namespace "app".*checked again while the stream was open, for xDS resources of namespace "app"/);
  } finally {
    revokeApp();
    revokePayments();
    c.close();
  }
});

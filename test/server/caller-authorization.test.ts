// Caller authorization (--caller-auth kubernetes) through real parts: a real
// control plane on 127.0.0.1 whose authorizer asks the API harness over HTTP
// through the real @kubernetes/client-node (TokenReview, SubjectAccessReview),
// and real grpc-js clients that send (or do not send) a bearer token.

import { credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { rm } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LoadBalancerStub, type ServersUpdate } from 'grpc-lookaside-client';
import { ReloadingServerCredentials } from '../../src/server/shared/tls-credentials.js';
import { capturedLogger, type CapturedLogger } from '../support/captured-logger.js';
import { checkHealth, healthClient } from '../support/health-client.js';
import { KubernetesApiHarness } from '../support/kubernetes-api-harness.js';
import { issueToken, listSlicesRule, startCallerAuthControlPlane, type CallerAuthControlPlane } from '../support/caller-auth-control-plane.js';
import { createAuthority, issue, pemDirectory } from '../support/test-certificates.js';
import { testLogger } from '../support/test-logger.js';
import { WatchRecorder } from '../support/watch-recorder.js';
import { waitFor } from '../support/wait-until.js';
import { ManualClock } from '../support/manual-clock.js';
import { MAX_DENIAL_TTL_MS } from '../../src/server/shared/caller-authorization/caller-authorizer.js';
import { RECHECK_RETRY_MS } from '../../src/server/shared/caller-authorization/open-stream-authorization.js';

const SERVICES = [
  { name: 'ledger', namespace: 'payments', ports: [{ name: 'grpc', port: 50051, backends: [{ host: '127.11.0.1', port: 8080 }] }] },
  { name: 'greeter', namespace: 'app', ports: [{ name: 'grpc', port: 50051, backends: [{ host: '127.12.0.1', port: 8080 }] }] },
];
const LEDGER = { service: 'ledger.payments', port: 'grpc' };
const GREETER = { service: 'greeter.app', port: 'grpc' };

const WEB = 'system:serviceaccount:app:web';
const listSlices = listSlicesRule;
/** The cache TTL of the tests that run on a manual clock. */
const TTL_MS = 60_000;

let harness: KubernetesApiHarness;
const token = (username = WEB, audiences?: string[]) => issueToken(harness, username, audiences);

function start(options: { cacheTtlMs?: number; timeoutMs?: number; logger?: CapturedLogger; credentials?: ReloadingServerCredentials; clock?: ManualClock } = {}): Promise<CallerAuthControlPlane> {
  return startCallerAuthControlPlane({
    harness,
    services: SERVICES,
    ...(options.cacheTtlMs !== undefined && { cacheTtlMs: options.cacheTtlMs }),
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
    ...(options.logger && { logger: options.logger.logger }),
    ...(options.credentials && { credentials: options.credentials }),
    ...(options.clock && { clock: options.clock }),
  });
}

const get = (stub: LoadBalancerStub, query: { service: string; port: string }, token?: string): Promise<ServersUpdate | ServiceError> =>
  stub.getServers(query, 5_000, token === undefined ? {} : { token }).catch((error: unknown) => error as ServiceError);

beforeAll(async () => {
  harness = await KubernetesApiHarness.start();
});
afterAll(() => harness.close());

describe('--caller-auth kubernetes', () => {
  let cp: CallerAuthControlPlane;
  beforeEach(async () => {
    harness.reviews.length = 0;
    cp = await start();
  });
  afterEach(() => cp.close());

  it('answers a call without a token UNAUTHENTICATED, saying what to send, and asks the API server nothing', async () => {
    const error = await get(cp.stub, LEDGER);
    expect(error).toMatchObject({ code: status.UNAUTHENTICATED });
    expect((error as ServiceError).details).toMatch(/the call has no "authorization" metadata.*send the metadata "authorization: Bearer <token>" with a projected ServiceAccount token whose audience is "lookaside"/);
    expect((error as ServiceError).details).toMatch(/LOOKASIDE_TOKEN_FILE.*--token-file/);
    expect(harness.reviews).toEqual([]);
  });

  it.each([
    ['an unknown token', () => 'not-a-token', /did not accept the caller's token \(\[invalid bearer token/],
    ['a token for the API server, not for lookaside', () => token(WEB, ['https://kubernetes.default.svc.cluster.local']), /token audiences \["https:\/\/kubernetes\.default\.svc\.cluster\.local"\] is invalid for the target audiences \["lookaside"\]/],
    [
      'an expired token',
      () => {
        harness.addToken('expired-token', { username: WEB, audiences: ['lookaside'], expired: true });
        return 'expired-token';
      },
      /service account token has expired/,
    ],
  ])('answers %s UNAUTHENTICATED with the API server\'s reason', async (_what, makeToken, reason) => {
    const error = await get(cp.stub, LEDGER, makeToken());
    expect(error).toMatchObject({ code: status.UNAUTHENTICATED });
    expect((error as ServiceError).details).toMatch(reason);
    expect(harness.reviewsOf('tokenreviews')).toHaveLength(1);
    expect(harness.reviewsOf('tokenreviews')[0]!.spec.audiences).toEqual(['lookaside']);
    expect(harness.reviewsOf('subjectaccessreviews')).toEqual([]);
  });

  it('answers a malformed authorization header UNAUTHENTICATED', async () => {
    const metadata = new Metadata();
    metadata.set('authorization', 'Basic dXNlcjpwYXNz');
    const error = await new Promise<ServiceError>((resolve) => cp.stub.raw.GetServers({ target: LEDGER }, metadata, { deadline: Date.now() + 5_000 }, (e) => resolve(e!)));
    expect(error.code).toBe(status.UNAUTHENTICATED);
    expect(error.details).toMatch(/is not "Bearer <token>"/);
  });

  it('answers an authenticated caller without the RBAC rule PERMISSION_DENIED, naming the caller, the rule and the namespace', async () => {
    const error = await get(cp.stub, LEDGER, token());
    expect(error).toMatchObject({ code: status.PERMISSION_DENIED });
    expect((error as ServiceError).details).toMatch(
      /^system:serviceaccount:app:web may not list endpointslices\.discovery\.k8s\.io in namespace "payments" \(lookaside authorizes each target as that RBAC rule; grant it with a Role in "payments" .* bound to ServiceAccount app\/web by a RoleBinding\)/,
    );
    const [review] = harness.reviewsOf('subjectaccessreviews');
    expect(review!.spec).toMatchObject({
      user: WEB,
      groups: expect.arrayContaining(['system:serviceaccounts:app', 'system:authenticated']),
      resourceAttributes: { namespace: 'payments', verb: 'list', group: 'discovery.k8s.io', resource: 'endpointslices' },
    });
  });

  it('serves a caller allowed in the target\'s namespace, and only there (GetServers and WatchServers)', async () => {
    const revoke = harness.grantAccess(listSlices(WEB, 'payments'));
    try {
      const caller = token();
      expect(await get(cp.stub, LEDGER, caller)).toMatchObject({ exists: true, servers: [{ address: '127.11.0.1:8080' }] });
      expect(await get(cp.stub, GREETER, caller)).toMatchObject({ code: status.PERMISSION_DENIED });

      const watch = new WatchRecorder(cp.stub, LEDGER, { token: caller });
      await watch.waitForAddresses(['127.11.0.1:8080']);
      const refused = new WatchRecorder(cp.stub, GREETER, { token: caller });
      await refused.waitFor((r) => r.error !== undefined);
      expect(refused.error!.code).toBe(status.PERMISSION_DENIED);
      const anonymous = new WatchRecorder(cp.stub, LEDGER);
      await anonymous.waitFor((r) => r.error !== undefined);
      expect(anonymous.error!.code).toBe(status.UNAUTHENTICATED);
      // Refused streams hold no place in the stream limits.
      await waitFor('only the allowed stream is counted', () => cp.controlPlane.server.loadBalancer.watchLimits.open === 1);
      watch.close();
    } finally {
      revoke();
    }
  });

  it('holds load reports (ReportLoad) to the rule of WatchServers: a report naming a namespace the caller may not read ends the stream', async () => {
    const revoke = harness.grantAccess(listSlices(WEB, 'payments'));
    const calls: { cancel(): void }[] = [];
    /** Opens ReportLoad and reports 5 calls to `target`; resolves with the stream's status if it ends. */
    const report = (target: { service: string; port: string }, caller?: string) =>
      new Promise<{ code: number; details: string }>((resolve) => {
        const call = cp.stub.reportLoad(caller === undefined ? {} : { token: caller });
        calls.push(call);
        call.on('error', () => {});
        call.on('status', resolve);
        call.write({ client: { clientId: 'auth-reporter' }, targets: [] });
        call.write({ targets: [{ target, backends: [{ address: '127.11.0.1:8080', succeededCalls: 5, failedCalls: 0, issuedCalls: 5, inProgressCalls: 0 }] }] });
      });
    const load = (cluster: string) => cp.controlPlane.observer.snapshot().services.find((service) => service.cluster === cluster)?.succeeded ?? 0;
    try {
      const caller = token();
      void report(LEDGER, caller);
      await waitFor('the allowed report in the observer', () => load('ledger.payments:50051') === 5);
      expect(await report(GREETER, caller)).toMatchObject({ code: status.PERMISSION_DENIED, details: expect.stringMatching(/may not list endpointslices.* in namespace "app".*\(a load report for namespace app\)$/) });
      expect(await report(LEDGER)).toMatchObject({ code: status.UNAUTHENTICATED });
      expect(load('greeter.app:50051')).toBe(0);
      expect(load('ledger.payments:50051')).toBe(5);
    } finally {
      for (const call of calls) call.cancel();
      revoke();
    }
  });

  it('allows through a group, as a RoleBinding to system:serviceaccounts:<namespace> does', async () => {
    const revoke = harness.grantAccess(listSlices('system:serviceaccounts:app', 'app'));
    try {
      expect(await get(cp.stub, GREETER, token())).toMatchObject({ exists: true });
    } finally {
      revoke();
    }
  });

  it('reuses reviews from the cache and joins identical reviews in flight', async () => {
    const revoke = harness.grantAccess(listSlices(WEB, 'payments'));
    try {
      const caller = token();
      const answers = await Promise.all(Array.from({ length: 20 }, () => get(cp.stub, LEDGER, caller)));
      expect(answers.every((a) => 'exists' in a)).toBe(true);
      expect(await get(cp.stub, LEDGER, caller)).toMatchObject({ exists: true });
      expect(harness.reviewsOf('tokenreviews')).toHaveLength(1);
      expect(harness.reviewsOf('subjectaccessreviews')).toHaveLength(1);
      // A second namespace needs its own access review, not another token review.
      expect(await get(cp.stub, GREETER, caller)).toMatchObject({ code: status.PERMISSION_DENIED });
      expect(harness.reviewsOf('tokenreviews')).toHaveLength(1);
      expect(harness.reviewsOf('subjectaccessreviews')).toHaveLength(2);
    } finally {
      revoke();
    }
  });

  it('leaves health open: probes need no token', async () => {
    const health = healthClient(cp.address);
    try {
      expect(await checkHealth(health)).toBe('SERVING');
      expect(await checkHealth(health, 'lookaside.v1.LoadBalancer')).toBe('SERVING');
    } finally {
      health.close();
    }
  });

  it('counts decisions and where reviews came from in the metrics', async () => {
    const revoke = harness.grantAccess(listSlices(WEB, 'payments'));
    try {
      const caller = token();
      await get(cp.stub, LEDGER, caller);
      await get(cp.stub, LEDGER, caller);
      await get(cp.stub, GREETER, caller);
      await get(cp.stub, LEDGER);
      const text = await (await fetch(`http://127.0.0.1:${cp.controlPlane.metricsPort}/metrics`)).text();
      const sample = (name: string) => Number(new RegExp(`^${name.replace(/[{}"]/g, (c) => `\\${c}`)} (\\S+)$`, 'm').exec(text)?.[1]);
      expect(sample('lookaside_caller_auth_decisions_total{decision="allowed"}')).toBe(2);
      expect(sample('lookaside_caller_auth_decisions_total{decision="denied"}')).toBe(1);
      expect(sample('lookaside_caller_auth_decisions_total{decision="unauthenticated"}')).toBe(1);
      expect(sample('lookaside_caller_auth_decisions_total{decision="error"}')).toBe(0);
      expect(sample('lookaside_caller_auth_reviews_total{review="token",source="api_server"}')).toBe(1);
      expect(sample('lookaside_caller_auth_reviews_total{review="token",source="cache"}')).toBe(2);
      expect(sample('lookaside_caller_auth_reviews_total{review="access",source="api_server"}')).toBe(2);
      expect(sample('lookaside_caller_auth_reviews_total{review="access",source="cache"}')).toBe(1);
    } finally {
      revoke();
    }
  });
});

describe('revocation and the cache TTL', () => {
  it('a revoked rule takes effect on new calls once the TTL has passed, and ends a stream already open PERMISSION_DENIED then', async () => {
    const clock = new ManualClock();
    const cp = await start({ cacheTtlMs: TTL_MS, clock });
    const revoke = harness.grantAccess(listSlices(WEB, 'payments'));
    try {
      const caller = token();
      expect(await get(cp.stub, LEDGER, caller)).toMatchObject({ exists: true });
      const watch = new WatchRecorder(cp.stub, LEDGER, { token: caller });
      await watch.waitForAddresses(['127.11.0.1:8080']);
      revoke();
      // Within the TTL the cached allow still holds, for new calls and the open stream.
      clock.advance(TTL_MS - 1);
      expect(await get(cp.stub, LEDGER, caller)).toMatchObject({ exists: true });
      expect(cp.controlPlane.server.loadBalancer.fanout.size).toBe(1);
      // The allow expires: the open stream is authorized again, and ended.
      clock.advance(1);
      await watch.waitFor((r) => r.error !== undefined);
      expect(watch.error!.code).toBe(status.PERMISSION_DENIED);
      expect(watch.error!.details).toMatch(/^system:serviceaccount:app:web may not list endpointslices\.discovery\.k8s\.io in namespace "payments".*\(checked again while the stream was open\)$/);
      expect(((await get(cp.stub, LEDGER, caller)) as ServiceError).code).toBe(status.PERMISSION_DENIED);
      // A fix is seen as soon too: denials are kept at most 5 s.
      const again = harness.grantAccess(listSlices(WEB, 'payments'));
      clock.advance(MAX_DENIAL_TTL_MS);
      expect(await get(cp.stub, LEDGER, caller)).toMatchObject({ exists: true });
      again();
    } finally {
      revoke();
      await cp.close();
    }
  });

  it('authorizes an open stream again each time its allow expires, and it goes on while the caller may read', async () => {
    const clock = new ManualClock();
    const cp = await start({ cacheTtlMs: TTL_MS, clock });
    const revoke = harness.grantAccess(listSlices(WEB, 'payments'));
    try {
      const watch = new WatchRecorder(cp.stub, LEDGER, { token: token() });
      await watch.waitForAddresses(['127.11.0.1:8080']);
      for (let round = 1; round <= 2; round++) {
        const reviews = harness.reviewsOf('subjectaccessreviews').length;
        const timers = clock.timers;
        clock.advance(TTL_MS);
        await waitFor(`recheck ${round} to ask the API server`, () => harness.reviewsOf('subjectaccessreviews').length === reviews + 1);
        // The answer, not just the question, must be in before the clock moves
        // on: the next recheck's timer is set when the allow comes back, and
        // a timer set after the advance would fall due a whole TTL later.
        await waitFor(`recheck ${round}'s answer to set the next recheck`, () => clock.timers === timers);
      }
      // Still served: a change reaches it.
      cp.controlPlane.registry.upsert({ ...SERVICES[0]!, ports: [{ name: 'grpc', port: 50051, backends: [{ host: '127.11.0.2', port: 8080 }] }] });
      await watch.waitForAddresses(['127.11.0.2:8080']);
      expect(watch.error).toBeUndefined();
      watch.close();
    } finally {
      revoke();
      await cp.close();
    }
  });

  it('keeps an open stream while its recheck cannot be decided (the API server is down), and asks again soon', async () => {
    const clock = new ManualClock();
    const cp = await start({ cacheTtlMs: TTL_MS, clock, timeoutMs: 300 });
    const revoke = harness.grantAccess(listSlices(WEB, 'payments'));
    const errors = async () => Number(/lookaside_caller_auth_decisions_total\{decision="error"\} (\d+)/.exec(await (await fetch(`http://127.0.0.1:${cp.controlPlane.metricsPort}/metrics`)).text())?.[1]);
    try {
      const watch = new WatchRecorder(cp.stub, LEDGER, { token: token() });
      await watch.waitForAddresses(['127.11.0.1:8080']);
      harness.goDown();
      clock.advance(TTL_MS);
      await expect.poll(errors, { timeout: 5_000 }).toBe(1);
      expect(cp.controlPlane.server.loadBalancer.fanout.size).toBe(1);
      harness.up();
      const reviews = harness.reviewsOf('subjectaccessreviews').length;
      clock.advance(RECHECK_RETRY_MS);
      await waitFor('the retried recheck to ask the API server', () => harness.reviewsOf('subjectaccessreviews').length === reviews + 1);
      expect(cp.controlPlane.server.loadBalancer.fanout.size).toBe(1);
      expect(watch.error).toBeUndefined();
      watch.close();
    } finally {
      harness.up();
      revoke();
      await cp.close();
    }
  });

  it('never keeps a token past its own expiry (the exp claim of a JWT)', async () => {
    const cp = await start({ cacheTtlMs: 60_000 });
    const revoke = harness.grantAccess(listSlices(WEB, 'payments'));
    try {
      const payload = Buffer.from(JSON.stringify({ sub: WEB, exp: Math.floor(Date.now() / 1000) + 1 })).toString('base64url');
      const jwt = `eyJhbGciOiJSUzI1NiJ9.${payload}.signature`;
      harness.addToken(jwt, { username: WEB, audiences: ['lookaside'] });
      harness.reviews.length = 0;
      expect(await get(cp.stub, LEDGER, jwt)).toMatchObject({ exists: true });
      harness.addToken(jwt, { username: WEB, audiences: ['lookaside'], expired: true });
      await expect.poll(async () => ((await get(cp.stub, LEDGER, jwt)) as ServiceError).code, { timeout: 5_000, interval: 100 }).toBe(status.UNAUTHENTICATED);
      expect(harness.reviewsOf('tokenreviews').length).toBeGreaterThanOrEqual(2);
    } finally {
      revoke();
      await cp.close();
    }
  });
});

describe('when the API server cannot answer', () => {
  it.each([
    ['it is down', () => harness.goDown(), () => harness.up(), /cannot reach the API server|connection to the API server broke/],
    ['it answers 500', () => harness.failReviews(500), () => harness.failReviews(undefined), /HTTP 500/],
    ['it never answers', () => harness.failReviews('stall'), () => harness.failReviews(undefined), /did not answer a tokenreviews\.authentication\.k8s\.io request within 300 ms/],
  ])('fails closed with UNAVAILABLE when %s, keeps serving, and recovers', async (_what, fault, heal, reason) => {
    const cp = await start({ timeoutMs: 300 });
    const revoke = harness.grantAccess(listSlices(WEB, 'payments'));
    try {
      const caller = token();
      fault();
      const error = await get(cp.stub, LEDGER, caller);
      expect(error).toMatchObject({ code: status.UNAVAILABLE });
      expect((error as ServiceError).details).toMatch(/cannot check this caller's access right now/);
      expect((error as ServiceError).details).toMatch(reason);
      const watch = new WatchRecorder(cp.stub, LEDGER, { token: caller });
      await watch.waitFor((r) => r.error !== undefined);
      expect(watch.error!.code).toBe(status.UNAVAILABLE);
      heal();
      // Failures are not cached: the next call asks again.
      expect(await get(cp.stub, LEDGER, caller)).toMatchObject({ exists: true });
    } finally {
      heal();
      revoke();
      await cp.close();
    }
  });

  it('names the missing permission of the control plane itself (system:auth-delegator) in its log when the API server forbids reviews', async () => {
    const logger = capturedLogger();
    const cp = await start({ logger });
    try {
      harness.failReviews(403);
      const error = await get(cp.stub, LEDGER, token());
      expect(error).toMatchObject({ code: status.UNAVAILABLE });
      const line = await logger.waitFor((l) => /caller authorization failed/.test(l.msg), 'the failure logged');
      expect(line.msg).toMatch(/may not create tokenreviews\.authentication\.k8s\.io: bind its ServiceAccount to the ClusterRole system:auth-delegator/);
    } finally {
      harness.failReviews(undefined);
      await cp.close();
    }
  });
});

describe('with mutual TLS', () => {
  it('needs both: a client certificate admits the connection, the token authorizes the call', async () => {
    const pem = await pemDirectory();
    const ca = await createAuthority('Caller Auth CA');
    const [server, client] = await Promise.all([issue(ca, 'control-plane', 'server'), issue(ca, 'web', 'client')]);
    const files = { certFile: await pem.write('tls.crt', server.certPem), keyFile: await pem.write('tls.key', server.keyPem), clientCaFile: await pem.write('ca.crt', ca.certPem) };
    const tls = await ReloadingServerCredentials.create(files, testLogger(), 0);
    const cp = await start({ credentials: tls });
    const revoke = harness.grantAccess(listSlices(WEB, 'payments'));
    const mtls = new LoadBalancerStub(cp.address, credentials.createSsl(Buffer.from(ca.certPem), Buffer.from(client.keyPem), Buffer.from(client.certPem)), { 'grpc.use_local_subchannel_pool': 1 });
    const noCert = new LoadBalancerStub(cp.address, credentials.createSsl(Buffer.from(ca.certPem)), { 'grpc.use_local_subchannel_pool': 1 });
    try {
      expect(await get(mtls, LEDGER, token())).toMatchObject({ exists: true });
      const missingToken = await get(mtls, LEDGER);
      expect(missingToken).toMatchObject({ code: status.UNAUTHENTICATED });
      // Without a client certificate the connection itself is refused, token or not.
      expect(await get(noCert, LEDGER, token())).toMatchObject({ code: status.UNAVAILABLE });
    } finally {
      mtls.close();
      noCert.close();
      revoke();
      tls.stop();
      await cp.close();
      await rm(pem.dir, { recursive: true, force: true });
    }
  });
});

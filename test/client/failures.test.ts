// What calls see when something is wrong: an unknown service, a service with
// no ready endpoints, a malformed target, a control plane that is not there
// at start, one that dies while calls flow, and backends that come and go.

import { status, type ServiceError } from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { registerLookaside, type LookasideOptions, type LookasideRegistration } from 'grpc-lookaside-client';
import type { FileService } from '../support/file-control-plane.js';
import { IdentityClient, startIdentityBackend, startIdentityBackends, waitFor, type IdentityBackend } from '../support/identity-backends.js';
import { freePort } from '../support/free-port.js';
import { restartableControlPlane, type RestartableControlPlane } from '../support/restartable-control-plane.js';

function service(name: string, backends: { address: string; weight?: number }[]): FileService {
  return { name, namespace: 'test', ports: [{ name: 'grpc', port: 8080, backends }] };
}

/** Fast reconnects, so tests wait on conditions that come quickly. */
const QUICK: LookasideOptions = { startTimeoutMs: 300, reconnectBackoff: { initialMs: 20, maxMs: 200 } };

async function callError(client: IdentityClient, options: { waitForReady?: boolean; timeoutMs?: number } = {}): Promise<ServiceError> {
  try {
    const backend = await client.who(options);
    throw new Error(`the call succeeded on ${backend}`);
  } catch (error) {
    return error as ServiceError;
  }
}

/** Calls in a loop with `concurrency` in flight until stopped; counts answers per backend and failures. */
function callsFlowing(client: IdentityClient, concurrency = 8) {
  const counts = new Map<string, number>();
  const failures: ServiceError[] = [];
  let total = 0;
  let running = true;
  const worker = async () => {
    while (running) {
      try {
        const backend = await client.who({ timeoutMs: 10_000 });
        counts.set(backend, (counts.get(backend) ?? 0) + 1);
        total++;
      } catch (error) {
        failures.push(error as ServiceError);
      }
    }
  };
  const done = Promise.all(Array.from({ length: concurrency }, worker));
  return {
    counts,
    failures,
    get total() {
      return total;
    },
    /** Resolves once `n` more calls have succeeded. */
    async succeed(n: number, what: string) {
      const target = total + n;
      await waitFor(what, () => total >= target, 20_000, 5);
    },
    async stop() {
      running = false;
      await done;
    },
  };
}

let backends: IdentityBackend[];
let cp: RestartableControlPlane;
const clients: IdentityClient[] = [];
function client(target: string): IdentityClient {
  const created = new IdentityClient(target);
  clients.push(created);
  return created;
}

const registrations: LookasideRegistration[] = [];
/** Each test registers afresh; afterEach closes the registration so the next may claim the scheme. */
function register(options: LookasideOptions): LookasideRegistration {
  const registration = registerLookaside(options);
  registrations.push(registration);
  return registration;
}

beforeAll(async () => {
  backends = await startIdentityBackends(3, 'steady');
  cp = await restartableControlPlane([service('steady', backends.map((b) => ({ address: b.address }))), service('empty', [])]);
  await cp.start();
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  for (const r of registrations.splice(0)) r.close();
});
afterAll(async () => {
  await cp?.close();
  await Promise.all(backends.map((b) => b.stop()));
});

describe('errors calls see', () => {
  it('an unknown service (exists=false): UNAVAILABLE saying the control plane does not know it', async () => {
    register({ ...QUICK, controlPlane: cp.address });
    const error = await callError(client('lookaside:///missing.test:grpc'));
    expect(error.code).toBe(status.UNAVAILABLE);
    expect(error.details).toContain('missing.test port grpc is unknown to the control plane');
  });

  it('zero ready endpoints: fails fast with UNAVAILABLE naming the service, unless the call waits for ready', async () => {
    register({ ...QUICK, controlPlane: cp.address });
    const c = client('lookaside:///empty.test:grpc');
    const error = await callError(c);
    expect(error.code).toBe(status.UNAVAILABLE);
    expect(error.details).toContain('empty.test port grpc has no ready endpoints');

    const waiting = c.who({ waitForReady: true, timeoutMs: 10_000 });
    const late = await startIdentityBackend('late');
    try {
      await cp.write([service('steady', backends.map((b) => ({ address: b.address }))), service('empty', [{ address: late.address }])]);
      await expect(waiting).resolves.toBe('late');
    } finally {
      await cp.write([service('steady', backends.map((b) => ({ address: b.address }))), service('empty', [])]);
      await late.stop();
    }
  });

  it('a malformed target: the client constructor throws, naming the rule', () => {
    register({ ...QUICK, controlPlane: cp.address });
    const cases: [string, RegExp][] = [
      ['lookaside:///Greeter.default:grpc', /service name "Greeter" is not valid: a Service name is an RFC 1035 label/],
      ['lookaside:///greeter:grpc', /must be "name.namespace" with exactly one dot/],
      ['lookaside:///greeter.default', /the port is missing/],
      ['lookaside:///greeter.default:70000', /port number 70000 is out of range: a port number is from 1 to 65535/],
      ['lookaside:///greeter.default:grpc--x', /IANA service name/],
      ['lookaside:///greeter.Default_ns:grpc', /namespace "Default_ns" is not valid: a namespace is an RFC 1123 label/],
      [`lookaside:///${'a'.repeat(64)}.default:grpc`, /64 characters; at most 63/],
      ['lookaside://control-plane:50051/greeter.default:grpc', /takes no authority/],
    ];
    for (const [target, message] of cases) {
      expect(() => new IdentityClient(target), target).toThrow(message);
    }
  });
});

describe('the control plane', () => {
  it('unreachable at start, no fallback: calls fail with UNAVAILABLE after the start wait, then work once it comes up', async () => {
    const absent = await restartableControlPlane([service('later', [{ address: backends[0]!.address }])], await freePort());
    try {
      register({ ...QUICK, controlPlane: absent.address });
      const c = client('lookaside:///later.test:grpc');
      const error = await callError(c, { timeoutMs: 5_000 });
      expect(error.code).toBe(status.UNAVAILABLE);
      expect(error.details).toContain(`cannot resolve later.test:grpc: the control plane at ${absent.address} sent no server list within 300 ms`);
      await absent.start();
      await waitFor('calls to succeed once the control plane is up', async () => (await c.who().catch(() => '')) === backends[0]!.name);
    } finally {
      await absent.close();
    }
  });

  it('unreachable at start, with a fallback target: calls go to the fallback until the control plane answers', async () => {
    const absent = await restartableControlPlane([service('fallback', [{ address: backends[1]!.address }])], await freePort());
    try {
      register({ ...QUICK, controlPlane: absent.address, fallbackTarget: () => `ipv4:127.0.0.1:${backends[0]!.port}` });
      const c = client('lookaside:///fallback.test:grpc');
      await expect(c.who({ timeoutMs: 5_000 })).resolves.toBe(backends[0]!.name);
      await absent.start();
      await waitFor('the channel to leave the fallback for the control plane list', async () => (await c.who()) === backends[1]!.name);
      const { counts, failures } = await c.spread(50, 4);
      expect(failures).toEqual([]);
      expect([...counts.keys()]).toEqual([backends[1]!.name]);
    } finally {
      await absent.close();
    }
  });

  it('a template fallback fills in the target parts', async () => {
    const absent = await freePort();
    register({ ...QUICK, controlPlane: `127.0.0.1:${absent}`, fallbackTarget: 'ipv4:127.0.0.1:{port}' });
    const c = client(`lookaside:///anything.test:${backends[2]!.port}`);
    await expect(c.who({ timeoutMs: 5_000 })).resolves.toBe(backends[2]!.name);
  });

  it('killed while calls flow: 0 failed calls; a restarted control plane is picked up again', async () => {
    register({ ...QUICK, controlPlane: cp.address });
    const c = client('lookaside:///steady.test:grpc');
    const flow = callsFlowing(c);
    const extra = await startIdentityBackend('after-restart');
    try {
      await flow.succeed(300, 'calls before the kill');
      await cp.stop(200);
      await flow.succeed(1_000, 'calls while the control plane is down');
      // The control plane comes back with one more backend: the client must see it.
      await cp.write([service('steady', [...backends, extra].map((b) => ({ address: b.address }))), service('empty', [])]);
      await cp.start();
      await waitFor('calls to reach the backend added while the control plane was down', () => extra.calls > 0, 15_000);
      await flow.succeed(300, 'calls after the restart');
    } finally {
      await flow.stop();
      await cp.start();
      await cp.write([service('steady', backends.map((b) => ({ address: b.address }))), service('empty', [])]);
      await extra.stop();
    }
    expect(flow.failures).toEqual([]);
    for (const b of backends) expect(flow.counts.get(b.name), b.name).toBeGreaterThan(0);
  });
});

describe('backends added and removed while calls flow', () => {
  it('fails no call', async () => {
    register({ ...QUICK, controlPlane: cp.address });
    const pool = await startIdentityBackends(4, 'churn');
    const [a, b, c2, d] = pool as [IdentityBackend, IdentityBackend, IdentityBackend, IdentityBackend];
    const write = (list: IdentityBackend[]) => cp.write([service('steady', backends.map((x) => ({ address: x.address }))), service('empty', []), service('churn', list.map((x) => ({ address: x.address })))]);
    await write([a, b]);
    const c = client('lookaside:///churn.test:grpc');
    const flow = callsFlowing(c);
    /** Removes `gone` from the list, waits until it gets no more calls, then shuts it down. */
    const retire = async (list: IdentityBackend[], gone: IdentityBackend) => {
      await write(list);
      await waitFor(`${gone.name} to stop getting calls`, async () => {
        const before = gone.calls;
        await flow.succeed(100, 'calls after the removal');
        return gone.calls === before;
      });
      await gone.stop();
    };
    try {
      await flow.succeed(200, 'calls to the first two backends');
      await write([a, b, c2]);
      await waitFor('calls to reach the added backend', () => c2.calls > 0);
      await retire([b, c2], a);
      await write([b, c2, d]);
      await waitFor('calls to reach the second added backend', () => d.calls > 0);
      await retire([c2, d], b);
      await flow.succeed(300, 'calls after the churn');
    } finally {
      await flow.stop();
      await Promise.all(pool.map((x) => x.stop()));
    }
    expect(flow.failures).toEqual([]);
    expect(flow.counts.get('churn-3')).toBeGreaterThan(0);
  });
});

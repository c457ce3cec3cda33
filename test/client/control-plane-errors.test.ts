// What the client says when its control plane is given wrongly: an address
// that is no gRPC target fails registerLookaside at once, naming what is
// allowed; a TLS client meeting a plaintext control plane, or a plaintext
// client meeting a TLS one, fails its calls with an error that says TLS.
// Real control planes (TLS from generated certificates, and plaintext) and
// real grpc-js channels on 127.0.0.1.

import { credentials, status, type ServiceError } from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CONTROL_PLANE_ENV, LookasideOptionsError, registerLookaside, type LookasideRegistration } from 'grpc-lookaside-client';
import { startFileControlPlane, type FileControlPlane } from '../support/file-control-plane.js';
import { IdentityClient } from '../support/identity-backends.js';
import { createAuthority, issue, pemDirectory, type Authority } from '../support/test-certificates.js';
import { startTlsControlPlane, type TlsControlPlane } from '../support/tls-control-plane.js';

const registrations: LookasideRegistration[] = [];
const clients: IdentityClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
  for (const registration of registrations.splice(0)) registration.close();
});

describe('the control plane address', () => {
  it.each([
    ['127.0.0.1:notaport', 'the port "notaport" is not a number'],
    [':::', '":::" is neither a host name nor an IPv6 address'],
    ['http://127.0.0.1:50051', 'has the scheme "http", which gRPC does not resolve'],
    ['127.0.0.1:70000', 'has the port 70000; a port is from 1 to 65535'],
    ['ipv4:localhost:50051', '"localhost" is not an IPv4 address'],
  ])('%s is refused at once, naming what is wrong and what is allowed', (controlPlane, problem) => {
    let thrown: unknown;
    try {
      registrations.push(registerLookaside({ controlPlane }));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(LookasideOptionsError);
    expect((thrown as Error).message).toContain(problem);
    expect((thrown as Error).message).toContain('"host:port" (for example "lookaside.lookaside.svc:50051"');
  });

  it('from the environment too, saying so', () => {
    const before = process.env[CONTROL_PLANE_ENV];
    process.env[CONTROL_PLANE_ENV] = 'https://lookaside.example:443';
    try {
      expect(() => registrations.push(registerLookaside({}))).toThrow(`(it came from ${CONTROL_PLANE_ENV})`);
    } finally {
      if (before === undefined) delete process.env[CONTROL_PLANE_ENV];
      else process.env[CONTROL_PLANE_ENV] = before;
    }
  });

  it.each(['localhost:50051', 'lookaside.lookaside.svc:50051', '[::1]:50051', 'dns:///localhost:50051', 'ipv4:127.0.0.1:50051,127.0.0.2:50051', 'ipv6:[::1]:50051', 'unix:/run/lookaside.sock'])('%s is accepted', (controlPlane) => {
    const registration = registerLookaside({ controlPlane });
    registrations.push(registration);
    expect(registration.controlPlane).toBe(controlPlane);
  });
});

describe('a TLS mismatch', () => {
  let authority: Authority;
  let tlsControlPlane: TlsControlPlane;
  let plaintextControlPlane: FileControlPlane;

  beforeAll(async () => {
    authority = await createAuthority('lookaside test CA');
    const server = await issue(authority, 'localhost', 'server');
    const dir = await pemDirectory();
    tlsControlPlane = await startTlsControlPlane({ certFile: await dir.write('server.crt', server.certPem), keyFile: await dir.write('server.key', server.keyPem) });
    plaintextControlPlane = await startFileControlPlane([]);
  });
  afterAll(async () => {
    await tlsControlPlane?.stop();
    await plaintextControlPlane?.close();
  });

  async function firstCallError(): Promise<ServiceError> {
    const client = new IdentityClient('lookaside:///greeter.default:grpc');
    clients.push(client);
    return client.who({ timeoutMs: 10_000 }).then(
      (backend) => {
        throw new Error(`the call succeeded on ${backend}`);
      },
      (error: ServiceError) => error,
    );
  }

  it('a plaintext client and a TLS control plane: the calls\' error says TLS and how to pass credentials', async () => {
    registrations.push(registerLookaside({ controlPlane: tlsControlPlane.address, startTimeoutMs: 300 }));
    const error = await firstCallError();
    expect(error.code).toBe(status.UNAVAILABLE);
    expect(error.details).toContain('this client talks plaintext: if the control plane serves TLS');
    expect(error.details).toContain('grpc.credentials.createSsl');
  });

  it('a TLS client and a plaintext control plane: the calls\' error says the TLS handshake failed', async () => {
    registrations.push(registerLookaside({ controlPlane: plaintextControlPlane.address, startTimeoutMs: 300, credentials: credentials.createSsl(Buffer.from(authority.certPem)) }));
    const error = await firstCallError();
    expect(error.code).toBe(status.UNAVAILABLE);
    expect(error.details).toContain('TLS handshake with');
    expect(error.details).toContain('the control plane answered in plaintext');
  });
});

import { credentials, status, type ServiceError } from '@grpc/grpc-js';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoadBalancerStub } from 'grpc-lookaside-client';
import { loadTlsFiles, TlsFileError } from '../../src/server/shared/tls-credentials.js';
import { createAuthority, issue, pemDirectory, type Authority, type IssuedPair } from '../support/test-certificates.js';
import { startTlsControlPlane } from '../support/tls-control-plane.js';

let ca: Authority;
let otherCa: Authority;
let serverPair: IssuedPair;
let clientPair: IssuedPair;
let strangerPair: IssuedPair;
let pem: Awaited<ReturnType<typeof pemDirectory>>;

beforeAll(async () => {
  [ca, otherCa] = await Promise.all([createAuthority('Lookaside Test CA'), createAuthority('Other CA')]);
  [serverPair, clientPair, strangerPair] = await Promise.all([issue(ca, 'control-plane', 'server'), issue(ca, 'client', 'client'), issue(otherCa, 'stranger', 'client')]);
  pem = await pemDirectory();
});
afterAll(() => rm(pem.dir, { recursive: true, force: true }));

async function startTls(files: { certFile: string; keyFile: string; clientCaFile?: string }, reloadIntervalMs = 0) {
  const { controlPlane, creds, address } = await startTlsControlPlane(files, { reloadIntervalMs });
  return { controlPlane, creds, address };
}

/** One GetServers over a fresh connection with the given client credentials. */
async function call(address: string, clientCredentials: ReturnType<typeof credentials.createSsl>): Promise<'ok' | ServiceError> {
  const stub = new LoadBalancerStub(address, clientCredentials, { 'grpc.use_local_subchannel_pool': 1 });
  try {
    await stub.getServers({ service: 'greeter.default', port: 'grpc' }, 5_000);
    return 'ok';
  } catch (error) {
    return error as ServiceError;
  } finally {
    stub.close();
  }
}

const trust = (authority: Authority, pair?: IssuedPair) =>
  credentials.createSsl(Buffer.from(authority.certPem), pair ? Buffer.from(pair.keyPem) : null, pair ? Buffer.from(pair.certPem) : null);

describe('TLS', () => {
  it('serves clients that trust its CA, and refuses plaintext and other CAs', async () => {
    const certFile = await pem.write('tls.crt', serverPair.certPem);
    const keyFile = await pem.write('tls.key', serverPair.keyPem);
    const { controlPlane, creds, address } = await startTls({ certFile, keyFile });
    try {
      expect(await call(address, trust(ca))).toBe('ok');
      expect(await call(address, trust(otherCa))).toMatchObject({ code: status.UNAVAILABLE });
      expect(await call(address, credentials.createInsecure() as never)).toMatchObject({ code: status.UNAVAILABLE });
    } finally {
      creds.stop();
      await controlPlane.stop(100);
    }
  });

  it('with a client CA, requires a client certificate that CA signed (mutual TLS)', async () => {
    const certFile = await pem.write('mtls.crt', serverPair.certPem);
    const keyFile = await pem.write('mtls.key', serverPair.keyPem);
    const clientCaFile = await pem.write('client-ca.crt', ca.certPem);
    const { controlPlane, creds, address } = await startTls({ certFile, keyFile, clientCaFile });
    try {
      expect(await call(address, trust(ca, clientPair))).toBe('ok');
      expect(await call(address, trust(ca))).toMatchObject({ code: status.UNAVAILABLE });
      expect(await call(address, trust(ca, strangerPair))).toMatchObject({ code: status.UNAVAILABLE });
    } finally {
      creds.stop();
      await controlPlane.stop(100);
    }
  });

  it('picks up a rotated certificate without a restart, and keeps the last good one when a file turns bad', async () => {
    const certFile = await pem.write('rotate.crt', serverPair.certPem);
    const keyFile = await pem.write('rotate.key', serverPair.keyPem);
    const { controlPlane, creds, address } = await startTls({ certFile, keyFile }, 50);
    try {
      expect(await call(address, trust(ca))).toBe('ok');
      expect(await call(address, trust(otherCa))).not.toBe('ok');

      // Rotate to a certificate from another CA, as a Secret update would (atomic renames).
      const rotated = await issue(otherCa, 'control-plane', 'server');
      await writeFile(join(pem.dir, 'new.key'), rotated.keyPem);
      await writeFile(join(pem.dir, 'new.crt'), rotated.certPem);
      await rename(join(pem.dir, 'new.key'), keyFile);
      await rename(join(pem.dir, 'new.crt'), certFile);
      await expect.poll(() => call(address, trust(otherCa)), { timeout: 10_000, interval: 50 }).toBe('ok');
      expect(await call(address, trust(ca))).not.toBe('ok');

      // A broken rotation (key not matching) is refused; the good pair stays.
      await writeFile(keyFile, serverPair.keyPem);
      await creds.reload();
      expect(await call(address, trust(otherCa))).toBe('ok');
    } finally {
      creds.stop();
      await controlPlane.stop(100);
    }
  });
});

describe('TLS files that cannot be used', () => {
  it.each([
    ['a missing certificate', async () => ({ certFile: join(pem.dir, 'absent.crt'), keyFile: await pem.write('k1.key', serverPair.keyPem) }), /absent\.crt: cannot read the certificate: no such file/],
    ['a certificate that is not PEM', async () => ({ certFile: await pem.write('junk.crt', 'hello'), keyFile: await pem.write('k2.key', serverPair.keyPem) }), /junk\.crt: is not a PEM certificate/],
    ['a key that is not PEM', async () => ({ certFile: await pem.write('c3.crt', serverPair.certPem), keyFile: await pem.write('junk.key', 'hello') }), /junk\.key: is not a PEM private key/],
    ['a key of another certificate', async () => ({ certFile: await pem.write('c4.crt', serverPair.certPem), keyFile: await pem.write('other.key', clientPair.keyPem) }), /other\.key: the private key does not match the certificate in .*c4\.crt/],
    ['a client CA that is not PEM', async () => ({ certFile: await pem.write('c5.crt', serverPair.certPem), keyFile: await pem.write('k5.key', serverPair.keyPem), clientCaFile: await pem.write('junk-ca.crt', 'x') }), /junk-ca\.crt: is not a PEM CA certificate/],
  ])('rejects %s, naming the file', async (_what, files, message) => {
    const error = await loadTlsFiles(await files()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TlsFileError);
    expect((error as Error).message).toMatch(message);
  });

  it('rejects an expired certificate', async () => {
    const expired = await issue(ca, 'old', 'server', { notBefore: new Date(Date.now() - 10 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000) });
    const error = await loadTlsFiles({ certFile: await pem.write('expired.crt', expired.certPem), keyFile: await pem.write('expired.key', expired.keyPem) }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/expired\.crt: the certificate expired on/);
  });
});

// A certificate set is used only once every PEM block in it parses and a TLS
// handshake with it succeeds: a chain whose first certificate is good and
// whose second block is garbage passes a first-certificate check, and then
// every new handshake fails. Real control plane, real grpc-js clients.

import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { credentials } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoadBalancerStub } from 'grpc-lookaside-client';
import { loadTlsFiles, ReloadingServerCredentials, TlsFileError } from '../../src/server/shared/tls-credentials.js';
import { capturedLogger } from '../support/captured-logger.js';
import { startTlsControlPlane } from '../support/tls-control-plane.js';
import { createAuthority, issue, pemDirectory, selfSignedRsa, type Authority, type IssuedPair } from '../support/test-certificates.js';
import { testLogger } from '../support/test-logger.js';

let ca: Authority;
let otherCa: Authority;
let serverPair: IssuedPair;
let rotatedPair: IssuedPair;
let pem: Awaited<ReturnType<typeof pemDirectory>>;

beforeAll(async () => {
  [ca, otherCa] = await Promise.all([createAuthority('Lookaside Test CA'), createAuthority('Rotated CA')]);
  [serverPair, rotatedPair] = await Promise.all([issue(ca, 'control-plane', 'server'), issue(otherCa, 'control-plane', 'server')]);
  pem = await pemDirectory();
});
afterAll(() => rm(pem.dir, { recursive: true, force: true }));

/** A well-formed PEM block whose content is not a certificate (random DER bytes). */
function garbageBlock(): string {
  const body = randomBytes(300).toString('base64').replace(/.{64}/g, '$&\n').trimEnd();
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}

const withGarbage = (certPem: string) => `${certPem.trimEnd()}\n${garbageBlock()}`;

async function reachable(address: string, authority: Authority): Promise<boolean> {
  const stub = new LoadBalancerStub(address, credentials.createSsl(Buffer.from(authority.certPem)), { 'grpc.use_local_subchannel_pool': 1 });
  try {
    await stub.getServers({ service: 'greeter.default', port: 'grpc' }, 5_000);
    return true;
  } catch {
    return false;
  } finally {
    stub.close();
  }
}

describe('a certificate set is used only when every PEM block parses and a handshake succeeds', () => {
  it('keeps the last good set when a rotation brings a chain whose second block is garbage, and names the file at warn', async () => {
    const certFile = await pem.write('rotate.crt', serverPair.certPem);
    const keyFile = await pem.write('rotate.key', serverPair.keyPem);
    const log = capturedLogger();
    const { creds, address, stop } = await startTlsControlPlane({ certFile, keyFile }, { credentialsLogger: log.logger });
    try {
      expect(await reachable(address, ca)).toBe(true);

      // The rotation a Secret update brings: new key, and a chain whose first certificate is good.
      await writeFile(join(pem.dir, 'next.key'), rotatedPair.keyPem);
      await writeFile(join(pem.dir, 'next.crt'), withGarbage(rotatedPair.certPem));
      await rename(join(pem.dir, 'next.key'), keyFile);
      await rename(join(pem.dir, 'next.crt'), certFile);
      await creds.reload();

      expect(log.lines.filter((line) => line.msg === 'TLS certificate reloaded')).toEqual([]);
      const refused = log.lines.filter((line) => line.level === 40);
      expect(refused).toHaveLength(1);
      expect(refused[0]!.msg).toContain(certFile);
      expect(refused[0]!.msg).toMatch(/PEM block 2 .*is not a certificate.*still serving the last good certificate/);
      // A reconnecting client still gets through on the last good set.
      expect(await reachable(address, ca)).toBe(true);
      expect(await reachable(address, otherCa)).toBe(false);

      // The same bad files again are not logged again; a good chain is then taken.
      await creds.reload();
      expect(log.lines.filter((line) => line.level === 40)).toHaveLength(1);
      await writeFile(certFile, `${rotatedPair.certPem.trimEnd()}\n${otherCa.certPem}`);
      await creds.reload();
      expect(log.lines.filter((line) => line.msg === 'TLS certificate reloaded')).toHaveLength(1);
      expect(await reachable(address, otherCa)).toBe(true);
    } finally {
      await stop();
    }
  });

  it('keeps the last good set when the new one parses and matches but the TLS stack refuses it (a 512-bit RSA key)', async () => {
    const certFile = await pem.write('weak.crt', serverPair.certPem);
    const keyFile = await pem.write('weak.key', serverPair.keyPem);
    const log = capturedLogger();
    const creds = await ReloadingServerCredentials.create({ certFile, keyFile }, log.logger, 0);
    try {
      const weak = await selfSignedRsa('weak', 512);
      await writeFile(keyFile, weak.keyPem);
      await writeFile(certFile, weak.certPem);
      await creds.reload();
      expect(log.lines.filter((line) => line.msg === 'TLS certificate reloaded')).toEqual([]);
      expect(log.lines.filter((line) => line.level === 40).map((line) => line.msg)).toEqual([expect.stringMatching(/weak\.crt: with .*weak\.key, a TLS handshake fails: .*key too small.*still serving the last good certificate/)]);
    } finally {
      creds.stop();
    }
  });

  it.each([
    ['a certificate chain whose second block is garbage', async () => ({ certFile: await pem.write('chain.crt', withGarbage(serverPair.certPem)), keyFile: await pem.write('chain.key', serverPair.keyPem) }), /chain\.crt: PEM block 2 \(line 1\d\) is not a certificate/],
    ['a client CA bundle whose second block is garbage', async () => ({ certFile: await pem.write('ok.crt', serverPair.certPem), keyFile: await pem.write('ok.key', serverPair.keyPem), clientCaFile: await pem.write('bundle.crt', withGarbage(ca.certPem)) }), /bundle\.crt: PEM block 2 \(line 1\d\) is not a certificate/],
  ])('refuses at start-up %s, naming the file and the block', async (_what, files, message) => {
    const error = await ReloadingServerCredentials.create(await files(), testLogger(), 0).then((c) => (c.stop(), 'started'), (e: unknown) => e);
    expect(error).toBeInstanceOf(TlsFileError);
    expect((error as Error).message).toMatch(message);
  });

  it('accepts a chain of good certificates', async () => {
    const loaded = await loadTlsFiles({ certFile: await pem.write('good-chain.crt', `${serverPair.certPem.trimEnd()}\n${ca.certPem}`), keyFile: await pem.write('good-chain.key', serverPair.keyPem) });
    expect(loaded.notAfter).toBeTruthy();
  });
});

// TLS and mutual TLS for the control plane, from PEM files that are re-read
// while it runs, so a rotated certificate (cert-manager, a Secret update) is
// served without a restart.
//
// Every load is checked before it is used: each file must parse, the key must
// match the certificate, and the certificate must be within its validity.
// A bad file at startup is an error naming the file; a bad file on a reload
// is logged and the last good certificate stays in use.
//
// grpc-js's own FileWatcherCertificateProvider would hand a half-written or
// missing file straight to the TLS stack (and stop serving TLS); this keeps
// the last good pair instead. It extends ServerCredentials, whose secure
// context watchers grpc-js's server follows.

import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { SecureContextOptions } from 'node:tls';
import { ServerCredentials } from '@grpc/grpc-js';
import type { Logger } from 'pino';

export interface TlsFiles {
  /** PEM certificate chain the server presents. */
  readonly certFile: string;
  /** PEM private key of that certificate. */
  readonly keyFile: string;
  /** PEM CA bundle; when set, clients must present a certificate it signed (mutual TLS). */
  readonly clientCaFile?: string | undefined;
}

/** A TLS file that cannot be used, and why. */
export class TlsFileError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`TLS file ${file}: ${reason}`);
    this.name = 'TlsFileError';
  }
}

interface LoadedFiles {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca: Buffer | undefined;
  /** When the certificate stops being valid, for logs. */
  readonly notAfter: string;
}

async function readPem(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new TlsFileError(file, `cannot read the ${what}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(error)}`);
  }
}

function parseCertificate(file: string, pem: Buffer, what: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch {
    throw new TlsFileError(file, `is not a PEM ${what} ("-----BEGIN CERTIFICATE-----")`);
  }
}

/** Reads and checks the files; throws TlsFileError naming the bad one. */
export async function loadTlsFiles(files: TlsFiles, now = new Date()): Promise<LoadedFiles> {
  const [cert, key, ca] = await Promise.all([
    readPem(files.certFile, 'certificate'),
    readPem(files.keyFile, 'private key'),
    files.clientCaFile ? readPem(files.clientCaFile, 'client CA bundle') : Promise.resolve(undefined),
  ]);
  const certificate = parseCertificate(files.certFile, cert, 'certificate');
  let privateKey;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    throw new TlsFileError(files.keyFile, 'is not a PEM private key ("-----BEGIN PRIVATE KEY-----" or an RSA/EC key)');
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new TlsFileError(files.keyFile, `the private key does not match the certificate in ${files.certFile}`);
  }
  if (new Date(certificate.validTo) < now) throw new TlsFileError(files.certFile, `the certificate expired on ${certificate.validTo}`);
  if (new Date(certificate.validFrom) > now) throw new TlsFileError(files.certFile, `the certificate is not valid before ${certificate.validFrom}`);
  if (ca && files.clientCaFile) parseCertificate(files.clientCaFile, ca, 'CA certificate');
  return { cert, key, ca, notAfter: certificate.validTo };
}

function contextOptions(loaded: LoadedFiles): SecureContextOptions {
  return { cert: loaded.cert, key: loaded.key, ...(loaded.ca && { ca: loaded.ca }) };
}

export class ReloadingServerCredentials extends ServerCredentials {
  private current: LoadedFiles;
  private timer: NodeJS.Timeout | undefined;
  private reloading: Promise<void> | undefined;

  private constructor(
    private readonly files: TlsFiles,
    initial: LoadedFiles,
    private readonly log: Logger,
  ) {
    const mutual = files.clientCaFile !== undefined;
    super({ requestCert: mutual, rejectUnauthorized: mutual }, contextOptions(initial));
    this.current = initial;
  }

  /**
   * Loads the files (rejecting with a TlsFileError if one is bad), then
   * re-reads them every `reloadIntervalMs`.
   */
  static async create(files: TlsFiles, log: Logger, reloadIntervalMs: number): Promise<ReloadingServerCredentials> {
    const initial = await loadTlsFiles(files);
    const credentials = new ReloadingServerCredentials(files, initial, log.child({ component: 'tls' }));
    credentials.log.info({ cert: files.certFile, mutual: files.clientCaFile !== undefined, notAfter: initial.notAfter }, 'TLS certificate loaded');
    if (reloadIntervalMs > 0) {
      credentials.timer = setInterval(() => void credentials.reload(), reloadIntervalMs);
      // Rotation checks must not keep a finished process alive.
      credentials.timer.unref();
    }
    return credentials;
  }

  /** Re-reads the files now; switches to them if they changed and are good. */
  reload(): Promise<void> {
    this.reloading ??= this.reloadNow().finally(() => (this.reloading = undefined));
    return this.reloading;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  override _equals(other: ServerCredentials): boolean {
    return other === this;
  }

  private async reloadNow(): Promise<void> {
    let next: LoadedFiles;
    try {
      next = await loadTlsFiles(this.files);
    } catch (error) {
      this.log.error({ err: error }, `${error instanceof Error ? error.message : String(error)}; still serving the last good certificate`);
      return;
    }
    const same = next.cert.equals(this.current.cert) && next.key.equals(this.current.key) && (next.ca?.equals(this.current.ca ?? Buffer.alloc(0)) ?? this.current.ca === undefined);
    if (same) return;
    this.current = next;
    this.updateSecureContextOptions(contextOptions(next));
    this.log.info({ cert: this.files.certFile, notAfter: next.notAfter }, 'TLS certificate reloaded');
  }
}

// TLS and mutual TLS for the control plane, from PEM files that are re-read
// while it runs, so a rotated certificate (cert-manager, a Secret update) is
// served without a restart.
//
// Every load is checked before it is used: every PEM block of each file must
// parse, the key must match the certificate, the certificate must be within
// its validity, and a real TLS handshake on loopback with the set must succeed.
// A bad file at startup is an error naming the file; a bad file on a reload
// is logged at warn, naming it, and the last good certificate stays in use.
//
// grpc-js's own FileWatcherCertificateProvider would hand a half-written or
// missing file straight to the TLS stack (and stop serving TLS); this keeps
// the last good pair instead. It extends ServerCredentials, whose secure
// context watchers grpc-js's server follows.

import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { connect as tlsConnect, createServer as createTlsServer, type SecureContextOptions, type Server as TlsServer } from 'node:tls';
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

/** A checked set: the bytes, proven to work. */
interface LoadedFiles extends TlsFileBytes {
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

/** One PEM block of a file: its label, its text, and the line it starts on. */
interface PemBlock {
  readonly label: string;
  readonly text: string;
  readonly line: number;
}

function pemBlocks(file: string, pem: Buffer, what: string): PemBlock[] {
  const text = pem.toString('utf8');
  const blocks: PemBlock[] = [];
  const begin = /-----BEGIN ([A-Z0-9 ]+)-----/g;
  for (let match = begin.exec(text); match; match = begin.exec(text)) {
    const line = text.slice(0, match.index).split('\n').length;
    const endMarker = `-----END ${match[1]}-----`;
    const end = text.indexOf(endMarker, match.index);
    if (end < 0) throw new TlsFileError(file, `PEM block ${blocks.length + 1} (line ${line}) has no "${endMarker}" line: the file is cut short or damaged`);
    blocks.push({ label: match[1]!, text: text.slice(match.index, end + endMarker.length), line });
    begin.lastIndex = end + endMarker.length;
  }
  if (blocks.length === 0) throw new TlsFileError(file, `is not a PEM ${what} ("-----BEGIN CERTIFICATE-----")`);
  return blocks;
}

/**
 * Parses every certificate in a PEM file. X509Certificate reads only the
 * first block, and the TLS stack reads the rest only when it builds a
 * context, so a garbage second block would pass a first-certificate check.
 */
function parseCertificates(file: string, pem: Buffer, what: string): X509Certificate[] {
  return pemBlocks(file, pem, what).map((block, index) => {
    const where = `PEM block ${index + 1} (line ${block.line})`;
    if (block.label !== 'CERTIFICATE') throw new TlsFileError(file, `${where} is a "${block.label}", not a certificate: the file must hold only certificates`);
    try {
      return new X509Certificate(block.text);
    } catch (error) {
      throw new TlsFileError(file, `${where} is not a certificate (${error instanceof Error ? error.message : String(error)})`);
    }
  });
}

/** The raw bytes of the files, before any check: what a reload compares. */
interface TlsFileBytes {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca: Buffer | undefined;
}

async function readTlsFiles(files: TlsFiles): Promise<TlsFileBytes> {
  const [cert, key, ca] = await Promise.all([
    readPem(files.certFile, 'certificate'),
    readPem(files.keyFile, 'private key'),
    files.clientCaFile ? readPem(files.clientCaFile, 'client CA bundle') : Promise.resolve(undefined),
  ]);
  return { cert, key, ca };
}

function sameBytes(a: TlsFileBytes, b: TlsFileBytes): boolean {
  return a.cert.equals(b.cert) && a.key.equals(b.key) && (a.ca === undefined ? b.ca === undefined : b.ca !== undefined && a.ca.equals(b.ca));
}

/** How long the handshake check may take: it is two sockets on loopback. */
const HANDSHAKE_DEADLINE_MS = 5_000;

/**
 * Proves the set works by using it: a throwaway TLS server on 127.0.0.1
 * with exactly these options, and a client that must complete a handshake
 * and be shown this leaf certificate. Parsing each part cannot prove that
 * the TLS stack accepts them together.
 */
async function proveHandshake(files: TlsFiles, bytes: TlsFileBytes, leaf: X509Certificate): Promise<void> {
  const mutual = files.clientCaFile !== undefined;
  const fail = (reason: string): never => {
    throw new TlsFileError(files.certFile, `with ${files.keyFile}${mutual ? ` and ${files.clientCaFile}` : ''}, a TLS handshake fails: ${reason}`);
  };
  let server: TlsServer;
  try {
    // The client CA is loaded (it is sent in the certificate request); no client certificate is demanded of the probe.
    server = createTlsServer({ ...contextOptions(bytes), requestCert: mutual, rejectUnauthorized: false }, (socket) => socket.end());
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  server.on('tlsClientError', () => {});
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = server.address() as AddressInfo;
    const presented = await new Promise<string>((resolve, reject) => {
      const socket = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no handshake within ${HANDSHAKE_DEADLINE_MS} ms`));
      }, HANDSHAKE_DEADLINE_MS);
      socket.once('secureConnect', () => {
        clearTimeout(timer);
        const fingerprint = socket.getPeerX509Certificate()?.fingerprint256 ?? '';
        socket.destroy();
        resolve(fingerprint);
      });
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    if (presented !== leaf.fingerprint256) fail('the server presented another certificate than the first of the chain');
  } catch (error) {
    if (error instanceof TlsFileError) throw error;
    fail(error instanceof Error ? error.message : String(error));
  } finally {
    server.close();
  }
}

/** Checks read files: every block parses, the key matches, the dates hold, a handshake succeeds. */
async function checkTlsFiles(files: TlsFiles, bytes: TlsFileBytes, now: Date): Promise<LoadedFiles> {
  const { cert, key, ca } = bytes;
  const certificate = parseCertificates(files.certFile, cert, 'certificate')[0]!;
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
  if (ca && files.clientCaFile) parseCertificates(files.clientCaFile, ca, 'CA certificate');
  await proveHandshake(files, bytes, certificate);
  return { cert, key, ca, notAfter: certificate.validTo };
}

/** Reads and checks the files; throws TlsFileError naming the bad one. */
export async function loadTlsFiles(files: TlsFiles, now = new Date()): Promise<LoadedFiles> {
  return checkTlsFiles(files, await readTlsFiles(files), now);
}

function contextOptions(loaded: TlsFileBytes): SecureContextOptions {
  return { cert: loaded.cert, key: loaded.key, ...(loaded.ca && { ca: loaded.ca }) };
}

export class ReloadingServerCredentials extends ServerCredentials {
  private current: LoadedFiles;
  private timer: NodeJS.Timeout | undefined;
  /** The last set refused (its bytes, when they could be read) and why: the same bad files are not checked and logged again. */
  private refused: { readonly bytes: TlsFileBytes | undefined; readonly message: string } | undefined;
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
    let bytes: TlsFileBytes | undefined;
    let next: LoadedFiles;
    try {
      bytes = await readTlsFiles(this.files);
      if (sameBytes(bytes, this.current)) return;
      if (this.refused?.bytes && sameBytes(bytes, this.refused.bytes)) return;
      next = await checkTlsFiles(this.files, bytes, new Date());
    } catch (error) {
      const message = `${error instanceof Error ? error.message : String(error)}; still serving the last good certificate`;
      // A refused set is logged once, not at every interval.
      if (message !== this.refused?.message) this.log.warn({ err: error }, message);
      this.refused = { bytes, message };
      return;
    }
    this.refused = undefined;
    this.current = next;
    this.updateSecureContextOptions(contextOptions(next));
    this.log.info({ cert: this.files.certFile, notAfter: next.notAfter }, 'TLS certificate reloaded');
  }
}

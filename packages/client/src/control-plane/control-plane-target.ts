// Checks the control plane's address when a registration is made, so that a
// typo fails at once naming what is allowed, instead of every channel
// failing five seconds later with "sent no server list". The forms are the
// gRPC target forms grpc-js resolves; host:port splitting is grpc-js's own
// (experimental.splitHostPort).

import { isIP } from 'node:net';
import type { GrpcModule } from '../grpc/grpc-module.js';

/** What a control-plane address may be, for error messages. */
export const CONTROL_PLANE_FORMS =
  'a gRPC target: "host:port" (for example "lookaside.lookaside.svc:50051", "127.0.0.1:50051" or "[::1]:50051"), "dns:///host:port", "ipv4:127.0.0.1:50051", "ipv6:[::1]:50051" or "unix:/path/to/socket"';

/** Schemes with a grpc-js (or @grpc/grpc-js-xds) resolver: what follows them is theirs to read. */
const OPAQUE_SCHEMES = new Set(['unix', 'unix-abstract', 'vsock', 'xds', 'google-c2p']);

const HOST_NAME = /^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_.])?$/;

/** Why "host[:port]" cannot be dialled, or undefined when it can. */
function hostPortProblem(grpc: GrpcModule, value: string, ipOnly: 4 | 6 | undefined): string | undefined {
  const parsed = grpc.experimental.splitHostPort(value);
  if (!parsed) {
    const port = value.slice(value.lastIndexOf(':') + 1);
    return `"${value}" is not host:port: the port "${port}" is not a number`;
  }
  const { host, port } = parsed;
  if (host === '') return `"${value}" has no host`;
  if (port !== undefined && (port < 1 || port > 65535)) return `"${value}" has the port ${port}; a port is from 1 to 65535`;
  const ipVersion = isIP(host);
  if (ipOnly !== undefined && ipVersion !== ipOnly) return `"${host}" is not an IPv${ipOnly} address`;
  if (host.includes(':') && ipVersion !== 6) return `"${host}" is neither a host name nor an IPv6 address (write an IPv6 address with a port as [::1]:50051)`;
  if (ipVersion === 0 && !HOST_NAME.test(host)) return `"${host}" is not a host name (letters, digits, "-", "_" and ".")`;
  return undefined;
}

/**
 * Why `target` cannot be the control plane's address, naming the part that
 * is wrong; undefined when it is a gRPC target grpc-js can resolve.
 */
export function controlPlaneTargetProblem(grpc: GrpcModule, target: string): string | undefined {
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/s.exec(target);
  const scheme = schemeMatch?.[1]!.toLowerCase();
  const rest = schemeMatch?.[2] ?? '';
  if (scheme === 'dns') {
    // dns:[//authority/]host:port
    const path = rest.startsWith('//') ? rest.slice(rest.indexOf('/', 2) + 1 || rest.length) : rest;
    if (path === '') return `"${target}" names no host after "dns:"`;
    return hostPortProblem(grpc, path, undefined);
  }
  if (scheme === 'ipv4' || scheme === 'ipv6') {
    if (rest === '') return `"${target}" names no address after "${scheme}:"`;
    for (const address of rest.split(',')) {
      const problem = hostPortProblem(grpc, address, scheme === 'ipv4' ? 4 : 6);
      if (problem) return problem;
    }
    return undefined;
  }
  if (scheme !== undefined && OPAQUE_SCHEMES.has(scheme)) {
    return rest.replace(/^\/+/, '') === '' ? `"${target}" names nothing after "${scheme}:"` : undefined;
  }
  if (scheme !== undefined && rest.startsWith('//')) {
    // "http://host:port", "grpc://...": a URL, not a gRPC target.
    return `"${target}" has the scheme "${scheme}", which gRPC does not resolve (a gRPC target is not a URL: leave out "${scheme}://"; for TLS pass credentials, such as grpc.credentials.createSsl())`;
  }
  // No scheme of grpc-js's own: grpc-js reads the whole string as a DNS name, host[:port].
  return hostPortProblem(grpc, target, undefined);
}

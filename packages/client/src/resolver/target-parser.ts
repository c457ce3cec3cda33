// Parses the path of a "lookaside:///name.namespace:port" target. The rules
// are Kubernetes' own, so a target rejected here could never have named a
// real Service port; every error names the rule that was broken. (The server
// checks the same rules; this package does not import server code, so they
// are stated again here.)

/** The scheme this package registers with grpc-js. */
export const LOOKASIDE_SCHEME = 'lookaside';

/** One port of one Kubernetes Service, as named by a lookaside target. */
export interface LookasideTarget {
  /** The Service name, an RFC 1035 label. */
  readonly name: string;
  /** The namespace, an RFC 1123 label. */
  readonly namespace: string;
  /** "name.namespace", as sent to the control plane. */
  readonly service: string;
  /** The port's name (IANA service name) or number (1..65535), as written. */
  readonly port: string;
  /** "name.namespace:port": the key a watch is shared under. */
  readonly key: string;
}

/** A target that cannot name a Service port. The message says which rule it breaks. */
export class LookasideTargetError extends Error {
  constructor(
    readonly target: string,
    readonly rule: string,
  ) {
    super(`invalid lookaside target "${target}": ${rule}. The form is lookaside:///name.namespace:port, for example lookaside:///greeter.default:grpc`);
    this.name = 'LookasideTargetError';
  }
}

const RFC_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const RFC_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const MAX_LABEL = 63;

function checkLabel(target: string, what: string, value: string, pattern: RegExp, rule: string): void {
  if (value.length === 0) throw new LookasideTargetError(target, `the ${what} is empty; ${rule}`);
  if (value.length > MAX_LABEL) throw new LookasideTargetError(target, `the ${what} has ${value.length} characters; at most ${MAX_LABEL} are allowed (${rule})`);
  if (!pattern.test(value)) throw new LookasideTargetError(target, `the ${what} "${value}" is not valid: ${rule}`);
}

function checkPort(target: string, port: string): void {
  if (port.length === 0) throw new LookasideTargetError(target, 'the port is empty; give the Service port by name (for example "grpc") or number (1..65535)');
  if (/^[0-9]+$/.test(port)) {
    const value = Number(port);
    if (value < 1 || value > 65535 || port.startsWith('0')) {
      throw new LookasideTargetError(target, `the port number ${port} is out of range: a port number is from 1 to 65535, written without leading zeros`);
    }
    return;
  }
  const rule = 'a port name is an IANA service name: at most 15 lowercase letters, digits and "-", with at least one letter, no "--", and no "-" at either end';
  if (port.length > 15 || !IANA_SVC_NAME.test(port) || port.includes('--') || !/[a-z]/.test(port)) {
    throw new LookasideTargetError(target, `the port "${port}" is neither a port number (1..65535) nor a valid port name: ${rule}`);
  }
}

/**
 * Parses the parts grpc-js hands a resolver for "lookaside:///svc.ns:port"
 * (authority "", path "svc.ns:port"). Throws a LookasideTargetError naming
 * the broken rule.
 */
export function parseLookasideTarget(parts: { readonly authority?: string | undefined; readonly path: string }, original = `${LOOKASIDE_SCHEME}://${parts.authority ?? ''}/${parts.path}`): LookasideTarget {
  if (parts.authority) {
    throw new LookasideTargetError(original, `a lookaside target takes no authority (found "${parts.authority}"); set the control plane with registerLookaside({ controlPlane }) or LOOKASIDE_CONTROL_PLANE`);
  }
  if (parts.path.startsWith('//')) {
    throw new LookasideTargetError(original, 'a lookaside target has an empty authority: write three slashes after "lookaside:"');
  }
  const path = parts.path.startsWith('/') ? parts.path.slice(1) : parts.path;
  const colon = path.lastIndexOf(':');
  if (colon < 0) throw new LookasideTargetError(original, 'the port is missing; write the Service port after a colon');
  const service = path.slice(0, colon);
  const port = path.slice(colon + 1);
  const dot = service.indexOf('.');
  if (dot < 0 || dot !== service.lastIndexOf('.')) {
    throw new LookasideTargetError(original, `the service "${service}" must be "name.namespace" with exactly one dot (a Service name and its namespace)`);
  }
  const name = service.slice(0, dot);
  const namespace = service.slice(dot + 1);
  checkLabel(original, 'service name', name, RFC_1035_LABEL, 'a Service name is an RFC 1035 label: lowercase letters, digits and "-", starting with a letter and ending with a letter or digit, at most 63 characters');
  checkLabel(original, 'namespace', namespace, RFC_1123_LABEL, 'a namespace is an RFC 1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters');
  checkPort(original, port);
  return { name, namespace, service, port, key: `${service}:${port}` };
}

/** Parses a whole target string, for example "lookaside:///greeter.default:grpc". */
export function parseLookasideTargetString(target: string): LookasideTarget {
  const prefix = `${LOOKASIDE_SCHEME}:`;
  if (!target.startsWith(prefix)) throw new LookasideTargetError(target, `the scheme must be "${LOOKASIDE_SCHEME}"`);
  const rest = target.slice(prefix.length);
  if (!rest.startsWith('//')) return parseLookasideTarget({ path: rest }, target);
  const slash = rest.indexOf('/', 2);
  if (slash < 0) return parseLookasideTarget({ authority: rest.slice(2), path: '' }, target);
  return parseLookasideTarget({ authority: rest.slice(2, slash), path: rest.slice(slash + 1) }, target);
}

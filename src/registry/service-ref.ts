// The rules for naming a service port: "name.namespace" plus a port name or
// number. They mirror what the Kubernetes API server accepts, so a request the
// control plane rejects could never have matched a real Service.

/** Longest accepted service string: two 63-character labels and a dot. */
export const MAX_SERVICE_LENGTH = 127;

/** A Service name: an RFC 1035 label (Kubernetes validates Service names so). */
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** A namespace: an RFC 1123 label. */
const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A port name: an IANA service name, as Kubernetes validates ports[].name. */
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

export interface ServiceName {
  readonly name: string;
  readonly namespace: string;
  /** "name.namespace": the registry's key for the service. */
  readonly key: string;
}

/** A port as a client names it: by the Service port's name or number. */
export type PortRef = { readonly kind: 'name'; readonly name: string } | { readonly kind: 'number'; readonly number: number };

/** A validation failure: which field, and what the rule is. */
export class InvalidServiceRefError extends Error {
  constructor(
    readonly field: string,
    readonly rule: string,
  ) {
    super(`${field}: ${rule}`);
    this.name = 'InvalidServiceRefError';
  }
}

export function serviceKey(name: string, namespace: string): string {
  return `${name}.${namespace}`;
}

function checkLabel(field: string, what: string, value: string, pattern: RegExp, ruleText: string): void {
  if (value.length === 0) throw new InvalidServiceRefError(field, `the ${what} is empty; ${ruleText}`);
  if (value.length > 63) {
    throw new InvalidServiceRefError(field, `the ${what} "${value.slice(0, 20)}…" has ${value.length} characters; at most 63 are allowed`);
  }
  if (!pattern.test(value)) throw new InvalidServiceRefError(field, `the ${what} "${value}" is not valid: ${ruleText}`);
}

/** Validates a Service name (RFC 1035 label). */
export function checkServiceName(value: string, field = 'name'): void {
  checkLabel(field, 'service name', value, DNS_1035_LABEL, 'it must be an RFC 1035 label: lowercase letters, digits and "-", starting with a letter and ending with a letter or digit, at most 63 characters');
}

/** Validates a namespace (RFC 1123 label). */
export function checkNamespace(value: string, field = 'namespace'): void {
  checkLabel(field, 'namespace', value, DNS_1123_LABEL, 'it must be an RFC 1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters');
}

/** Validates a port name (IANA service name, as Kubernetes requires). */
export function checkPortName(value: string, field = 'port'): void {
  const rule = 'a port name is an IANA service name: at most 15 lowercase letters, digits and "-", with at least one letter, no "--", and no "-" at either end';
  if (value.length === 0) throw new InvalidServiceRefError(field, `the port name is empty; ${rule}`);
  if (value.length > 15 || !IANA_SVC_NAME.test(value) || value.includes('--') || !/[a-z]/.test(value)) {
    throw new InvalidServiceRefError(field, `"${value.length > 20 ? `${value.slice(0, 20)}…` : value}" is not valid: ${rule}`);
  }
}

/** Parses "name.namespace". */
export function parseServiceName(value: string, field = 'service'): ServiceName {
  if (value.length === 0) {
    throw new InvalidServiceRefError(field, 'is empty; give the service as "name.namespace", for example "greeter.default"');
  }
  if (value.length > MAX_SERVICE_LENGTH) {
    throw new InvalidServiceRefError(field, `has ${value.length} characters; at most ${MAX_SERVICE_LENGTH} ("name.namespace", 63 characters each) are allowed`);
  }
  const dot = value.indexOf('.');
  if (dot < 0 || dot !== value.lastIndexOf('.')) {
    throw new InvalidServiceRefError(field, `"${value}" must have the form "name.namespace" with exactly one dot, for example "greeter.default"`);
  }
  const name = value.slice(0, dot);
  const namespace = value.slice(dot + 1);
  checkServiceName(name, field);
  checkNamespace(namespace, field);
  return { name, namespace, key: serviceKey(name, namespace) };
}

/** Parses a port reference: a number from 1 to 65535, or a port name. */
export function parsePortRef(value: string, field = 'port'): PortRef {
  if (value.length === 0) {
    throw new InvalidServiceRefError(field, 'is empty; give the Service port\'s name (for example "grpc") or number (1 to 65535)');
  }
  if (/^[0-9]+$/.test(value)) {
    const number = Number(value);
    if (value.length > 5 || number < 1 || number > 65535) {
      throw new InvalidServiceRefError(field, `${value} is out of range; a port number is from 1 to 65535`);
    }
    return { kind: 'number', number };
  }
  checkPortName(value, field);
  return { kind: 'name', name: value };
}

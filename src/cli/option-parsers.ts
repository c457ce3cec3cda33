// Parsers for flag and environment values. Each throws commander's
// InvalidArgumentError with the rule, which commander prints next to the
// flag's name; the CLI then exits with the usage code.

import { InvalidArgumentError } from 'commander';
import ms from 'ms';
import { checkNamespace, InvalidServiceRefError, parsePortRef, parseServiceName } from '../registry/service-ref.js';

export function parsePort(value: string): number {
  if (!/^[0-9]+$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError('must be a port number from 0 to 65535 (0 picks a free port)');
  return Number(value);
}

/** A whole number from 1 to 10,000,000, for the server's limits. */
export function parseLimit(value: string): number {
  if (!/^[0-9]+$/.test(value) || Number(value) < 1 || Number(value) > 10_000_000) throw new InvalidArgumentError('must be a whole number from 1 to 10000000');
  return Number(value);
}

/** "500ms", "10s", "2m", or a bare number of milliseconds. */
export function parseDuration(value: string): number {
  const parsed = /^[0-9]+$/.test(value) ? Number(value) : ms(value as ms.StringValue);
  if (typeof parsed !== 'number' || !Number.isFinite(parsed) || parsed < 0) {
    throw new InvalidArgumentError('must be a duration such as 500ms, 10s or 2m');
  }
  return parsed;
}

/** A duration as parseDuration reads it, at most `maxMs`. */
export function parseDurationUpTo(maxMs: number): (value: string) => number {
  return (value) => {
    const parsed = parseDuration(value);
    if (parsed > maxMs) throw new InvalidArgumentError(`must be at most ${ms(maxMs, { long: true })}`);
    return parsed;
  };
}

/** A token audience: one word, non-empty and without spaces, as the API server takes it. */
export function parseAudience(value: string): string {
  const audience = value.trim();
  if (audience === '' || /\s/.test(audience)) throw new InvalidArgumentError('must be one audience, non-empty and without spaces, for example "lookaside"');
  return audience;
}

export interface ServiceArgument {
  readonly service: string;
  readonly port: string;
}

/** "name.namespace:port", optionally written as a "lookaside:///" target. */
export function parseServiceArgument(value: string): ServiceArgument {
  const text = value.startsWith('lookaside:///') ? value.slice('lookaside:///'.length) : value;
  const colon = text.lastIndexOf(':');
  if (colon < 0) throw new InvalidArgumentError(`"${value}" must be "name.namespace:port", for example greeter.default:grpc or greeter.default:50051`);
  const service = text.slice(0, colon);
  const port = text.slice(colon + 1);
  try {
    parseServiceName(service, 'service');
    parsePortRef(port, 'port');
  } catch (error) {
    if (error instanceof InvalidServiceRefError) throw new InvalidArgumentError(error.message);
    throw error;
  }
  return { service, port };
}

/** "a,b,c": namespaces to watch, each an RFC 1123 label. */
export function parseNamespaces(value: string): string[] {
  const namespaces = value.split(',').map((n) => n.trim()).filter((n) => n.length > 0);
  for (const namespace of namespaces) {
    try {
      checkNamespace(namespace, 'namespace');
    } catch (error) {
      if (error instanceof InvalidServiceRefError) throw new InvalidArgumentError(error.rule);
      throw error;
    }
  }
  return [...new Set(namespaces)];
}

/** doctor's --calls: a whole number from 1 to 10,000. */
export function parseCallCount(value: string): number {
  if (!/^[0-9]+$/.test(value) || Number(value) < 1 || Number(value) > 10_000) throw new InvalidArgumentError('must be a whole number of calls from 1 to 10000');
  return Number(value);
}

/** A duration that must be above zero and at most 5 minutes: a per-step deadline. */
export function parseDeadline(value: string): number {
  const parsed = parseDuration(value);
  if (parsed < 1 || parsed > 300_000) throw new InvalidArgumentError('must be a duration from 1ms to 5m, such as 500ms or 2s');
  return parsed;
}

/** Collects a repeatable flag's values, in order. */
export function collectValues(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

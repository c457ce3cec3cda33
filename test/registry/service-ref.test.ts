import { describe, expect, it } from 'vitest';
import { parsePortRef, parseServiceName } from '../../src/registry/service-ref.js';

describe('parseServiceName', () => {
  it('accepts name.namespace', () => {
    expect(parseServiceName('greeter.default')).toEqual({ name: 'greeter', namespace: 'default', key: 'greeter.default' });
    expect(parseServiceName('a.0-ns')).toEqual({ name: 'a', namespace: '0-ns', key: 'a.0-ns' });
  });

  it.each([
    ['', /is empty/],
    ['greeter', /exactly one dot/],
    ['a.b.c', /exactly one dot/],
    ['Greeter.default', /service name "Greeter" is not valid: .*RFC 1035/],
    ['1greeter.default', /RFC 1035/],
    ['greeter-.default', /RFC 1035/],
    ['greeter.Default', /namespace "Default" is not valid: .*RFC 1123/],
    ['greeter.', /namespace is empty/],
    ['.default', /service name is empty/],
    [`${'a'.repeat(64)}.default`, /64 characters; at most 63/],
    ['x'.repeat(200), /200 characters; at most 127/],
  ])('rejects %j', (value, message) => {
    expect(() => parseServiceName(value, 'target.service')).toThrow(message);
    expect(() => parseServiceName(value, 'target.service')).toThrow(/^target\.service: /);
  });
});

describe('parsePortRef', () => {
  it('accepts names and numbers', () => {
    expect(parsePortRef('grpc')).toEqual({ kind: 'name', name: 'grpc' });
    expect(parsePortRef('h2c-1')).toEqual({ kind: 'name', name: 'h2c-1' });
    expect(parsePortRef('1')).toEqual({ kind: 'number', number: 1 });
    expect(parsePortRef('65535')).toEqual({ kind: 'number', number: 65535 });
  });

  it.each([
    ['', /is empty/],
    ['0', /out of range/],
    ['65536', /out of range/],
    ['000080', /out of range/],
    ['GRPC', /IANA service name/],
    ['grpc--web', /IANA service name/],
    ['-grpc', /IANA service name/],
    ['a-very-long-port-name', /IANA service name/],
    ['grpc_web', /IANA service name/],
  ])('rejects %j', (value, message) => {
    expect(() => parsePortRef(value, 'target.port')).toThrow(message);
  });
});

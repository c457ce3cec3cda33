import { describe, expect, it } from 'vitest';
import { LookasideTargetError, parseLookasideTargetString } from 'grpc-lookaside-client';

describe('parseLookasideTargetString', () => {
  it('reads name, namespace and a port name or number', () => {
    expect(parseLookasideTargetString('lookaside:///greeter.default:grpc')).toEqual({ name: 'greeter', namespace: 'default', service: 'greeter.default', port: 'grpc', key: 'greeter.default:grpc' });
    expect(parseLookasideTargetString('lookaside:///a-1.0ns:50051').port).toBe('50051');
    expect(parseLookasideTargetString('lookaside:greeter.default:grpc').service).toBe('greeter.default');
  });

  it.each([
    ['lookaside:///1greeter.default:grpc', /RFC 1035 label/],
    ['lookaside:///greeter-.default:grpc', /RFC 1035 label/],
    ['lookaside:///greeter.-ns:grpc', /RFC 1123 label/],
    [`lookaside:///greeter.${'n'.repeat(64)}:grpc`, /namespace has 64 characters; at most 63/],
    ['lookaside:///greeter.default:0', /from 1 to 65535/],
    ['lookaside:///greeter.default:080', /without leading zeros/],
    ['lookaside:///greeter.default:65536', /from 1 to 65535/],
    ['lookaside:///greeter.default:abcdefghijklmnop', /IANA service name/],
    ['lookaside:///greeter.default:1234567890123456', /from 1 to 65535/],
    ['lookaside:///greeter.default:', /the port is empty/],
    ['lookaside:///greeter.default.svc:grpc', /exactly one dot/],
    ['lookaside://greeter.default:grpc', /takes no authority|three slashes/],
    ['dns:///greeter.default:grpc', /scheme must be "lookaside"/],
  ])('rejects %s, naming the rule', (target, rule) => {
    expect(() => parseLookasideTargetString(target)).toThrow(LookasideTargetError);
    expect(() => parseLookasideTargetString(target)).toThrow(rule);
  });
});

import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseRegistryFileContent, RegistryFileError } from '../../src/discovery/file/registry-file.js';
import { Registry } from '../../src/registry/registry.js';
import { RouteTranslator } from '../../src/translation/route-table.js';

const port = (p: number, address: string) => ({ port: p, backends: [{ address }] });
const SERVICES = [
  { name: 'greeter', namespace: 'default', ports: [port(50051, '127.0.0.1:6001')] },
  { name: 'greeter-v2', namespace: 'default', ports: [port(50051, '127.0.0.1:6002')] },
  { name: 'greeter-v3', namespace: 'other', ports: [port(50051, '127.0.0.1:6003')] },
];
const PARENT = { group: '', kind: 'Service', name: 'greeter' };

/** A registry loaded from a registry file's text, as the file source loads it, and its translator. */
function load(file: Record<string, unknown>): { registry: Registry; translator: RouteTranslator } {
  const content = parseRegistryFileContent('reg.yaml', stringify({ services: SERVICES, ...file }));
  const registry = new Registry();
  registry.replaceAll(content.services);
  registry.routes.replaceAll(content.routes, content.referenceGrants);
  return { registry, translator: new RouteTranslator(registry, registry.routes) };
}

function problemsOf(file: Record<string, unknown>): readonly string[] {
  try {
    load(file);
  } catch (error) {
    if (error instanceof RegistryFileError) return error.problems;
    throw error;
  }
  throw new Error('expected the file to be rejected');
}

describe('routes in the registry file', () => {
  it('reads a GRPCRoute spec verbatim, with the CRD defaults', () => {
    const { registry } = load({ routes: [{ name: 'canary', spec: { parentRefs: [PARENT], rules: [{ backendRefs: [{ name: 'greeter', port: 50051 }] }] } }] });
    expect(registry.routes.routes()).toEqual([
      {
        name: 'canary',
        namespace: 'default',
        generation: 1,
        age: 0,
        spec: {
          parentRefs: [{ group: '', kind: 'Service', name: 'greeter' }],
          hostnames: [],
          rules: [{ matches: [], filterTypes: [], backendRefs: [{ group: '', kind: 'Service', name: 'greeter', port: 50051, weight: 1, filterTypes: [] }] }],
        },
      },
    ]);
  });

  it.each([
    [{ routes: [{ name: 'r', spec: { rules: [{ backendRefs: [{ name: 'greeter' }] }] } }] }, /reg\.yaml:\d+:\d+: routes\[0\]\.spec\.rules\[0\]\.backendRefs\[0\]\.port: is required for a Service: the Service port number/],
    [{ routes: [{ name: 'r', spec: { rules: [{ backendRefs: [{ name: 'greeter', port: 1, weight: -1 }] }] } }] }, /routes\[0\]\.spec\.rules\[0\]\.backendRefs\[0\]\.weight: must be from 0 to 1000000/],
    [{ routes: [{ name: 'r', spec: { rules: [{ matches: [{ method: { type: 'Exact' } }] }] } }] }, /routes\[0\]\.spec\.rules\[0\]\.matches\[0\]\.method: one or both of 'service' or 'method' must be specified/],
    [{ routes: [{ name: 'r', spec: { rules: [{ matches: [{ method: { service: 'a/b' } }] }] } }] }, /matches\[0\]\.method\.service: an Exact service is a dotted name/],
    [{ routes: [{ name: 'r', spec: { rules: [{ matches: [{ method: { type: 'RegularExpression', method: 'Say(' } }] }] } }] }, /matches\[0\]\.method\.method: is not a regular expression/],
    [{ routes: [{ name: 'r', spec: { rules: [{ matches: [{ headers: [{ type: 'Prefix', name: 'x', value: 'y' }] }] }] } }] }, /headers\[0\]\.type: must be Exact or RegularExpression/],
    [{ routes: [{ name: 'r', spec: { rules: [{ filters: [{ type: 'Rewrite' }] }] } }] }, /rules\[0\]\.filters\[0\]\.type: must be RequestHeaderModifier, ResponseHeaderModifier, RequestMirror or ExtensionRef/],
    [{ routes: [{ name: 'r', spec: { colour: 'red' } }] }, /routes\[0\]\.spec: unknown field "colour"/],
    [{ routes: [{ name: 'r', spec: {} }, { name: 'r', spec: {} }] }, /routes\[1\]\.name: default\/r is already defined at routes\[0\]/],
    [{ referenceGrants: [{ name: 'g', spec: { from: [], to: [{ group: '', kind: 'Service' }] } }] }, /referenceGrants\[0\]\.spec\.from: must list at least one entry/],
  ])('rejects %j naming the file, field and rule', (file, message) => {
    expect(problemsOf(file).join('\n')).toMatch(message);
  });
});

describe('route tables', () => {
  const split = (v1: number, v2: number) => ({
    name: 'canary',
    spec: { parentRefs: [PARENT], rules: [{ backendRefs: [{ name: 'greeter', port: 50051, weight: v1 }, { name: 'greeter-v2', port: 50051, weight: v2 }] }] },
  });

  it('is undefined for a Service no route binds, and for ports a parentRef port leaves out', () => {
    const { translator } = load({ routes: [{ name: 'r', spec: { parentRefs: [{ ...PARENT, port: 50052 }], rules: [{ backendRefs: [{ name: 'greeter-v2', port: 50051 }] }] } }] });
    expect(translator.table('greeter-v2.default', 50051)).toBeUndefined();
    expect(translator.table('greeter.default', 50051)).toBeUndefined();
    expect(translator.statuses()[0]!.accepted).toMatchObject({ status: 'False', reason: 'NoMatchingParent' });
  });

  it('leaves parentRefs of Gateways to their controllers', () => {
    const { translator } = load({ routes: [{ name: 'r', spec: { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'greeter-v2', port: 50051 }] }] } }] });
    expect(translator.table('greeter.default', 50051)).toBeUndefined();
    expect(translator.statuses()).toEqual([]);
  });

  it('keeps weights, including 0, and names the targets by Service port number', () => {
    const { translator } = load({ routes: [split(90, 10)] });
    const table = translator.table('greeter.default', 50051)!;
    expect(table.rules).toHaveLength(1);
    expect(table.rules[0]!.targets.map((t) => [t.key, t.port, t.weight])).toEqual([
      ['greeter.default', 50051, 90],
      ['greeter-v2.default', 50051, 10],
    ]);
    const zero = load({ routes: [split(1, 0)] }).translator.table('greeter.default', 50051)!;
    expect(zero.rules[0]!.targets.map((t) => t.key)).toEqual(['greeter.default']);
    expect(zero.rules[0]!.unavailableWeight).toBe(0);
    const none = load({ routes: [split(0, 0)] }).translator.table('greeter.default', 50051)!;
    expect(none.rules[0]!.failure).toMatch(/every backendRef of rule 0 of GRPCRoute default\/canary has weight 0/);
  });

  it('orders entries as the spec does: service characters, method characters, header matches, then age, then name, then rule order', () => {
    const rule = (matches: unknown[], target: string) => ({ matches, backendRefs: [{ name: target, port: 50051 }] });
    const { translator } = load({
      routes: [
        { name: 'b-older', spec: { parentRefs: [PARENT], rules: [rule([{ headers: [{ name: 'X-Canary', value: 'true' }] }], 'greeter-v2'), rule([], 'greeter')] } },
        { name: 'a-newer', spec: { parentRefs: [PARENT], rules: [rule([{ method: { service: 'helloworld.Greeter' } }], 'greeter'), rule([{ method: { service: 'helloworld.Greeter', method: 'SayHello' } }], 'greeter-v2')] } },
      ],
    });
    const order = translator.table('greeter.default', 50051)!.rules.map((r) => `${r.route}#${r.rule}`);
    expect(order).toEqual(['default/a-newer#1', 'default/a-newer#0', 'default/b-older#0', 'default/b-older#1']);
    // Header names are kept lowercase: gRPC metadata keys are.
    expect(translator.table('greeter.default', 50051)!.rules[2]!.match!.headers[0]!.name).toBe('x-canary');
  });

  it('keeps the share of a missing Service, fails it, and says ResolvedRefs=False BackendNotFound', () => {
    const { translator } = load({
      routes: [{ name: 'r', spec: { parentRefs: [PARENT], rules: [{ backendRefs: [{ name: 'greeter', port: 50051 }, { name: 'gone', port: 50051 }] }] } }],
    });
    const rule = translator.table('greeter.default', 50051)!.rules[0]!;
    expect(rule.targets.map((t) => t.key)).toEqual(['greeter.default']);
    expect(rule.unavailableWeight).toBe(1);
    const [status] = translator.statuses();
    expect(status!.accepted).toMatchObject({ status: 'True', reason: 'Accepted' });
    expect(status!.resolvedRefs).toMatchObject({ status: 'False', reason: 'BackendNotFound' });
    expect(status!.resolvedRefs.message).toMatch(/Service gone\.default does not exist/);
  });

  it('needs a ReferenceGrant for a backendRef in another namespace (RefNotPermitted without one)', () => {
    const route = { name: 'r', spec: { parentRefs: [PARENT], rules: [{ backendRefs: [{ name: 'greeter-v3', namespace: 'other', port: 50051 }] }] } };
    const denied = load({ routes: [route] }).translator;
    expect(denied.statuses()[0]!.resolvedRefs).toMatchObject({ status: 'False', reason: 'RefNotPermitted' });
    expect(denied.table('greeter.default', 50051)!.rules[0]!.failure).toMatch(/no backendRef of rule 0/);
    const grant = { name: 'g', namespace: 'other', spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'GRPCRoute', namespace: 'default' }], to: [{ group: '', kind: 'Service' }] } };
    const allowed = load({ routes: [route], referenceGrants: [grant] }).translator;
    expect(allowed.statuses()[0]!.resolvedRefs).toMatchObject({ status: 'True', reason: 'ResolvedRefs' });
    expect(allowed.table('greeter.default', 50051)!.rules[0]!.targets.map((t) => t.key)).toEqual(['greeter-v3.other']);
  });

  it('fails the calls of a rule with a filter rather than skip it; a route with only such rules is not Accepted', () => {
    const filtered = { filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'a', value: 'b' }] } }], backendRefs: [{ name: 'greeter-v2', port: 50051 }] };
    const only = load({ routes: [{ name: 'r', spec: { parentRefs: [PARENT], rules: [filtered] } }] }).translator;
    expect(only.statuses()[0]!.accepted).toMatchObject({ status: 'False', reason: 'IncompatibleFilters' });
    expect(only.table('greeter.default', 50051)).toBeUndefined();
    const mixed = load({ routes: [{ name: 'r', spec: { parentRefs: [PARENT], rules: [{ matches: [{ headers: [{ name: 'x', value: 'y' }] }], ...filtered }, { backendRefs: [{ name: 'greeter', port: 50051 }] }] } }] }).translator;
    expect(mixed.statuses()[0]!.accepted).toMatchObject({ status: 'True', reason: 'Accepted' });
    expect(mixed.statuses()[0]!.accepted.message).toMatch(/calls matched by rule 0 \(RequestHeaderModifier\) fail UNAVAILABLE/);
    expect(mixed.table('greeter.default', 50051)!.rules[0]!.failure).toMatch(/filters \(RequestHeaderModifier\)/);
  });

  it('applies consumer routes only to callers of their namespace, in place of the producer routes', () => {
    const grantless = { name: 'c', namespace: 'other', spec: { parentRefs: [{ ...PARENT, namespace: 'default' }], rules: [{ backendRefs: [{ name: 'greeter-v3', port: 50051 }] }] } };
    const { translator } = load({ routes: [split(1, 1), grantless] });
    expect(translator.table('greeter.default', 50051)!.routes).toEqual(['default/canary']);
    expect(translator.table('greeter.default', 50051, { namespace: 'default' })!.routes).toEqual(['default/canary']);
    expect(translator.table('greeter.default', 50051, { namespace: 'other' })!.routes).toEqual(['other/c']);
    expect(translator.statuses().find((s) => s.route === 'other/c')!.accepted.message).toMatch(/consumer route: applies to callers whose ServiceAccount is in namespace other, which only --caller-auth kubernetes tells/);
    // A caller's namespace is its class only where it has a consumer route: answers cached per class do not split by namespace elsewhere.
    expect(translator.callerClass('greeter.default', 'other')).toEqual({ namespace: 'other' });
    expect(translator.callerClass('greeter.default', 'third')).toEqual({});
    expect(translator.callerClass('greeter.default', 'default')).toEqual({});
    expect(translator.callerClass('greeter.default', undefined)).toEqual({});
  });
});

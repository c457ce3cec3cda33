// The RouteConfiguration's matchers and actions for each kind of GRPCRoute
// match: what each matches, by the RouteMatch semantics of gRFC A28. (The
// real grpc-js-xds follows them in xds-routing.test.ts.)

import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseRegistryFileContent } from '../../src/discovery/file/registry-file.js';
import { Registry } from '../../src/registry/registry.js';
import { routeConfiguration } from '../../src/server/xds/xds-route-configuration.js';
import { RouteTranslator } from '../../src/translation/route-table.js';

const services = ['greeter', 'greeter-v2'].map((name) => ({ name, ports: [{ port: 8080, backends: [{ address: '127.0.0.1:1' }] }] }));

function routes(rules: unknown[]): { match: Record<string, unknown>; route: Record<string, unknown> }[] {
  const content = parseRegistryFileContent('reg.yaml', stringify({ services, routes: [{ name: 'r', spec: { parentRefs: [{ group: '', kind: 'Service', name: 'greeter' }], rules } }] }));
  const registry = new Registry();
  registry.replaceAll(content.services);
  registry.routes.replaceAll(content.routes, content.referenceGrants);
  const table = new RouteTranslator(registry, registry.routes).table('greeter.default', 8080);
  const config = routeConfiguration('greeter.default:8080', 'greeter.default:8080', table, { retry_on: 'unavailable' }) as { virtual_hosts: { routes: never[] }[] };
  return config.virtual_hosts[0]!.routes;
}

/**
 * Whether an Envoy RouteMatch, as gRFC A28 defines its parts, matches a call:
 * path exactly, prefix as a prefix, safe_regex over the whole path; header
 * string_match exact, safe_regex_match over the whole value.
 */
function matches(match: Record<string, unknown>, path: string, headers: Record<string, string> = {}): boolean {
  const whole = (regex: string, value: string) => new RegExp(`^(?:${regex})$`).test(value);
  const m = match as { path?: string; prefix?: string; safe_regex?: { regex: string }; headers: { name: string; string_match?: { exact: string }; safe_regex_match?: { regex: string } }[] };
  const pathOk = m.path !== undefined ? path === m.path : m.prefix !== undefined ? path.startsWith(m.prefix) : whole(m.safe_regex!.regex, path);
  return (
    pathOk &&
    m.headers.every((h) => {
      const value = headers[h.name];
      if (value === undefined) return false;
      return h.string_match ? value === h.string_match.exact : whole(h.safe_regex_match!.regex, value);
    })
  );
}

describe('RouteConfiguration from GRPCRoutes', () => {
  it('turns each method match into the path matcher that matches exactly what it should', () => {
    const cases: [unknown, string[], string[]][] = [
      [{ service: 'helloworld.Greeter', method: 'SayHello' }, ['/helloworld.Greeter/SayHello'], ['/helloworld.Greeter/SayBye', '/helloworld.GreeterX/SayHello']],
      [{ service: 'helloworld.Greeter' }, ['/helloworld.Greeter/SayHello', '/helloworld.Greeter/X'], ['/helloworld.GreeterV2/SayHello']],
      [{ method: 'SayHello' }, ['/a.B/SayHello', '/helloworld.Greeter/SayHello'], ['/a.B/SayHelloX', '/a.B/XSayHello']],
      [{ type: 'RegularExpression', service: 'helloworld\\.Greeter(V2)?' }, ['/helloworld.Greeter/A', '/helloworld.GreeterV2/A'], ['/helloworld.GreeterV3/A']],
      [{ type: 'RegularExpression', method: 'Say.*' }, ['/a.B/SayHello'], ['/a.B/Hello']],
    ];
    for (const [method, yes, no] of cases) {
      const [route] = routes([{ matches: [{ method }], backendRefs: [{ name: 'greeter-v2', port: 8080 }] }]);
      for (const path of yes) expect(matches(route!.match, path), `${JSON.stringify(method)} on ${path}`).toBe(true);
      for (const path of no) expect(matches(route!.match, path), `${JSON.stringify(method)} on ${path}`).toBe(false);
    }
  });

  it('matches headers exactly or by a regular expression over the whole value', () => {
    const [route] = routes([{ matches: [{ headers: [{ name: 'X-Canary', value: 'true' }, { type: 'RegularExpression', name: 'x-user', value: 'a|b' }] }], backendRefs: [{ name: 'greeter-v2', port: 8080 }] }]);
    expect(matches(route!.match, '/a.B/C', { 'x-canary': 'true', 'x-user': 'a' })).toBe(true);
    expect(matches(route!.match, '/a.B/C', { 'x-canary': 'true', 'x-user': 'ab' })).toBe(false);
    expect(matches(route!.match, '/a.B/C', { 'x-canary': 'True', 'x-user': 'a' })).toBe(false);
  });

  it('weights clusters, leaves out weight 0, and sends a share that must fail to the unavailable Cluster', () => {
    const [split] = routes([{ backendRefs: [{ name: 'greeter', port: 8080, weight: 9 }, { name: 'greeter-v2', port: 8080, weight: 0 }, { name: 'gone', port: 8080, weight: 1 }] }]);
    expect(split!.route).toEqual({
      weighted_clusters: { clusters: [{ name: 'greeter.default:8080', weight: { value: 9 } }, { name: 'greeter.default:8080/unavailable', weight: { value: 1 } }] },
      retry_policy: { retry_on: 'unavailable' },
    });
    const [none] = routes([{ backendRefs: [{ name: 'greeter-v2', port: 8080, weight: 0 }] }]);
    expect(none!.route).toEqual({ cluster: 'greeter.default:8080/unavailable', retry_policy: { retry_on: 'unavailable' } });
  });
});

// `lookaside get` of a routed Service port: its own backends, then the route
// table (rules in the order tried, matches, targets with shares); --json
// carries the table as routeTable.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runCliInProcess } from '../support/cli-in-process.js';
import { startFileControlPlane, type FileControlPlane } from '../support/file-control-plane.js';

const services = [
  { name: 'greeter', namespace: 'default', ports: [{ port: 50051, backends: [{ address: '127.10.0.1:8080' }] }] },
  { name: 'greeter-v2', namespace: 'default', ports: [{ port: 50051, backends: [{ address: '127.10.0.2:8080' }] }] },
];
const route = {
  name: 'canary',
  spec: {
    parentRefs: [{ group: '', kind: 'Service', name: 'greeter' }],
    rules: [
      { matches: [{ headers: [{ name: 'x-canary', value: 'true' }] }], backendRefs: [{ name: 'greeter-v2', port: 50051 }] },
      { backendRefs: [{ name: 'greeter', port: 50051, weight: 90 }, { name: 'greeter-v2', port: 50051, weight: 10 }] },
      { matches: [{ method: { service: 'helloworld.Greeter', method: 'SayHello' } }], backendRefs: [{ name: 'greeter', port: 50051, weight: 1 }, { name: 'gone', port: 50051, weight: 1 }] },
    ],
  },
};

let cp: FileControlPlane;
beforeAll(async () => {
  cp = await startFileControlPlane([]);
  await cp.writeText(stringify({ services, routes: [route] }));
});
afterAll(() => cp?.close());

it('prints the route table under the backends, in the order the rules are tried', async () => {
  const { code, stdout } = await runCliInProcess(['get', 'greeter.default:50051', '--server', cp.address]);
  expect(code).toBe(0);
  const lines = stdout.trim().split('\n');
  expect(lines[0]).toMatch(/^greeter\.default:50051 {2}version \d+ {2}1 backend$/);
  expect(lines[3]).toBe('routed by default/canary: each call goes by the first rule that matches it (none matches: UNAVAILABLE)');
  expect(lines.slice(4).map((line) => line.split(/ {2,}/))).toEqual([
    ['RULE', 'MATCH', 'TARGETS'],
    ['default/canary#2', '/helloworld.Greeter/SayHello', 'greeter.default:50051 50.0% (weight 1), UNAVAILABLE 50.0% (unusable backendRefs, weight 1)'],
    ['default/canary#0', 'x-canary=true', 'greeter-v2.default:50051 100.0% (weight 1)'],
    ['default/canary#1', 'any call', 'greeter.default:50051 90.0% (weight 90), greeter-v2.default:50051 10.0% (weight 10)'],
  ]);
});

it('carries the route table in --json', async () => {
  const { code, stdout } = await runCliInProcess(['get', 'greeter.default:50051', '--server', cp.address, '--output', 'json']);
  expect(code).toBe(0);
  const answer = JSON.parse(stdout) as { servers: unknown[]; routeTable: { routes: string[]; rules: { route: string; rule: number; targets: { key: string; weight: number }[] }[] } };
  expect(answer.servers).toHaveLength(1);
  expect(answer.routeTable.routes).toEqual(['default/canary']);
  expect(answer.routeTable.rules.map((r) => [r.rule, r.targets.map((t) => `${t.key}=${t.weight}`)])).toEqual([
    [2, ['greeter.default:50051=1']],
    [0, ['greeter-v2.default:50051=1']],
    [1, ['greeter.default:50051=90', 'greeter-v2.default:50051=10']],
  ]);
});

it('prints no route table for a Service no route binds', async () => {
  const { stdout } = await runCliInProcess(['get', 'greeter-v2.default:50051', '--server', cp.address]);
  expect(stdout).not.toMatch(/routed by/);
});

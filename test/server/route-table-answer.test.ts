// lookaside.v1 carries a routed Service port's route table (a compatible
// proto addition), and keeps its servers the Service's own backends, so a
// client that does not know the field gets what it got before.

import { credentials, makeGenericClientConstructor, Metadata, type Client, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadBalancerDefinition } from '../../src/server/lookaside/proto-definitions.js';
import { startFileControlPlane, type FileControlPlane } from '../support/file-control-plane.js';
import { waitFor } from '../support/wait-until.js';

type Answer = { version: string; exists: boolean; servers: { address: string }[]; route_table: null | { routes: string[]; rules: Record<string, unknown>[] } };
type Raw = Client & {
  GetServers(request: object, metadata: Metadata, options: object, callback: (error: ServiceError | null, value?: Answer) => void): void;
  WatchServers(request: object, metadata: Metadata, options: object): ClientReadableStream<Answer>;
};

const services = [
  { name: 'greeter', namespace: 'test', ports: [{ port: 8080, backends: [{ address: '127.0.0.1:7001' }] }] },
  { name: 'greeter-v2', namespace: 'test', ports: [{ port: 8080, backends: [{ address: '127.0.0.1:7002' }] }] },
];
const route = (v2: number) => ({
  name: 'canary',
  namespace: 'test',
  spec: {
    parentRefs: [{ group: '', kind: 'Service', name: 'greeter' }],
    rules: [
      { matches: [{ method: { service: 'helloworld.Greeter', method: 'SayHello' }, headers: [{ name: 'X-Canary', value: 'true' }] }], backendRefs: [{ name: 'greeter-v2', port: 8080 }] },
      { backendRefs: [{ name: 'greeter', port: 8080, weight: 100 - v2 }, { name: 'greeter-v2', port: 8080, weight: v2 }, { name: 'gone', port: 8080, weight: 5 }] },
    ],
  },
});

let cp: FileControlPlane;
let raw: Raw;
beforeAll(async () => {
  cp = await startFileControlPlane(services);
  const Constructor = makeGenericClientConstructor(loadBalancerDefinition(), 'LoadBalancer') as unknown as new (address: string, creds: ReturnType<typeof credentials.createInsecure>) => Raw;
  raw = new Constructor(cp.address, credentials.createInsecure());
});
afterAll(async () => {
  raw?.close();
  await cp?.close();
});

const get = (service: string) =>
  new Promise<Answer>((resolve, reject) =>
    raw.GetServers({ target: { service, port: '8080' } }, new Metadata(), { deadline: Date.now() + 5_000 }, (error, value) => (error ? reject(error) : resolve(value!))),
  );

it('answers a routed Service port with its route table, in precedence order, and its own servers', async () => {
  expect((await get('greeter.test')).route_table).toBeNull();
  await cp.writeText(stringify({ services, routes: [route(10)] }));
  const answer = await get('greeter.test');
  expect(answer.servers.map((s) => s.address)).toEqual(['127.0.0.1:7001']);
  expect(answer.route_table).toEqual({
    routes: ['test/canary'],
    rules: [
      {
        route: 'test/canary',
        rule: 0,
        method: { type: 1 /* MATCH_TYPE_EXACT */, service: 'helloworld.Greeter', method: 'SayHello' },
        headers: [{ type: 1, name: 'x-canary', value: 'true' }],
        targets: [{ target: { service: 'greeter-v2.test', port: '8080' }, weight: 1 }],
        unavailable_weight: 0,
        failure: '',
      },
      {
        route: 'test/canary',
        rule: 1,
        method: null,
        headers: [],
        targets: [
          { target: { service: 'greeter.test', port: '8080' }, weight: 90 },
          { target: { service: 'greeter-v2.test', port: '8080' }, weight: 10 },
        ],
        unavailable_weight: 5,
        failure: '',
      },
    ],
  });
  // A route's target is not itself routed.
  expect((await get('greeter-v2.test')).route_table).toBeNull();
});

it('sends watchers a new answer when only the routes change', async () => {
  await cp.writeText(stringify({ services, routes: [route(10)] }));
  const answers: Answer[] = [];
  const call = raw.WatchServers({ target: { service: 'greeter.test', port: '8080' } }, new Metadata(), { deadline: Date.now() + 30_000 });
  call.on('data', (answer: Answer) => answers.push(answer));
  call.on('error', () => {});
  try {
    await waitFor('the first answer', () => answers.length === 1);
    await cp.writeText(stringify({ services, routes: [route(50)] }));
    await waitFor('an answer with the new split', () => answers.some((a) => (a.route_table?.rules[1]?.targets as { weight: number }[] | undefined)?.[1]?.weight === 50));
    await cp.writeText(stringify({ services }));
    await waitFor('an answer without routes', () => answers.at(-1)!.route_table === null);
    expect(answers.at(-1)!.servers.map((s) => s.address)).toEqual(['127.0.0.1:7001']);
  } finally {
    call.cancel();
  }
});

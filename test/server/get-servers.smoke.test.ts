import { afterAll, beforeAll, expect, it } from 'vitest';
import { startFileControlPlane, type FileControlPlane } from '../support/file-control-plane.js';

let cp: FileControlPlane;
beforeAll(async () => {
  cp = await startFileControlPlane([{ name: 'greeter', namespace: 'default', ports: [{ name: 'grpc', port: 50051, backends: [{ address: '10.0.0.1:8080', weight: 5 }] }] }]);
});
afterAll(() => cp.close());

it('answers GetServers', async () => {
  const answer = await cp.stub.getServers({ service: 'greeter.default', port: 'grpc' }, 2000);
  expect(answer.exists).toBe(true);
  expect(answer.servers).toEqual([{ address: '10.0.0.1:8080', weight: 5, zone: '', metadata: {} }]);
});

// The authority a lookaside channel's calls carry: "name.namespace.svc", the
// name Kubernetes gives the Service inside the cluster (and what its TLS
// certificates usually carry), unless the channel sets grpc.default_authority.
// The backend reads it from each call (call.getHost()).

import { Server, ServerCredentials, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { registerLookaside, type LookasideRegistration } from 'grpc-lookaside-client';
import { startFileControlPlane, type FileControlPlane } from '../support/file-control-plane.js';
import { IDENTITY_SERVICE, IdentityClient } from '../support/identity-backends.js';

let server: Server;
let cp: FileControlPlane;
let registration: LookasideRegistration;
const hosts: string[] = [];

beforeAll(async () => {
  server = new Server();
  server.addService(IDENTITY_SERVICE, {
    Who: (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
      hosts.push(call.getHost());
      callback(null, { backend: 'authority-0' });
    },
  });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))));
  cp = await startFileControlPlane([{ name: 'greeter', namespace: 'shop', ports: [{ name: 'grpc', port: 8080, backends: [{ address: `127.0.0.1:${port}`, weight: 1 }] }] }]);
  registration = registerLookaside({ controlPlane: cp.address });
});
afterAll(async () => {
  registration?.close();
  await cp?.close();
  server?.forceShutdown();
});

it('is name.namespace.svc for a lookaside target', async () => {
  const client = new IdentityClient('lookaside:///greeter.shop:grpc');
  try {
    await expect(client.who()).resolves.toBe('authority-0');
    expect(hosts).toEqual(['greeter.shop.svc']);
  } finally {
    client.raw.close();
  }
});

it('is the channel\'s grpc.default_authority when set', async () => {
  hosts.length = 0;
  const client = new IdentityClient('lookaside:///greeter.shop:grpc', { 'grpc.default_authority': 'greeter.example' });
  try {
    await expect(client.who()).resolves.toBe('authority-0');
    expect(hosts).toEqual(['greeter.example']);
  } finally {
    client.raw.close();
  }
});

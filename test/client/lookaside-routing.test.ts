// GRPCRoutes through lookaside.v1 and the Node client: the answer for a
// routed Service carries its route table, and the client sends each call by
// method and metadata to the target Service's own backends (a watch and a
// child policy per target), with the precedence the control plane ordered.

import { afterAll } from 'vitest';
import { registerLookaside, type LookasideRegistration } from 'grpc-lookaside-client';
import { IdentityClient } from '../support/identity-backends.js';
import { routingScenarios } from '../support/routing-scenarios.js';

let registration: LookasideRegistration | undefined;
afterAll(() => registration?.close());
routingScenarios((target, cp) => {
  registration ??= registerLookaside({ controlPlane: cp.address, startTimeoutMs: 5_000 });
  return new IdentityClient(`lookaside:///${target}`);
});

// GRPCRoutes through lookaside.v1 and the Node client: the answer for a
// routed Service carries its route table, and the client sends each call by
// method and metadata to the target Service's own backends (a watch and a
// child policy per target), with the precedence the control plane ordered.

import { registerLookaside } from 'grpc-lookaside-client';
import { IdentityClient } from '../support/identity-backends.js';
import { routingScenarios } from '../support/routing-scenarios.js';

let registered = false;
routingScenarios((target, cp) => {
  if (!registered) {
    registerLookaside({ controlPlane: cp.address, startTimeoutMs: 5_000 });
    registered = true;
  }
  return new IdentityClient(`lookaside:///${target}`);
});

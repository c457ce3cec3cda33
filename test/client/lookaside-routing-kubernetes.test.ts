// A GRPCRoute applied through the Kubernetes API reaches a real lookaside
// channel (the Node client) through the route table of its lookaside.v1
// answers (the scenario: test/support/kubernetes-routing-scenario.ts).

import { afterAll } from 'vitest';
import { registerLookaside, type LookasideRegistration } from 'grpc-lookaside-client';
import { IdentityClient } from '../support/identity-backends.js';
import { kubernetesRoutingScenario } from '../support/kubernetes-routing-scenario.js';

let registration: LookasideRegistration | undefined;
afterAll(() => registration?.close());

kubernetesRoutingScenario('lookaside', (target, controlPlane) => {
  registration = registerLookaside({ controlPlane, startTimeoutMs: 5_000 });
  return new IdentityClient(`lookaside:///${target}`);
});

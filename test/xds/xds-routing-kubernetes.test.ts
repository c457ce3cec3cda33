// A GRPCRoute applied through the Kubernetes API reaches a real grpc-js-xds
// channel by RDS (the scenario: test/support/kubernetes-routing-scenario.ts).

import { kubernetesRoutingScenario } from '../support/kubernetes-routing-scenario.js';
import { xdsIdentityClient } from '../support/xds-client.js';

kubernetesRoutingScenario('grpc-js-xds', (target, controlPlane) => xdsIdentityClient(target, { controlPlane, nodeId: 'kubernetes-routing' }));

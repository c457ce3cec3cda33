// GRPCRoutes through the xDS face: the real @grpc/grpc-js-xds client follows
// the RouteConfiguration served by RDS (weighted clusters, path and header
// matchers) to each backend Service's own Cluster.

import { routingScenarios } from '../support/routing-scenarios.js';
import { xdsIdentityClient } from '../support/xds-client.js';

let nodes = 0;
routingScenarios((target, cp) => xdsIdentityClient(target, { controlPlane: cp.address, nodeId: `routing-${nodes++}` }));

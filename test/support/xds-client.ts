// Proxyless xDS clients for tests: the real @grpc/grpc-js-xds, registered on
// the same grpc-js the tests use, pointed at a control plane by the
// bootstrap `lookaside xds-bootstrap` prints.
//
// grpc-js-xds reads GRPC_XDS_BOOTSTRAP once per process; tests in one
// process talk to several control planes, so each channel gets its
// bootstrap through grpc-js-xds's per-channel bootstrap option. The
// environment-variable path, as users run it, is exercised by the tests
// that start a client process (xds-restart.test.ts).

import { register } from '@grpc/grpc-js-xds';
import { xdsBootstrap, type XdsBootstrapOptions } from '../../src/cli/xds-bootstrap.js';
import { IdentityClient } from './identity-backends.js';

let registered = false;

/** An Identity client on `xds:///target` that gets its resources from `controlPlane`. */
export function xdsIdentityClient(target: string, bootstrap: XdsBootstrapOptions): IdentityClient {
  if (!registered) {
    register();
    registered = true;
  }
  return new IdentityClient(`xds:///${target}`, {
    'grpc.TEST_ONLY_DO_NOT_USE_IN_PROD.xds_bootstrap_config': JSON.stringify(xdsBootstrap(bootstrap)),
  });
}

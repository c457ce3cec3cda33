// A TCP port on 127.0.0.1 that was free a moment ago: for a server that must
// be told its port before it starts (a control plane restarted on the same
// port, NGINX). Another process may take it meanwhile; callers that bind it
// later retry or fail with the port named.

import { createServer } from 'node:net';

/** A port that was free a moment ago (nothing listens on it now). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

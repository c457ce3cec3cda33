// Why the control plane sent nothing, in words an operator can act on. The
// WatchServers stream waits for the control plane (waitForReady), so it never
// says why it is waiting; a GetServers call that does not wait fails with the
// channel's last connection error, which this file explains. A TLS client
// meeting a plaintext server (or the reverse) is the usual cause, and
// grpc-js's own words for it ("wrong version number", "Failed to connect")
// do not say TLS.

/** A TLS client reading a plaintext (or non-TLS) answer. */
const PLAINTEXT_ANSWER = /wrong version number|WRONG_VERSION_NUMBER|packet length too long|unknown protocol|http request/i;
/** TLS failing for another reason: the certificate, the name, the handshake. */
const TLS_FAILURE = /certificate|self[- ]signed|unable to verify|altnames|hostname|SSL|TLS|handshake|alert/i;
/** A connection that opened and closed again with no gRPC answer: a TLS server reading a plaintext client does that. */
const CLOSED_UNANSWERED = /Failed to connect|Connection dropped|ECONNRESET|socket hang up|EPIPE/;
/** Nothing there: a refused, unknown or unreachable address says nothing about TLS. */
const NOTHING_THERE = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|ENOENT/;

/**
 * Explains the control-plane channel's error `details`, given whether the
 * channel uses TLS credentials.
 */
export function explainControlPlaneFailure(details: string, controlPlane: string, usesTls: boolean): string {
  if (usesTls && PLAINTEXT_ANSWER.test(details)) {
    return `TLS handshake with ${controlPlane} failed: this client uses TLS credentials and the control plane answered in plaintext; pass no credentials to talk plaintext, or serve TLS (lookaside serve --tls-cert and --tls-key) (${details})`;
  }
  if (usesTls && TLS_FAILURE.test(details)) {
    return `TLS with ${controlPlane} failed: check the CA given to grpc.credentials.createSsl() and that the control plane's certificate names the host dialled (${details})`;
  }
  if (!usesTls && CLOSED_UNANSWERED.test(details) && !NOTHING_THERE.test(details)) {
    return `the connection to ${controlPlane} closed before any gRPC answer; this client talks plaintext: if the control plane serves TLS (lookaside serve --tls-cert), pass TLS credentials, such as credentials: grpc.credentials.createSsl(ca) (${details})`;
  }
  return details;
}

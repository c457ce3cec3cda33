// `lookaside xds-bootstrap`: the bootstrap file a proxyless gRPC client
// (grpc-go, grpc-java, C-core for Python/C++/Ruby/PHP, @grpc/grpc-js-xds)
// reads from GRPC_XDS_BOOTSTRAP to find the control plane (gRFC A27).
//
// What it carries:
//  - xds_servers: the control plane, with "xds_v3" (this server speaks v3
//    only; without the feature some clients fall back to v2);
//  - node.id: unique per client process in logs and metrics; the pod's name
//    (HOSTNAME in a pod) is the natural choice;
//  - node.locality.zone: the caller's zone (topology.kubernetes.io/zone),
//    which the control plane reads to answer by locality;
//  - node.metadata: the Kubernetes node name under NODE_METADATA_KEY, for
//    answers that depend on the caller's node.

import { rename, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { ExitCode } from './exit-codes.js';

import { NODE_METADATA_KEY } from '../wire/xds-node-metadata.js';

export interface XdsBootstrapOptions {
  /** host:port of the control plane, as the client dials it. */
  readonly controlPlane: string;
  readonly nodeId?: string;
  readonly zone?: string;
  /** The Kubernetes node the caller runs on. */
  readonly nodeName?: string;
}

export interface XdsBootstrap {
  readonly xds_servers: readonly { server_uri: string; channel_creds: readonly { type: string }[]; server_features: readonly string[] }[];
  readonly node: { id: string; locality: { zone?: string }; metadata?: Record<string, string> };
}

/** Rejects what no client could use; the message names the flag and what is allowed. */
export class XdsBootstrapError extends Error {}

const HOST_PORT = /^(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):([0-9]{1,5})$/;

export function xdsBootstrap(options: XdsBootstrapOptions): XdsBootstrap {
  const match = HOST_PORT.exec(options.controlPlane);
  const port = match ? Number(match[1]) : 0;
  if (!match || port < 1 || port > 65535) {
    throw new XdsBootstrapError(`--control-plane: "${options.controlPlane}" is not host:port; give the control plane's address, for example lookaside.lookaside.svc:50051`);
  }
  const nodeId = options.nodeId ?? hostname();
  if (nodeId.length === 0 || nodeId.length > 253) throw new XdsBootstrapError(`--node-id: must have 1 to 253 characters, not ${nodeId.length}`);
  if (options.zone !== undefined && options.zone.length > 63) throw new XdsBootstrapError(`--zone: a zone label value has at most 63 characters, not ${options.zone.length}`);
  // grpc-js-xds rejects a node without "locality", even an empty one.
  const node: XdsBootstrap['node'] = { id: nodeId, locality: options.zone ? { zone: options.zone } : {} };
  if (options.nodeName) node.metadata = { [NODE_METADATA_KEY]: options.nodeName };
  return {
    xds_servers: [{ server_uri: options.controlPlane, channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] }],
    node,
  };
}

/**
 * Prints the bootstrap, or writes it to `file` (atomically: a client that
 * starts meanwhile never reads half a file). Bad options are usage errors.
 */
export async function runXdsBootstrap(options: XdsBootstrapOptions, file: string | undefined): Promise<ExitCode> {
  let text: string;
  try {
    text = `${JSON.stringify(xdsBootstrap(options), null, 2)}\n`;
  } catch (error) {
    if (!(error instanceof XdsBootstrapError)) throw error;
    process.stderr.write(`lookaside xds-bootstrap: ${error.message}\n`);
    return ExitCode.USAGE;
  }
  if (file === undefined) {
    process.stdout.write(text);
    return ExitCode.OK;
  }
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}`);
  try {
    await writeFile(temporary, text);
    await rename(temporary, file);
  } catch (error) {
    process.stderr.write(`lookaside xds-bootstrap: cannot write ${file}: ${(error as Error).message}\n`);
    return ExitCode.FAILURE;
  }
  process.stderr.write(`wrote ${file}; point GRPC_XDS_BOOTSTRAP at it\n`);
  return ExitCode.OK;
}

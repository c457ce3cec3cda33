// What a proxyless client's bootstrap says about where it runs, beyond
// node.locality.zone: the keys of node.metadata the control plane reads.
// Written by `lookaside xds-bootstrap`, read by the xDS face.

/** The node.metadata key that names the client's Kubernetes node (spec.nodeName). */
export const NODE_METADATA_KEY = 'lookaside.dev/node';

// The public entry of the control plane package ("grpc-lookaside"): embed
// the control plane in a process of your own, with the file source or a
// source you write. The Kubernetes source is "grpc-lookaside/kubernetes",
// kept apart because @kubernetes/client-node needs Node >= 22.19 even to be
// imported. The resolver for clients is not here: it is the separate package
// "grpc-lookaside-client" (packages/client), which imports nothing from this one.

export { ControlPlane, type ControlPlaneOptions } from './control-plane.js';
export type { DiscoverySource } from './discovery/source.js';
export { FileSource, type FileSourceOptions } from './discovery/file/file-source.js';
export { parseRegistryFile, RegistryFileError } from './discovery/file/registry-file.js';
export { Registry, type PortLookup, type RegistryOptions, type RegistryStats } from './registry/registry.js';
export { DEFAULT_WEIGHT, MAX_WEIGHT, MIN_WEIGHT, type Backend, type BackendSpec, type PortSnapshot, type PortSpec, type ServiceSnapshot, type ServiceSpec } from './registry/snapshot.js';
export { ControlPlaneMetrics } from './server/metrics.js';
export { ReloadingServerCredentials, TlsFileError, type TlsFiles } from './server/shared/tls-credentials.js';

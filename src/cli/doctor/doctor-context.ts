// What every check of one doctor run shares: the settings from the command
// line, and the state earlier checks leave for later ones (the backend list
// from the control plane, what the cluster said, which backends answer gRPC).

import type { ChannelCredentials } from '@grpc/grpc-js';
import type { KubeConfig } from '@kubernetes/client-node';
import type { ServiceArgument } from '../option-parsers.js';
import type { BackendReport, DoctorReport } from './doctor-report-schema.js';
import type { ClusterView } from './cluster-reader.js';
import type { HealthProbe } from './health-probe.js';
import type { ProgressLine } from './progress-line.js';

export interface DoctorSettings {
  readonly target: ServiceArgument;
  /** The control plane, host:port. */
  readonly server: string;
  /** The control plane's metrics port (--metrics-server): the clients' load reports, for measured shares. */
  readonly metricsServer?: string;
  readonly controlPlaneCredentials: ChannelCredentials;
  /** --token-file, for a control plane with --caller-auth kubernetes: read at each call. */
  readonly tokenFile?: string;
  /** Credentials for the backends: plaintext, or TLS with --backend-tls. */
  readonly backendCredentials: ChannelCredentials;
  readonly backendTls: boolean;
  /** Health calls per backend for the latency check; the distribution check sends this many per reachable backend. */
  readonly calls: number;
  /** The deadline of every single network step: a connect, a call, an API request, a DNS query. */
  readonly deadlineMs: number;
  /** grpc.health.v1 names to check, and whether the user chose them (then NOT_FOUND fails). */
  readonly healthServices: { readonly names: readonly string[]; readonly explicit: boolean };
  /** Resolve the Service's DNS name from where doctor runs. */
  readonly resolveDns: boolean;
  /** The user's kubeconfig to read the cluster with (and where it came from); undefined: do not read it. */
  readonly cluster: { readonly kubeConfig: KubeConfig; readonly description: string } | undefined;
}

/** One backend as the run knows it: the report entry, and facts later checks need. */
export interface BackendState {
  readonly report: BackendReport;
  /** Set by the connect check: a gRPC call got an answer from it. */
  grpcAnswers: boolean;
  /** A health client on a channel to this backend alone, shared by the connect, health and latency checks. */
  probe: HealthProbe | undefined;
}

export interface DoctorRun {
  readonly settings: DoctorSettings;
  readonly progress: ProgressLine;
  readonly controlPlane: DoctorReport['controlPlane'];
  backends: BackendState[];
  /** What the cluster said; undefined when it was not read or could not be. */
  cluster: ClusterView | undefined;
  dns: DoctorReport['dns'];
  pickFirst: DoctorReport['pickFirst'];
}

/** "name.namespace" -> the Service's in-cluster DNS name. */
export function serviceDnsName(service: string): string {
  return `${service}.svc.cluster.local`;
}

// From doctor's flags to a run: credentials for the backends, the user's
// kubeconfig when a cluster flag asks for it, the default health names. A
// flag that cannot be used is a usage error (exit 2) that names it.

import { readFileSync } from 'node:fs';
import { credentials, type ChannelCredentials } from '@grpc/grpc-js';
import type { Command } from 'commander';
import { CallerTokenError, readCallerTokenFile } from 'grpc-lookaside-client';
import { KubeConfigError, loadKubeConfig } from '../../discovery/kubernetes/kube-config-loader.js';
import type { ClientTlsFlags } from '../channel-credentials.js';
import { ExitCode } from '../exit-codes.js';
import type { ServiceArgument } from '../option-parsers.js';
import type { DoctorSettings } from './doctor-context.js';
import { runDoctor } from './run-doctor.js';

export interface DoctorFlags extends ClientTlsFlags {
  server: string;
  metricsServer?: string;
  kubeconfig?: string;
  context?: string;
  cluster?: boolean;
  calls: number;
  deadline: number;
  healthService?: string[];
  dns?: boolean;
  backendTls?: boolean;
  backendTlsCaFile?: string;
  json?: boolean;
  strict?: boolean;
  tokenFile?: string;
}

function usage(command: Command, message: string): never {
  return command.error(`error: ${message}`, { exitCode: ExitCode.USAGE, code: 'commander.doctor' });
}

function backendCredentials(flags: DoctorFlags, command: Command): ChannelCredentials {
  if (!flags.backendTls && !flags.backendTlsCaFile) return credentials.createInsecure();
  let ca: Buffer | null = null;
  if (flags.backendTlsCaFile) {
    try {
      ca = readFileSync(flags.backendTlsCaFile);
    } catch (error) {
      usage(command, `option '--backend-tls-ca-file <path>' argument '${flags.backendTlsCaFile}' cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
  }
  try {
    return credentials.createSsl(ca);
  } catch (error) {
    return usage(command, `--backend-tls-ca-file ${flags.backendTlsCaFile}: not a usable PEM CA bundle (${error instanceof Error ? error.message : String(error)})`);
  }
}

export async function doctorCommand(target: ServiceArgument, flags: DoctorFlags, command: Command, controlPlaneCredentials: ChannelCredentials): Promise<ExitCode> {
  if (flags.tokenFile !== undefined) {
    try {
      readCallerTokenFile(flags.tokenFile);
    } catch (error) {
      if (error instanceof CallerTokenError) usage(command, `--token-file: ${error.message}`);
      throw error;
    }
  }
  let cluster: DoctorSettings['cluster'];
  if (flags.kubeconfig !== undefined || flags.context !== undefined || flags.cluster) {
    try {
      const loaded = loadKubeConfig({ ...(flags.kubeconfig !== undefined && { kubeconfig: flags.kubeconfig }), ...(flags.context !== undefined && { context: flags.context }) });
      cluster = { kubeConfig: loaded.kubeConfig, description: loaded.description };
    } catch (error) {
      if (error instanceof KubeConfigError) usage(command, `${error.message} (--kubeconfig, --context, --cluster)`);
      throw error;
    }
  }
  const serviceName = target.service.split('.')[0]!;
  const settings: DoctorSettings = {
    target,
    server: flags.server,
    ...(flags.metricsServer !== undefined && { metricsServer: flags.metricsServer }),
    controlPlaneCredentials,
    ...(flags.tokenFile !== undefined && { tokenFile: flags.tokenFile }),
    backendCredentials: backendCredentials(flags, command),
    backendTls: Boolean(flags.backendTls || flags.backendTlsCaFile),
    calls: flags.calls,
    deadlineMs: flags.deadline,
    healthServices: flags.healthService ? { names: [...new Set(flags.healthService)], explicit: true } : { names: ['', serviceName], explicit: false },
    resolveDns: flags.dns === true,
    cluster,
  };
  return runDoctor(settings, { json: flags.json === true, strict: flags.strict === true });
}

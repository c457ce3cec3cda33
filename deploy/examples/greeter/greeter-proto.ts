// Loads greeter.proto for the example backend and client.

import { fileURLToPath } from 'node:url';
import { loadPackageDefinition, type ChannelCredentials, type ChannelOptions, type Client, type Metadata, type ServiceDefinition, type ServiceError, type CallOptions } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

const PROTO = fileURLToPath(new URL('./greeter.proto', import.meta.url));

export interface SayHelloResponse {
  message: string;
  backend: string;
}

export type GreeterClient = Client & {
  SayHello(request: { name: string }, metadata: Metadata, options: CallOptions, callback: (error: ServiceError | null, response?: SayHelloResponse) => void): void;
};

interface GreeterPackage {
  greeter: { v1: { Greeter: (new (target: string, credentials: ChannelCredentials, options?: ChannelOptions) => GreeterClient) & { service: ServiceDefinition } } };
}

export const greeterPackage = loadPackageDefinition(loadSync(PROTO, { keepCase: false, defaults: true })) as unknown as GreeterPackage;
export const Greeter = greeterPackage.greeter.v1.Greeter;

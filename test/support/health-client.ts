// A real grpc.health.v1 client, loaded from the proto grpc-health-check ships.

import { credentials, loadPackageDefinition, type Client, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath } from 'grpc-health-check';

type HealthClient = Client & {
  Check(request: { service: string }, options: { deadline: number }, callback: (error: ServiceError | null, response?: { status: string }) => void): void;
  Watch(request: { service: string }): ClientReadableStream<{ status: string }>;
};

export function healthClient(address: string): HealthClient {
  const definition = loadSync(protoPath, { enums: String });
  const loaded = loadPackageDefinition(definition) as unknown as { grpc: { health: { v1: { Health: new (a: string, c: ReturnType<typeof credentials.createInsecure>) => HealthClient } } } };
  return new loaded.grpc.health.v1.Health(address, credentials.createInsecure());
}

export function checkHealth(client: HealthClient, service = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    client.Check({ service }, { deadline: Date.now() + 5_000 }, (error, response) => (error ? reject(error) : resolve(response!.status)));
  });
}

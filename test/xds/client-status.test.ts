// CSDS: the management server's view of its xDS clients, read by a raw
// client that loads the envoy protos from their .proto files (as xDS tooling
// does): a client that ACKs is SYNCED, one that NACKs is ERROR with its
// error, one that has not answered is STALE; node matchers narrow the list;
// reflection lists the service.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { credentials, loadPackageDefinition, status, type GrpcObject, type ServiceClientConstructor, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { ControlPlane } from '../../src/control-plane.js';
import { ManualSource } from '../support/manual-source.js';
import { RawAdsClient, TYPES } from '../support/raw-ads-client.js';
import { testLogger } from '../support/test-logger.js';

const require = createRequire(import.meta.url);
const XDS_ROOT = dirname(require.resolve('@grpc/grpc-js-xds/package.json'));
const INCLUDE_DIRS = ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map((dir) => join(XDS_ROOT, 'deps', dir));

interface GenericXdsConfig {
  type_url: string;
  name: string;
  version_info: string;
  config_status: string;
  error_state: { details: string; version_info: string } | null;
}
interface ClientStatusResponse {
  config: { node: { id: string; locality: { zone: string } }; generic_xds_configs: GenericXdsConfig[] }[];
}

function csdsClient(address: string): { fetch(request: object): Promise<ClientStatusResponse>; close(): void } {
  const definition = loadSync(['envoy/service/status/v3/csds.proto'], { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true, includeDirs: INCLUDE_DIRS });
  const grpcObject = loadPackageDefinition(definition) as unknown as { envoy: { service: { status: { v3: GrpcObject } } } };
  const Csds = grpcObject.envoy.service.status.v3.ClientStatusDiscoveryService as ServiceClientConstructor;
  const client = new Csds(address, credentials.createInsecure()) as unknown as {
    FetchClientStatus(request: object, options: object, callback: (error: ServiceError | null, response: ClientStatusResponse) => void): void;
    close(): void;
  };
  return {
    fetch: (request) => new Promise((resolve, reject) => client.FetchClientStatus(request, { deadline: Date.now() + 5_000 }, (error, response) => (error ? reject(error) : resolve(response)))),
    close: () => client.close(),
  };
}

let controlPlane: ControlPlane;
let address: string;
const adsClients: RawAdsClient[] = [];

beforeAll(async () => {
  let source: ManualSource | undefined;
  controlPlane = await ControlPlane.start({ logger: testLogger(), host: '127.0.0.1', port: 0, createSource: (registry) => (source = new ManualSource(registry)) });
  source!.sync([{ name: 'greeter', namespace: 'app', ports: [{ name: 'grpc', port: 50051, backends: [{ host: '127.0.0.1', port: 9001 }] }] }]);
  address = `127.0.0.1:${controlPlane.port}`;
});
afterAll(async () => {
  for (const client of adsClients) client.close();
  await controlPlane.stop(0);
});

async function adsClient(id: string, answer: 'ack' | 'nack' | 'none'): Promise<void> {
  const ads = new RawAdsClient(address);
  adsClients.push(ads);
  ads.send({ node: { id, locality: { zone: 'zone-a' } }, type_url: TYPES.endpoints, resource_names: ['greeter.app:50051'] });
  const response = await ads.next();
  if (answer === 'none') return;
  ads.send({
    type_url: TYPES.endpoints,
    resource_names: ['greeter.app:50051'],
    response_nonce: response.nonce,
    ...(answer === 'ack' ? { version_info: response.version_info } : { version_info: '', error_detail: { code: 3, message: `${id} refuses the assignment` } }),
  });
  // A new subscription is answered after the reply above was handled.
  ads.send({ type_url: TYPES.cluster, resource_names: ['greeter.app:50051'] });
  await ads.next();
}

describe('CSDS', () => {
  it('tells SYNCED, STALE and ERROR (with the client\'s error) per client and resource, and narrows by node id', async () => {
    await adsClient('csds-acks', 'ack');
    await adsClient('csds-nacks', 'nack');
    await adsClient('csds-silent', 'none');
    const csds = csdsClient(address);
    try {
      const all = await csds.fetch({});
      const endpointsOf = (id: string) => all.config.find((config) => config.node.id === id)?.generic_xds_configs.find((config) => config.type_url === TYPES.endpoints);
      expect(endpointsOf('csds-acks')).toMatchObject({ name: 'greeter.app:50051', config_status: 'SYNCED', error_state: null });
      expect(endpointsOf('csds-nacks')).toMatchObject({ config_status: 'ERROR', error_state: { details: 'csds-nacks refuses the assignment' } });
      expect(endpointsOf('csds-nacks')!.error_state!.version_info).toBe(endpointsOf('csds-nacks')!.version_info);
      expect(endpointsOf('csds-silent')).toMatchObject({ config_status: 'STALE' });
      expect(all.config.find((config) => config.node.id === 'csds-acks')!.node.locality.zone).toBe('zone-a');

      const narrowed = await csds.fetch({ node_matchers: [{ node_id: { prefix: 'csds-n' } }] });
      expect(narrowed.config.map((config) => config.node.id)).toEqual(['csds-nacks']);
      const refused = await csds.fetch({ node_matchers: [{ node_id: { suffix: 'acks' } }] }).catch((error: ServiceError) => error);
      expect(refused).toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringContaining('use exact or prefix') });
    } finally {
      csds.close();
    }
  });
});

// The wire modules in src/wire/ are generated (scripts/generate-wire-descriptors.ts)
// from proto/ and from the xDS protos of @grpc/grpc-js-xds, and committed;
// this fails when either source changed and the modules were not
// regenerated. It also checks that the generated modules stand on their own
// and agree with independent readings of the original .proto files.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { renderWireModule, WIRE_MODULES, XDS_MODULE } from '../../scripts/generate-wire-descriptors.js';
import { lookasideType } from '../../src/wire/lookaside-messages.js';
import { CLUSTER_LOAD_ASSIGNMENT_TYPE, encodeMessage, xdsFileDescriptorProtos, xdsRoot } from '../../src/wire/xds-messages.js';
import { TYPES, unpack } from '../support/raw-ads-client.js';

it.each(WIRE_MODULES.map((m) => [m.file.slice(m.file.indexOf('src/')), m] as const))('%s matches its protos (regenerate with `npm run generate:wire`)', (_file, module) => {
  expect(readFileSync(module.file, 'utf8')).toBe(renderWireModule(module));
});

it('defines every served xDS type, and one file descriptor per .proto file', () => {
  for (const name of XDS_MODULE.rootTypes) expect(xdsRoot().lookup(name), name).not.toBeNull();
  expect(xdsFileDescriptorProtos().length).toBeGreaterThan(20);
});

it('encodes xDS messages the original protos decode, and refuses a field the message does not have', () => {
  const value = { cluster_name: 'a.b:1', endpoints: [{ locality: { zone: 'z', sub_zone: 'weight-2' }, load_balancing_weight: { value: 2 }, lb_endpoints: [{ endpoint: { address: { socket_address: { address: '10.0.0.1', port_value: 80 } } } }] }] };
  const bytes = encodeMessage(CLUSTER_LOAD_ASSIGNMENT_TYPE, value);
  expect(unpack({ type_url: TYPES.endpoints, value: Buffer.from(bytes) })).toMatchObject(value);
  expect(() => encodeMessage(CLUSTER_LOAD_ASSIGNMENT_TYPE, { cluster_name: 'x', endpoint: [] })).toThrow(/ClusterLoadAssignment has no field "endpoint"/);
});

it('gives GetServersResponse and WatchServersResponse one field layout, so one encoding serves both', () => {
  // The server encodes a version once and sends the same bytes to GetServers
  // callers and WatchServers watchers (snapshot-encoder.ts); that is only
  // right while the two messages agree field for field.
  const layout = (name: string) => lookasideType(name).fieldsArray.map((f) => `${f.id} ${f.name} ${f.type} ${f.repeated} ${f.map}`);
  expect(layout('WatchServersResponse')).toEqual(layout('GetServersResponse'));
  expect(lookasideType('ClientInfo').fields.client_id, 'field names as the proto spells them').toBeDefined();
});

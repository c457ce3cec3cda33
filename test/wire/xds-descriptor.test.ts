// The xDS message types are generated from the protos @grpc/grpc-js-xds ships
// (scripts/generate-xds-descriptor.ts) and committed; this fails when that
// package (and with it the xDS API) was upgraded and the descriptor not
// regenerated. It also checks the generated module stands on its own: every
// type it serves resolves, and a served message survives a round trip
// through the independent protobufjs reading of the original .proto files.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { DESCRIPTOR_FILE, renderXdsDescriptor, ROOT_TYPES } from '../../scripts/generate-xds-descriptor.js';
import { CLUSTER_LOAD_ASSIGNMENT_TYPE, encodeMessage, xdsFileDescriptorProtos, xdsRoot } from '../../src/wire/xds-messages.js';
import { TYPES, unpack } from '../support/raw-ads-client.js';

it('matches the xDS protos of the installed @grpc/grpc-js-xds (regenerate with `npm run generate:xds`)', () => {
  expect(readFileSync(DESCRIPTOR_FILE, 'utf8')).toBe(renderXdsDescriptor());
});

it('defines every served type, and one file descriptor per .proto file', () => {
  for (const name of ROOT_TYPES) expect(xdsRoot().lookup(name), name).not.toBeNull();
  expect(xdsFileDescriptorProtos().length).toBeGreaterThan(20);
});

it('encodes what the original protos decode, and refuses a field the message does not have', () => {
  const value = { cluster_name: 'a.b:1', endpoints: [{ locality: { zone: 'z', sub_zone: 'weight-2' }, load_balancing_weight: { value: 2 }, lb_endpoints: [{ endpoint: { address: { socket_address: { address: '10.0.0.1', port_value: 80 } } } }] }] };
  const bytes = encodeMessage(CLUSTER_LOAD_ASSIGNMENT_TYPE, value);
  expect(unpack({ type_url: TYPES.endpoints, value: Buffer.from(bytes) })).toMatchObject(value);
  expect(() => encodeMessage(CLUSTER_LOAD_ASSIGNMENT_TYPE, { cluster_name: 'x', endpoint: [] })).toThrow(/ClusterLoadAssignment has no field "endpoint"/);
});

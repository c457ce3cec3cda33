// The client spells out the numbers gRPC fixes (status codes, connectivity
// states, pick results) instead of loading them from a copy of grpc-js; they
// must be grpc-js's own.
import * as grpc from '@grpc/grpc-js';
import { expect, it } from 'vitest';
import { ConnectivityState, PickResultType, Status, statusName } from '../../packages/client/src/grpc/grpc-module.js';

it('equal the values grpc-js exports', () => {
  for (const [name, code] of Object.entries(Status)) expect(grpc.status[name as keyof typeof grpc.status], name).toBe(code);
  for (const [name, state] of Object.entries(ConnectivityState)) expect(grpc.connectivityState[name as keyof typeof grpc.connectivityState], name).toBe(state);
  for (const [name, type] of Object.entries(PickResultType)) expect(grpc.experimental.PickResultType[name as keyof typeof grpc.experimental.PickResultType], name).toBe(type);
  expect(statusName(14)).toBe('UNAVAILABLE');
  expect(statusName(99)).toBe('99');
});

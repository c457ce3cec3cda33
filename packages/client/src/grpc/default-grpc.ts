// The grpc-js module used when a registration is not given one: the copy
// this package resolves as its peer dependency, which is the application's
// own unless the installation holds two copies (see grpc-copies.ts).

import * as grpc from '@grpc/grpc-js';
import type { GrpcModule } from './grpc-module.js';

export const defaultGrpc: GrpcModule = grpc;

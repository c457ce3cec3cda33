// What a lookaside resolver hands to the policies of its channel: the
// service port's name (for messages), its registration's pick observer and,
// with load reports on, the registration's call counters.
// It travels as a resolution attribute, which grpc-js merges into the
// options the policy receives. The key carries grpc-js's
// SUBCHANNEL_ARGS_EXCLUDE_KEY_PREFIX, so it never reaches subchannel options
// and never affects connection sharing; the object is created once per
// resolver, so updates never look like new options.

import type { ChannelOptions } from '@grpc/grpc-js';
import type { GrpcModule } from '../grpc/grpc-module.js';
import type { PickObserver } from '../pick-observer.js';
import type { CallLoadCounters } from '../control-plane/call-load-counters.js';

export interface ResolverContext {
  /** "name.namespace:port" */
  readonly service: string;
  readonly onPick: PickObserver | undefined;
  /** Where the channel's calls are counted for load reports; undefined with reports off. */
  readonly callLoads?: CallLoadCounters;
}

function contextKey(grpc: GrpcModule): string {
  return `${grpc.experimental.SUBCHANNEL_ARGS_EXCLUDE_KEY_PREFIX}.lookaside.context`;
}

/** The resolution attributes that carry `context`. */
export function resolverContextAttributes(grpc: GrpcModule, context: ResolverContext): Record<string, unknown> {
  return { [contextKey(grpc)]: context };
}

/** The context a lookaside resolver put into `options`, if any. */
export function readResolverContext(grpc: GrpcModule, options: ChannelOptions): ResolverContext | undefined {
  const value = (options as Record<string, unknown>)[contextKey(grpc)];
  return typeof value === 'object' && value !== null && typeof (value as ResolverContext).service === 'string' ? (value as ResolverContext) : undefined;
}

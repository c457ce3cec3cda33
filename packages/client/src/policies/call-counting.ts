// Counts a picked call for load reports: the pick's onCallStarted and
// onCallEnded become its backend's counter's (call-load-counters.ts), so
// grpc-js tells the counter when the call starts and how it ended.

import type { experimental } from '@grpc/grpc-js';
import { PickResultType } from '../grpc/grpc-module.js';
import type { CallLoadCounters } from '../control-plane/call-load-counters.js';

type PickResult = experimental.PickResult;

/** `result`, counted for `target` ("name.namespace:port") when it sends a call to a backend. */
export function countCall(result: PickResult, counters: CallLoadCounters, target: string): PickResult {
  if (result.pickResultType !== PickResultType.COMPLETE || !result.subchannel || !counters.enabled) return result;
  const counter = counters.counter(target, result.subchannel.getAddress());
  const innerStarted = result.onCallStarted;
  const innerEnded = result.onCallEnded;
  if (innerStarted === null && innerEnded === null) {
    // The common case (weighted round robin without load-report weights):
    // the leaf's picker made this result for this pick alone, so it takes
    // the counter's own functions, and the call path allocates nothing.
    result.onCallStarted = counter.started;
    result.onCallEnded = counter.ended;
    return result;
  }
  return {
    ...result,
    onCallStarted: () => {
      counter.started();
      innerStarted?.();
    },
    onCallEnded: (code, details, metadata) => {
      counter.ended(code);
      innerEnded?.(code, details, metadata);
    },
  };
}

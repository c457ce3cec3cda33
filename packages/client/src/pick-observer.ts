// An optional hook that sees every pick a lookaside policy makes, so that an
// application can count calls per backend and graph the distribution. Each
// registration has its own: the resolver hands it to the policies of its
// channels with the resolution, so nothing here is global.

import type { experimental } from '@grpc/grpc-js';
import { PickResultType } from './grpc/grpc-module.js';

type Picker = experimental.Picker;
type PickArgs = experimental.PickArgs;
type PickResult = experimental.PickResult;

/** What a pick observer is told: which service port, which backend. */
export interface PickEvent {
  /** The target's service port, "name.namespace:port". */
  readonly service: string;
  /** The backend the call was sent to, "host:port". */
  readonly address: string;
}

/**
 * Called synchronously on every pick (every call attempt, retries
 * included): keep it cheap, such as incrementing a counter. An exception it
 * throws is swallowed: it never fails a call.
 */
export type PickObserver = (pick: PickEvent) => void;

/** Wraps a policy's picker to tell `observer` of each completed pick. */
export class ObservedPicker implements Picker {
  constructor(
    private readonly inner: Picker,
    private readonly service: string,
    private readonly observer: PickObserver,
  ) {}

  pick(args: PickArgs): PickResult {
    const result = this.inner.pick(args);
    if (result.pickResultType === PickResultType.COMPLETE && result.subchannel) {
      try {
        this.observer({ service: this.service, address: result.subchannel.getAddress() });
      } catch {
        // The observer is the application's; a call must not fail because of it.
      }
    }
    return result;
  }
}

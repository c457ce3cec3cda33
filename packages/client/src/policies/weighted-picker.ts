// Pickers over the READY backends of a lookaside policy. Each picker is an
// immutable snapshot of which backends are ready and what they weigh; the
// policy builds a new one whenever that changes. Only the scheduling state
// inside a picker (deadlines, the random source) moves between picks.

import type { experimental } from '@grpc/grpc-js';
import { PickResultType } from '../grpc/grpc-module.js';
import { decodeLoadReport, LOAD_REPORT_TRAILER, type LoadReport } from './load-report-weights.js';

type Picker = experimental.Picker;
type PickArgs = experimental.PickArgs;
type PickResult = experimental.PickResult;

/** A pick that waits for the next picker. */
const QUEUE: PickResult = { pickResultType: PickResultType.QUEUE, subchannel: null, status: null, onCallStarted: null, onCallEnded: null };

/** A READY backend as a picker sees it. */
export interface PickableBackend {
  /** The backend's own picker (its LeafLoadBalancer's), captured when the snapshot was taken. */
  readonly picker: Picker;
  /** Relative share, > 0. */
  readonly weight: number;
  /** Calls started on this backend and not yet ended; shared across snapshots. */
  readonly inFlight: { count: number };
  /**
   * Whether the backend is still READY; shared across snapshots. A backend
   * that left READY since the snapshot gets no call: the pick is queued
   * until the policy's next picker, which comes within a turn.
   */
  readonly connection?: { readonly ready: boolean };
  /** Takes the load report in a call's trailers, when the policy weighs by reports (ORCA). */
  readonly onLoadReport?: (report: LoadReport) => void;
}

/**
 * Earliest-deadline-first scheduling over static weights: backend i is due
 * every 1/weight_i; each pick takes the earliest due backend and moves its
 * deadline on by its period. Over any run of picks every backend's share is
 * its weight's share to within one pick, and picks interleave smoothly
 * (no bursts to one backend). O(log n) per pick.
 */
export class EarliestDeadlineFirstScheduler {
  private readonly deadlines: Float64Array;
  private readonly periods: Float64Array;
  /** A binary min-heap of indices, ordered by (deadline, index). */
  private readonly heap: number[];

  /**
   * @param weights positive weights, one per backend
   * @param random used once per backend to offset the first deadline, so
   *     that many clients built from the same list do not all start on the
   *     same backend
   */
  constructor(weights: readonly number[], random: () => number = Math.random) {
    const n = weights.length;
    if (n === 0) throw new Error('EarliestDeadlineFirstScheduler needs at least one weight');
    this.deadlines = new Float64Array(n);
    this.periods = new Float64Array(n);
    this.heap = [];
    for (let i = 0; i < n; i++) {
      const weight = weights[i]!;
      if (!(weight > 0) || !Number.isFinite(weight)) throw new Error(`weight ${i} must be a positive number, got ${weight}`);
      this.periods[i] = 1 / weight;
      this.deadlines[i] = random() * this.periods[i]!;
      this.push(i);
    }
  }

  /** The index of the backend to use next. */
  next(): number {
    const index = this.heap[0]!;
    this.deadlines[index] = this.deadlines[index]! + this.periods[index]!;
    this.siftDown(0);
    return index;
  }

  private before(a: number, b: number): boolean {
    const da = this.deadlines[a]!;
    const db = this.deadlines[b]!;
    return da < db || (da === db && a < b);
  }

  private push(index: number): void {
    const heap = this.heap;
    heap.push(index);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private siftDown(start: number): void {
    const heap = this.heap;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && this.before(heap[left]!, heap[smallest]!)) smallest = left;
      if (right < heap.length && this.before(heap[right]!, heap[smallest]!)) smallest = right;
      if (smallest === i) return;
      [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
      i = smallest;
    }
  }
}

/** Weighted round robin: EDF over the ready backends' weights. */
export class WeightedRoundRobinPicker implements Picker {
  private readonly scheduler: EarliestDeadlineFirstScheduler;

  constructor(
    private readonly backends: readonly PickableBackend[],
    random: () => number = Math.random,
  ) {
    this.scheduler = new EarliestDeadlineFirstScheduler(
      backends.map((b) => b.weight),
      random,
    );
  }

  pick(args: PickArgs): PickResult {
    const backend = this.backends[this.scheduler.next()]!;
    if (backend.connection?.ready === false) return QUEUE;
    const result = backend.picker.pick(args);
    const onLoadReport = backend.onLoadReport;
    if (!onLoadReport || result.pickResultType !== PickResultType.COMPLETE) return result;
    const innerEnded = result.onCallEnded;
    return {
      ...result,
      onCallEnded: (code, details, metadata) => {
        const [bytes] = metadata?.get(LOAD_REPORT_TRAILER) ?? [];
        if (bytes instanceof Uint8Array) {
          const report = decodeLoadReport(bytes);
          if (report) onLoadReport(report);
        }
        innerEnded?.(code, details, metadata);
      },
    };
  }
}

/**
 * Weighted least request by power of random choices: draw `choiceCount`
 * distinct backends with probability proportional to weight, take the one with the
 * fewest calls in flight per unit of weight (the first drawn on a tie). With
 * no calls in flight this gives each backend its weight's share; under load
 * it steers calls away from backends that answer slowly.
 */
export class LeastRequestPicker implements Picker {
  /** Running sums of the weights, for drawing by weight with a binary search. */
  private readonly cumulative: Float64Array;
  private readonly total: number;

  constructor(
    private readonly backends: readonly PickableBackend[],
    private readonly choiceCount: number,
    private readonly random: () => number = Math.random,
  ) {
    if (backends.length === 0) throw new Error('LeastRequestPicker needs at least one backend');
    this.cumulative = new Float64Array(backends.length);
    let sum = 0;
    backends.forEach((backend, i) => {
      sum += backend.weight;
      this.cumulative[i] = sum;
    });
    this.total = sum;
  }

  /** Draws a backend index with probability proportional to its weight. */
  private draw(): number {
    const target = this.random() * this.total;
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.cumulative[mid]! > target) high = mid;
      else low = mid + 1;
    }
    return low;
  }

  /**
   * Draws by weight among the backends not yet drawn. Distinct candidates
   * matter: drawing a stuck backend twice would hand it the call with no
   * comparison at all.
   */
  private drawExcluding(drawn: readonly number[]): number {
    const first = this.draw();
    if (!drawn.includes(first)) return first;
    let remaining = this.total;
    for (const index of drawn) remaining -= this.backends[index]!.weight;
    let target = this.random() * remaining;
    for (let i = 0; i < this.backends.length; i++) {
      if (drawn.includes(i)) continue;
      target -= this.backends[i]!.weight;
      if (target < 0) return i;
    }
    // Rounding left a sliver: take the last backend not drawn.
    for (let i = this.backends.length - 1; i >= 0; i--) if (!drawn.includes(i)) return i;
    return first;
  }

  pick(args: PickArgs): PickResult {
    const drawn = [this.draw()];
    let best = this.backends[drawn[0]!]!;
    const choices = Math.min(this.choiceCount, this.backends.length);
    for (let i = 1; i < choices; i++) {
      const index = this.drawExcluding(drawn);
      drawn.push(index);
      const candidate = this.backends[index]!;
      if (candidate.inFlight.count / candidate.weight < best.inFlight.count / best.weight) best = candidate;
    }
    if (best.connection?.ready === false) return QUEUE;
    const result = best.picker.pick(args);
    if (result.pickResultType !== PickResultType.COMPLETE) return result;
    const counter = best.inFlight;
    const innerStarted = result.onCallStarted;
    const innerEnded = result.onCallEnded;
    return {
      ...result,
      onCallStarted: () => {
        counter.count++;
        innerStarted?.();
      },
      onCallEnded: (code, details, metadata) => {
        counter.count = Math.max(0, counter.count - 1);
        innerEnded?.(code, details, metadata);
      },
    };
  }
}

/**
 * A steady, seeded, open-loop load on any backend, recording the latency and outcome of every
 * operation: the engine of the fault tests (outages behind a circuit breaker, Cluster failovers).
 * What each operation does is the caller's choice (`next`); this only paces, runs and records.
 */
import { type CircuitState, isCacheError, seededRandom } from '@forno/core';

/** How one operation ended. */
export type OpOutcome =
  /** A read answered by Redis, or a write Redis acknowledged. */
  | 'redis'
  /** A read answered from a fallback (a mirror, a replica). */
  | 'fallback'
  /** Rejected with a Forno error: its code. */
  | `E_${string}`
  /** Rejected with something else: a bug. */
  | 'untyped';

/** One operation of the load. */
export interface OpRecord {
  readonly kind: 'read' | 'write';
  readonly operation: string;
  /** The key it touched, when it touched one (to tell which shard it went to). */
  readonly key: string | undefined;
  /** Milliseconds since the load started. */
  readonly startedAt: number;
  /** The circuit's state when the operation started (`closed` when there is no breaker). */
  readonly circuit: CircuitState;
  durationMs: number;
  outcome: OpOutcome | 'pending';
}

/** What `next` returns: one operation to issue now. */
export interface PlannedOperation {
  readonly kind: 'read' | 'write';
  readonly operation: string;
  readonly key?: string;
  /** Runs it; resolves with how it was answered, rejects with the backend's error. */
  run(): Promise<OpOutcome>;
  /** Called once it has settled (to release a key, record an acknowledged write...). */
  settled?(outcome: OpOutcome): void;
}

/** Options of {@link OperationLoad}. */
export interface OperationLoadOptions {
  /** Operations started per second, whatever the latency (an open loop: a stall never slows it). */
  readonly ratePerSecond: number;
  /** Seed of the random sequence handed to `next`, so a run can be replayed. */
  readonly seed: number;
  /** The `n`-th operation, drawn with `random` (a seeded sequence in [0, 1)). */
  next(n: number, random: () => number): PlannedOperation;
  /** The circuit breaker's state, recorded with each operation. */
  circuit?(): CircuitState;
}

/** A successful read or acknowledged write: the usual `run` result of a {@link PlannedOperation}. */
export const answered = async (operation: Promise<unknown>): Promise<OpOutcome> => {
  await operation;
  return 'redis';
};

/**
 * Issues `ratePerSecond` operations per second on a 5 ms tick (catching up after a stalled event
 * loop, at most 50 per tick; beyond that they are skipped, not queued, so the load stays steady).
 */
export class OperationLoad {
  readonly records: OpRecord[] = [];
  readonly #options: OperationLoadOptions;
  readonly #random: () => number;
  readonly #inFlight = new Set<Promise<void>>();
  #startedAt = 0;
  #issued = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: OperationLoadOptions) {
    this.#options = options;
    this.#random = seededRandom(options.seed);
  }

  /** Milliseconds since `start()`. */
  now(): number {
    return performance.now() - this.#startedAt;
  }

  /** Operations not settled yet. */
  get pending(): number {
    return this.#inFlight.size;
  }

  start(): void {
    this.#startedAt = performance.now();
    this.#timer = setInterval(() => this.#tick(), 5);
  }

  /** Stops issuing and waits for every operation to settle (or `graceMs` to pass). */
  async stop(graceMs: number): Promise<void> {
    clearInterval(this.#timer);
    const deadline = new Promise((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.race([Promise.allSettled([...this.#inFlight]), deadline]);
  }

  #tick(): void {
    const due = Math.floor((this.now() * this.#options.ratePerSecond) / 1000) - this.#issued;
    for (let i = 0; i < Math.min(due, 50); i++) this.#issue();
    if (due > 50) this.#issued += due - 50;
  }

  #issue(): void {
    const planned = this.#options.next(this.#issued++, this.#random);
    const record: OpRecord = {
      kind: planned.kind,
      operation: planned.operation,
      key: planned.key,
      startedAt: this.now(),
      circuit: this.#options.circuit?.() ?? 'closed',
      durationMs: Number.NaN,
      outcome: 'pending',
    };
    this.records.push(record);
    const started = performance.now();
    let settled: Promise<void>;
    try {
      settled = planned.run().then(
        (outcome) => {
          record.outcome = outcome;
        },
        (error: unknown) => {
          record.outcome = isCacheError(error) ? (error.code as OpOutcome) : 'untyped';
        },
      );
    } catch {
      settled = Promise.resolve();
      record.outcome = 'untyped'; // threw synchronously instead of rejecting: a bug too
    }
    const done = settled.finally(() => {
      record.durationMs = performance.now() - started;
      this.#inFlight.delete(done);
      planned.settled?.(record.outcome as OpOutcome);
    });
    this.#inFlight.add(done);
  }
}

import {
  assertKnownOptions,
  type Duration,
  durationOption,
  InvalidConfigError,
  integerOption,
  numberOption,
} from '@forno/core';
import type { Breaker } from './breaker.js';

/** Options of {@link SamplingBreaker}. */
export interface SamplingBreakerOptions {
  /** Failure ratio in (0, 1] at or above which the circuit opens, e.g. `0.5` for half the calls. */
  readonly threshold: number;
  /** Length of the sliding window the ratio is measured over. Default `'10s'`. */
  readonly duration?: Duration | undefined;
  /**
   * Calls the window must hold before the ratio counts, so two failures out of three at night do
   * not open the circuit. Default `ceil(5 / threshold)` (10 for a threshold of 0.5). Exclusive with
   * `minimumRps`.
   */
  readonly minimumCalls?: number | undefined;
  /** The same floor as a rate: `minimumCalls = ceil(minimumRps × duration in seconds)`. */
  readonly minimumRps?: number | undefined;
}

/** Buckets the window is divided into; the window slides one bucket at a time. */
const BUCKETS = 10;

interface Bucket {
  index: number;
  successes: number;
  failures: number;
}

const OWNER = 'SamplingBreaker';

/**
 * Opens the circuit when, over the last `duration`, at least `minimumCalls` calls were seen and
 * the share of failures is `threshold` or more. Better than {@link ConsecutiveBreaker} under heavy
 * load, where a partial outage (one bad shard, a flapping replica) interleaves successes with
 * failures and never produces a long enough run of consecutive failures.
 *
 * The window is divided into 10 buckets that expire one at a time; time comes from the
 * `CircuitBreakerPolicy`'s injected clock (the `now` passed to `success`/`failure`).
 */
export class SamplingBreaker implements Breaker {
  /** Failure ratio at or above which the circuit opens. */
  readonly threshold: number;
  /** Length of the sliding window in milliseconds. */
  readonly durationMs: number;
  /** Calls the window must hold before the ratio counts. */
  readonly minimumCalls: number;
  readonly #bucketMs: number;
  readonly #buckets: Bucket[] = [];

  constructor(options: SamplingBreakerOptions) {
    assertKnownOptions(options, ['threshold', 'duration', 'minimumCalls', 'minimumRps'], OWNER);
    if (options?.threshold === undefined) {
      throw new InvalidConfigError('options.threshold', `${OWNER} needs a failure ratio in (0, 1]`);
    }
    this.threshold = numberOption(
      options.threshold,
      'threshold',
      { min: 0, max: 1, minExclusive: true },
      0,
      OWNER,
    );
    this.durationMs = durationOption(options.duration, 'duration', '10s', OWNER);
    if (this.durationMs <= 0) {
      throw new InvalidConfigError('options.duration', `${OWNER} needs a window longer than 0ms`);
    }
    if (options.minimumCalls !== undefined && options.minimumRps !== undefined) {
      throw new InvalidConfigError(
        'options.minimumRps',
        `${OWNER} takes minimumCalls or minimumRps, not both`,
      );
    }
    const fromRps =
      options.minimumRps === undefined
        ? undefined
        : Math.max(
            1,
            Math.ceil(
              (numberOption(options.minimumRps, 'minimumRps', { min: 0 }, 0, OWNER) * this.durationMs) / 1000,
            ),
          );
    this.minimumCalls =
      fromRps ?? integerOption(options.minimumCalls, 'minimumCalls', 1, Math.ceil(5 / this.threshold), OWNER);
    this.#bucketMs = this.durationMs / BUCKETS;
    for (let i = 0; i < BUCKETS; i++) this.#buckets.push({ index: Number.NaN, successes: 0, failures: 0 });
  }

  /** Successes and failures inside the window that ends at `now`. */
  counts(now: number): { successes: number; failures: number } {
    const current = Math.floor(now / this.#bucketMs);
    let successes = 0;
    let failures = 0;
    for (const bucket of this.#buckets) {
      if (bucket.index > current - BUCKETS && bucket.index <= current) {
        successes += bucket.successes;
        failures += bucket.failures;
      }
    }
    return { successes, failures };
  }

  /** Records a success at `now`. */
  success(now: number): void {
    this.#bucketAt(now).successes += 1;
  }

  /** Records a failure at `now`; `true` when the window is full enough and the ratio is reached. */
  failure(now: number): boolean {
    this.#bucketAt(now).failures += 1;
    const { successes, failures } = this.counts(now);
    const total = successes + failures;
    return total >= this.minimumCalls && failures / total >= this.threshold;
  }

  /** Empties the window. */
  reset(): void {
    for (const bucket of this.#buckets) {
      bucket.index = Number.NaN;
      bucket.successes = 0;
      bucket.failures = 0;
    }
  }

  #bucketAt(now: number): Bucket {
    const index = Math.floor(now / this.#bucketMs);
    const bucket = this.#buckets[((index % BUCKETS) + BUCKETS) % BUCKETS]!;
    if (bucket.index !== index) {
      bucket.index = index;
      bucket.successes = 0;
      bucket.failures = 0;
    }
    return bucket;
  }
}

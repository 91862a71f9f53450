import {
  CacheTimeoutError,
  CacheUnavailableError,
  type Duration,
  describeValue,
  InvalidConfigError,
  parseDuration,
  seededRandom,
} from '@forno/core';

/** A latency range: each affected call waits a uniformly drawn time between `min` and `max`. */
export interface ChaosLatency {
  readonly min: Duration;
  readonly max: Duration;
}

/** Builds the error an injected failure rejects with, given the operation name. */
export type ChaosErrorFactory = (operation: string) => Error;

/** Options of `ChaosCacheRepository`. */
export interface ChaosOptions {
  /** Seed of the random source: the same seed and the same call order give the same faults. */
  readonly seed: number;
  /** Probability in [0, 1] that a call fails. Default 0. Can be changed later (`chaos.failureRate = 1`). */
  readonly failureRate?: number;
  /**
   * Extra latency of each call, a fixed duration or a `{ min, max }` range: half of it passes before
   * the call is forwarded, half after it settled. Default none.
   */
  readonly latency?: ChaosLatency | Duration;
  /**
   * Errors to inject, one picked at random per failure. Default: `CacheUnavailableError` and
   * `CacheTimeoutError`, the two errors of a real outage.
   */
  readonly errors?: readonly ChaosErrorFactory[];
  /** Only these operations (method names) are affected; default all of them. */
  readonly operations?: readonly string[];
  /**
   * Probability in [0, 1] that a failed call was nevertheless applied: the operation runs on the
   * inner repository and the caller still gets the error, like a write that timed out after the
   * server executed it. Default 0 (failures happen before the call is forwarded).
   */
  readonly appliedRate?: number;
}

/** What one call will suffer, drawn when it is made. */
interface FaultPlan {
  readonly delayMs: number;
  readonly error: Error | undefined;
  readonly applied: boolean;
}

const DEFAULT_ERRORS: readonly ChaosErrorFactory[] = [
  (operation) => new CacheUnavailableError(`chaos: ${operation} failed (injected connection failure)`),
  (operation) => new CacheTimeoutError(`chaos: ${operation} timed out (injected)`),
];
const KNOWN_OPTIONS = new Set(['seed', 'failureRate', 'latency', 'errors', 'operations', 'appliedRate']);

/**
 * Decides and injects the faults of a `ChaosCacheRepository` (internal). Every call draws exactly
 * four random numbers when it is made, whatever the settings, so a seed reproduces the same
 * sequence of faults even when the failure rate or latency is changed between calls.
 */
export class ChaosFaults {
  readonly #random: () => number;
  readonly #errors: readonly ChaosErrorFactory[];
  readonly #operations: ReadonlySet<string> | undefined;
  readonly #appliedRate: number;
  readonly #calls = new Map<string, number>();
  #failureRate = 0;
  #latency = { minMs: 0, maxMs: 0 };
  #total = 0;
  #failures = 0;

  /** Validates `options`, throwing `InvalidConfigError` naming the field. */
  constructor(options: ChaosOptions) {
    if (options === null || typeof options !== 'object') {
      throw new InvalidConfigError('options', `expected an options object, got ${describeValue(options)}`);
    }
    for (const name of Object.keys(options)) {
      if (!KNOWN_OPTIONS.has(name)) throw new InvalidConfigError(`options.${name}`, 'unknown option');
    }
    if (!Number.isFinite(options.seed)) {
      throw new InvalidConfigError(
        'options.seed',
        `expected a finite number, got ${describeValue(options.seed)}`,
      );
    }
    this.#random = seededRandom(options.seed);
    this.failureRate = options.failureRate ?? 0;
    this.#appliedRate = probability(options.appliedRate ?? 0, 'options.appliedRate');
    this.latency = options.latency ?? 0;
    this.#errors = options.errors ?? DEFAULT_ERRORS;
    if (this.#errors.length === 0 || this.#errors.some((factory) => typeof factory !== 'function')) {
      throw new InvalidConfigError('options.errors', 'expected a non-empty array of error factories');
    }
    this.#operations = options.operations === undefined ? undefined : new Set(options.operations);
  }

  /** Probability in [0, 1] that a call fails. */
  get failureRate(): number {
    return this.#failureRate;
  }

  /** Changes the failure rate; throws `InvalidConfigError` outside [0, 1]. */
  set failureRate(rate: number) {
    this.#failureRate = probability(rate, 'failureRate');
  }

  /** The latency range, in milliseconds. */
  get latency(): { readonly minMs: number; readonly maxMs: number } {
    return this.#latency;
  }

  /** Changes the latency: a duration, or a `{ min, max }` range with `0 <= min <= max`. */
  set latency(latency: ChaosLatency | Duration) {
    const range = typeof latency === 'object' && latency !== null ? latency : { min: latency, max: latency };
    const minMs = parseDuration(range.min, 'latency.min');
    const maxMs = parseDuration(range.max, 'latency.max');
    if (minMs < 0 || maxMs < minMs) {
      throw new InvalidConfigError('latency', `expected 0 <= min <= max, got ${minMs}ms..${maxMs}ms`);
    }
    this.#latency = { minMs, maxMs };
  }

  /** Calls made so far, all operations or one. */
  calls(operation?: string): number {
    return operation === undefined ? this.#total : (this.#calls.get(operation) ?? 0);
  }

  /** Failures injected so far. */
  get failures(): number {
    return this.#failures;
  }

  /**
   * Runs `call` under this call's faults. Half the latency passes before the call is forwarded
   * (the request on its way) and half after it settled (the reply on its way back), so a read can
   * return a value that a write overtook meanwhile, as on a real network.
   */
  async run<T>(operation: string, call: () => Promise<T>): Promise<T> {
    const plan = this.#plan(operation);
    const before = Math.floor(plan.delayMs / 2);
    // Without latency the call is forwarded at once, as a transparent wrapper must (an operation
    // called before `disconnect()` reaches the repository before it closes).
    if (before > 0) await sleep(before);
    if (plan.error !== undefined) {
      if (plan.applied) await call().catch(() => undefined);
      await sleep(plan.delayMs - before);
      throw plan.error;
    }
    const settled = await call().then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    await sleep(plan.delayMs - before);
    if (!settled.ok) throw settled.error;
    return settled.value;
  }

  #plan(operation: string): FaultPlan {
    this.#total += 1;
    this.#calls.set(operation, (this.#calls.get(operation) ?? 0) + 1);
    const [fail, delay, pick, applied] = [this.#random(), this.#random(), this.#random(), this.#random()];
    if (this.#operations !== undefined && !this.#operations.has(operation)) {
      return { delayMs: 0, error: undefined, applied: false };
    }
    const { minMs, maxMs } = this.#latency;
    const delayMs = Math.round(minMs + delay * (maxMs - minMs));
    if (fail >= this.#failureRate) return { delayMs, error: undefined, applied: false };
    this.#failures += 1;
    const factory = this.#errors[Math.floor(pick * this.#errors.length)]!;
    return { delayMs, error: factory(operation), applied: applied < this.#appliedRate };
  }
}

function probability(value: number, name: string): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new InvalidConfigError(name, `expected a probability between 0 and 1, got ${describeValue(value)}`);
  }
  return value;
}

/** Resolves after `ms` (at once for 0), on the global timers so fake timers drive it. */
function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

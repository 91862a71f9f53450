import type { CacheBackend, Duration, ScanOptions } from '@forno/core';
import { assertCacheRepository, CacheRepositoryDecorator, callCommand } from '@forno/core/backend';
import { ChaosFaults, type ChaosLatency, type ChaosOptions } from './chaos-faults.js';

/**
 * Wraps any `CacheBackend` (its data and lock commands; its events, metrics and summary stay
 * visible through the wrapper) and injects seeded, reproducible faults: random failures (by default
 * `CacheUnavailableError` or `CacheTimeoutError`) and random latency, on every operation or on
 * the ones you name. Everything else is forwarded untouched, so it stands in for a flaky Redis in
 * resilience tests without a server:
 *
 * ```ts
 * const chaos = new ChaosCacheRepository(new InMemoryCacheRepository(), {
 *   seed: 42,
 *   failureRate: 0.2,
 *   latency: { min: '1ms', max: '20ms' },
 * });
 * chaos.failureRate = 1; // a hard outage, until set back to 0
 * ```
 *
 * Faults are drawn when a call is made, so the same seed and the same sequence of calls always
 * fail the same calls. `connect`, `disconnect`, `status`, `keyPrefix` and `serializer` are never
 * affected; `scan` suffers its fault when iteration starts.
 */
export class ChaosCacheRepository<
  TInner extends CacheBackend = CacheBackend,
> extends CacheRepositoryDecorator<TInner> {
  readonly #faults: ChaosFaults;

  /** Throws `InvalidConfigError` for bad options, naming the field. */
  constructor(inner: TInner, options: ChaosOptions) {
    assertCacheRepository(inner);
    const faults = new ChaosFaults(options);
    super(inner, (name, args) => faults.run(name, () => callCommand(inner, name, args)));
    this.#faults = faults;
  }

  /** Probability in [0, 1] that a call fails; set it to 1 for an outage and back to 0 to recover. */
  get failureRate(): number {
    return this.#faults.failureRate;
  }

  set failureRate(rate: number) {
    this.#faults.failureRate = rate;
  }

  /** The latency range in milliseconds; assign a duration or a `{ min, max }` range to change it. */
  get latency(): { readonly minMs: number; readonly maxMs: number } {
    return this.#faults.latency;
  }

  set latency(latency: ChaosLatency | Duration) {
    this.#faults.latency = latency;
  }

  /** Calls made so far through this wrapper: all of them, or those of one operation (`'incrby'`). */
  calls(operation?: string): number {
    return this.#faults.calls(operation);
  }

  /** Failures injected so far. */
  get failures(): number {
    return this.#faults.failures;
  }

  /** The inner repository's `scan`; its fault (if any) strikes when iteration starts. */
  override async *scan(pattern?: string, options?: ScanOptions): AsyncGenerator<string, void, undefined> {
    const inner = this.inner;
    const iterable = await this.#faults.run('scan', async () => inner.scan(pattern, options));
    yield* iterable;
  }
}

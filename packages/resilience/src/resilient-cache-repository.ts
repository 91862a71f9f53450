import {
  assertKnownOptions,
  type CacheBackend,
  CacheEventEmitter,
  type CacheEventListener,
  type CacheEventSource,
  type Duration,
  describeValue,
  InvalidConfigError,
  strategyOption,
} from '@forno/core';
import { assertCacheRepository, CacheRepositoryDecorator } from '@forno/core/backend';
import type { CircuitBreakerPolicy } from './circuit-breaker-policy.js';
import { FallbackMirror, type FallbackOptions } from './fallback-mirror.js';
import { type Sourced, trackSource } from './read-source.js';
import { ResilientCommandRunner } from './resilient-command-runner.js';
import { TimeoutPolicy } from './timeout-policy.js';
import { wrapPolicies } from './wrap-policies.js';

/** Options of {@link ResilientCacheRepository}. Every part is optional; leave out what you do not want. */
export interface ResilientCacheRepositoryOptions {
  /**
   * The backend's circuit breaker. Share one per backend: every command but `subscribe`, `scan`,
   * `ping` and `flushdb` feeds it, so an outage opens it after `failureThreshold` failed attempts
   * and commands then fail fast (reads falling back) until it recovers. What counts is the
   * breaker's `isFailure`: by default outages and Redis error replies (`CommandError`), never bad
   * input or `WrongTypeError`; `isFailure: isCacheOutage` counts only outages.
   */
  readonly breaker?: CircuitBreakerPolicy | undefined;
  /**
   * Deadline of each attempt (a `TimeoutPolicy` or a duration such as `'500ms'`). Leave it out
   * only if the inner repository enforces its own, like `RedisRepository`'s `commandTimeout`.
   */
  readonly timeout?: TimeoutPolicy | Duration | undefined;
  /**
   * The in-memory mirror that answers reads during an outage: `{ max, ttl, maxBytes }`, or `false`
   * to disable it. Default: on, at most 1000 results and 64 MiB, no age limit.
   */
  readonly fallback?: FallbackOptions | false | undefined;
}

const OWNER = 'ResilientCacheRepository';
const OPTION_KEYS = ['breaker', 'timeout', 'fallback'];

/**
 * A `CacheRepository` that survives its backend's outages: it wraps any repository (Redis, the
 * in-memory fake) with a circuit breaker and a timeout, and answers reads from an in-memory mirror
 * of recently read and written values while the backend is unavailable. It does not retry:
 * retries happen in one layer, the backend (`RedisRepository` retries idempotent commands, as
 * core's command table classifies them, within its `commandTimeout`).
 *
 * - **Reads** run through `breaker → timeout`. On an outage error (`CacheUnavailableError`,
 *   `CacheTimeoutError`, `BrokenCircuitError`) they are answered from the mirror when it holds a
 *   copy — flagged by a `fallback` event and by {@link ResilientCacheRepository.withSource} — and
 *   rejected with that error otherwise. Other errors (bad input, `WrongTypeError`) are never hidden.
 * - **Writes** are acknowledged or rejected with a typed error, never dropped and never hanging.
 *   A write drops its keys' mirrored results, and `set`/`mset` keep the value
 *   once the backend acknowledged it.
 * - `scan` and `subscribe` are forwarded untouched; `ping` and `flushdb` get the timeout only.
 *
 * ```ts
 * const cache = new ResilientCacheRepository(redis, {
 *   breaker: new CircuitBreakerPolicy({ failureThreshold: 5, recoveryTimeout: '60s', successThreshold: 3 }),
 *   timeout: '500ms',
 *   fallback: { max: 1_000, ttl: '1h' },
 * });
 * const { value, source } = await cache.getWithSource<Menu>('menu:margherita'); // source: 'redis' | 'fallback'
 * ```
 *
 * After `disconnect()` the repository is closed on purpose, not down: calls go straight to the
 * inner repository (which rejects them), no fallback is served, and the mirror is emptied.
 */
export class ResilientCacheRepository<
  TInner extends CacheBackend = CacheBackend,
> extends CacheRepositoryDecorator<TInner> {
  /** The circuit breaker, for health checks (`breaker.state`) and manual `isolate()`. */
  readonly breaker: CircuitBreakerPolicy | undefined;
  /** The per-attempt timeout. */
  readonly timeout: TimeoutPolicy | undefined;
  readonly #mirror: FallbackMirror | undefined;
  readonly #events: CacheEventEmitter;
  readonly #state: { closed: boolean };

  /** Validates `options`, throwing `InvalidConfigError` naming the field. */
  constructor(inner: TInner, options: ResilientCacheRepositoryOptions = {}) {
    assertCacheRepository(inner);
    assertKnownOptions(options, OPTION_KEYS, OWNER);
    const breaker = strategyOption<CircuitBreakerPolicy>(
      options.breaker,
      'breaker',
      ['execute', 'onEvent'],
      OWNER,
    );
    const timeout = timeoutOption(options.timeout);
    const mirror = fallbackOption(options.fallback);
    const events = new CacheEventEmitter();
    const state = { closed: false };
    const present = (...policies: (TimeoutPolicy | CircuitBreakerPolicy | undefined)[]) =>
      wrapPolicies(...policies.filter((policy) => policy !== undefined));
    const runner = new ResilientCommandRunner({
      inner,
      chains: {
        read: present(breaker, timeout),
        write: present(breaker, timeout),
        breaker: present(breaker),
        timeout: present(timeout),
      },
      mirror,
      events,
      closed: () => state.closed,
    });
    super(inner, (name, args) => runner.run(name, args));
    this.breaker = breaker;
    this.timeout = timeout;
    this.#mirror = mirror;
    this.#events = events;
    this.#state = state;
  }

  /** Number of read results the fallback mirror holds (0 when disabled). */
  get fallbackSize(): number {
    return this.#mirror?.size ?? 0;
  }

  /** Bytes the fallback mirror holds, as measured for its `maxBytes` bound (0 when disabled). */
  get fallbackBytes(): number {
    return this.#mirror?.bytes ?? 0;
  }

  /** Connects the inner repository; policies and the fallback apply again. */
  override async connect(): Promise<void> {
    this.#state.closed = false;
    await this.inner.connect();
  }

  /** Disconnects the inner repository and empties the mirror; until `connect()`, calls go straight through. */
  override async disconnect(): Promise<void> {
    this.#state.closed = true;
    this.#mirror?.clear();
    await this.inner.disconnect();
  }

  /**
   * Runs `read` and tells whether it was answered from the fallback: `source` is `'fallback'` if
   * any read of this repository inside it was served from the mirror, else `'redis'`. Concurrent
   * calls are tracked independently (with `AsyncLocalStorage`).
   *
   * ```ts
   * const { value: cart, source } = await cache.withSource((c) => c.hgetall<Item>(`cart:${id}`));
   * ```
   */
  withSource<T>(read: (repository: this) => Promise<T>): Promise<Sourced<T>> {
    return trackSource(() => read(this));
  }

  /** `get(key)` with where its answer came from; see {@link ResilientCacheRepository.withSource}. */
  getWithSource<T = unknown>(key: string): Promise<Sourced<T | null>> {
    return trackSource(() => this.get<T>(key));
  }

  /** Drops every result the fallback mirror holds. */
  clearFallback(): void {
    this.#mirror?.clear();
  }

  /**
   * Adds a listener for every event that concerns this repository, so metrics subscribe once:
   * `fallback` events (`{ type: 'fallback', operation, key, hit, error }`), the breaker's `circuit`
   * events, and the inner repository's own events (`operation`, `connection`). Returns a function
   * that removes the listener everywhere.
   *
   * A breaker shared by several repositories reports its transitions through each of them.
   */
  override onEvent(listener: CacheEventListener): () => void {
    const sources: CacheEventSource[] = [this.#events];
    if (this.breaker) sources.push(this.breaker);
    const subscriptions = sources.map((source) => source.onEvent(listener));
    subscriptions.push(super.onEvent(listener));
    return () => {
      for (const unsubscribe of subscriptions) unsubscribe();
    };
  }
}

function timeoutOption(timeout: TimeoutPolicy | Duration | undefined): TimeoutPolicy | undefined {
  if (timeout === undefined || timeout instanceof TimeoutPolicy) return timeout;
  if (typeof timeout === 'number' || typeof timeout === 'string') return new TimeoutPolicy(timeout);
  return strategyOption<TimeoutPolicy>(timeout, 'timeout', ['execute'], OWNER);
}

function fallbackOption(fallback: FallbackOptions | false | undefined): FallbackMirror | undefined {
  if (fallback === false) return undefined;
  if (fallback !== undefined && (typeof fallback !== 'object' || fallback === null)) {
    throw new InvalidConfigError(
      'options.fallback',
      `${OWNER} needs an options object or false, got ${describeValue(fallback)}`,
    );
  }
  return new FallbackMirror(fallback);
}

import {
  assertKnownOptions,
  CacheEventEmitter,
  type CacheEventListener,
  type CacheEventSource,
  type CircuitState,
  type Clock,
  type Duration,
  durationOption,
  functionOption,
  InvalidArgumentError,
  InvalidConfigError,
  integerOption,
  strategyOption,
  systemClock,
} from '@forno/core';
import { isBackendFailure, wasCancelled } from './backend-failure.js';
import type { Breaker } from './breaker.js';
import { BrokenCircuitError } from './broken-circuit-error.js';
import { ConsecutiveBreaker } from './consecutive-breaker.js';
import type { Policy, PolicyFunction } from './policy.js';
import { type WrappedFunction, wrapFunction } from './wrap-function.js';

/** Options of {@link CircuitBreakerPolicy}: thresholds, recovery timeout, what counts as a failure, and an injectable clock. */
export interface CircuitBreakerPolicyOptions {
  /**
   * Consecutive failures that open the circuit (builds a {@link ConsecutiveBreaker}). Default 5.
   * Exclusive with `breaker`.
   */
  readonly failureThreshold?: number | undefined;
  /** How long the circuit stays open before admitting probe calls. Default `'60s'`. */
  readonly recoveryTimeout?: Duration | undefined;
  /** Consecutive successful probes that close a half-open circuit. Default 3. */
  readonly successThreshold?: number | undefined;
  /** Probe calls admitted at once while half-open; further calls are rejected fast. Default 1. */
  readonly halfOpenMaxConcurrent?: number | undefined;
  /** Decides when a closed circuit opens, e.g. a {@link SamplingBreaker}. Exclusive with `failureThreshold`. */
  readonly breaker?: Breaker | undefined;
  /**
   * Whether an error says the backend is failing. Default {@link isBackendFailure}: every error
   * except Forno's client-side errors (bad argument or config, serialization, `WrongTypeError`,
   * cross-slot, entity exists / not found, forbidden operation), `AbortError` and
   * `BrokenCircuitError` — so a breaker around a database or `fetch()` opens on `ECONNREFUSED` or
   * `TypeError: fetch failed`, and a bug in the caller's input cannot trip it. Pass
   * {@link isCacheOutage} to count only `CacheUnavailableError` and `CacheTimeoutError` (the
   * default before). Errors it rejects pass through without counting either way.
   */
  readonly isFailure?: ((error: unknown) => boolean) | undefined;
  /** Source of monotonic time for the recovery timeout and the breaker. Default `systemClock`. */
  readonly clock?: Clock | undefined;
}

/** Receives circuit state changes. Must not throw; errors it throws are ignored. */
export type CircuitStateListener = (state: CircuitState, previous: CircuitState) => void;

/** Holds a circuit open by hand until disposed; returned by {@link CircuitBreakerPolicy.isolate}. */
export interface CircuitIsolation extends Disposable {
  /** Releases this isolation; the circuit closes once every isolation is released. Idempotent. */
  dispose(): void;
}

const OWNER = 'CircuitBreakerPolicy';
const OPTION_KEYS = [
  'failureThreshold',
  'recoveryTimeout',
  'successThreshold',
  'halfOpenMaxConcurrent',
  'breaker',
  'isFailure',
  'clock',
];
const SUCCESS = Symbol('success');
const NEUTRAL = Symbol('neutral');

/**
 * Stops calling a backend that keeps failing, so callers fail fast (and can fall back) instead of
 * waiting on timeouts, and the backend gets room to recover. Any backend: a Forno cache, a
 * database, an HTTP API — by default every error counts except the caller's own mistakes and
 * cancellations (see {@link isBackendFailure}).
 *
 * - **closed**: calls go through; failures (by `isFailure`) feed the {@link Breaker}. When it
 *   says so (by default after `failureThreshold` consecutive failures) the circuit opens.
 * - **open**: calls are rejected at once with {@link BrokenCircuitError}, `fn` is not called.
 * - **half-open**: once `recoveryTimeout` has passed, up to `halfOpenMaxConcurrent` probe calls
 *   are let through at a time; others are rejected fast, not queued. `successThreshold`
 *   consecutive successful probes close the circuit; a failed probe re-opens it and restarts the
 *   recovery timeout.
 *
 * Time is read from the injected clock's monotonic time; no timer is kept. The open → half-open
 * transition happens when the state is next read or a call arrives. Calls that settle after the
 * state they started in has changed (a slow call finishing after the circuit opened) are ignored.
 *
 * ```ts
 * const breaker = new CircuitBreakerPolicy({ failureThreshold: 5, recoveryTimeout: '60s', successThreshold: 3 });
 * await breaker.execute(() => redis.get(key)); // BrokenCircuitError while open
 * ```
 */
export class CircuitBreakerPolicy implements Policy, CacheEventSource {
  /** How long the circuit stays open before admitting probes, in milliseconds. */
  readonly recoveryTimeoutMs: number;
  /** Consecutive successful probes that close a half-open circuit. */
  readonly successThreshold: number;
  /** Probe calls admitted at once while half-open. */
  readonly halfOpenMaxConcurrent: number;
  /** The strategy that decides when a closed circuit opens. */
  readonly breaker: Breaker;
  readonly #isFailure: (error: unknown) => boolean;
  readonly #clock: Clock;
  readonly #events = new CacheEventEmitter();
  #state: CircuitState = 'closed';
  /** Bumped on every transition; results of calls from an older generation are ignored. */
  #generation = 0;
  #openedAt = 0;
  #probes = 0;
  #probeSuccesses = 0;
  #isolations = 0;
  #isolationEpoch = 0;
  #lastFailure: unknown;

  /** Validates `options` (throwing `InvalidConfigError` naming the field) and applies defaults. */
  constructor(options?: CircuitBreakerPolicyOptions) {
    assertKnownOptions(options, OPTION_KEYS, OWNER);
    const o = options ?? {};
    if (o.breaker !== undefined && o.failureThreshold !== undefined) {
      throw new InvalidConfigError(
        'options.failureThreshold',
        `${OWNER} takes failureThreshold or a breaker, not both (set the threshold on the breaker)`,
      );
    }
    this.breaker =
      strategyOption<Breaker>(o.breaker, 'breaker', ['success', 'failure', 'reset'], OWNER) ??
      new ConsecutiveBreaker(integerOption(o.failureThreshold, 'failureThreshold', 1, 5, OWNER));
    this.recoveryTimeoutMs = durationOption(o.recoveryTimeout, 'recoveryTimeout', '60s', OWNER);
    this.successThreshold = integerOption(o.successThreshold, 'successThreshold', 1, 3, OWNER);
    this.halfOpenMaxConcurrent = integerOption(o.halfOpenMaxConcurrent, 'halfOpenMaxConcurrent', 1, 1, OWNER);
    this.#isFailure = functionOption(o.isFailure, 'isFailure', isBackendFailure, OWNER);
    this.#clock = strategyOption<Clock>(o.clock, 'clock', ['now', 'monotonic'], OWNER) ?? systemClock;
  }

  /** Current state. Reading it moves an open circuit whose recovery timeout has passed to half-open. */
  get state(): CircuitState {
    this.#refresh();
    return this.#state;
  }

  /** Whether the circuit is held open by {@link CircuitBreakerPolicy.isolate}. */
  get isolated(): boolean {
    return this.#isolations > 0;
  }

  /** The last error counted as a failure (the `cause` of {@link BrokenCircuitError}s), if any. */
  get lastFailure(): unknown {
    return this.#lastFailure;
  }

  /**
   * Runs `fn` if the circuit admits the call, otherwise rejects at once with
   * {@link BrokenCircuitError} without calling it. `fn`'s own result or error is passed through
   * unchanged; only its outcome is recorded. A call that fails after the caller aborted `signal` is
   * not counted, whatever `isFailure` says: the caller gave up, the backend did not fail — unless
   * the signal's reason is a `TimeoutError` (`AbortSignal.timeout()`): a deadline that ran out
   * counts like any timeout.
   */
  async execute<T>(fn: PolicyFunction<T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    const probe = this.#admit();
    const generation = this.#generation;
    let result: T;
    try {
      result = await fn({ signal: signal ?? new AbortController().signal, attempt: 1 });
    } catch (error) {
      const counts = !wasCancelled(signal) && this.#isFailure(error);
      this.#settle(generation, probe, counts ? error : NEUTRAL);
      throw error;
    }
    this.#settle(generation, probe, SUCCESS);
    return result;
  }

  /**
   * Returns `fn` with every call run through {@link CircuitBreakerPolicy.execute}, keeping its
   * parameters and `this` — a decorator as a plain function.
   */
  wrap<F extends (...args: never[]) => unknown>(fn: F): WrappedFunction<F> {
    return wrapFunction(this, fn);
  }

  /**
   * Opens the circuit by hand (maintenance, a failover you know about) until the returned handle
   * is disposed; calls are rejected with reason `'isolated'`. Isolations nest: the circuit closes
   * when the last one is released. Works with `using`.
   */
  isolate(): CircuitIsolation {
    this.#isolations += 1;
    if (this.#state !== 'open') this.#transition('open');
    const epoch = this.#isolationEpoch;
    let released = false;
    const dispose = (): void => {
      if (released || epoch !== this.#isolationEpoch) return;
      released = true;
      this.#isolations -= 1;
      if (this.#isolations === 0) this.#transition('closed');
    };
    return { dispose, [Symbol.dispose]: dispose };
  }

  /** Closes the circuit and forgets all history, releasing every isolation. */
  reset(): void {
    this.#isolations = 0;
    this.#isolationEpoch += 1;
    this.#lastFailure = undefined;
    if (this.#state === 'closed') {
      this.#generation += 1;
      this.breaker.reset();
    } else {
      this.#transition('closed');
    }
  }

  /**
   * Adds a listener for core `circuit` events, `{ type: 'circuit', state, previous }`, emitted on
   * every transition in order. Returns a function that removes it. `@forno/metrics` consumes these
   * without depending on this package.
   */
  onEvent(listener: CacheEventListener): () => void {
    return this.#events.onEvent(listener);
  }

  /** Adds a listener called with `(state, previous)` on every transition; returns a function that removes it. */
  onStateChange(listener: CircuitStateListener): () => void {
    if (typeof listener !== 'function') throw new InvalidArgumentError('listener', 'expected a function');
    return this.#events.onEvent((event) => {
      if (event.type === 'circuit') listener(event.state, event.previous);
    });
  }

  /** Throws when the call is not admitted; returns whether it is a half-open probe. */
  #admit(): boolean {
    this.#refresh();
    switch (this.#state) {
      case 'closed':
        return false;
      case 'open':
        throw this.#isolations > 0
          ? new BrokenCircuitError({ reason: 'isolated', cause: this.#lastFailure })
          : new BrokenCircuitError({
              reason: 'open',
              retryAfterMs: Math.max(
                0,
                Math.ceil(this.#openedAt + this.recoveryTimeoutMs - this.#clock.monotonic()),
              ),
              cause: this.#lastFailure,
            });
      case 'half-open':
        if (this.#probes >= this.halfOpenMaxConcurrent) {
          throw new BrokenCircuitError({ reason: 'half-open', cause: this.#lastFailure });
        }
        this.#probes += 1;
        return true;
    }
  }

  /** Records the outcome of a call admitted in `generation`. */
  #settle(generation: number, probe: boolean, outcome: unknown): void {
    if (generation !== this.#generation) return;
    if (probe) this.#probes -= 1;
    if (outcome === NEUTRAL) return;
    const now = this.#clock.monotonic();
    if (this.#state === 'closed') {
      if (outcome === SUCCESS) {
        this.breaker.success(now);
      } else {
        this.#lastFailure = outcome;
        if (this.breaker.failure(now)) this.#transition('open');
      }
    } else if (this.#state === 'half-open') {
      if (outcome === SUCCESS) {
        this.#probeSuccesses += 1;
        if (this.#probeSuccesses >= this.successThreshold) this.#transition('closed');
      } else {
        this.#lastFailure = outcome;
        this.#transition('open');
      }
    }
  }

  #refresh(): void {
    if (
      this.#state === 'open' &&
      this.#isolations === 0 &&
      this.#clock.monotonic() - this.#openedAt >= this.recoveryTimeoutMs
    ) {
      this.#transition('half-open');
    }
  }

  #transition(state: CircuitState): void {
    const previous = this.#state;
    this.#state = state;
    this.#generation += 1;
    this.#probes = 0;
    this.#probeSuccesses = 0;
    if (state === 'open') this.#openedAt = this.#clock.monotonic();
    if (state === 'closed') this.breaker.reset();
    if (this.#events.hasListeners) this.#events.emit({ type: 'circuit', state, previous });
  }
}

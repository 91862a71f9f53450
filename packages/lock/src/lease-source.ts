import {
  CacheEventEmitter,
  type CacheEventListener,
  type CacheEventSource,
  type Duration,
  InvalidArgumentError,
  parseDuration,
} from '@forno/core';
import { acquireLease, type GrantedLease } from './acquire-lease.js';
import { LockLostError } from './errors.js';
import type { Lease, LeaseInit } from './lease.js';
import type { LeaseStore } from './lease-store.js';
import type { ResolvedLockOptions } from './options.js';

/** Per-call options of `acquire()` and `run()`. */
export interface AcquireOptions {
  /** Cancels this wait (in addition to the lock's own `signal` option). */
  readonly signal?: AbortSignal;
  /** Overrides the lock's `waitTimeout` for this call. */
  readonly waitTimeout?: Duration;
}

/**
 * What {@link DistributedLock} and {@link DistributedSemaphore} have in common: acquiring with or
 * without waiting, `run()`, and `lock` events.
 */
export abstract class LeaseSource<H extends Lease> implements CacheEventSource {
  /** The key, as given. */
  readonly key: string;
  readonly #store: LeaseStore;
  readonly #options: ResolvedLockOptions;
  readonly #events: CacheEventEmitter;

  protected constructor(store: LeaseStore, options: ResolvedLockOptions) {
    this.key = store.key;
    this.#store = store;
    this.#options = options;
    this.#events = options.events ?? new CacheEventEmitter();
  }

  /**
   * Acquires, waiting up to `waitTimeout` (woken by release announcements). Rejects with
   * `LockTimeoutError` when the time is up, with the abort reason when a signal aborts, and with
   * the backend's `CacheError` when a single repository fails (Redlock waits on through failures
   * of a minority).
   */
  async acquire(options: AcquireOptions = {}): Promise<H> {
    const waitTimeoutMs =
      options.waitTimeout === undefined
        ? this.#options.waitTimeoutMs
        : parseDuration(options.waitTimeout, 'waitTimeout');
    const grant = await acquireLease({
      store: this.#store,
      options: this.#options,
      events: this.#events,
      waitTimeoutMs,
      signal: this.#signal(options.signal),
    });
    return this.#wrap(grant!);
  }

  /** One attempt without waiting: the handle, or `null` when it is held elsewhere. */
  async tryAcquire(): Promise<H | null> {
    const grant = await acquireLease({
      store: this.#store,
      options: this.#options,
      events: this.#events,
      waitTimeoutMs: undefined,
      signal: this.#options.signal,
    });
    return grant === null ? null : this.#wrap(grant);
  }

  /**
   * Acquires, runs `fn` with the handle's `signal`, and releases whatever happens. If the lease was
   * lost while `fn` ran, rejects with that `LockLostError` even when `fn` resolved, since its work
   * may not have been exclusive.
   */
  async run<T>(fn: (signal: AbortSignal, handle: H) => T | Promise<T>, options?: AcquireOptions): Promise<T> {
    if (typeof fn !== 'function') throw new InvalidArgumentError('fn', 'expected a function');
    const handle = await this.acquire(options);
    try {
      const result = await fn(handle.signal, handle);
      try {
        handle.throwIfLost();
      } catch (error) {
        if (LockLostError.is(error)) throw error;
      }
      return result;
    } finally {
      await handle.release();
    }
  }

  /** Adds a listener for this lock's `lock` events (`acquired`, `waited`, `timeout`, `lost`, `released`, `extended`). */
  onEvent(listener: CacheEventListener): () => void {
    return this.#events.onEvent(listener);
  }

  /** Wraps a grant in the handle type. */
  protected abstract createHandle(init: LeaseInit, grant: GrantedLease): H;

  #wrap(grant: GrantedLease): H {
    const { leaseMs, autoExtend, driftFactor, clock } = this.#options;
    return this.createHandle(
      {
        store: this.#store,
        token: grant.token,
        leaseMs,
        validUntil: grant.validUntil,
        autoExtend,
        driftFactor,
        clock,
        events: this.#events,
      },
      grant,
    );
  }

  #signal(call: AbortSignal | undefined): AbortSignal | undefined {
    const own = this.#options.signal;
    if (call === undefined || own === undefined) return call ?? own;
    return AbortSignal.any([own, call]);
  }
}

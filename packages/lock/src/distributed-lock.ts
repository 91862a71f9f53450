import {
  assertKey,
  assertKnownOptions,
  type CacheEventEmitter,
  type Clock,
  type Duration,
  describeValue,
  durationOption,
  InvalidArgumentError,
  InvalidConfigError,
  type LockBackend,
  strategyOption,
  systemClock,
  ttlOption,
} from '@forno/core';
import { driftOf, Lease, type LeaseInit } from './lease.js';
import { type GrantedLease, LeaseSource } from './lease-source.js';
import { type LeaseStore, ReplicatedStore, SingleLockStore } from './lease-store.js';
import { QuorumLockStore } from './quorum-lock-store.js';

/** Options of {@link DistributedLock} (and, with `limit`, of {@link DistributedSemaphore}). */
export interface DistributedLockOptions extends DurabilityOptions {
  /**
   * The lease: how long the lock stays held if its holder stops renewing it (crash, pause,
   * partition). With `autoExtend` it is renewed every third of this while held. Default `'30s'`.
   */
  readonly timeout?: Duration;
  /** How long `acquire()` waits for the lock before `LockTimeoutError`. `0` tries once. Default `'10s'`. */
  readonly waitTimeout?: Duration;
  /**
   * Fallback re-check period while waiting. Waiters wake on the release message; this (capped by
   * the holder's remaining lease) only bounds what a lost message costs. Default `'100ms'`.
   */
  readonly retryDelay?: Duration;
  /** Up to this much random time is added to each re-check, so waiters do not stampede. Default `'50ms'`. */
  readonly retryJitter?: Duration;
  /** Renew the lease in the background while held (one process-wide timer). Default `true`. */
  readonly autoExtend?: boolean;
  /** Cancels waiting: `acquire()` rejects with `signal.reason` once it aborts. */
  readonly signal?: AbortSignal;
  /** Share of the lease kept back for clock drift (`lease × driftFactor + 2 ms`). Default `0.01`. */
  readonly driftFactor?: number;
  /** Clock for local deadlines (its `monotonic()`). Default: `performance.now()`. */
  readonly clock?: Clock;
  /** Emitter that receives `lock` events; share one between locks to observe them all. */
  readonly events?: CacheEventEmitter;
  /**
   * Issue a fencing token with each grant (`DistributedLock` only). Default `true`. Its last token
   * is a key beside the lock that expires with the lease: turn fencing off where the lock only
   * saves work and protects no resource (`@forno/cache`'s stampede protection), to skip that key.
   * `fencingToken` is then `0`.
   */
  readonly fencing?: boolean;
}

/** How far a grant must have travelled before `acquire()` returns it. */
export type LockDurability = 'primary' | 'replicated';

/** Options of every lock that issues fencing tokens ({@link DistributedLock}, `FairLock`, `ReadWriteLock`). */
export interface DurabilityOptions {
  /**
   * `'primary'` (default): a grant is confirmed by the primary alone. Redis replicates
   * asynchronously, so a failover right after a grant may lose it: a second holder can then get
   * the lock while the first still works. Fencing tokens still increase as long as the new
   * primary's clock is not behind (tokens are max(last + 1, server time in µs)).
   *
   * `'replicated'`: `acquire()` returns only once at least one replica acknowledged the grant
   * (`WAIT 1 replicationTimeout`), so the grant and its token survive a Sentinel or Cluster
   * failover (which promotes the most up-to-date replica). Costs one more round trip plus the
   * replication delay per acquisition. If no replica confirms in time, the grant is handed back and
   * `acquire()` rejects with {@link LockNotReplicatedError}.
   */
  readonly durability?: LockDurability;
  /** How long `'replicated'` waits for a replica (below the repository's `commandTimeout`). Default `'500ms'`. */
  readonly replicationTimeout?: Duration;
}

/**
 * A distributed mutex on any `LockBackend` — every `CacheRepository` (Redis, Cluster, Sentinel, the in-memory fake):
 *
 * ```ts
 * await using lock = await new DistributedLock(redis, `order_lock:${id}`, { timeout: '30s' }).acquire();
 * await db.write(order, { fencingToken: lock.fencingToken, signal: lock.signal });
 * ```
 *
 * Each acquisition gets a 128-bit random token and a fencing token from the same atomic step;
 * its lease is renewed in the background (`autoExtend`), its validity is tracked on the
 * monotonic clock, and `lock.signal` aborts when it is lost. Waiters wake on the release
 * announcement instead of polling. Given several repositories, it runs Redlock: a majority must
 * grant the lock (see {@link Lock.fencingTokens} for what fencing means then).
 */
export class DistributedLock extends LeaseSource<Lock> {
  /** Number of repositories (1 unless Redlock). */
  readonly instances: number;

  constructor(
    repository: LockBackend | readonly LockBackend[],
    key: string,
    options: DistributedLockOptions = {},
  ) {
    assertKey(key);
    const repositories: readonly LockBackend[] = Array.isArray(repository)
      ? (repository as readonly LockBackend[])
      : [repository as LockBackend];
    if (repositories.length === 0)
      throw new InvalidArgumentError('repository', 'expected at least one repository');
    repositories.forEach(assertRepository);
    if (new Set(repositories).size !== repositories.length) {
      throw new InvalidArgumentError('repository', 'the same repository was given twice');
    }
    if (options === null || typeof options !== 'object') resolveLockOptions(options); // throws
    const { fencing = true, ...lockOptions } = options;
    if (typeof fencing !== 'boolean') {
      throw new InvalidConfigError('options.fencing', `expected a boolean, got ${describeValue(fencing)}`);
    }
    const resolved = resolveLockOptions(lockOptions, DURABILITY_OPTIONS);
    const durable = resolveDurability(lockOptions);
    if (repositories.length > 1 && lockOptions.durability === 'replicated') {
      throw new InvalidConfigError(
        'options.durability',
        "'replicated' needs one repository (Redlock is a quorum)",
      );
    }
    super(
      repositories.length === 1
        ? durable(new SingleLockStore(repositories[0]!, key, fencing), repositories[0]!)
        : new QuorumLockStore(repositories, key, fencing),
      resolved,
    );
    this.instances = repositories.length;
  }

  /** Wraps a grant in a {@link Lock} (called by `acquire()` / `tryAcquire()`). */
  protected createHandle(init: LeaseInit, grant: GrantedLease): Lock {
    return new Lock(init, grant.fencingToken ?? 0, grant.fencingTokens);
  }
}

/** Throws unless `value` looks like a `LockBackend` with the lock primitives. */
export function assertRepository(value: unknown): asserts value is LockBackend {
  const repo = value as Partial<LockBackend> | null | undefined;
  if (typeof repo?.setIfAbsent !== 'function' || typeof repo.compareAndDelete !== 'function') {
    throw new InvalidArgumentError(
      'repository',
      'expected a repository with the lock primitives (a LockBackend, as every CacheRepository is)',
    );
  }
}

/**
 * A source of fenced {@link Lock} handles over any lease store: what `FairLock` is, and what
 * `ReadWriteLock.readLock()` and `writeLock()` return. `acquire()`, `tryAcquire()`, `run()` and
 * `onEvent()` work as on `DistributedLock`.
 */
export class LockSource extends LeaseSource<Lock> {
  /** @internal Created by `FairLock` and `ReadWriteLock`. */
  constructor(store: LeaseStore, options: ResolvedLockOptions) {
    super(store, options);
  }

  /** Wraps a grant in a {@link Lock} (called by `acquire()` / `tryAcquire()`). */
  protected createHandle(init: LeaseInit, grant: GrantedLease): Lock {
    return new Lock(init, grant.fencingToken ?? 0, grant.fencingTokens);
  }
}

/**
 * A held distributed lock, returned by `DistributedLock.acquire()`. Release it with `release()` or
 * let `await using` do it; watch `signal` (or call `throwIfLost()`) while working; pass
 * `fencingToken` with every write to the resource it guards.
 */
export class Lock extends Lease {
  /**
   * Strictly increasing per key: issued by the same atomic step that granted the lock, as
   * max(last token + 1, server time in µs), the last one kept beside the key (same Cluster slot,
   * under the key prefix) as long as the lease. A resource that remembers the highest token it
   * has seen and refuses lower ones is safe even when a paused holder wakes up after its lease
   * ended. In Redlock mode this is the largest per-instance token, which is
   * NOT a global order: use {@link fencingTokens} (see the README, "Redlock and fencing").
   */
  readonly fencingToken: number;
  /**
   * The fencing token of each repository, in the order they were given (`null` where this lock
   * was not granted). With one repository it is `[fencingToken]`.
   */
  readonly fencingTokens: readonly (number | null)[];

  /** @internal Created by `DistributedLock`. */
  constructor(init: LeaseInit, fencingToken: number, fencingTokens: readonly (number | null)[]) {
    super(init);
    this.fencingToken = fencingToken;
    this.fencingTokens = fencingTokens;
  }
}

/** Options with defaults applied and durations in ms. */
export interface ResolvedLockOptions {
  readonly leaseMs: number;
  readonly waitTimeoutMs: number;
  readonly retryDelayMs: number;
  readonly retryJitterMs: number;
  readonly autoExtend: boolean;
  readonly signal: AbortSignal | undefined;
  readonly driftFactor: number;
  readonly clock: Clock;
  readonly events: CacheEventEmitter | undefined;
}

const KNOWN = [
  'timeout',
  'waitTimeout',
  'retryDelay',
  'retryJitter',
  'autoExtend',
  'signal',
  'driftFactor',
  'clock',
  'events',
];

/**
 * Validates options with core's option resolver (an `InvalidConfigError` naming `options.<field>`)
 * and applies defaults. `extra` names the further options the caller accepts and checks itself.
 */
export function resolveLockOptions(
  options: DistributedLockOptions,
  extra: ReadonlySet<string> = new Set(),
): ResolvedLockOptions {
  if (options === null || typeof options !== 'object') {
    throw new InvalidConfigError('options', `expected an options object, got ${describeValue(options)}`);
  }
  assertKnownOptions(options, [...KNOWN, ...extra]);
  const leaseMs = ttlOption(options.timeout ?? '30s', 'timeout')!;
  const driftFactor = options.driftFactor ?? 0.01;
  if (typeof driftFactor !== 'number' || !(driftFactor >= 0 && driftFactor < 0.5)) {
    throw new InvalidConfigError(
      'options.driftFactor',
      `expected a number in [0, 0.5), got ${describeValue(driftFactor)}`,
    );
  }
  if (options.autoExtend !== undefined && typeof options.autoExtend !== 'boolean') {
    throw new InvalidConfigError(
      'options.autoExtend',
      `expected a boolean, got ${describeValue(options.autoExtend)}`,
    );
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new InvalidConfigError(
      'options.signal',
      `expected an AbortSignal, got ${describeValue(options.signal)}`,
    );
  }
  if (leaseMs <= driftOf(leaseMs, driftFactor)) {
    throw new InvalidConfigError(
      'options.timeout',
      `a ${leaseMs} ms lease leaves no validity after the drift allowance`,
    );
  }
  const clock = options.clock ?? systemClock;
  if (typeof clock?.monotonic !== 'function') {
    throw new InvalidConfigError('options.clock', 'expected a Clock with monotonic()');
  }
  const events = strategyOption<CacheEventEmitter>(options.events, 'events', ['emit']);
  return {
    leaseMs,
    waitTimeoutMs: durationOption(options.waitTimeout, 'waitTimeout', '10s'),
    retryDelayMs: Math.max(1, durationOption(options.retryDelay, 'retryDelay', '100ms')),
    retryJitterMs: durationOption(options.retryJitter, 'retryJitter', '50ms'),
    autoExtend: options.autoExtend ?? true,
    signal: options.signal,
    driftFactor,
    clock,
    events,
  };
}

/** Option names that {@link resolveDurability} consumes (kept out of the common option check). */
export const DURABILITY_OPTIONS = new Set(['durability', 'replicationTimeout']);

/** Applies a lock's durability to its store (see {@link resolveDurability}). */
export type ApplyDurability = (store: LeaseStore, repository: LockBackend) => LeaseStore;

/**
 * Validates `durability` and `replicationTimeout` (throwing `InvalidConfigError`) and returns what
 * wraps a store so that its grants wait for a replica under `'replicated'` (the store itself under
 * `'primary'`).
 */
export function resolveDurability(options: DurabilityOptions): ApplyDurability {
  const { durability = 'primary', replicationTimeout = '500ms' } = options;
  if (durability !== 'primary' && durability !== 'replicated') {
    throw new InvalidConfigError(
      'options.durability',
      `expected 'primary' or 'replicated', got ${describeValue(durability)}`,
    );
  }
  const timeoutMs = ttlOption(replicationTimeout, 'replicationTimeout')!;
  if (durability === 'primary') return (store) => store;
  return (store, repository) => new ReplicatedStore(store, repository, timeoutMs);
}

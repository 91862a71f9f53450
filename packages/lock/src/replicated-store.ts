import { type Duration, describeValue, InvalidConfigError, type LockBackend, ttlOption } from '@forno/core';
import { LockNotReplicatedError } from './errors.js';
import type { AcquireAttempt, LeaseStore } from './lease-store.js';

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

const ignore = () => {};

/**
 * A store whose grants count only once a replica has them: after each grant it sends `WAIT 1`
 * (on the connection that wrote it) and hands the grant back when no replica confirmed in time.
 */
export class ReplicatedStore implements LeaseStore {
  readonly key: string;
  readonly watches: LeaseStore['watches'];
  readonly #inner: LeaseStore;
  readonly #repository: LockBackend;
  readonly #timeoutMs: number;

  constructor(inner: LeaseStore, repository: LockBackend, timeoutMs: number) {
    this.#inner = inner;
    this.#repository = repository;
    this.#timeoutMs = timeoutMs;
    this.key = inner.key;
    this.watches = inner.watches;
    if (inner.leave !== undefined) this.leave = (waiter) => inner.leave!(waiter);
  }

  leave?: (waiter: string) => Promise<unknown>;

  async tryAcquire(
    token: string,
    leaseMs: number,
    waiter?: string,
    claimHandoff?: boolean,
  ): Promise<AcquireAttempt> {
    const attempt = await this.#inner.tryAcquire(token, leaseMs, waiter, claimHandoff);
    if (!attempt.acquired) return attempt;
    let replicas: number;
    try {
      replicas = await this.#repository.waitForReplicas(this.key, 1, this.#timeoutMs);
    } catch (error) {
      await this.#inner.release(token).catch(ignore);
      throw new LockNotReplicatedError(this.key, 0, this.#timeoutMs, { cause: error });
    }
    if (replicas < 1) {
      await this.#inner.release(token).catch(ignore);
      throw new LockNotReplicatedError(this.key, replicas, this.#timeoutMs);
    }
    return attempt;
  }

  extend(token: string, leaseMs: number): Promise<boolean> {
    return this.#inner.extend(token, leaseMs);
  }

  release(token: string): Promise<boolean> {
    return this.#inner.release(token);
  }
}

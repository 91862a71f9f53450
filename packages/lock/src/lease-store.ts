import {
  type CompareAndDeleteOptions,
  type LeaseGrant,
  type LockBackend,
  releaseChannelOf,
} from '@forno/core';

/**
 * How long a released lock stays reserved for the waiters its release announcement reached (the
 * fair handoff, see `CompareAndDeleteOptions.handoff`). A woken waiter claims it within a round
 * trip or two; if none does (they gave up meanwhile), the reservation ends by itself and costs a
 * fresh acquirer at most this long.
 */
export const HANDOFF_MS = 20;

/** One attempt to take a lease. */
export type AcquireAttempt =
  | {
      readonly acquired: true;
      /** The fencing token this lock exposes (see `Lock.fencingToken`); `null` for semaphores. */
      readonly fencingToken: number | null;
      /** Per-repository fencing tokens (one entry per repository; `null` where not granted). */
      readonly fencingTokens: readonly (number | null)[];
    }
  | {
      readonly acquired: false;
      /** Ms until the lease may be free (the holder's remaining lease); `-1` when unknown. */
      readonly retryAfter: number;
      /** Backend failures behind the refusal (Redlock mode), reported as the timeout's cause. */
      readonly error?: unknown;
    };

/**
 * A release announcement to listen for: the repository, the full key (prefix included) and the
 * key's own release channel (relative to the prefix; sharded on Cluster when it can be).
 */
export interface ReleaseWatch {
  readonly repository: LockBackend;
  readonly fullKey: string;
  readonly channel: string;
  readonly sharded: boolean;
}

/** The {@link ReleaseWatch} of `key` on `repository`. */
export function releaseWatchOf(repository: LockBackend, key: string): ReleaseWatch {
  return { repository, fullKey: repository.keyPrefix + key, ...releaseChannelOf(key, repository.keyPrefix) };
}

/**
 * A watch of another key announced on `watch`'s channel: the read-write lock announces a reader's
 * release (its message is the readers' full key) on the lock key's own channel.
 */
export function companionWatchOf(watch: ReleaseWatch, fullKey: string): ReleaseWatch {
  return { ...watch, fullKey };
}

/**
 * How a release of `watch`'s key is announced: on its own channel, with a fair handoff for plain
 * locks and semaphores (`handoff`; the queued locks serve their own line instead).
 */
export function releaseNotice(watch: ReleaseWatch, handoff: boolean): CompareAndDeleteOptions {
  return { notify: watch.channel, sharded: watch.sharded, ...(handoff ? { handoff: HANDOFF_MS } : {}) };
}

/**
 * Where leases live: one lock key, a Redlock quorum of keys, or a semaphore. `DistributedLock` and
 * `DistributedSemaphore` share the waiting, deadline and renewal logic over this seam.
 */
export interface LeaseStore {
  /** The key, as the caller named it. */
  readonly key: string;
  /** What to listen for to learn of a release. */
  readonly watches: readonly ReleaseWatch[];
  /**
   * Tries once. Single-instance stores reject on backend errors; a quorum store reports them as a
   * refusal so waiting goes on with the instances that answer. `claimHandoff`: this caller was
   * waiting when the lease was released, so it may take a handoff reservation (fresh callers may not).
   */
  tryAcquire(
    token: string,
    leaseMs: number,
    waiter?: string,
    claimHandoff?: boolean,
  ): Promise<AcquireAttempt>;
  /**
   * Stores with a waiting line in Redis (fair and write locks): takes `waiter` (the id one
   * `acquire()` call keeps across its attempts) out of the line when that call ends without a grant.
   */
  leave?(waiter: string): Promise<unknown>;
  /** `true` when extended; `false` when the lease is no longer this token's; rejects on backend errors. */
  extend(token: string, leaseMs: number): Promise<boolean>;
  /** `true` when this token's lease was live and is now deleted (waiters are notified); may reject. */
  release(token: string): Promise<boolean>;
}

/**
 * A lock on one repository: `SET NX PX` and `INCR` of the fencing counter in one atomic step,
 * compare-and-pexpire to extend, compare-and-delete + `PUBLISH` to release. The lock key is stored
 * exactly as given, so `repository.exists(key)` tells whether it is held.
 */
export class SingleLockStore implements LeaseStore {
  readonly key: string;
  readonly watches: readonly ReleaseWatch[];
  readonly #repository: LockBackend;
  readonly #fencing: boolean;
  readonly #releaseNotice: CompareAndDeleteOptions;

  /** `fencing: false` takes the lock without touching a fencing counter. */
  constructor(repository: LockBackend, key: string, fencing = true) {
    this.#repository = repository;
    this.key = key;
    this.#fencing = fencing;
    const watch = releaseWatchOf(repository, key);
    this.watches = [watch];
    this.#releaseNotice = releaseNotice(watch, true);
  }

  async tryAcquire(
    token: string,
    leaseMs: number,
    _waiter?: string,
    claimHandoff = false,
  ): Promise<AcquireAttempt> {
    const grant = await this.#repository.setIfAbsent(this.key, token, leaseMs, {
      fencing: this.#fencing,
      claimHandoff,
    });
    if (!grant.acquired) return { acquired: false, retryAfter: grant.remainingTtl };
    return { acquired: true, fencingToken: grant.fencingToken, fencingTokens: [grant.fencingToken] };
  }

  extend(token: string, leaseMs: number): Promise<boolean> {
    return this.#repository.compareAndExpire(this.key, token, leaseMs);
  }

  release(token: string): Promise<boolean> {
    return this.#repository.compareAndDelete(this.key, token, this.#releaseNotice);
  }
}

type Vote<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/**
 * Redlock: the same key on N independent repositories, held when a majority (⌊N/2⌋+1) granted
 * it. A decision is taken as soon as the quorum is reached or has become impossible, so one
 * frozen instance costs nothing. Every failed attempt is rolled back on every instance, and a
 * grant that arrives after the decision is deleted if the lock is not held by then.
 *
 * Fencing: each instance keeps its own counter, so the tokens are a vector, not one global order.
 * `fencingToken` is the largest granted token (a hint, see the README); `fencingTokens` holds the
 * vector that a fenced resource can check safely.
 */
export class QuorumLockStore implements LeaseStore {
  readonly key: string;
  readonly watches: readonly ReleaseWatch[];
  readonly quorum: number;
  readonly #repositories: readonly LockBackend[];
  /** Tokens currently held, so a grant that arrives late can tell whether to undo itself. */
  readonly #held = new Set<string>();

  readonly #fencing: boolean;

  /** `fencing: false` takes the lock without touching the fencing counters. */
  constructor(repositories: readonly LockBackend[], key: string, fencing = true) {
    this.#repositories = repositories;
    this.#fencing = fencing;
    this.key = key;
    this.quorum = Math.floor(repositories.length / 2) + 1;
    this.watches = repositories.map((repository) => releaseWatchOf(repository, key));
  }

  tryAcquire(
    token: string,
    leaseMs: number,
    _waiter?: string,
    claimHandoff = false,
  ): Promise<AcquireAttempt> {
    const options = { fencing: this.#fencing, claimHandoff };
    const n = this.#repositories.length;
    const votes: (Vote<LeaseGrant> | undefined)[] = new Array(n).fill(undefined);
    return new Promise((resolve) => {
      let decided = false;
      let granted = 0;
      let refused = 0;
      const decide = () => {
        if (decided) return;
        if (granted >= this.quorum) {
          decided = true;
          this.#held.add(token);
          resolve(this.#granted(votes));
        } else if (refused > n - this.quorum) {
          decided = true;
          this.#rollBack(token);
          resolve(this.#refused(votes));
        }
      };
      this.#repositories.forEach((repository, i) => {
        repository.setIfAbsent(this.key, token, leaseMs, options).then(
          (grant) => {
            votes[i] = { ok: true, value: grant };
            if (grant.acquired) granted++;
            else refused++;
            if (decided && grant.acquired && !this.#held.has(token)) this.#undo(repository, token);
            decide();
          },
          (error: unknown) => {
            votes[i] = { ok: false, error };
            refused++;
            // The command may have been applied before the failure: undo it at once.
            this.#undo(repository, token);
            decide();
          },
        );
      });
    });
  }

  /** `true` once a quorum extended; `false` once a quorum is impossible because the key is gone. */
  async extend(token: string, leaseMs: number): Promise<boolean> {
    const { yes, no, errors } = await this.#vote((repository) =>
      repository.compareAndExpire(this.key, token, leaseMs),
    );
    if (yes >= this.quorum) return true;
    if (no > this.#repositories.length - this.quorum) return false;
    throw new AggregateError(
      errors,
      `extended on ${yes} of ${this.#repositories.length} instances, quorum is ${this.quorum}`,
    );
  }

  /** Deletes everywhere; `true` once a quorum confirmed (the other instances finish in the background). */
  async release(token: string): Promise<boolean> {
    this.#held.delete(token);
    const { yes } = await this.#vote((repository, i) =>
      repository.compareAndDelete(this.key, token, releaseNotice(this.watches[i]!, true)),
    );
    return yes >= this.quorum;
  }

  /**
   * Sends `command` to every instance and resolves as soon as the outcome is decided: a quorum
   * said yes, or too many said no or failed. Late answers are ignored (and never rejected).
   */
  #vote(
    command: (repository: LockBackend, index: number) => Promise<boolean>,
  ): Promise<{ yes: number; no: number; errors: unknown[] }> {
    const n = this.#repositories.length;
    const tally = { yes: 0, no: 0, errors: [] as unknown[] };
    return new Promise((resolve) => {
      const settle = () => {
        const against = tally.no + tally.errors.length;
        if (tally.yes >= this.quorum || against > n - this.quorum || tally.yes + against === n)
          resolve(tally);
      };
      for (const [index, repository] of this.#repositories.entries()) {
        command(repository, index).then(
          (ok) => {
            if (ok) tally.yes++;
            else tally.no++;
            settle();
          },
          (error: unknown) => {
            tally.errors.push(error);
            settle();
          },
        );
      }
    });
  }

  #granted(votes: readonly (Vote<LeaseGrant> | undefined)[]): AcquireAttempt {
    const fencingTokens = votes.map((vote) =>
      vote?.ok && vote.value.acquired ? vote.value.fencingToken : null,
    );
    const granted = fencingTokens.filter((t): t is number => t !== null);
    const fencingToken = granted.length === 0 ? null : Math.max(...granted);
    return { acquired: true, fencingToken, fencingTokens };
  }

  /**
   * Refusal, with when to look again: the time at which a quorum of instances may be free (the
   * quorum-th smallest remaining lease; instances that failed or did not answer never count).
   */
  #refused(votes: readonly (Vote<LeaseGrant> | undefined)[]): AcquireAttempt {
    const freeIn = votes
      .map((vote) => {
        if (!vote?.ok) return Number.POSITIVE_INFINITY;
        if (vote.value.acquired) return 0;
        return vote.value.remainingTtl < 0 ? Number.POSITIVE_INFINITY : vote.value.remainingTtl;
      })
      .sort((a, b) => a - b);
    const at = freeIn[this.quorum - 1] ?? Number.POSITIVE_INFINITY;
    const errors = votes.flatMap((vote) => (vote && !vote.ok ? [vote.error] : []));
    return {
      acquired: false,
      retryAfter: Number.isFinite(at) ? at : -1,
      ...(errors.length === 0
        ? {}
        : { error: new AggregateError(errors, `${errors.length} of ${votes.length} instances failed`) }),
    };
  }

  #rollBack(token: string): void {
    for (const repository of this.#repositories) this.#undo(repository, token);
  }

  #undo(repository: LockBackend, token: string): void {
    repository.compareAndDelete(this.key, token).catch(() => {
      // Best effort: the lease expires by itself.
    });
  }
}

/**
 * A counting semaphore on one repository: a sorted set of holder tokens scored by lease expiry,
 * computed from the server's clock inside the atomic step (`acquireSemaphore`), so a client whose
 * clock is off can neither evict other holders early nor keep its own lease too long. A permit
 * released while someone waits is reserved for the waiters for {@link HANDOFF_MS}, as a lock is
 * (the fair handoff): a holder that re-acquires at once cannot take it back from them.
 */
export class SemaphoreStore implements LeaseStore {
  readonly key: string;
  readonly watches: readonly ReleaseWatch[];
  readonly limit: number;
  readonly #repository: LockBackend;
  readonly #releaseNotice: CompareAndDeleteOptions;

  constructor(repository: LockBackend, key: string, limit: number) {
    this.#repository = repository;
    this.key = key;
    this.limit = limit;
    const watch = releaseWatchOf(repository, key);
    this.watches = [watch];
    this.#releaseNotice = releaseNotice(watch, true);
  }

  async tryAcquire(
    token: string,
    leaseMs: number,
    _waiter?: string,
    claimHandoff = false,
  ): Promise<AcquireAttempt> {
    const grant = await this.#repository.acquireSemaphore(this.key, token, this.limit, leaseMs, {
      claimHandoff,
    });
    if (!grant.acquired) return { acquired: false, retryAfter: grant.retryAfter };
    return { acquired: true, fencingToken: null, fencingTokens: [] };
  }

  extend(token: string, leaseMs: number): Promise<boolean> {
    return this.#repository.extendSemaphore(this.key, token, leaseMs);
  }

  release(token: string): Promise<boolean> {
    return this.#repository.releaseSemaphore(this.key, token, this.#releaseNotice);
  }
}

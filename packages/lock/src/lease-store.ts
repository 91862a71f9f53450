import {
  CacheError,
  type CompareAndDeleteOptions,
  HANDOFF_TOKEN,
  type LockBackend,
  releaseChannelOf,
  semaphoreReservationOf,
  waiterChannelOf,
} from '@forno/core';
import { ReleaseNotifier } from './release-wait.js';

/**
 * How long a released lock stays reserved for the waiters its release announcement reached (the
 * fair handoff, see `CompareAndDeleteOptions.handoff`). A woken waiter claims it within a round
 * trip or two; if none does (they gave up meanwhile), the reservation ends by itself and costs a
 * fresh acquirer at most this long.
 */
export const HANDOFF_MS = 20;

const ignore = () => {};

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
  /**
   * A registered waiter's own channel (see `wakeOneOf`): called with the key when an
   * announcement on it finds no waiter of that key in this process (the registration outlived
   * its waiters, or the subscription lingers after them), to hand the reservation made for this
   * process on to the next waiter. Such a channel stays subscribed for `LINGER_MS` after its last
   * waiter left.
   */
  readonly unheard?: (fullKey: string) => void;
}

/** The {@link ReleaseWatch} of `key` on `repository`. */
export function releaseWatchOf(repository: LockBackend, key: string): ReleaseWatch {
  return { repository, fullKey: repository.keyPrefix + key, ...releaseChannelOf(key, repository.keyPrefix) };
}

/** How a store that wakes one waiting process listens and announces (see {@link wakeOneOf}). */
interface WakeOne {
  /** This process's id as a waiter on the repository (`ReleaseNotifier.waiterId`). */
  readonly waiterId: string;
  /** How a release of the key is announced: on its channel, with a fair handoff. */
  readonly notice: CompareAndDeleteOptions;
  /** The watch of the key on this process's own channel. */
  readonly watch: ReleaseWatch;
}

/**
 * Waking one waiting process for `key` on `repository`: this process's waiter id, the key's
 * release notice, and the watch of the key on the process's own channel (see `waiterChannelOf`),
 * on which a release wakes it alone. An announcement there that nobody here waits for any more
 * hands the reservation on: `handOn` releases it (with the key, unprefixed, and the notice) as a
 * holder's release would (the next registered waiter is told, or the key or permit is freed).
 */
function wakeOneOf(
  repository: LockBackend,
  key: string,
  handOn: (key: string, waiterId: string, notice: CompareAndDeleteOptions) => Promise<boolean>,
): WakeOne {
  const { waiterId } = ReleaseNotifier.of(repository);
  const watch = releaseWatchOf(repository, key);
  const notice = releaseNotice(watch, true);
  const unheard = (fullKey: string) => {
    if (!fullKey.startsWith(repository.keyPrefix)) return;
    handOn(fullKey.slice(repository.keyPrefix.length), waiterId, notice).catch(ignore);
  };
  return {
    waiterId,
    notice,
    watch: { ...watch, channel: waiterChannelOf(watch.channel, waiterId), unheard },
  };
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
   * A release wakes one waiting process, which the server names (see `SingleLockStore`), rather
   * than every one: its woken waiter claims at once instead of letting this process's older
   * waiters of the key go first.
   */
  readonly wakesOne?: boolean;
  /**
   * Tries once. Single-instance stores reject on backend errors; a quorum store reports them as a
   * refusal so waiting goes on with the instances that answer. `claimHandoff`: this caller was
   * waiting when the lease was released, so it may take a handoff reservation (fresh callers may
   * not). `waiting`: this caller listens for releases (it waits when refused), so a store that
   * registers waiting processes (see `SingleLockStore`) registers this one with a refusal.
   */
  tryAcquire(
    token: string,
    leaseMs: number,
    waiter?: string,
    claimHandoff?: boolean,
    waiting?: boolean,
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
 * exactly as given, so `repository.exists(key)` tells whether it is held. A waiting process
 * registers (its repository's `ReleaseNotifier.waiterId`) with each refusal and listens on its own
 * channel, so a release wakes one waiting process, the one that has waited longest, and reserves
 * the lock for it.
 */
export class SingleLockStore implements LeaseStore {
  readonly key: string;
  readonly watches: readonly ReleaseWatch[];
  readonly wakesOne = true;
  readonly #repository: LockBackend;
  readonly #fencing: boolean;
  readonly #releaseNotice: CompareAndDeleteOptions;
  readonly #waiterId: string;

  /** `fencing: false` takes the lock without touching a fencing counter. */
  constructor(repository: LockBackend, key: string, fencing = true) {
    this.#repository = repository;
    this.key = key;
    this.#fencing = fencing;
    const { waiterId, notice, watch } = wakeOneOf(repository, key, (k, id, n) =>
      repository.compareAndDelete(k, `${HANDOFF_TOKEN}:${id}`, n),
    );
    this.#waiterId = waiterId;
    this.#releaseNotice = notice;
    this.watches = [watch];
  }

  async tryAcquire(
    token: string,
    leaseMs: number,
    _waiter?: string,
    claimHandoff = false,
    waiting = false,
  ): Promise<AcquireAttempt> {
    const grant = await this.#repository.setIfAbsent(this.key, token, leaseMs, {
      fencing: this.#fencing,
      claimHandoff,
      ...(waiting ? { waiter: this.#waiterId } : {}),
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

/**
 * A counting semaphore on one repository: a sorted set of holder tokens scored by lease expiry,
 * computed from the server's clock inside the atomic step (`acquireSemaphore`), so a client whose
 * clock is off can neither evict other holders early nor keep its own lease too long. A permit
 * released while someone waits is reserved for {@link HANDOFF_MS}, as a lock is (the fair
 * handoff): a holder that re-acquires at once cannot take it back. As with `SingleLockStore`, a
 * waiting process registers with each refusal and listens on its own channel, so a release wakes
 * one waiting process, the one that has waited longest, and reserves the permit for it.
 */
export class SemaphoreStore implements LeaseStore {
  readonly key: string;
  readonly watches: readonly ReleaseWatch[];
  readonly wakesOne = true;
  readonly limit: number;
  readonly #repository: LockBackend;
  readonly #releaseNotice: CompareAndDeleteOptions;
  readonly #waiterId: string;

  constructor(repository: LockBackend, key: string, limit: number) {
    this.#repository = repository;
    this.key = key;
    this.limit = limit;
    const { waiterId, notice, watch } = wakeOneOf(repository, key, (k, id, n) =>
      repository.releaseSemaphore(k, semaphoreReservationOf(id), n),
    );
    this.#waiterId = waiterId;
    this.#releaseNotice = notice;
    this.watches = [watch];
  }

  async tryAcquire(
    token: string,
    leaseMs: number,
    _waiter?: string,
    claimHandoff = false,
    waiting = false,
  ): Promise<AcquireAttempt> {
    const grant = await this.#repository.acquireSemaphore(this.key, token, this.limit, leaseMs, {
      claimHandoff,
      ...(waiting ? { waiter: this.#waiterId } : {}),
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

/**
 * A store whose grants count only once a replica has them: after each grant it sends `WAIT 1`
 * (on the connection that wrote it) and hands the grant back when no replica confirmed in time.
 */
export class ReplicatedStore implements LeaseStore {
  readonly key: string;
  readonly watches: LeaseStore['watches'];
  readonly wakesOne: boolean;
  readonly #inner: LeaseStore;
  readonly #repository: LockBackend;
  readonly #timeoutMs: number;

  constructor(inner: LeaseStore, repository: LockBackend, timeoutMs: number) {
    this.#inner = inner;
    this.#repository = repository;
    this.#timeoutMs = timeoutMs;
    this.key = inner.key;
    this.watches = inner.watches;
    this.wakesOne = inner.wakesOne === true;
    if (inner.leave !== undefined) this.leave = (waiter) => inner.leave!(waiter);
  }

  leave?: (waiter: string) => Promise<unknown>;

  async tryAcquire(
    token: string,
    leaseMs: number,
    waiter?: string,
    claimHandoff?: boolean,
    waiting?: boolean,
  ): Promise<AcquireAttempt> {
    const attempt = await this.#inner.tryAcquire(token, leaseMs, waiter, claimHandoff, waiting);
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

/**
 * A `durability: 'replicated'` acquisition (a lock or a semaphore permit) was granted on the
 * primary, but no replica confirmed it (`WAIT`) within `replicationTimeout`, so the grant and its
 * fencing token might not survive a failover. The grant was handed back: nothing is held. `cause`
 * is the backend error, if `WAIT` itself failed.
 */
export class LockNotReplicatedError extends CacheError {
  static override readonly code: string = 'E_LOCK_NOT_REPLICATED';

  /** The lock key. */
  readonly key: string;
  /** Replicas that confirmed (fewer than required). */
  readonly replicas: number;

  constructor(key: string, replicas: number, timeoutMs: number, options?: { cause?: unknown }) {
    super(
      `Lock "${key}" was not confirmed by a replica within ${timeoutMs} ms (${replicas} confirmed); it was released`,
      options,
    );
    this.key = key;
    this.replicas = replicas;
  }
}

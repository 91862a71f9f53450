import { type Duration, parseDuration, parseTtl } from '../duration.js';
import { InvalidArgumentError } from '../errors.js';
import { assertKey, fenceKeyOf, queueLockKeysOf, waitersKeyOf } from '../keys.js';
import {
  assertIntegerAtLeast,
  assertNonEmptyString,
  assertOptions,
  assertWellFormed,
} from '../validation.js';
import type { LockBackend } from './lock-primitives.js';
import type {
  AcquireSemaphoreOptions,
  CompareAndDeleteOptions,
  LeaseGrant,
  SemaphoreGrant,
  SetIfAbsentOptions,
  SubscribeOptions,
  Unsubscribe,
} from './options.js';
import type { QueueGrant, QueueLockKeys, RawQueueLockCommands } from './queue-lock-primitives.js';
import type { RawLockCommands, ReleaseNotice, WaiterRegistration } from './raw-commands.js';

const SET_IF_ABSENT_OPTIONS = { fencing: 'boolean', claimHandoff: 'boolean', waiter: 'string' } as const;
/** A waiter id: base64url characters (it is appended to channel names and reservation values). */
const WAITER_ID = /^[A-Za-z0-9_-]{1,64}$/;
const RELEASE_OPTIONS = { notify: 'string', sharded: 'boolean', handoff: 'duration' } as const;
const ACQUIRE_SEMAPHORE_OPTIONS = { claimHandoff: 'boolean', waiter: 'string' } as const;
const SUBSCRIBE_OPTIONS = { sharded: 'boolean' } as const;

/**
 * The {@link LockBackend} over a backend's raw lock commands: argument validation, key and
 * channel prefixes, the sibling keys of queued locks, and durations in ms. Tokens are sent as they
 * are, never serialized. `BaseCacheRepository` delegates its lock and pub/sub methods here, as it
 * delegates streams to `StreamRepository`.
 */
export class LockRepository implements LockBackend {
  /** Prefix prepended to every key and channel. */
  readonly keyPrefix: string;
  readonly #raw: RawLockCommands & RawQueueLockCommands;

  constructor(raw: RawLockCommands & RawQueueLockCommands, keyPrefix: string) {
    this.#raw = raw;
    this.keyPrefix = keyPrefix;
  }

  // --- plain locks ------------------------------------------------------------------------------

  async setIfAbsent(
    key: string,
    token: string,
    ttl: Duration,
    options?: SetIfAbsentOptions,
  ): Promise<LeaseGrant> {
    const fullKey = this.#held(key, token);
    const px = parseTtl(ttl);
    assertOptions(options, SET_IF_ABSENT_OPTIONS);
    const fenceKey = options?.fencing ? fenceKeyOf(fullKey, this.keyPrefix) : undefined;
    const registration = this.#waiterRegistration(fullKey, options?.waiter);
    return this.#raw.setIfAbsent(fullKey, token, px, fenceKey, options?.claimHandoff === true, registration);
  }

  async compareAndDelete(key: string, token: string, options?: CompareAndDeleteOptions): Promise<boolean> {
    const fullKey = this.#held(key, token);
    return this.#raw.compareAndDelete(fullKey, token, this.#noticeToWaiters(fullKey, options));
  }

  async compareAndExpire(key: string, token: string, ttl: Duration): Promise<boolean> {
    return this.#raw.compareAndExpire(this.#held(key, token), token, parseTtl(ttl));
  }

  // --- semaphores -------------------------------------------------------------------------------

  async acquireSemaphore(
    key: string,
    token: string,
    limit: number,
    ttl: Duration,
    options?: AcquireSemaphoreOptions,
  ): Promise<SemaphoreGrant> {
    const fullKey = this.#held(key, token);
    assertIntegerAtLeast(limit, 1, 'limit');
    const px = parseTtl(ttl);
    assertOptions(options, ACQUIRE_SEMAPHORE_OPTIONS);
    const registration = this.#waiterRegistration(fullKey, options?.waiter);
    return this.#raw.acquireSemaphore(
      fullKey,
      token,
      limit,
      px,
      options?.claimHandoff === true,
      registration,
    );
  }

  async releaseSemaphore(key: string, token: string, options?: CompareAndDeleteOptions): Promise<boolean> {
    const fullKey = this.#held(key, token);
    return this.#raw.releaseSemaphore(fullKey, token, this.#noticeToWaiters(fullKey, options));
  }

  async extendSemaphore(key: string, token: string, ttl: Duration): Promise<boolean> {
    return this.#raw.extendSemaphore(this.#held(key, token), token, parseTtl(ttl));
  }

  // --- fair and read-write locks ----------------------------------------------------------------

  acquireFairLock(
    key: string,
    token: string,
    waiter: string,
    ttl: Duration,
    queueTtl: Duration,
  ): Promise<QueueGrant> {
    return this.#acquireInLine('acquireFairLock', key, token, waiter, ttl, queueTtl);
  }

  async acquireReadLock(key: string, token: string, ttl: Duration): Promise<QueueGrant> {
    return this.#raw.acquireReadLock(this.#queued(key, token), token, parseTtl(ttl));
  }

  acquireWriteLock(
    key: string,
    token: string,
    waiter: string,
    ttl: Duration,
    queueTtl: Duration,
  ): Promise<QueueGrant> {
    return this.#acquireInLine('acquireWriteLock', key, token, waiter, ttl, queueTtl);
  }

  async leaveLockQueue(key: string, waiter: string, options?: CompareAndDeleteOptions): Promise<boolean> {
    const keys = this.#queued(key, waiter, 'waiter');
    return this.#raw.leaveLockQueue(keys, waiter, this.#releaseNotice(options));
  }

  /** A reader's lease is a semaphore lease on the readers key: released and extended as one. */
  async releaseReadLock(key: string, token: string, options?: CompareAndDeleteOptions): Promise<boolean> {
    const { readers } = this.#queued(key, token);
    const notice = this.#releaseNotice(options);
    // A reservation among the readers would turn writers away: readers hand nothing over.
    return this.#raw.releaseSemaphore(readers, token, notice && { ...notice, handoffMs: 0 });
  }

  async extendReadLock(key: string, token: string, ttl: Duration): Promise<boolean> {
    const { readers } = this.#queued(key, token);
    return this.#raw.extendSemaphore(readers, token, parseTtl(ttl));
  }

  async waitForReplicas(key: string, replicas: number, timeout: Duration): Promise<number> {
    const fullKey = this.#key(key);
    assertIntegerAtLeast(replicas, 0, 'replicas');
    return this.#raw.waitForReplicas(fullKey, replicas, parseTtl(timeout, 'timeout'));
  }

  // --- pub/sub ----------------------------------------------------------------------------------

  async publish(channel: string, message: string): Promise<number> {
    const fullChannel = this.#channel(channel);
    if (typeof message !== 'string') throw new InvalidArgumentError('message', 'expected a string');
    assertWellFormed(message, 'message');
    return this.#raw.publish(fullChannel, message);
  }

  async subscribe(
    channel: string,
    listener: (message: string) => void,
    options?: SubscribeOptions,
  ): Promise<Unsubscribe> {
    const fullChannel = this.#channel(channel);
    if (typeof listener !== 'function') throw new InvalidArgumentError('listener', 'expected a function');
    assertOptions(options, SUBSCRIBE_OPTIONS);
    return this.#raw.subscribe(fullChannel, listener, options?.sharded === true);
  }

  // --- helpers ----------------------------------------------------------------------------------

  #key(key: string): string {
    assertKey(key, 'key');
    return this.keyPrefix + key;
  }

  /** The registration of the waiter `waiter` among the waiters of `fullKey`, once validated; none without one. */
  #waiterRegistration(fullKey: string, waiter: string | undefined): WaiterRegistration | undefined {
    if (waiter === undefined) return undefined;
    if (!WAITER_ID.test(waiter)) {
      throw new InvalidArgumentError(
        'options.waiter',
        'expected 1 to 64 base64url characters (A-Z a-z 0-9 _ -)',
      );
    }
    return { id: waiter, waitersKey: waitersKeyOf(fullKey, this.keyPrefix) };
  }

  /** The release notice of `options` (see `#releaseNotice`), telling the registered waiters of `fullKey` first. */
  #noticeToWaiters(fullKey: string, options: CompareAndDeleteOptions | undefined): ReleaseNotice | undefined {
    const notice = this.#releaseNotice(options);
    return notice && { ...notice, waitersKey: waitersKeyOf(fullKey, this.keyPrefix) };
  }

  /** The full key of a lease that `token` holds (or asks for): both validated. */
  #held(key: string, token: string): string {
    const fullKey = this.#key(key);
    assertNonEmptyString(token, 'token');
    return fullKey;
  }

  /** The sibling keys of a queued lock, once the key and `id` (a token or a waiter) are validated. */
  #queued(key: string, id: string, argument = 'token'): QueueLockKeys {
    const keys = queueLockKeysOf(this.#key(key), this.keyPrefix);
    assertNonEmptyString(id, argument);
    return keys;
  }

  /** An acquisition that puts `waiter` in `key`'s line (keeping its place) for `queueTtl` when refused. */
  async #acquireInLine(
    command: 'acquireFairLock' | 'acquireWriteLock',
    key: string,
    token: string,
    waiter: string,
    ttl: Duration,
    queueTtl: Duration,
  ): Promise<QueueGrant> {
    const keys = this.#queued(key, token);
    assertNonEmptyString(waiter, 'waiter');
    return this.#raw[command](keys, token, waiter, parseTtl(ttl), parseTtl(queueTtl, 'queueTtl'));
  }

  #channel(channel: string, argument = 'channel'): string {
    assertNonEmptyString(channel, argument);
    return this.keyPrefix + channel;
  }

  /** The validated announcement of a release, or `undefined` when none was asked for. */
  #releaseNotice(options: CompareAndDeleteOptions | undefined): ReleaseNotice | undefined {
    assertOptions(options, RELEASE_OPTIONS);
    if (options?.notify === undefined) {
      if (options?.handoff !== undefined) {
        throw new InvalidArgumentError(
          'options.handoff',
          'a handoff needs `notify`: it serves the waiters told',
        );
      }
      return undefined;
    }
    return {
      channel: this.#channel(options.notify, 'options.notify'),
      sharded: options.sharded === true,
      handoffMs: options.handoff === undefined ? 0 : parseDuration(options.handoff, 'options.handoff'),
    };
  }
}

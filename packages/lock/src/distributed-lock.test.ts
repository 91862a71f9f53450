import { CacheError, InvalidArgumentError, InvalidConfigError } from '@forno/core';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeRepository, recordActions } from '../test/fake.js';
import { DistributedLock, Lock } from './distributed-lock.js';
import { LockLostError, LockTimeoutError } from './index.js';
import { renewalScheduler } from './lease.js';

afterEach(() => {
  expect(renewalScheduler.size).toBe(0);
});

describe('DistributedLock on the in-memory fake', () => {
  it('holds the key while acquired and removes it on release', async () => {
    const redis = fakeRepository();
    const lockKey = 'test_lock';
    {
      await using lock = await new DistributedLock(redis, lockKey, { timeout: 5_000 }).acquire();
      expect(lock).toBeInstanceOf(Lock);
      expect(await redis.exists(lockKey)).toBe(true);
      // The key holds the lock's token (not JSON, so read from the store rather than with get).
      expect(redis.store.lookup(redis.keyPrefix + lockKey)).toMatchObject({
        type: 'string',
        value: lock.token,
      });
    }
    expect(await redis.exists(lockKey)).toBe(false);
  });

  it('stores the lock key exactly as given, with a 128-bit token and a 30 s default lease', async () => {
    const redis = fakeRepository({ keyPrefix: 'mario_pizzeria:' });
    const lock = await new DistributedLock(redis, 'order_lock:42').acquire();
    expect(lock.key).toBe('order_lock:42');
    expect(lock.token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect([...redis.store.keys()]).toContain('mario_pizzeria:order_lock:42');
    expect(await redis.ttl('order_lock:42')).toBeGreaterThan(29_000);
    expect(lock.isHeld).toBe(true);
    expect(lock.remainingTime).toBeGreaterThan(29_000);
    expect(await lock.release()).toBe(true);
  });

  it('issues strictly increasing fencing tokens per key', async () => {
    const redis = fakeRepository();
    const mutex = new DistributedLock(redis, 'k');
    const tokens: number[] = [];
    for (let i = 0; i < 5; i++) {
      const lock = await mutex.acquire();
      tokens.push(lock.fencingToken);
      expect(lock.fencingTokens).toEqual([lock.fencingToken]);
      await lock.release();
    }
    for (let i = 1; i < tokens.length; i++) expect(tokens[i]!).toBeGreaterThan(tokens[i - 1]!);
    expect(tokens.every(Number.isSafeInteger)).toBe(true);
    const other = await new DistributedLock(redis, 'other').acquire();
    expect(other.fencingToken).toBeGreaterThan(0);
    await other.release();
  });

  it('tryAcquire returns null while another holder has it', async () => {
    const redis = fakeRepository();
    const first = await new DistributedLock(redis, 'k').acquire();
    expect(await new DistributedLock(redis, 'k').tryAcquire()).toBeNull();
    await first.release();
    const second = await new DistributedLock(redis, 'k').tryAcquire();
    expect(second).toBeInstanceOf(Lock);
    await second?.release();
  });

  it('release is idempotent and quiet: true once, then false; false for a lease that is gone', async () => {
    const redis = fakeRepository();
    const lock = await new DistributedLock(redis, 'k').acquire();
    expect(await lock.release()).toBe(true);
    expect(await lock.release()).toBe(false);
    expect(lock.signal.aborted).toBe(true);
    expect((lock.signal.reason as Error).name).toBe('AbortError');
    expect(LockLostError.is(lock.signal.reason)).toBe(false);

    const stolen = await new DistributedLock(redis, 'k', { autoExtend: false }).acquire();
    await redis.delete('k');
    expect(await stolen.release()).toBe(false);
  });

  it('release resolves false instead of throwing when the backend is down', async () => {
    const redis = fakeRepository();
    const lock = await new DistributedLock(redis, 'k').acquire();
    await redis.disconnect();
    expect(await lock.release()).toBe(false);
  });

  it('run passes the signal and the lock, returns the result and releases', async () => {
    const redis = fakeRepository();
    const mutex = new DistributedLock(redis, 'k');
    const result = await mutex.run(async (signal, lock) => {
      expect(signal).toBe(lock.signal);
      expect(signal.aborted).toBe(false);
      expect(await redis.exists('k')).toBe(true);
      return 'baked';
    });
    expect(result).toBe('baked');
    expect(await redis.exists('k')).toBe(false);
    await expect(
      mutex.run(() => {
        throw new Error('burnt');
      }),
    ).rejects.toThrow('burnt');
    expect(await redis.exists('k')).toBe(false);
  });

  it('run rejects with LockLostError when the lock was lost while fn ran', async () => {
    const redis = fakeRepository();
    const mutex = new DistributedLock(redis, 'k');
    const outcome = mutex.run(async (_signal, lock) => {
      await redis.delete('k');
      await lock.extend().catch(() => {});
      return 'done';
    });
    await expect(outcome).rejects.toSatisfy((e) => LockLostError.is(e));
  });

  it('extend moves the lease and throws LockLostError once the key is someone else’s', async () => {
    const redis = fakeRepository();
    const lock = await new DistributedLock(redis, 'k', { timeout: 1_000, autoExtend: false }).acquire();
    await lock.extend('1h');
    expect(await redis.ttl('k')).toBeGreaterThan(3_000_000);
    expect(lock.remainingTime).toBeGreaterThan(3_000_000);
    await redis.delete('k');
    await redis.set('k', 'someone-else');
    const error = await lock.extend().catch((e: unknown) => e);
    expect(LockLostError.is(error)).toBe(true);
    expect(lock.signal.reason).toBe(error);
    expect(lock.isHeld).toBe(false);
    expect(() => lock.throwIfLost()).toThrow(LockLostError);
    await expect(lock.extend()).rejects.toSatisfy((e) => LockLostError.is(e));
    expect(await lock.release()).toBe(false);
    expect(await redis.get('k')).toBe('someone-else');
  });

  it('emits lock events for metrics', async () => {
    const redis = fakeRepository();
    const mutex = new DistributedLock(redis, 'k', { waitTimeout: 0 });
    const actions = recordActions(mutex);
    const lock = await mutex.acquire();
    await expect(mutex.acquire()).rejects.toSatisfy((e) => LockTimeoutError.is(e));
    await lock.extend();
    await lock.release();
    expect(actions).toEqual(['acquired', 'timeout', 'extended', 'released']);
  });

  it('has distinct typed errors', () => {
    const timeout = new LockTimeoutError('k', 10);
    const lost = new LockLostError('k', 'gone');
    expect(timeout.code).toBe('E_LOCK_TIMEOUT');
    expect(lost.code).toBe('E_LOCK_LOST');
    expect(CacheError.is(timeout) && CacheError.is(lost)).toBe(true);
    expect(LockTimeoutError.is(lost)).toBe(false);
    expect(LockLostError.is(timeout)).toBe(false);
    expect(timeout.key).toBe('k');
  });

  it('rejects bad arguments and options before sending anything', () => {
    const redis = fakeRepository();
    expect(() => new DistributedLock(redis, '')).toThrow(InvalidArgumentError);
    expect(() => new DistributedLock({} as never, 'k')).toThrow(InvalidArgumentError);
    expect(() => new DistributedLock([], 'k')).toThrow(InvalidArgumentError);
    expect(() => new DistributedLock([redis, redis], 'k')).toThrow(InvalidArgumentError);
    expect(() => new DistributedLock(redis, 'k', { timeout: -1 })).toThrow(InvalidConfigError);
    expect(() => new DistributedLock(redis, 'k', { timeout: 2 })).toThrow(InvalidConfigError);
    expect(() => new DistributedLock(redis, 'k', { waitTimeout: Number.NaN })).toThrow(InvalidConfigError);
    expect(() => new DistributedLock(redis, 'k', { driftFactor: 2 })).toThrow(InvalidConfigError);
    expect(() => new DistributedLock(redis, 'k', { ttl: 5 } as never)).toThrow(InvalidConfigError);
    expect(() => new DistributedLock(redis, 'k', { autoExtend: 'yes' } as never)).toThrow(InvalidConfigError);
    expect(() => new DistributedLock(redis, 'k', { fencing: 'no' } as never)).toThrow(
      expect.objectContaining({ argument: 'options.fencing' }),
    );
    expect(() => new DistributedLock(redis, 'k', null as never)).toThrow(InvalidConfigError);
  });

  it('names every bad option options.<field>, as every Forno constructor does', () => {
    const redis = fakeRepository();
    const argumentOf = (options: unknown): unknown => {
      try {
        new DistributedLock(redis, 'k', options as never);
      } catch (error) {
        return InvalidConfigError.is(error) ? error.argument : error;
      }
      return undefined;
    };
    expect(argumentOf({ timeout: -1 })).toBe('options.timeout');
    expect(argumentOf({ timeout: 2 })).toBe('options.timeout');
    expect(argumentOf({ waitTimeout: Number.NaN })).toBe('options.waitTimeout');
    expect(argumentOf({ retryDelay: 'soon' })).toBe('options.retryDelay');
    expect(argumentOf({ driftFactor: 2 })).toBe('options.driftFactor');
    expect(argumentOf({ ttl: 5 })).toBe('options.ttl');
    expect(argumentOf({ autoExtend: 'yes' })).toBe('options.autoExtend');
    expect(argumentOf({ events: {} })).toBe('options.events');
    expect(argumentOf({ durability: 'disk' })).toBe('options.durability');
    expect(argumentOf({ durability: 'replicated', replicationTimeout: 0 })).toBe(
      'options.replicationTimeout',
    );
    expect(argumentOf(null)).toBe('options');
  });
});

import { CacheUnavailableError } from '@forno/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeRepository, recordActions } from '../test/fake.js';
import { DistributedLock } from './distributed-lock.js';
import { LockLostError } from './index.js';
import { renewalScheduler } from './lease.js';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
  expect(renewalScheduler.size).toBe(0);
});

describe('auto-extend', () => {
  it('renews every third of the lease, keeping the lock for as long as it is held', async () => {
    const redis = fakeRepository();
    const extend = vi.spyOn(redis, 'compareAndExpire');
    const mutex = new DistributedLock(redis, 'oven', { timeout: 3_000 });
    const actions = recordActions(mutex);
    const lock = await mutex.acquire();
    expect(renewalScheduler.size).toBe(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(extend).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(extend).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(9_000);
    expect(extend).toHaveBeenCalledTimes(10);
    expect(lock.isHeld).toBe(true);
    expect(await redis.ttl('oven')).toBeGreaterThan(2_000);
    expect(actions.filter((a) => a === 'extended')).toHaveLength(10);
    await lock.release();
    expect(renewalScheduler.size).toBe(0);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(extend).toHaveBeenCalledTimes(10);
  });

  it('renews locks that fall due together in one batch, from one timer', async () => {
    const redis = fakeRepository();
    const renewedAt: number[] = [];
    vi.spyOn(redis, 'compareAndExpire').mockImplementation(async () => {
      renewedAt.push(performance.now());
      return true;
    });
    const timersBefore = vi.getTimerCount();
    const locks = [];
    for (const key of ['a', 'b', 'c']) {
      locks.push(await new DistributedLock(redis, key, { timeout: 3_000 }).acquire());
      await vi.advanceTimersByTimeAsync(10);
    }
    // A single renewal timer for all of them...
    expect(vi.getTimerCount() - timersBefore).toBe(1);
    // ...plus, once their signals are handed out, one deadline timer per lock.
    for (const lock of locks) expect(lock.signal.aborted).toBe(false);
    expect(vi.getTimerCount() - timersBefore).toBe(1 + 3);
    await vi.advanceTimersByTimeAsync(1_000 - 30);
    expect(renewedAt).toHaveLength(3);
    expect(new Set(renewedAt).size).toBe(1);
    for (const lock of locks) await lock.release();
  });

  it('aborts the signal with LockLostError and emits lost when a renewal finds another holder', async () => {
    const redis = fakeRepository();
    const mutex = new DistributedLock(redis, 'oven', { timeout: 3_000 });
    const actions = recordActions(mutex);
    const lock = await mutex.acquire();
    const reasons: unknown[] = [];
    lock.signal.addEventListener('abort', () => reasons.push(lock.signal.reason));
    await redis.delete('oven');
    await redis.setIfAbsent('oven', 'thief', '1h');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(reasons).toHaveLength(1);
    expect(LockLostError.is(reasons[0])).toBe(true);
    expect(actions).toEqual(['acquired', 'lost']);
    expect(renewalScheduler.size).toBe(0);
    expect(await lock.release()).toBe(false);
    expect(await redis.exists('oven')).toBe(true);
  });

  it('retries after backend errors and keeps the lock if a renewal gets through in time', async () => {
    const redis = fakeRepository();
    const extend = vi.spyOn(redis, 'compareAndExpire');
    extend.mockRejectedValueOnce(new CacheUnavailableError('blip'));
    const lock = await new DistributedLock(redis, 'oven', { timeout: 3_000 }).acquire();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(extend).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(extend).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(lock.isHeld).toBe(true);
    await lock.release();
  });

  it('ends in LockLostError (caused by the backend error) when no renewal gets through before the deadline', async () => {
    const redis = fakeRepository();
    const outage = new CacheUnavailableError('redis is down');
    vi.spyOn(redis, 'compareAndExpire').mockRejectedValue(outage);
    const lock = await new DistributedLock(redis, 'oven', { timeout: 3_000 }).acquire();
    await vi.advanceTimersByTimeAsync(2_900);
    expect(lock.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(100);
    expect(LockLostError.is(lock.signal.reason)).toBe(true);
    expect((lock.signal.reason as LockLostError).cause).toBe(outage);
    await lock.release();
  });

  it('does not report a lock released during an in-flight renewal as lost', async () => {
    const redis = fakeRepository();
    let answer: (extended: boolean) => void = () => {};
    vi.spyOn(redis, 'compareAndExpire').mockImplementation(
      () => new Promise<boolean>((resolve) => (answer = resolve)),
    );
    const mutex = new DistributedLock(redis, 'oven', { timeout: 3_000 });
    const actions = recordActions(mutex);
    const lock = await mutex.acquire();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await lock.release()).toBe(true);
    answer(false);
    await vi.advanceTimersByTimeAsync(10);
    expect(LockLostError.is(lock.signal.reason)).toBe(false);
    expect(actions).toEqual(['acquired', 'released']);
  });
});

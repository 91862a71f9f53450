import { systemClock } from '@forno/core';
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

describe('local deadlines', () => {
  it('aborts the signal at lease − drift (1% + 2 ms) when nothing renews the lease', async () => {
    const redis = fakeRepository();
    const mutex = new DistributedLock(redis, 'oven', { timeout: 1_000, autoExtend: false });
    const actions = recordActions(mutex);
    const lock = await mutex.acquire();
    expect(lock.remainingTime).toBe(988);
    await vi.advanceTimersByTimeAsync(987);
    expect(lock.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(lock.signal.aborted).toBe(true);
    expect(LockLostError.is(lock.signal.reason)).toBe(true);
    expect((lock.signal.reason as LockLostError).code).toBe('E_LOCK_LOST');
    expect(lock.isHeld).toBe(false);
    expect(actions).toEqual(['acquired', 'lost']);
    // The server still has 12 ms of lease: the local deadline always comes first.
    expect(await redis.exists('oven')).toBe(true);
    expect(await lock.release()).toBe(true);
  });

  it('aborts at the deadline even while a renewal hangs', async () => {
    const redis = fakeRepository();
    vi.spyOn(redis, 'compareAndExpire').mockImplementation(() => new Promise<boolean>(() => {}));
    const lock = await new DistributedLock(redis, 'oven', { timeout: 900 }).acquire();
    await vi.advanceTimersByTimeAsync(400);
    expect(redis.compareAndExpire).toHaveBeenCalledTimes(1);
    expect(lock.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(900 - 11 - 400);
    expect(LockLostError.is(lock.signal.reason)).toBe(true);
    await lock.release();
  });

  it('notices a deadline passed during an event-loop stall synchronously, before any timer runs', async () => {
    const redis = fakeRepository();
    let stalled = 0;
    const clock = { ...systemClock, monotonic: () => performance.now() + stalled };
    const lock = await new DistributedLock(redis, 'oven', { timeout: 1_000, clock }).acquire();
    expect(lock.isHeld).toBe(true);
    stalled = 5_000; // the process was frozen for 5 s: no timer has had a chance to run
    expect(lock.isHeld).toBe(false);
    expect(lock.signal.aborted).toBe(true);
    expect(() => lock.throwIfLost()).toThrow(LockLostError);
    expect(lock.remainingTime).toBe(0);
    await lock.release();
  });

  it('handles leases longer than one timer can span (24.8 days) without firing early', async () => {
    const redis = fakeRepository();
    const lock = await new DistributedLock(redis, 'oven', { timeout: '60d', autoExtend: false }).acquire();
    await vi.advanceTimersByTimeAsync(25 * 86_400_000);
    expect(lock.isHeld).toBe(true);
    await vi.advanceTimersByTimeAsync(35 * 86_400_000);
    expect(LockLostError.is(lock.signal.reason)).toBe(true);
    await lock.release();
  });

  it('runs no deadline timer until someone can observe it, yet never reports a passed deadline as held', async () => {
    const redis = fakeRepository();
    const timersBefore = vi.getTimerCount();
    const lock = await new DistributedLock(redis, 'oven', { timeout: 1_000, autoExtend: false }).acquire();
    expect(vi.getTimerCount()).toBe(timersBefore);
    await vi.advanceTimersByTimeAsync(500);
    const signal = lock.signal; // handing out the signal arms the deadline timer
    expect(vi.getTimerCount()).toBe(timersBefore + 1);
    await vi.advanceTimersByTimeAsync(488);
    expect(LockLostError.is(signal.reason)).toBe(true);

    const unwatched = await new DistributedLock(redis, 'grill', {
      timeout: 1_000,
      autoExtend: false,
    }).acquire();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(unwatched.signal.aborted).toBe(true); // checked against the clock when handed out
    expect(LockLostError.is(unwatched.signal.reason)).toBe(true);
    await lock.release();
    await unwatched.release();
  });
});

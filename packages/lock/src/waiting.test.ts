import { systemClock } from '@forno/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeRepository, recordActions } from '../test/fake.js';
import type { Lock } from './distributed-lock.js';
import { DistributedLock } from './distributed-lock.js';
import { LockTimeoutError } from './index.js';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

/** Tracks whether a promise has settled, without awaiting it. */
function track<T>(promise: Promise<T>) {
  const state: { settled: boolean; value?: T; error?: unknown } = { settled: false };
  promise.then(
    (value) => Object.assign(state, { settled: true, value }),
    (error: unknown) => Object.assign(state, { settled: true, error }),
  );
  return state;
}

describe('waiting for a lock', () => {
  it('wakes on the release announcement, far sooner than retryDelay', async () => {
    const redis = fakeRepository();
    const holder = await new DistributedLock(redis, 'oven').acquire();
    const mutex = new DistributedLock(redis, 'oven', {
      retryDelay: '10s',
      retryJitter: 0,
      waitTimeout: '1m',
    });
    const actions = recordActions(mutex);
    const waiter = track(mutex.acquire());
    await vi.advanceTimersByTimeAsync(50);
    expect(waiter.settled).toBe(false);
    const releasedAt = performance.now();
    await holder.release();
    await vi.advanceTimersByTimeAsync(1);
    expect(waiter.settled).toBe(true);
    expect(waiter.error).toBeUndefined();
    expect(performance.now() - releasedAt).toBeLessThan(10);
    expect(actions).toEqual(['waited', 'acquired']);
    expect((waiter.value as Lock).fencingToken).toBeGreaterThan(holder.fencingToken);
    await (waiter.value as Lock).release();
  });

  it('when no announcement comes (holder crashed), re-checks at the holder’s remaining lease', async () => {
    const redis = fakeRepository();
    // A holder that dies without releasing: its key expires after 1 s.
    await redis.setIfAbsent('oven', 'crashed-holder', 1_000);
    const waiter = track(
      new DistributedLock(redis, 'oven', { retryDelay: '10s', retryJitter: 0, waitTimeout: '1m' }).acquire(),
    );
    await vi.advanceTimersByTimeAsync(990);
    expect(waiter.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(20);
    expect(waiter.settled).toBe(true);
    await (waiter.value as Lock).release();
  });

  it('a lost announcement costs at most retryDelay (+ jitter)', async () => {
    const redis = fakeRepository();
    const holder = await new DistributedLock(redis, 'oven').acquire();
    const waiter = track(
      new DistributedLock(redis, 'oven', { retryDelay: 200, retryJitter: 0, waitTimeout: '1m' }).acquire(),
    );
    await vi.advanceTimersByTimeAsync(10);
    // Delete behind the lock's back: no announcement is published.
    await redis.delete('oven');
    await vi.advanceTimersByTimeAsync(150);
    expect(waiter.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(60);
    expect(waiter.settled).toBe(true);
    await (waiter.value as Lock).release();
    await holder.release();
  });

  it('fails with LockTimeoutError after waitTimeout, holding nothing', async () => {
    const redis = fakeRepository();
    const holder = await new DistributedLock(redis, 'oven').acquire();
    const mutex = new DistributedLock(redis, 'oven', { waitTimeout: 500, retryDelay: 100 });
    const actions = recordActions(mutex);
    const waiter = track(mutex.acquire());
    await vi.advanceTimersByTimeAsync(499);
    expect(waiter.settled).toBe(false);
    await vi.advanceTimersByTimeAsync(2);
    expect(LockTimeoutError.is(waiter.error)).toBe(true);
    expect((waiter.error as LockTimeoutError).code).toBe('E_LOCK_TIMEOUT');
    expect((waiter.error as LockTimeoutError).waitedMs).toBeGreaterThanOrEqual(500);
    expect(actions).toEqual(['waited', 'timeout']);
    expect(await redis.exists('oven')).toBe(true);
    await holder.release();
  });

  it('a per-call waitTimeout overrides the lock’s', async () => {
    const redis = fakeRepository();
    const holder = await new DistributedLock(redis, 'oven').acquire();
    const waiter = track(new DistributedLock(redis, 'oven').acquire({ waitTimeout: 100 }));
    await vi.advanceTimersByTimeAsync(101);
    expect(LockTimeoutError.is(waiter.error)).toBe(true);
    await holder.release();
  });

  it('is cancelled by an AbortSignal, with the signal’s reason', async () => {
    const redis = fakeRepository();
    const holder = await new DistributedLock(redis, 'oven').acquire();
    const controller = new AbortController();
    const waiter = track(new DistributedLock(redis, 'oven').acquire({ signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(waiter.settled).toBe(false);
    const reason = new Error('customer left');
    controller.abort(reason);
    await vi.advanceTimersByTimeAsync(0);
    expect(waiter.error).toBe(reason);

    const lockWide = new AbortController();
    const mutex = new DistributedLock(redis, 'oven', { signal: lockWide.signal });
    lockWide.abort();
    await expect(mutex.acquire()).rejects.toMatchObject({ name: 'AbortError' });
    await holder.release();
    // A cancelled waiter leaves nothing behind: the next acquire is immediate.
    const next = await new DistributedLock(redis, 'oven', { waitTimeout: 0 }).acquire();
    await next.release();
  });

  it('refuses a grant whose validity is already gone and hands the key back', async () => {
    const redis = fakeRepository();
    let offset = 0;
    const clock = { ...systemClock, monotonic: () => performance.now() + offset };
    const slow = vi.spyOn(redis, 'setIfAbsent');
    slow.mockImplementation(async function (this: unknown, ...args) {
      const grant = await (Object.getPrototypeOf(redis).setIfAbsent as typeof redis.setIfAbsent).apply(
        redis,
        args,
      );
      offset += 1_500; // the reply took longer than the lease
      return grant;
    });
    const mutex = new DistributedLock(redis, 'oven', { timeout: 1_000, clock, waitTimeout: 0 });
    expect(await mutex.tryAcquire()).toBeNull();
    expect(await redis.exists('oven')).toBe(false);
    await expect(mutex.acquire()).rejects.toSatisfy((e) => LockTimeoutError.is(e));
    expect(await redis.exists('oven')).toBe(false);
  });

  it('queues waiters of one process first come, first served; only the first talks to the server', async () => {
    const redis = fakeRepository();
    const mutex = new DistributedLock(redis, 'oven', { retryDelay: '10s', waitTimeout: '1m' });
    const holder = await mutex.acquire();
    const attempts = vi.spyOn(redis, 'setIfAbsent');
    const order: number[] = [];
    const waiters: Promise<void>[] = [];
    for (const i of [0, 1, 2]) {
      waiters.push(
        mutex.acquire().then(async (lock) => {
          order.push(i);
          await vi.advanceTimersByTimeAsync(5);
          await lock.release();
        }),
      );
      await vi.advanceTimersByTimeAsync(10);
    }
    // The first waiter tried (and re-tried once subscribed); the others did not touch the server.
    expect(attempts).toHaveBeenCalledTimes(2);
    // The holder releases and immediately wants the lock again: it queues behind the waiters.
    await holder.release();
    const again = mutex.acquire().then((lock) => {
      order.push(3);
      return lock.release();
    });
    await vi.advanceTimersByTimeAsync(100);
    await Promise.all([...waiters, again]);
    expect(order).toEqual([0, 1, 2, 3]);
  });

  it('resubscribes when a release went unannounced (a subscription that died with its connection)', async () => {
    const redis = fakeRepository();
    const subscribe = vi.spyOn(redis, 'subscribe');
    // The first subscription is dead: it never delivers anything.
    subscribe.mockImplementationOnce(async () => async () => {});
    const holder = await new DistributedLock(redis, 'oven').acquire();
    const first = track(
      new DistributedLock(redis, 'oven', { retryDelay: 200, retryJitter: 0, waitTimeout: '1m' }).acquire(),
    );
    await vi.advanceTimersByTimeAsync(10);
    await holder.release();
    await vi.advanceTimersByTimeAsync(150);
    expect(first.settled).toBe(false); // the announcement was lost
    await vi.advanceTimersByTimeAsync(60);
    expect(first.settled).toBe(true); // found by the re-check...
    expect(subscribe).toHaveBeenCalledTimes(2); // ...which also renewed the subscription
    const second = track(
      new DistributedLock(redis, 'oven', { retryDelay: '10s', waitTimeout: '1m' }).acquire(),
    );
    await vi.advanceTimersByTimeAsync(10);
    await (first.value as Lock).release();
    await vi.advanceTimersByTimeAsync(1);
    expect(second.settled).toBe(true); // woken by an announcement again
    await (second.value as Lock).release();
  });
});

import type { CacheRepository, LockBackend } from '@forno/core';
import { expect, it, vi } from 'vitest';
import { DistributedLock } from '../src/distributed-lock.js';
import { DistributedSemaphore } from '../src/distributed-semaphore.js';
import { LockLostError } from '../src/index.js';
import { queuedLockSuite } from './queued-lock-suite.js';

/** A backend for the lock suite: each call returns a repository with a fresh key prefix. */
export interface LockSuiteContext {
  repo(): CacheRepository & LockBackend;
  /** Lets `ms` pass: fake timers advanced on the fake (unit project), a real sleep on servers. */
  sleep(ms: number): Promise<void>;
}

/** Waits for `condition` in 10 ms steps of `ctx.sleep`; fails after `deadlineMs` of them. */
async function until(
  ctx: LockSuiteContext,
  what: string,
  condition: () => boolean | Promise<boolean>,
  deadlineMs = 10_000,
): Promise<void> {
  for (let waited = 0; !(await condition()); waited += 10) {
    if (waited >= deadlineMs) throw new Error(`gave up after ${deadlineMs} ms waiting until ${what}`);
    await ctx.sleep(10);
  }
}

/**
 * Lock behaviour in real time, run on the fake, a standalone server and a Cluster: plain
 * acquire/release, fencing, mutual exclusion under contention, fast handoff, loss detection, semaphores.
 */
export function lockSuite(ctx: LockSuiteContext): void {
  it('acquire and release: the key exists while held and not after release', async () => {
    const redis = ctx.repo();
    const lockKey = 'test_lock';
    {
      await using lock = await new DistributedLock(redis, lockKey, { timeout: 5_000 }).acquire();
      expect(await redis.exists(lockKey)).toBe(true);
      expect(Number.isSafeInteger(lock.fencingToken) && lock.fencingToken > 0).toBe(true);
    }
    expect(await redis.exists(lockKey)).toBe(false);
  });

  it('fencing tokens increase across holders, for plain, hash-tagged and brace-containing keys', async () => {
    const redis = ctx.repo();
    for (const key of ['order_lock:1', 'order_lock:{42}', 'odd}key', 'x{}y']) {
      const mutex = new DistributedLock(redis, key);
      const seen: number[] = [];
      for (let i = 0; i < 3; i++) {
        const lock = await mutex.acquire();
        seen.push(lock.fencingToken);
        expect(await lock.release()).toBe(true);
      }
      expect(seen[1]!).toBeGreaterThan(seen[0]!);
      expect(seen[2]!).toBeGreaterThan(seen[1]!);
    }
  });

  it('fencing: false takes the lock without a fencing counter: no key is left behind', async () => {
    const redis = ctx.repo();
    const mutex = new DistributedLock(redis, 'cache_lock:1', { fencing: false });
    {
      await using lock = await mutex.acquire();
      expect(lock.fencingToken).toBe(0);
      expect(lock.fencingTokens).toEqual([null]);
      expect(await mutex.tryAcquire()).toBeNull();
    }
    expect(await redis.exists('cache_lock:1')).toBe(false);
    const keys: string[] = [];
    for await (const key of redis.scan('*')) keys.push(key);
    expect(keys).toEqual([]);
  });

  it('excludes concurrent holders: 8 workers × 5 read-modify-write increments lose nothing', async () => {
    const redis = ctx.repo();
    await redis.set('counter', 0);
    const mutex = new DistributedLock(redis, 'counter_lock', { timeout: 5_000, waitTimeout: '30s' });
    let inside = 0;
    let maxInside = 0;
    const worker = async () => {
      for (let i = 0; i < 5; i++) {
        await mutex.run(async () => {
          maxInside = Math.max(maxInside, ++inside);
          const value = (await redis.get<number>('counter')) ?? 0;
          await ctx.sleep(1);
          await redis.set('counter', value + 1);
          inside--;
        });
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(await redis.get('counter')).toBe(40);
    expect(maxInside).toBe(1);
  });

  it('hands the lock to a waiter on release far sooner than retryDelay', async () => {
    const redis = ctx.repo();
    const attempts = vi.spyOn(redis, 'setIfAbsent');
    const holder = await new DistributedLock(redis, 'handoff').acquire();
    const waiting = new DistributedLock(redis, 'handoff', {
      retryDelay: '10s',
      waitTimeout: '20s',
    }).acquire();
    // The waiter looks again once its subscription is live: the holder's attempt, the waiter's
    // first, and that re-check.
    await until(
      ctx,
      'the waiter subscribes to the release channel',
      async () => attempts.mock.calls.length >= 3,
    );
    attempts.mockRestore();
    const releasedAt = performance.now();
    await holder.release();
    const lock = await waiting;
    expect(performance.now() - releasedAt).toBeLessThan(1_000);
    await lock.release();
  });

  it('aborts the signal with LockLostError when the key is taken away, within a renewal period', async () => {
    const redis = ctx.repo();
    // A 1.5 s lease: the renewal (at a third of it) finds the thief; if it runs late on a loaded
    // machine, the local deadline ends the lock. Either way the signal aborts with LockLostError.
    const lock = await new DistributedLock(redis, 'stolen', { timeout: 1_500 }).acquire();
    await redis.delete('stolen');
    await redis.setIfAbsent('stolen', 'thief', '10s');
    await until(ctx, 'the lock is lost', () => lock.signal.aborted);
    expect(LockLostError.is(lock.signal.reason)).toBe(true);
    expect(await lock.release()).toBe(false);
    expect(await redis.exists('stolen')).toBe(true);
  });

  it('aborts the signal at the local deadline when nothing renews the lease', async () => {
    const redis = ctx.repo();
    const lock = await new DistributedLock(redis, 'deadline', {
      timeout: 1_000,
      autoExtend: false,
    }).acquire();
    await until(ctx, 'the local deadline passes', () => lock.signal.aborted);
    expect(LockLostError.is(lock.signal.reason)).toBe(true);
    expect(lock.isHeld).toBe(false);
    // Whether the key has expired by now is a race on a real server; either way release must not
    // throw and must leave no key behind.
    await lock.release();
    expect(await redis.exists('deadline')).toBe(false);
  });

  it('a semaphore never admits more than its limit', async () => {
    const redis = ctx.repo();
    const ovens = new DistributedSemaphore(redis, 'ovens', { limit: 3, timeout: 5_000, waitTimeout: '30s' });
    let inside = 0;
    let maxInside = 0;
    await Promise.all(
      Array.from({ length: 12 }, () =>
        ovens.run(async () => {
          maxInside = Math.max(maxInside, ++inside);
          await ctx.sleep(5);
          inside--;
        }),
      ),
    );
    expect(maxInside).toBe(3);
    // A release that this process's closing subscription still heard reserves its permit for the
    // waiters (the fair handoff); with nobody left to claim them, the reservations end by themselves.
    await until(ctx, 'the semaphore key is gone', async () => !(await redis.exists('ovens')), 1_000);
  });
  queuedLockSuite(ctx);
}

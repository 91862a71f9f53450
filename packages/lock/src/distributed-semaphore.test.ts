import { InvalidConfigError, systemClock } from '@forno/core';
import { InMemoryCacheRepository, InMemoryStore, ManualClock } from '@forno/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeRepository } from '../test/fake.js';
import { DistributedSemaphore, SemaphorePermit } from './distributed-semaphore.js';
import { LockLostError, LockTimeoutError } from './index.js';
import { renewalScheduler } from './lease.js';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
  expect(renewalScheduler.size).toBe(0);
});

describe('DistributedSemaphore', () => {
  it('lets limit holders in at once and makes the next one wait for a release', async () => {
    const redis = fakeRepository();
    const ovens = new DistributedSemaphore(redis, 'ovens', { limit: 2, retryDelay: '10s' });
    const a = await ovens.acquire();
    const b = await ovens.acquire();
    expect(a).toBeInstanceOf(SemaphorePermit);
    expect(await redis.zcard('ovens')).toBe(2);
    expect(await ovens.tryAcquire()).toBeNull();
    let third: SemaphorePermit | undefined;
    ovens.acquire().then((permit) => (third = permit));
    await vi.advanceTimersByTimeAsync(100);
    expect(third).toBeUndefined();
    expect(await ovens.release(a)).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(third).toBeInstanceOf(SemaphorePermit);
    await b.release();
    await third?.release();
    expect(await redis.exists('ovens')).toBe(false);
  });

  it('times out with LockTimeoutError', async () => {
    const redis = fakeRepository();
    const ovens = new DistributedSemaphore(redis, 'ovens', { limit: 1, waitTimeout: 300 });
    const held = await ovens.acquire();
    const waiting = ovens.acquire().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(301);
    expect(LockTimeoutError.is(await waiting)).toBe(true);
    await held.release();
  });

  it('keeps permits alive by renewal and reports a permit evicted on the server as lost', async () => {
    const redis = fakeRepository();
    const ovens = new DistributedSemaphore(redis, 'ovens', { limit: 1, timeout: 3_000 });
    const permit = await ovens.acquire();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(permit.isHeld).toBe(true);
    await redis.delete('ovens');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(LockLostError.is(permit.signal.reason)).toBe(true);
    expect(await permit.release()).toBe(false);
  });

  it('judges leases by the server clock, whatever the clients’ wall clocks say', async () => {
    const server = new ManualClock();
    const store = new InMemoryStore({ clock: server });
    const redis = new InMemoryCacheRepository({ store });
    const skewed = { ...systemClock, now: () => Date.UTC(2001, 0, 1) };
    const ovens = new DistributedSemaphore(redis, 'ovens', {
      limit: 1,
      timeout: 1_000,
      autoExtend: false,
      clock: skewed,
      waitTimeout: 0,
    });
    const crashed = await ovens.acquire(); // this holder never releases nor renews
    expect(await redis.ttl('ovens')).toBe(1_000);
    await expect(ovens.acquire()).rejects.toSatisfy((e) => LockTimeoutError.is(e));
    server.advance(1_000);
    const next = await ovens.acquire();
    expect(next.isHeld).toBe(true);
    await next.release();
    await crashed.release();
  });

  it('run holds a permit for the duration of fn', async () => {
    const redis = fakeRepository();
    const ovens = new DistributedSemaphore(redis, 'ovens', { limit: 3 });
    const result = await ovens.run(async (signal, permit) => {
      expect(signal.aborted).toBe(false);
      expect(permit.isHeld).toBe(true);
      return redis.zcard('ovens');
    });
    expect(result).toBe(1);
    expect(await redis.exists('ovens')).toBe(false);
  });

  it('validates limit', () => {
    const redis = fakeRepository();
    expect(() => new DistributedSemaphore(redis, 'ovens', { limit: 0 })).toThrow(InvalidConfigError);
    expect(() => new DistributedSemaphore(redis, 'ovens', { limit: 1.5 })).toThrow(InvalidConfigError);
    expect(() => new DistributedSemaphore(redis, 'ovens', {} as never)).toThrow(InvalidConfigError);
  });
});

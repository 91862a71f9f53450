import { CacheUnavailableError, InvalidConfigError } from '@forno/core';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeRepository } from '../test/fake.js';
import { DistributedLock } from './distributed-lock.js';
import { DistributedSemaphore } from './distributed-semaphore.js';
import { FairLock } from './fair-lock.js';
import { LockNotReplicatedError } from './index.js';
import { renewalScheduler } from './lease.js';

afterEach(() => {
  expect(renewalScheduler.size).toBe(0);
});

describe("durability: 'replicated'", () => {
  it('returns a grant only once a replica confirmed it (WAIT 1 after the grant, same key)', async () => {
    const redis = fakeRepository();
    const calls: [string, number, number][] = [];
    // The fake is a server without replicas; pretend one acknowledges.
    redis.waitForReplicas = async (key, replicas, timeout) => {
      calls.push([key, replicas, Number(timeout)]);
      return 1;
    };
    const lock = new DistributedLock(redis, 'order_lock:1', {
      durability: 'replicated',
      replicationTimeout: '250ms',
    });
    const held = await lock.acquire();
    expect(calls).toEqual([['order_lock:1', 1, 250]]);
    expect(await redis.exists('order_lock:1')).toBe(true);
    await held.release();
  });

  it('hands the grant back and rejects with LockNotReplicatedError when no replica confirms', async () => {
    const redis = fakeRepository();
    for (const lock of [
      new DistributedLock(redis, 'k', { durability: 'replicated', replicationTimeout: 10 }),
      new FairLock(redis, 'k', { durability: 'replicated', replicationTimeout: 10 }),
    ]) {
      const error = await lock.acquire().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LockNotReplicatedError);
      expect(error).toMatchObject({ code: 'E_LOCK_NOT_REPLICATED', key: 'k', replicas: 0 });
      expect(await redis.exists('k')).toBe(false);
    }
  });

  it('a failing WAIT is a LockNotReplicatedError with the backend error as cause', async () => {
    const redis = fakeRepository();
    const outage = new CacheUnavailableError('down');
    redis.waitForReplicas = async () => {
      throw outage;
    };
    const lock = new DistributedLock(redis, 'k', { durability: 'replicated' });
    await expect(lock.acquire()).rejects.toMatchObject({ code: 'E_LOCK_NOT_REPLICATED', cause: outage });
    expect(await redis.exists('k')).toBe(false);
  });

  it('a semaphore permit is returned only once a replica confirmed it, and handed back when none does', async () => {
    const redis = fakeRepository();
    let confirming = 1;
    const calls: [string, number, number][] = [];
    redis.waitForReplicas = async (key, replicas, timeout) => {
      calls.push([key, replicas, Number(timeout)]);
      return confirming;
    };
    const ovens = new DistributedSemaphore(redis, 'ovens', {
      limit: 1,
      durability: 'replicated',
      replicationTimeout: '250ms',
    });
    const permit = await ovens.acquire();
    expect(calls).toEqual([['ovens', 1, 250]]);
    await permit.release();
    confirming = 0;
    await expect(ovens.acquire()).rejects.toMatchObject({ code: 'E_LOCK_NOT_REPLICATED', key: 'ovens' });
    // The unconfirmed permit was handed back: the only one is free again.
    confirming = 1;
    await (await ovens.acquire()).release();
    expect(() => new DistributedSemaphore(redis, 'k', { limit: 1, durability: 'sync' as never })).toThrow(
      InvalidConfigError,
    );
  });

  it('the default durability sends no WAIT', async () => {
    const redis = fakeRepository();
    let waits = 0;
    redis.waitForReplicas = async () => ++waits;
    await (await new DistributedLock(redis, 'k').acquire()).release();
    expect(waits).toBe(0);
  });

  it('rejects bad values and Redlock with replicated durability', () => {
    const [a, b, c] = [fakeRepository(), fakeRepository(), fakeRepository()];
    expect(() => new DistributedLock(a, 'k', { durability: 'sync' as never })).toThrow(InvalidConfigError);
    expect(() => new DistributedLock(a, 'k', { replicationTimeout: 'soon' as never })).toThrow(
      InvalidConfigError,
    );
    expect(() => new DistributedLock([a, b, c], 'k', { durability: 'replicated' })).toThrow(
      InvalidConfigError,
    );
  });
});

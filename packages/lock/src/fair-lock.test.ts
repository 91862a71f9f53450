import { InvalidConfigError } from '@forno/core';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeRepository } from '../test/fake.js';
import { Lock } from './distributed-lock.js';
import { FairLock } from './fair-lock.js';
import { LockTimeoutError } from './index.js';
import { renewalScheduler } from './lease.js';

afterEach(() => {
  expect(renewalScheduler.size).toBe(0);
});

describe('FairLock on the in-memory fake', () => {
  it('hands out fenced Locks, serves waiters of separate processes in arrival order', async () => {
    const store = fakeRepository().store;
    // One repository per "process": their waiters meet only in the line kept in the store.
    const processes = [0, 1, 2, 3].map(() => fakeRepository({ store }));
    const locks = processes.map(
      (redis) => new FairLock(redis, 'oven', { timeout: 5_000, retryDelay: 5, retryJitter: 0 }),
    );
    const first = await locks[0]!.acquire();
    expect(first).toBeInstanceOf(Lock);
    const order: number[] = [];
    const tokens: number[] = [first.fencingToken];
    const waiting = [1, 2, 3].map(async (i) => {
      const lock = await locks[i]!.acquire();
      order.push(i);
      tokens.push(lock.fencingToken);
      await lock.release();
    });
    // Let each waiter join the line, in order 1, 2, 3.
    await new Promise((r) => setTimeout(r, 30));
    // The holder asks again right after its release: it must queue behind 1, 2 and 3.
    await first.release();
    const again = locks[0]!.acquire().then(async (lock) => {
      order.push(0);
      tokens.push(lock.fencingToken);
      await lock.release();
    });
    await Promise.all([...waiting, again]);
    expect(order).toEqual([1, 2, 3, 0]);
    expect(tokens).toEqual([...tokens].sort((a, b) => a - b));
  });

  it('a waiter that times out leaves the line at once, unblocking those behind it', async () => {
    const store = fakeRepository().store;
    const [a, b, c] = [0, 1, 2].map(
      () => new FairLock(fakeRepository({ store }), 'oven', { retryDelay: 5, retryJitter: 0 }),
    );
    const held = await a!.acquire();
    const quitter = b!.acquire({ waitTimeout: 30 });
    await new Promise((r) => setTimeout(r, 5));
    const patient = c!.acquire({ waitTimeout: 2_000 });
    await expect(quitter).rejects.toBeInstanceOf(LockTimeoutError);
    await held.release();
    const lock = await patient;
    expect(lock.isHeld).toBe(true);
    await lock.release();
    // Nothing is left behind: the line emptied as its waiters left.
    expect([...store.keys()].filter((k) => k.includes('queue'))).toEqual([]);
  });

  it('tryAcquire does not keep a place in line', async () => {
    const store = fakeRepository().store;
    const [a, b] = [0, 1].map(() => new FairLock(fakeRepository({ store }), 'oven'));
    const held = await a!.acquire();
    expect(await b!.tryAcquire()).toBe(null);
    await held.release();
    const again = await a!.tryAcquire();
    expect(again).not.toBe(null);
    await again!.release();
  });

  it('rejects fencing: false and bad durability options', () => {
    const redis = fakeRepository();
    expect(() => new FairLock(redis, 'k', { fencing: false } as never)).toThrow(InvalidConfigError);
    expect(() => new FairLock(redis, 'k', { durability: 'quorum' as never })).toThrow(InvalidConfigError);
    expect(() => new FairLock(redis, 'k', { replicationTimeout: -1 })).toThrow(InvalidConfigError);
  });
});

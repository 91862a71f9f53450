import { afterEach, describe, expect, it } from 'vitest';
import { fakeRepository } from '../test/fake.js';
import { LockNotReplicatedError } from './index.js';
import { renewalScheduler } from './lease.js';
import { ReadWriteLock } from './read-write-lock.js';

afterEach(() => {
  expect(renewalScheduler.size).toBe(0);
});

const FAST = { retryDelay: 5, retryJitter: 0 } as const;

describe('ReadWriteLock on the in-memory fake', () => {
  it('lets readers share, keeps a writer out until they are done, fencing in grant order', async () => {
    const rw = new ReadWriteLock(fakeRepository(), 'menu', FAST);
    const r1 = await rw.readLock().acquire();
    const r2 = await rw.readLock().acquire();
    expect(r2.fencingToken).toBeGreaterThan(r1.fencingToken);
    expect(await rw.writeLock().tryAcquire()).toBe(null);
    let written = false;
    const writer = rw
      .writeLock()
      .acquire()
      .then((lock) => {
        written = true;
        return lock;
      });
    await new Promise((r) => setTimeout(r, 20));
    // Writer preference: the waiting writer turns a new reader away.
    expect(await rw.readLock().tryAcquire()).toBe(null);
    await r1.release();
    await new Promise((r) => setTimeout(r, 20));
    expect(written).toBe(false);
    await r2.release();
    const w = await writer;
    expect(w.fencingToken).toBeGreaterThan(r2.fencingToken);
    expect(await rw.readLock().tryAcquire()).toBe(null);
    await w.release();
    const r3 = await rw.readLock().acquire();
    expect(r3.fencingToken).toBeGreaterThan(w.fencingToken);
    await r3.release();
  });

  it('a stream of readers does not starve a writer', async () => {
    const store = fakeRepository().store;
    const readers = new ReadWriteLock(fakeRepository({ store }), 'menu', FAST);
    const writers = new ReadWriteLock(fakeRepository({ store }), 'menu', FAST);
    let stop = false;
    let reads = 0;
    // Overlapping readers: at every moment at least one holds a read lease.
    const stream = [0, 1, 2].map(async (i) => {
      await new Promise((r) => setTimeout(r, i * 3));
      while (!stop) {
        const lock = await readers.readLock().acquire({ waitTimeout: 5_000 });
        reads++;
        await new Promise((r) => setTimeout(r, 8));
        await lock.release();
      }
    });
    await new Promise((r) => setTimeout(r, 20));
    const w = await writers.writeLock().acquire({ waitTimeout: 2_000 });
    const readsBefore = reads;
    expect(readsBefore).toBeGreaterThan(0);
    await w.release();
    stop = true;
    await Promise.all(stream);
  });

  it("durability: 'replicated' hands the grant back and fails typed on a server without replicas", async () => {
    const redis = fakeRepository();
    const rw = new ReadWriteLock(redis, 'menu', { durability: 'replicated', replicationTimeout: 10 });
    await expect(rw.writeLock().acquire()).rejects.toBeInstanceOf(LockNotReplicatedError);
    await expect(rw.readLock().acquire()).rejects.toMatchObject({ code: 'E_LOCK_NOT_REPLICATED' });
    expect(await redis.exists('menu')).toBe(false);
    expect([...redis.store.keys()].filter((k) => k.includes('readers'))).toEqual([]);
  });
});

import { expect, it } from 'vitest';
import { FairLock } from '../src/fair-lock.js';
import { ReadWriteLock } from '../src/read-write-lock.js';
import type { LockSuiteContext } from './lock-suite.js';

/** `FairLock` and `ReadWriteLock` in real time, on every backend the lock suite runs on. */
export function queuedLockSuite(ctx: LockSuiteContext): void {
  it('FairLock: exclusive, served in arrival order, fencing tokens increasing, no key left behind', async () => {
    const redis = ctx.repo();
    const oven = new FairLock(redis, 'oven', { timeout: 5_000, retryDelay: 20, retryJitter: 0 });
    let inside = 0;
    let maxInside = 0;
    const order: number[] = [];
    const tokens: number[] = [];
    await Promise.all(
      [0, 1, 2, 3, 4].map((i) =>
        oven.run(async (_signal, lock) => {
          inside++;
          maxInside = Math.max(maxInside, inside);
          order.push(i);
          tokens.push(lock.fencingToken);
          await ctx.sleep(5);
          inside--;
        }),
      ),
    );
    expect(maxInside).toBe(1);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(tokens).toEqual([...tokens].sort((a, b) => a - b));
    expect(new Set(tokens).size).toBe(5);
    expect(await redis.exists('oven')).toBe(false);
  });

  it('ReadWriteLock: readers share, a writer waits for them and is not starved by new readers', async () => {
    const redis = ctx.repo();
    const menu = new ReadWriteLock(redis, 'menu', { timeout: 5_000, retryDelay: 20, retryJitter: 0 });
    const r1 = await menu.readLock().acquire();
    const r2 = await menu.readLock().acquire();
    expect(r1.isHeld && r2.isHeld).toBe(true);
    let written = false;
    const writer = menu
      .writeLock()
      .acquire()
      .then((lock) => {
        written = true;
        return lock;
      });
    await ctx.sleep(50);
    expect(written).toBe(false);
    // The waiting writer turns new readers away.
    expect(await menu.readLock().tryAcquire()).toBe(null);
    await r1.release();
    await r2.release();
    for (let i = 0; i < 200 && !written; i++) await ctx.sleep(10);
    const w = await writer;
    expect(w.fencingToken).toBeGreaterThan(r2.fencingToken);
    expect(await menu.readLock().tryAcquire()).toBe(null);
    await w.release();
    const r3 = await menu.readLock().acquire();
    expect(r3.fencingToken).toBeGreaterThan(w.fencingToken);
    await r3.release();
  });
}

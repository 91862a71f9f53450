import { InvalidArgumentError, queueLockKeysOf } from '@forno/core';
import { expect, it } from 'vitest';
import { type ContractContext, eventually } from './contract-context.js';

/**
 * The fair-lock and read-write-lock primitives (`acquireFairLock`, `acquireReadLock`,
 * `acquireWriteLock`, `leaveLockQueue`, `releaseReadLock`, `extendReadLock`) and `waitForReplicas`:
 * part of the contract every backend runs, so the Lua scripts and the fake cannot drift apart.
 */
export function queueLockPrimitivesContract(ctx: ContractContext): void {
  const granted = (grant: { acquired: boolean }) => grant.acquired;

  it('fair lock: serves waiters in arrival order, the releaser queueing behind them', async () => {
    const repo = ctx.repo();
    const first = await repo.acquireFairLock('oven', 'ta', 'a', 10_000, 5_000);
    expect(first).toEqual({ acquired: true, fencingToken: expect.any(Number) });
    expect(await repo.acquireFairLock('oven', 'tb', 'b', 10_000, 5_000)).toEqual({
      acquired: false,
      retryAfter: expect.any(Number),
    });
    expect(granted(await repo.acquireFairLock('oven', 'tc', 'c', 10_000, 5_000))).toBe(false);
    expect(await repo.compareAndDelete('oven', 'ta')).toBe(true);
    // a asks again at once: b and c came first.
    expect(await repo.acquireFairLock('oven', 'ta2', 'a', 10_000, 5_000)).toEqual({
      acquired: false,
      retryAfter: -1,
    });
    expect(granted(await repo.acquireFairLock('oven', 'tc', 'c', 10_000, 5_000))).toBe(false);
    const second = await repo.acquireFairLock('oven', 'tb', 'b', 10_000, 5_000);
    expect(second.acquired).toBe(true);
    expect(second.acquired && first.acquired && second.fencingToken > first.fencingToken).toBe(true);
    expect(await repo.compareAndDelete('oven', 'tb')).toBe(true);
    expect(granted(await repo.acquireFairLock('oven', 'ta3', 'a', 10_000, 5_000))).toBe(false);
    expect(granted(await repo.acquireFairLock('oven', 'tc', 'c', 10_000, 5_000))).toBe(true);
  });

  it('fair lock: a waiter that leaves, or stops asking, no longer blocks the line', async () => {
    const repo = ctx.repo();
    const messages: string[] = [];
    const unsubscribe = await repo.subscribe('released', (message) => messages.push(message));
    await repo.acquireFairLock('oven', 'ta', 'a', 10_000, 1_000);
    await repo.acquireFairLock('oven', 'tb', 'b', 10_000, 1_000);
    await repo.acquireFairLock('oven', 'tc', 'c', 10_000, 5_000);
    expect(await repo.leaveLockQueue('oven', 'b', { notify: 'released' })).toBe(true);
    expect(await repo.leaveLockQueue('oven', 'b', { notify: 'released' })).toBe(false);
    await repo.acquireFairLock('oven', 'td', 'd', 10_000, 1_000); // d stops asking
    await repo.compareAndDelete('oven', 'ta');
    expect(granted(await repo.acquireFairLock('oven', 'te', 'e', 10_000, 5_000))).toBe(false);
    expect(granted(await repo.acquireFairLock('oven', 'tc', 'c', 10_000, 5_000))).toBe(true);
    await repo.compareAndDelete('oven', 'tc');
    expect(granted(await repo.acquireFairLock('oven', 'te', 'e', 10_000, 5_000))).toBe(false);
    await ctx.advanceTime(1_100);
    expect(granted(await repo.acquireFairLock('oven', 'te', 'e', 10_000, 5_000))).toBe(true);
    expect(await eventually(() => messages.length > 0)).toBe(true);
    expect(messages).toEqual([`${repo.keyPrefix}oven`]);
    await unsubscribe();
  });

  it('fair lock: the line expires with its last waiter, leaving no key behind', async () => {
    const repo = ctx.repo();
    await repo.acquireFairLock('oven', 'ta', 'a', 10_000, 5_000);
    await repo.acquireFairLock('oven', 'tb', 'b', 10_000, 1_000);
    const unprefixed = await ctx.createSibling('');
    const { queue, timeouts } = queueLockKeysOf(`${ctx.prefix()}oven`);
    expect(await unprefixed.zcard(queue)).toBe(1);
    expect(await unprefixed.ttl(timeouts)).toBeLessThanOrEqual(1_000);
    await ctx.advanceTime(1_100);
    expect(await unprefixed.exists(queue)).toBe(false);
    expect(await unprefixed.exists(timeouts)).toBe(false);
  });

  it('read-write lock: readers share, a writer excludes them, fencing tokens increase', async () => {
    const repo = ctx.repo();
    const r1 = await repo.acquireReadLock('menu', 'r1', 10_000);
    const r2 = await repo.acquireReadLock('menu', 'r2', 10_000);
    expect(r1.acquired && r2.acquired).toBe(true);
    expect(r1.acquired && r2.acquired && r2.fencingToken > r1.fencingToken).toBe(true);
    const refused = await repo.acquireWriteLock('menu', 'w', 'writer', 10_000, 5_000);
    expect(refused.acquired).toBe(false);
    expect(refused.acquired === false && refused.retryAfter).toBeGreaterThan(9_000);
    // Writer preference: a writer in line turns new readers away.
    expect(await repo.acquireReadLock('menu', 'r3', 10_000)).toEqual({ acquired: false, retryAfter: -1 });
    expect(await repo.releaseReadLock('menu', 'r1')).toBe(true);
    expect(await repo.releaseReadLock('menu', 'r1')).toBe(false);
    expect(granted(await repo.acquireWriteLock('menu', 'w', 'writer', 10_000, 5_000))).toBe(false);
    expect(await repo.releaseReadLock('menu', 'r2')).toBe(true);
    const write = await repo.acquireWriteLock('menu', 'w', 'writer', 10_000, 5_000);
    expect(write.acquired && r2.acquired && write.fencingToken > r2.fencingToken).toBe(true);
    const blocked = await repo.acquireReadLock('menu', 'r3', 10_000);
    expect(blocked.acquired === false && blocked.retryAfter).toBeGreaterThan(9_000);
    expect(await repo.compareAndDelete('menu', 'w')).toBe(true);
    expect(granted(await repo.acquireReadLock('menu', 'r3', 10_000))).toBe(true);
  });

  it('read-write lock: a writer that gives up lets readers in again', async () => {
    const repo = ctx.repo();
    await repo.acquireReadLock('menu', 'r1', 10_000);
    await repo.acquireWriteLock('menu', 'w1', 'quitter', 10_000, 5_000);
    await repo.acquireWriteLock('menu', 'w2', 'sleeper', 10_000, 1_000);
    expect(granted(await repo.acquireReadLock('menu', 'r2', 10_000))).toBe(false);
    expect(await repo.leaveLockQueue('menu', 'quitter')).toBe(true);
    expect(granted(await repo.acquireReadLock('menu', 'r2', 10_000))).toBe(false);
    await ctx.advanceTime(1_100);
    expect(granted(await repo.acquireReadLock('menu', 'r2', 10_000))).toBe(true);
  });

  it('read-write lock: read leases are judged by the server clock and can be extended', async () => {
    const repo = ctx.repo();
    // Leases of a second: the checks made while they run hold on a loaded machine too.
    await repo.acquireReadLock('menu', 'r1', 1_000);
    await repo.acquireReadLock('menu', 'r2', 1_000);
    expect(await repo.extendReadLock('menu', 'r2', 10_000)).toBe(true);
    await ctx.advanceTime(1_100);
    expect(await repo.extendReadLock('menu', 'r1', 10_000)).toBe(false);
    expect(granted(await repo.acquireWriteLock('menu', 'w', 'writer', 10_000, 5_000))).toBe(false);
    expect(await repo.releaseReadLock('menu', 'r2')).toBe(true);
    expect(granted(await repo.acquireWriteLock('menu', 'w', 'writer', 10_000, 5_000))).toBe(true);
  });

  it('waitForReplicas counts the replicas that acknowledged the writes so far', async () => {
    const repo = ctx.repo();
    await repo.setIfAbsent('k', 't', 1_000);
    // 0 on a lone server (and the fake), 1 on a Cluster whose primaries have a replica each.
    const acknowledged = await repo.waitForReplicas('k', 1, 1_000);
    expect([0, 1]).toContain(acknowledged);
    // Nothing was written since: asking for none answers at once with the same count.
    expect(await repo.waitForReplicas('k', 0, 1_000)).toBe(acknowledged);
  });

  it('rejects bad arguments before sending anything', async () => {
    const repo = ctx.repo();
    await expect(repo.acquireFairLock('oven', '', 'a', 1_000, 1_000)).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(repo.acquireWriteLock('oven', 't', '', 1_000, 1_000)).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(repo.acquireReadLock('oven', 't', 0)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(repo.waitForReplicas('oven', -1, 10)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(repo.waitForReplicas('oven', 1, 0)).rejects.toBeInstanceOf(InvalidArgumentError);
  });
}

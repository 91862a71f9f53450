import { hashSlotOf, InvalidArgumentError, queueLockKeysOf, releaseChannelOf } from '@forno/core';
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
    const { queue, timeouts } = queueLockKeysOf(`${ctx.prefix()}oven`, ctx.prefix());
    expect(await unprefixed.zcard(queue)).toBe(1);
    expect(await unprefixed.ttl(timeouts)).toBeLessThanOrEqual(1_000);
    await ctx.advanceTime(1_100);
    expect(await unprefixed.exists(queue)).toBe(false);
    expect(await unprefixed.exists(timeouts)).toBe(false);
  });

  it('queued-lock keys (line, deadlines, readers, fencing) live under the keyPrefix, in the lock key’s slot', async () => {
    const repo = ctx.repo();
    await repo.acquireFairLock('order_lock:7', 'ta', 'a', 10_000, 5_000);
    await repo.acquireFairLock('order_lock:7', 'tb', 'b', 10_000, 5_000); // b waits in line
    await repo.acquireReadLock('menu:7', 'r1', 10_000);
    const fair = queueLockKeysOf(`${repo.keyPrefix}order_lock:7`, repo.keyPrefix);
    const readWrite = queueLockKeysOf(`${repo.keyPrefix}menu:7`, repo.keyPrefix);
    const written = [fair.lock, fair.queue, fair.timeouts, fair.fence, readWrite.readers, readWrite.fence];
    for (const key of written) {
      expect(key.startsWith(repo.keyPrefix)).toBe(true);
      // Seen through the repository, so `scan` and `deletePattern` of the prefix reach it.
      expect(await repo.exists(key.slice(repo.keyPrefix.length))).toBe(true);
    }
    for (const key of Object.values(fair)) expect(hashSlotOf(key)).toBe(hashSlotOf(fair.lock));
    for (const key of Object.values(readWrite)) expect(hashSlotOf(key)).toBe(hashSlotOf(readWrite.lock));
    const seen: string[] = [];
    for await (const key of repo.scan('*')) seen.push(key);
    expect(seen).toEqual(expect.arrayContaining(written.map((key) => key.slice(repo.keyPrefix.length))));
  });

  it('queued-lock releases go out on the key’s own channel (sharded on Cluster), waking no other key', async () => {
    const repo = ctx.repo();
    const oven = releaseChannelOf('oven', repo.keyPrefix);
    const menu = releaseChannelOf('menu', repo.keyPrefix);
    const heardOven: string[] = [];
    const heardMenu: string[] = [];
    const unsubscribeOven = await repo.subscribe(oven.channel, (m) => heardOven.push(m), {
      sharded: oven.sharded,
    });
    const unsubscribeMenu = await repo.subscribe(menu.channel, (m) => heardMenu.push(m), {
      sharded: menu.sharded,
    });
    const ovenNotice = { notify: oven.channel, sharded: oven.sharded };
    const menuNotice = { notify: menu.channel, sharded: menu.sharded };
    await repo.acquireFairLock('oven', 'ta', 'a', 10_000, 5_000);
    await repo.acquireFairLock('oven', 'tb', 'b', 10_000, 5_000);
    expect(await repo.leaveLockQueue('oven', 'b', ovenNotice)).toBe(true);
    expect(await repo.compareAndDelete('oven', 'ta', ovenNotice)).toBe(true);
    await repo.acquireReadLock('menu', 'r1', 10_000);
    expect(await repo.releaseReadLock('menu', 'r1', menuNotice)).toBe(true);
    expect(await eventually(() => heardOven.length === 2 && heardMenu.length === 1)).toBe(true);
    expect(heardOven).toEqual([`${repo.keyPrefix}oven`, `${repo.keyPrefix}oven`]);
    const { readers } = queueLockKeysOf(`${repo.keyPrefix}menu`, repo.keyPrefix);
    expect(heardMenu).toEqual([readers]);
    await unsubscribeOven();
    await unsubscribeMenu();
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
    // (A lone server waits out the whole timeout: keep it well below commandTimeout.)
    const acknowledged = await repo.waitForReplicas('k', 1, 200);
    expect([0, 1]).toContain(acknowledged);
    // Asking for none answers at once: the replicas that have acknowledged by now, never fewer.
    const now = await repo.waitForReplicas('k', 0, 1_000);
    expect(now).toBeGreaterThanOrEqual(acknowledged);
    expect(now).toBeLessThanOrEqual(1);
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

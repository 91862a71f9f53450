import {
  HANDOFF_TOKEN,
  InvalidArgumentError,
  releaseChannelOf,
  semaphoreReservationOf,
  WrongTypeError,
} from '@forno/core';
import { expect, it } from 'vitest';
import { type ContractContext, eventually } from './contract-context.js';
import {
  handoffNotice,
  listenToReleases,
  READ_MEMBERS,
  registeredWaiters,
  waitersOf,
} from './lock-primitives-contract.js';

/**
 * The counting-semaphore primitives (`acquireSemaphore` / `releaseSemaphore` / `extendSemaphore`)
 * that `DistributedSemaphore` is built on: part of the contract every backend runs, so the Lua
 * scripts, the fake and a third-party backend cannot drift apart.
 */
export function semaphorePrimitivesContract(ctx: ContractContext): void {
  it('grants up to limit holders, then refuses and says when the soonest lease ends', async () => {
    const repo = ctx.repo();
    expect(await repo.acquireSemaphore('ovens', 'a', 2, 10_000)).toEqual({ acquired: true, holders: 1 });
    expect(await repo.acquireSemaphore('ovens', 'b', 2, 20_000)).toEqual({ acquired: true, holders: 2 });
    const refused = await repo.acquireSemaphore('ovens', 'c', 2, 10_000);
    expect(refused.acquired).toBe(false);
    expect(refused.holders).toBe(2);
    expect(refused.acquired === false && refused.retryAfter).toBeGreaterThan(9_000);
    expect(refused.acquired === false && refused.retryAfter).toBeLessThanOrEqual(10_000);
    expect(await repo.zcard('ovens')).toBe(2);
    // The key lives exactly as long as its longest lease.
    expect(await repo.ttl('ovens')).toBeGreaterThan(19_000);
    expect(await repo.ttl('ovens')).toBeLessThanOrEqual(20_000);
  });

  it('renews a holder that acquires again instead of counting it twice', async () => {
    const repo = ctx.repo();
    await repo.acquireSemaphore('ovens', 'a', 1, 100);
    expect(await repo.acquireSemaphore('ovens', 'a', 1, 10_000)).toEqual({ acquired: true, holders: 1 });
    expect(await repo.ttl('ovens')).toBeGreaterThan(9_000);
  });

  it('judges leases by the server clock: ended leases free their slot and vanish', async () => {
    const repo = ctx.repo();
    // Leases of a second: the checks made while they run hold on a loaded machine too.
    await repo.acquireSemaphore('ovens', 'a', 1, 1_000);
    expect((await repo.acquireSemaphore('ovens', 'b', 1, 1_000)).acquired).toBe(false);
    await ctx.advanceTime(1_100);
    expect(await repo.exists('ovens')).toBe(false);
    expect(await repo.acquireSemaphore('ovens', 'b', 1, 10_000)).toEqual({ acquired: true, holders: 1 });
    expect(await repo.extendSemaphore('ovens', 'a', 10_000)).toBe(false);
    expect(await repo.releaseSemaphore('ovens', 'a')).toBe(false);
  });

  it('releases a live lease once, freeing its slot, and announces it with notify', async () => {
    const repo = ctx.repo();
    const messages: string[] = [];
    const unsubscribe = await repo.subscribe('released', (message) => messages.push(message));
    await repo.acquireSemaphore('ovens', 'a', 1, 10_000);
    expect(await repo.releaseSemaphore('ovens', 'b', { notify: 'released' })).toBe(false);
    expect(await repo.releaseSemaphore('ovens', 'a', { notify: 'released' })).toBe(true);
    expect(await repo.releaseSemaphore('ovens', 'a', { notify: 'released' })).toBe(false);
    expect(await repo.exists('ovens')).toBe(false);
    expect((await repo.acquireSemaphore('ovens', 'c', 1, 10_000)).acquired).toBe(true);
    for (let i = 0; i < 50 && messages.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(messages).toEqual([`${repo.keyPrefix}ovens`]);
    await unsubscribe();
  });

  it('a release heard by a waiter reserves the permit: fresh callers are refused, a claimer takes it', async () => {
    const repo = ctx.repo();
    const { channel, sharded } = releaseChannelOf('ovens', repo.keyPrefix);
    let heard = 0;
    const unsubscribe = await repo.subscribe(channel, () => heard++, { sharded });
    await repo.acquireSemaphore('ovens', 'a', 2, 10_000);
    await repo.acquireSemaphore('ovens', 'b', 2, 10_000);
    const notice = { notify: channel, sharded, handoff: 5_000 };
    expect(await repo.releaseSemaphore('ovens', 'a', notice)).toBe(true);
    // The reservation counts as a holder and ends first.
    const fresh = await repo.acquireSemaphore('ovens', 'fresh', 2, 10_000);
    expect(fresh).toMatchObject({ acquired: false, holders: 2 });
    expect(fresh.acquired === false && fresh.retryAfter).toBeLessThanOrEqual(5_000);
    expect(await repo.releaseSemaphore('ovens', 'a')).toBe(false); // no holder's token
    const claimed = await repo.acquireSemaphore('ovens', 'w1', 2, 10_000, { claimHandoff: true });
    expect(claimed).toEqual({ acquired: true, holders: 2 });
    // One reservation serves one claimer; with none left, a claim is an ordinary attempt.
    expect((await repo.acquireSemaphore('ovens', 'w2', 2, 10_000, { claimHandoff: true })).acquired).toBe(
      false,
    );
    for (let i = 0; i < 50 && heard === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(heard).toBe(1);
    // Nobody listens any more: a release frees the permit outright.
    await unsubscribe();
    expect(await repo.releaseSemaphore('ovens', 'w1', notice)).toBe(true);
    expect(await repo.zcard('ovens')).toBe(1);
    expect((await repo.acquireSemaphore('ovens', 'c', 2, 10_000)).acquired).toBe(true);
  });

  it('after a release the key lives as long as the longest remaining lease', async () => {
    const repo = ctx.repo();
    await repo.acquireSemaphore('ovens', 'long', 2, 20_000);
    await repo.acquireSemaphore('ovens', 'short', 2, 5_000);
    expect(await repo.releaseSemaphore('ovens', 'long')).toBe(true);
    expect(await repo.ttl('ovens')).toBeGreaterThan(0);
    expect(await repo.ttl('ovens')).toBeLessThanOrEqual(5_000);
  });

  it('a reader’s release reserves nothing: readers hand no permit over', async () => {
    const repo = ctx.repo();
    const { channel, sharded } = releaseChannelOf('menu', repo.keyPrefix);
    const unsubscribe = await repo.subscribe(channel, () => {}, { sharded });
    const read = await repo.acquireReadLock('menu', 'r1', 10_000);
    expect(read.acquired).toBe(true);
    expect(await repo.releaseReadLock('menu', 'r1', { notify: channel, sharded, handoff: 5_000 })).toBe(true);
    expect((await repo.acquireWriteLock('menu', 'w1', 'w1', 10_000, 10_000)).acquired).toBe(true);
    await unsubscribe();
  });

  it('extends only a live lease of the token, and keeps the key alive for it', async () => {
    const repo = ctx.repo();
    await repo.acquireSemaphore('ovens', 'a', 2, 1_000);
    expect(await repo.extendSemaphore('ovens', 'other', 10_000)).toBe(false);
    expect(await repo.extendSemaphore('ovens', 'a', 10_000)).toBe(true);
    await ctx.advanceTime(1_100);
    expect(await repo.zcard('ovens')).toBe(1);
    expect(await repo.ttl('ovens')).toBeGreaterThan(8_000);
    expect(await repo.extendSemaphore('missing', 'a', 10_000)).toBe(false);
  });

  it('rejects bad arguments before sending, and other types with WrongTypeError', async () => {
    const repo = ctx.repo();
    await expect(repo.acquireSemaphore('ovens', 'a', 0, 1_000)).rejects.toThrow(InvalidArgumentError);
    await expect(repo.acquireSemaphore('ovens', 'a', 1.5, 1_000)).rejects.toThrow(InvalidArgumentError);
    await expect(repo.acquireSemaphore('ovens', '', 1, 1_000)).rejects.toThrow(InvalidArgumentError);
    await expect(repo.acquireSemaphore('ovens', 'a', 1, 0)).rejects.toThrow(InvalidArgumentError);
    await expect(repo.extendSemaphore('ovens', 'a', -1)).rejects.toThrow(InvalidArgumentError);
    await expect(repo.releaseSemaphore('', 'a')).rejects.toThrow(InvalidArgumentError);
    await repo.set('plain', 'value');
    await expect(repo.acquireSemaphore('plain', 'a', 1, 1_000)).rejects.toSatisfy((e) =>
      WrongTypeError.is(e),
    );
  });
}

/**
 * Registered semaphore waiters (`AcquireSemaphoreOptions.waiter`): a release wakes the oldest one
 * alone and reserves the permit for it, as a lock's release does (see `lockWaitersContract`).
 */
export function semaphoreWaitersContract(ctx: ContractContext): void {
  it('a refused waiting attempt registers its waiter once, oldest first; a grant takes it out', async () => {
    const repo = ctx.repo();
    expect((await repo.acquireSemaphore('ovens', 'holder', 1, 10_000)).acquired).toBe(true);
    expect((await repo.acquireSemaphore('ovens', 't1', 1, 10_000, { waiter: 'zed' })).acquired).toBe(false);
    await ctx.advanceTime(5);
    expect((await repo.acquireSemaphore('ovens', 't2', 1, 10_000, { waiter: 'amy' })).acquired).toBe(false);
    await ctx.advanceTime(5);
    // Refused again: keeps its place. Without a waiter id nothing is registered.
    const again = await repo.acquireSemaphore('ovens', 't3', 1, 10_000, {
      waiter: 'zed',
      claimHandoff: true,
    });
    expect(again.acquired).toBe(false);
    expect((await repo.acquireSemaphore('ovens', 't4', 1, 10_000)).acquired).toBe(false);
    expect(await registeredWaiters(repo, 'ovens')).toEqual(['zed', 'amy']);
    const ttl = await repo.ttl(waitersOf(repo, 'ovens'));
    expect(ttl).toBeGreaterThan(15_000); // twice the lease asked for
    expect(ttl).toBeLessThanOrEqual(20_000);
    expect(await repo.releaseSemaphore('ovens', 'holder')).toBe(true);
    expect((await repo.acquireSemaphore('ovens', 't5', 1, 10_000, { waiter: 'zed' })).acquired).toBe(true);
    expect(await registeredWaiters(repo, 'ovens')).toEqual(['amy']);
    expect(await repo.releaseSemaphore('ovens', 't5')).toBe(true);
    expect((await repo.acquireSemaphore('ovens', 't6', 1, 10_000, { waiter: 'amy' })).acquired).toBe(true);
    // The last one out leaves no key behind.
    expect(await repo.exists(waitersOf(repo, 'ovens'))).toBe(false);
  });

  it('a release tells the oldest registered waiter alone and reserves the permit for it', async () => {
    const repo = ctx.repo();
    const { heard, stop } = await listenToReleases(repo, 'ovens', ['amy', 'bob']);
    await repo.acquireSemaphore('ovens', 'a', 2, 10_000);
    await repo.acquireSemaphore('ovens', 'b', 2, 10_000);
    await repo.acquireSemaphore('ovens', 't1', 2, 10_000, { waiter: 'amy' });
    await ctx.advanceTime(5);
    await repo.acquireSemaphore('ovens', 't2', 2, 10_000, { waiter: 'bob' });
    expect(await repo.releaseSemaphore('ovens', 'a', handoffNotice(repo, 'ovens', 5_000))).toBe(true);
    expect(await eventually(() => heard.amy!.length > 0)).toBe(true);
    expect(await repo.runScript(READ_MEMBERS, { key: 'ovens' })).toEqual([
      semaphoreReservationOf('amy'),
      'b',
    ]);
    expect(await registeredWaiters(repo, 'ovens')).toEqual(['bob']);
    // Nobody else may take it: not a fresh caller, not a claimer for every waiter, not bob.
    const fresh = await repo.acquireSemaphore('ovens', 'fresh', 2, 10_000);
    expect(fresh.acquired === false && fresh.retryAfter).toBeLessThanOrEqual(5_000);
    expect((await repo.acquireSemaphore('ovens', 'x', 2, 10_000, { claimHandoff: true })).acquired).toBe(
      false,
    );
    const bob = await repo.acquireSemaphore('ovens', 'x', 2, 10_000, { claimHandoff: true, waiter: 'bob' });
    expect(bob.acquired).toBe(false);
    // Without claimHandoff, amy is refused too (a fresh attempt may not take a reservation).
    expect((await repo.acquireSemaphore('ovens', 'x', 2, 10_000, { waiter: 'amy' })).acquired).toBe(false);
    const amy = await repo.acquireSemaphore('ovens', 'a1', 2, 10_000, { claimHandoff: true, waiter: 'amy' });
    expect(amy).toEqual({ acquired: true, holders: 2 });
    expect(await repo.runScript(READ_MEMBERS, { key: 'ovens' })).toEqual(['b', 'a1']);
    expect(await registeredWaiters(repo, 'ovens')).toEqual(['bob']);
    // Give the bus time to deliver anything else: only amy's channel carried this release.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(heard).toEqual({ key: [], amy: [`${repo.keyPrefix}ovens`], bob: [] });
    await stop();
  });

  it('a waiter claims its own reservation first, else one for every waiter, never another’s', async () => {
    const repo = ctx.repo();
    const { heard, stop } = await listenToReleases(repo, 'ovens', ['amy']);
    await repo.acquireSemaphore('ovens', 'a', 3, 10_000);
    await repo.acquireSemaphore('ovens', 'b', 3, 10_000);
    await repo.acquireSemaphore('ovens', 'c', 3, 10_000);
    // Nobody registered (a dead one is skipped): the key's channel is told, the permit is everyone's.
    await repo.acquireSemaphore('ovens', 't0', 3, 10_000, { waiter: 'gone' });
    expect(await repo.releaseSemaphore('ovens', 'a', handoffNotice(repo, 'ovens', 5_000))).toBe(true);
    expect(await repo.exists(waitersOf(repo, 'ovens'))).toBe(false);
    await ctx.advanceTime(5);
    // Then amy registers, and the next release is hers alone (it ends after the first one).
    await repo.acquireSemaphore('ovens', 't1', 3, 10_000, { waiter: 'amy' });
    expect(await repo.releaseSemaphore('ovens', 'b', handoffNotice(repo, 'ovens', 5_000))).toBe(true);
    expect(await eventually(() => heard.key!.length > 0 && heard.amy!.length > 0)).toBe(true);
    const everyone = `${HANDOFF_TOKEN}:a`;
    expect(await repo.runScript(READ_MEMBERS, { key: 'ovens' })).toEqual([
      everyone,
      semaphoreReservationOf('amy'),
      'c',
    ]);
    // bob may take the waiters' one (it ends first) but not amy's; amy takes hers, not theirs.
    const amy = await repo.acquireSemaphore('ovens', 'a1', 3, 10_000, { claimHandoff: true, waiter: 'amy' });
    expect(amy.acquired).toBe(true);
    expect(await repo.runScript(READ_MEMBERS, { key: 'ovens' })).toEqual([everyone, 'c', 'a1']);
    await repo.releaseSemaphore('ovens', 'a1'); // no notice: freed outright
    await repo.acquireSemaphore('ovens', 'a2', 3, 10_000); // fresh: takes the free permit
    const bob = await repo.acquireSemaphore('ovens', 'b1', 3, 10_000, { claimHandoff: true, waiter: 'bob' });
    expect(bob.acquired).toBe(true);
    expect(await repo.runScript(READ_MEMBERS, { key: 'ovens' })).toEqual(['c', 'a2', 'b1']);
    await stop();
  });

  it('a release without a handoff (a reader’s) leaves the registered waiters alone', async () => {
    const repo = ctx.repo();
    const { heard, stop } = await listenToReleases(repo, 'ovens', ['amy']);
    await repo.acquireSemaphore('ovens', 'holder', 1, 10_000);
    await repo.acquireSemaphore('ovens', 't1', 1, 10_000, { waiter: 'amy' });
    const { notify, sharded } = handoffNotice(repo, 'ovens', 0);
    expect(await repo.releaseSemaphore('ovens', 'holder', { notify, sharded })).toBe(true);
    expect(await eventually(() => heard.key!.length > 0)).toBe(true);
    expect(await repo.exists('ovens')).toBe(false);
    expect(await registeredWaiters(repo, 'ovens')).toEqual(['amy']);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(heard).toEqual({ key: [`${repo.keyPrefix}ovens`], amy: [] });
    await stop();
  });
}

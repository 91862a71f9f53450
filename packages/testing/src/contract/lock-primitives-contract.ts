import { fenceKeyOf, type LeaseGrant, releaseChannelOf } from '@forno/core';
import { expect, it } from 'vitest';
import { type ContractContext, eventually } from './contract-context.js';

/** The atomic lock primitives and pub/sub. */
export function lockPrimitivesContract(ctx: ContractContext): void {
  it('setIfAbsent grants once; a second caller learns the remaining ttl', async () => {
    const repo = ctx.repo();
    expect(await repo.setIfAbsent('order_lock:1', 'token-a', '30s')).toEqual({
      acquired: true,
      fencingToken: null,
    });
    const denied = await repo.setIfAbsent('order_lock:1', 'token-b', '30s');
    expect(denied.acquired).toBe(false);
    expect(denied.acquired === false && denied.remainingTtl).toBeGreaterThan(29_000);
    expect(await repo.exists('order_lock:1')).toBe(true);
    expect(await repo.ttl('order_lock:1')).toBeGreaterThan(29_000);
  });

  it('fencing tokens increase with every grant, across releases and expiry', async () => {
    const repo = ctx.repo();
    // Leases of a second: the checks made while they run hold on a loaded machine too.
    const tokens = [await fencingTokenOf(repo.setIfAbsent('lock', 't1', 1_000, { fencing: true }))];
    expect((await repo.setIfAbsent('lock', 't2', 1_000, { fencing: true })).acquired).toBe(false);
    expect(await repo.compareAndDelete('lock', 't1')).toBe(true);
    tokens.push(await fencingTokenOf(repo.setIfAbsent('lock', 't3', 1_000, { fencing: true })));
    await ctx.advanceTime(1_100);
    expect(await repo.exists('lock')).toBe(false);
    tokens.push(await fencingTokenOf(repo.setIfAbsent('lock', 't4', 1_000, { fencing: true })));
    // The fencing key is lost (evicted, or a restart without persistence): tokens still increase.
    const unprefixed = await ctx.createSibling('');
    expect(await unprefixed.delete(fenceKeyOf(`${repo.keyPrefix}lock`, repo.keyPrefix))).toBe(1);
    expect(await repo.compareAndDelete('lock', 't4')).toBe(true);
    await ctx.advanceTime(1);
    tokens.push(await fencingTokenOf(repo.setIfAbsent('lock', 't5', 150, { fencing: true })));
    for (let i = 1; i < tokens.length; i++) expect(tokens[i]!).toBeGreaterThan(tokens[i - 1]!);
    expect(tokens.every((token) => Number.isSafeInteger(token) && token > 0)).toBe(true);
    expect(
      await fencingTokenOf(repo.setIfAbsent('{tagged}lock', 't', 150, { fencing: true })),
    ).toBeGreaterThan(0);
  });

  it('the fencing key lives as long as the lease, so fencing keys never accumulate', async () => {
    const repo = ctx.repo();
    await fencingTokenOf(repo.setIfAbsent('lock', 't1', 10_000, { fencing: true }));
    const unprefixed = await ctx.createSibling('');
    const ttl = await unprefixed.ttl(fenceKeyOf(`${repo.keyPrefix}lock`, repo.keyPrefix));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(10_000);
  });

  it('the fencing key lives under the keyPrefix, in the lock key’s hash slot', async () => {
    const repo = ctx.repo();
    await fencingTokenOf(repo.setIfAbsent('order_lock:7', 't1', 10_000, { fencing: true }));
    const fenceKey = fenceKeyOf(`${repo.keyPrefix}order_lock:7`, repo.keyPrefix);
    expect(fenceKey.startsWith(repo.keyPrefix)).toBe(true);
    // Seen through the repository, so `scan` and `deletePattern` of the prefix reach it.
    expect(await repo.exists(fenceKey.slice(repo.keyPrefix.length))).toBe(true);
  });

  it('a release heard by a waiter is handed off: fresh callers are refused, a claiming waiter gets the next token', async () => {
    const repo = ctx.repo();
    const { channel, sharded } = releaseChannelOf('handoff', repo.keyPrefix);
    const heard: string[] = [];
    const unsubscribe = await repo.subscribe(channel, (message) => heard.push(message), { sharded });
    const first = await fencingTokenOf(repo.setIfAbsent('handoff', 'h1', 10_000, { fencing: true }));
    const notice = { notify: channel, sharded, handoff: 5_000 };
    expect(await repo.compareAndDelete('handoff', 'h1', notice)).toBe(true);
    expect(await eventually(() => heard.length > 0)).toBe(true);
    expect(heard).toEqual([`${repo.keyPrefix}handoff`]);
    expect(await repo.exists('handoff')).toBe(true); // reserved, not deleted
    const fresh = await repo.setIfAbsent('handoff', 'fresh', 10_000, { fencing: true });
    expect(fresh.acquired).toBe(false);
    expect(fresh.acquired === false && fresh.remainingTtl).toBeLessThanOrEqual(5_000);
    // Nobody but a claimer takes it, and the reservation is no holder's token.
    expect(await repo.compareAndDelete('handoff', 'h1')).toBe(false);
    const claimed = await repo.setIfAbsent('handoff', 'w1', 10_000, { fencing: true, claimHandoff: true });
    expect(await fencingTokenOf(Promise.resolve(claimed))).toBeGreaterThan(first);
    expect(await repo.compareAndDelete('handoff', 'w1')).toBe(true);
    // Nobody listens any more: a release deletes the key.
    await unsubscribe();
    await repo.setIfAbsent('handoff', 'h2', 10_000);
    expect(await repo.compareAndDelete('handoff', 'h2', notice)).toBe(true);
    expect(await repo.exists('handoff')).toBe(false);
    // A claim on a free key is an ordinary grant; one on a held key is refused.
    expect((await repo.setIfAbsent('handoff', 'h3', 10_000, { claimHandoff: true })).acquired).toBe(true);
    expect((await repo.setIfAbsent('handoff', 'h4', 10_000, { claimHandoff: true })).acquired).toBe(false);
  });

  it('compareAndDelete deletes only for the holder token', async () => {
    const repo = ctx.repo();
    await repo.setIfAbsent('lock', 'mine', '10s');
    expect(await repo.compareAndDelete('lock', 'theirs')).toBe(false);
    expect(await repo.exists('lock')).toBe(true);
    expect(await repo.compareAndDelete('lock', 'mine')).toBe(true);
    expect(await repo.exists('lock')).toBe(false);
    expect(await repo.compareAndDelete('lock', 'mine')).toBe(false);
  });

  it('compareAndExpire extends only for the holder token', async () => {
    const repo = ctx.repo();
    await repo.setIfAbsent('lock', 'mine', 1_000);
    expect(await repo.compareAndExpire('lock', 'theirs', '1h')).toBe(false);
    expect(await repo.ttl('lock')).toBeLessThanOrEqual(1_000);
    expect(await repo.compareAndExpire('lock', 'mine', '1h')).toBe(true);
    expect(await repo.ttl('lock')).toBeGreaterThan(3_000_000);
    await ctx.advanceTime(1_100);
    expect(await repo.exists('lock')).toBe(true);
    expect(await repo.compareAndExpire('missing', 'mine', '1h')).toBe(false);
  });

  it('compareAndDelete with notify publishes the released key to subscribers', async () => {
    const repo = ctx.repo();
    const messages: string[] = [];
    const unsubscribe = await repo.subscribe('lock-released', (message) => messages.push(message));
    await repo.setIfAbsent('lock', 'mine', '10s');
    expect(await repo.compareAndDelete('lock', 'theirs', { notify: 'lock-released' })).toBe(false);
    expect(await repo.compareAndDelete('lock', 'mine', { notify: 'lock-released' })).toBe(true);
    expect(await eventually(() => messages.length > 0)).toBe(true);
    expect(messages).toEqual([`${repo.keyPrefix}lock`]);
    await unsubscribe();
  });

  it('publish reaches subscribers until they unsubscribe', async () => {
    const repo = ctx.repo();
    const received: string[] = [];
    // Another channel: on Cluster a message travels between nodes on the bus after PUBLISH returns,
    // so one sent to 'news' just before subscribing could still reach the new subscriber.
    expect(await repo.publish('quiet', 'nobody listens')).toBe(0);
    const unsubscribe = await repo.subscribe('news', (message) => received.push(message));
    // The count is what the receiving server reports: on Cluster, only its own subscribers (0 when
    // the message lands on another node); elsewhere exactly this one subscription.
    const count = await repo.publish('news', 'pizza ready');
    if (ctx.publishCountsNodeLocal) expect([0, 1]).toContain(count);
    else expect(count).toBe(1);
    expect(await eventually(() => received.length === 1)).toBe(true);
    expect(received).toEqual(['pizza ready']);
    await unsubscribe();
    expect(await repo.publish('news', 'after')).toBe(0);
  });
}

/** The fencing token of a grant that must have been given. */
async function fencingTokenOf(grant: Promise<LeaseGrant>): Promise<number> {
  const granted = await grant;
  if (!granted.acquired || granted.fencingToken === null) throw new Error('expected a fenced grant');
  return granted.fencingToken;
}

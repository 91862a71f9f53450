import {
  defineScript,
  fenceKeyOf,
  HANDOFF_TOKEN,
  type LeaseGrant,
  releaseChannelOf,
  type Unsubscribe,
  waiterChannelOf,
  waitersKeyOf,
} from '@forno/core';
import { expect, it } from 'vitest';
import { type ContractContext, type ContractRepository, eventually } from './contract-context.js';

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

  it('sharded subscriptions of one slot can all end at once, and the slot be subscribed again', async () => {
    const repo = ctx.repo();
    const heard: string[] = [];
    const channels = ['{oven}:a', '{oven}:b', '{oven}:c', '{oven}:d'];
    const stops = await Promise.all(
      channels.map((channel) =>
        repo.subscribe(channel, (message) => heard.push(`${channel} ${message}`), { sharded: true }),
      ),
    );
    // As the waiters of a lock leave together (on Cluster, every channel here is on one shard).
    await Promise.all(stops.map((stop) => stop()));
    const again = await repo.subscribe('{oven}:a', (message) => heard.push(`again ${message}`), {
      sharded: true,
    });
    await repo.setIfAbsent('{oven}:lock', 'mine', '10s');
    const notice = { notify: '{oven}:a', sharded: true };
    expect(await repo.compareAndDelete('{oven}:lock', 'mine', notice)).toBe(true);
    expect(await eventually(() => heard.length > 0)).toBe(true);
    expect(heard).toEqual([`again ${repo.keyPrefix}{oven}:lock`]);
    await again();
  });
}

/** The members of a sorted set in score order, as stored (no serializer), read through a script. */
export const READ_MEMBERS = defineScript({
  name: 'readMembers',
  keys: ['key'],
  source: "return redis.call('ZRANGE', KEYS[1], 0, -1)",
  readOnly: true,
});

/** A string key's value as stored (no serializer), read through a script. */
const READ_TEXT = defineScript({
  name: 'readText',
  keys: ['key'],
  source: "return redis.call('GET', KEYS[1])",
  readOnly: true,
});

/** The waiters set of the lock or semaphore `key` (relative to the repository's prefix). */
export function waitersOf(repo: ContractRepository, key: string): string {
  return waitersKeyOf(repo.keyPrefix + key, repo.keyPrefix).slice(repo.keyPrefix.length);
}

/** The registered waiters of the lock or semaphore `key`, oldest first. */
export async function registeredWaiters(repo: ContractRepository, key: string): Promise<unknown> {
  return repo.runScript(READ_MEMBERS, { key: waitersOf(repo, key) });
}

/**
 * Listens on the release channel of `key` and on the own channels of `waiters`: the messages each
 * got, by channel name (`'key'` for the key's channel, else the waiter id).
 */
export async function listenToReleases(
  repo: ContractRepository,
  key: string,
  waiters: readonly string[],
): Promise<{ heard: Record<string, string[]>; stop: () => Promise<void> }> {
  const { channel, sharded } = releaseChannelOf(key, repo.keyPrefix);
  const heard: Record<string, string[]> = { key: [] };
  const stops: Unsubscribe[] = [
    await repo.subscribe(channel, (message) => heard.key!.push(message), { sharded }),
  ];
  for (const waiter of waiters) {
    heard[waiter] = [];
    const own = waiterChannelOf(channel, waiter);
    stops.push(await repo.subscribe(own, (message) => heard[waiter]!.push(message), { sharded }));
  }
  const stop = async () => {
    await Promise.all(stops.map((unsubscribe) => unsubscribe()));
  };
  return { heard, stop };
}

/** The release notice a lock or semaphore sends for `key`, with a handoff of `handoff` ms. */
export function handoffNotice(repo: ContractRepository, key: string, handoff: number) {
  const { channel, sharded } = releaseChannelOf(key, repo.keyPrefix);
  return { notify: channel, sharded, handoff };
}

/** Registered waiters (`SetIfAbsentOptions.waiter`): a release wakes the oldest one alone. */
export function lockWaitersContract(ctx: ContractContext): void {
  it('a refused waiting attempt registers its waiter once, oldest first; a grant takes it out', async () => {
    const repo = ctx.repo();
    expect((await repo.setIfAbsent('oven', 'holder', 10_000)).acquired).toBe(true);
    expect((await repo.setIfAbsent('oven', 't1', 10_000, { waiter: 'zed' })).acquired).toBe(false);
    await ctx.advanceTime(5);
    const fenced = await repo.setIfAbsent('oven', 't2', 10_000, { waiter: 'amy', fencing: true });
    expect(fenced.acquired).toBe(false);
    await ctx.advanceTime(5);
    // Refused again: keeps its place. Without a waiter id nothing is registered.
    expect(
      (await repo.setIfAbsent('oven', 't3', 10_000, { waiter: 'zed', claimHandoff: true })).acquired,
    ).toBe(false);
    expect((await repo.setIfAbsent('oven', 't4', 10_000)).acquired).toBe(false);
    expect(await registeredWaiters(repo, 'oven')).toEqual(['zed', 'amy']);
    // The set lives under the prefix, in the lock's slot.
    expect(await repo.exists(waitersOf(repo, 'oven'))).toBe(true);
    expect(await repo.compareAndDelete('oven', 'holder')).toBe(true);
    const granted = await repo.setIfAbsent('oven', 't5', 10_000, { waiter: 'zed', fencing: true });
    expect(granted.acquired).toBe(true);
    expect(await registeredWaiters(repo, 'oven')).toEqual(['amy']);
    expect(await repo.compareAndDelete('oven', 't5')).toBe(true);
    expect((await repo.setIfAbsent('oven', 't6', 10_000, { waiter: 'amy' })).acquired).toBe(true);
    // The last one out leaves no key behind.
    expect(await repo.exists(waitersOf(repo, 'oven'))).toBe(false);
  });

  it('the waiters set expires a while after the last refusal', async () => {
    const repo = ctx.repo();
    await repo.setIfAbsent('oven', 'holder', 10_000);
    await repo.setIfAbsent('oven', 't1', 10_000, { waiter: 'amy' });
    const ttl = await repo.ttl(waitersOf(repo, 'oven'));
    expect(ttl).toBeGreaterThan(15_000); // twice the lease asked for
    expect(ttl).toBeLessThanOrEqual(20_000);
    await repo.setIfAbsent('short', 'holder', 1_000);
    await repo.setIfAbsent('short', 't2', 100, { waiter: 'amy' });
    const shortTtl = await repo.ttl(waitersOf(repo, 'short'));
    expect(shortTtl).toBeGreaterThan(4_000); // at least WAITERS_MIN_TTL_MS
    expect(shortTtl).toBeLessThanOrEqual(5_000);
    // A grant does not extend it: only refusals keep a waiters set alive.
    await repo.compareAndDelete('oven', 'holder');
    await repo.setIfAbsent('oven', 't3', 60_000, { waiter: 'bob' });
    expect(await repo.ttl(waitersOf(repo, 'oven'))).toBeLessThanOrEqual(20_000);
  });

  it('a release tells the oldest registered waiter alone, on its own channel, and reserves the key for it', async () => {
    const repo = ctx.repo();
    const { heard, stop } = await listenToReleases(repo, 'oven', ['amy', 'bob']);
    const first = await repo.setIfAbsent('oven', 'holder', 10_000, { fencing: true });
    await repo.setIfAbsent('oven', 't1', 10_000, { waiter: 'amy' });
    await ctx.advanceTime(5);
    await repo.setIfAbsent('oven', 't2', 10_000, { waiter: 'bob' });
    expect(await repo.compareAndDelete('oven', 'holder', handoffNotice(repo, 'oven', 5_000))).toBe(true);
    expect(await eventually(() => heard.amy!.length > 0)).toBe(true);
    expect(await repo.runScript(READ_TEXT, { key: 'oven' })).toBe(`${HANDOFF_TOKEN}:amy`);
    expect(await registeredWaiters(repo, 'oven')).toEqual(['bob']);
    // Nobody else may claim it: not a fresh caller, not a claimer for the waiters, not bob.
    const fresh = await repo.setIfAbsent('oven', 'fresh', 10_000);
    expect(fresh.acquired === false && fresh.remainingTtl).toBeLessThanOrEqual(5_000);
    expect((await repo.setIfAbsent('oven', 'x', 10_000, { claimHandoff: true })).acquired).toBe(false);
    const bob = await repo.setIfAbsent('oven', 'x', 10_000, { claimHandoff: true, waiter: 'bob' });
    expect(bob.acquired === false && bob.remainingTtl).toBeLessThanOrEqual(5_000);
    // Without claimHandoff, amy is refused too (a fresh attempt may not take a reservation).
    expect((await repo.setIfAbsent('oven', 'x', 10_000, { waiter: 'amy' })).acquired).toBe(false);
    const amy = await repo.setIfAbsent('oven', 'a1', 10_000, {
      claimHandoff: true,
      waiter: 'amy',
      fencing: true,
    });
    expect(await fencingTokenOf(Promise.resolve(amy))).toBeGreaterThan(
      await fencingTokenOf(Promise.resolve(first)),
    );
    expect(await registeredWaiters(repo, 'oven')).toEqual(['bob']);
    // Give the bus time to deliver anything else: only amy's channel carried this release.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(heard).toEqual({ key: [], amy: [`${repo.keyPrefix}oven`], bob: [] });
    await stop();
  });

  it('a release skips registered waiters nobody listens for, and falls back to the key’s channel', async () => {
    const repo = ctx.repo();
    const { heard, stop } = await listenToReleases(repo, 'oven', ['bob']);
    await repo.setIfAbsent('oven', 'holder', 10_000);
    await repo.setIfAbsent('oven', 't1', 10_000, { waiter: 'gone' }); // registered, then died
    await ctx.advanceTime(5);
    await repo.setIfAbsent('oven', 't2', 10_000, { waiter: 'bob' });
    expect(await repo.compareAndDelete('oven', 'holder', handoffNotice(repo, 'oven', 5_000))).toBe(true);
    expect(await eventually(() => heard.bob!.length > 0)).toBe(true);
    expect(await repo.runScript(READ_TEXT, { key: 'oven' })).toBe(`${HANDOFF_TOKEN}:bob`);
    expect(await repo.exists(waitersOf(repo, 'oven'))).toBe(false);
    expect(
      (await repo.setIfAbsent('oven', 'b1', 10_000, { claimHandoff: true, waiter: 'bob' })).acquired,
    ).toBe(true);
    // Only dead waiters are registered: the release is announced on the key's channel, as before.
    await repo.setIfAbsent('oven', 't3', 10_000, { waiter: 'gone' });
    expect(await repo.compareAndDelete('oven', 'b1', handoffNotice(repo, 'oven', 5_000))).toBe(true);
    expect(await eventually(() => heard.key!.length > 0)).toBe(true);
    expect(await repo.runScript(READ_TEXT, { key: 'oven' })).toBe(HANDOFF_TOKEN);
    expect(await repo.exists(waitersOf(repo, 'oven'))).toBe(false);
    // The waiters' reservation is anyone's who claims, registered or not.
    expect(
      (await repo.setIfAbsent('oven', 'c1', 10_000, { claimHandoff: true, waiter: 'cat' })).acquired,
    ).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(heard).toEqual({ key: [`${repo.keyPrefix}oven`], bob: [`${repo.keyPrefix}oven`] });
    await stop();
  });

  it('a release without a handoff, or without waiters, announces on the key’s channel as before', async () => {
    const repo = ctx.repo();
    const { heard, stop } = await listenToReleases(repo, 'oven', ['amy']);
    await repo.setIfAbsent('oven', 'holder', 10_000);
    await repo.setIfAbsent('oven', 't1', 10_000, { waiter: 'amy' });
    const { notify, sharded } = handoffNotice(repo, 'oven', 0);
    // No handoff (the queued locks' releases): the registered waiters are left alone.
    expect(await repo.compareAndDelete('oven', 'holder', { notify, sharded })).toBe(true);
    expect(await eventually(() => heard.key!.length > 0)).toBe(true);
    expect(await repo.exists('oven')).toBe(false);
    expect(await registeredWaiters(repo, 'oven')).toEqual(['amy']);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(heard).toEqual({ key: [`${repo.keyPrefix}oven`], amy: [] });
    await stop();
  });
}

/** The fencing token of a grant that must have been given. */
async function fencingTokenOf(grant: Promise<LeaseGrant>): Promise<number> {
  const granted = await grant;
  if (!granted.acquired || granted.fencingToken === null) throw new Error('expected a fenced grant');
  return granted.fencingToken;
}

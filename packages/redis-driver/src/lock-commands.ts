import type { LeaseGrant } from '@forno/core';
import { type RawLockCommands, type ReleaseNotice, releaseScriptInput } from '@forno/core/backend';
import type { RedisClient } from './create-client.js';
import type { DriverContext } from './driver-context.js';

/** The arguments (ARGV) of both acquisition scripts. */
type SetIfAbsentArgs = [token: string, px: number, claim: string, waiter: string];

/** The keys and arguments of both release scripts (a lock's and a semaphore's). */
type ReleaseArgs = [
  key: string,
  waitersKey: string,
  token: string,
  channel: string,
  sharded: string,
  handoffMs: number,
];

/** The commands ioredis defines from `LOCK_SCRIPTS` of `@forno/core/backend`. */
interface ScriptCommands {
  fornoSetIfAbsent(key: string, waitersKey: string, ...args: SetIfAbsentArgs): Promise<[number, number]>;
  fornoSetIfAbsentFenced(
    key: string,
    fenceKey: string,
    waitersKey: string,
    ...args: SetIfAbsentArgs
  ): Promise<[number, number]>;
  fornoCompareAndDelete(...args: ReleaseArgs): Promise<number>;
  fornoCompareAndExpire(key: string, token: string, px: number): Promise<number>;
  fornoAcquireSemaphore(
    key: string,
    waitersKey: string,
    token: string,
    limit: number,
    px: number,
    claim: string,
    waiter: string,
  ): Promise<[number, number, number]>;
  fornoReleaseSemaphore(...args: ReleaseArgs): Promise<number>;
  fornoExtendSemaphore(key: string, token: string, px: number): Promise<number>;
}

const scripts = (client: RedisClient) => client as unknown as ScriptCommands;

/**
 * The lock primitives as Lua scripts (one round trip, atomic on the server) and pub/sub. The
 * fencing counter shares the lock key's hash slot, so the fenced script also runs on Cluster.
 * Acquisition and extension are sent once, release is retried: the command table says which.
 */
export function lockCommands(ctx: DriverContext): RawLockCommands {
  const { runner } = ctx;
  const releaseArgs = (key: string, token: string, notice: ReleaseNotice | undefined): ReleaseArgs => {
    const { keys, args } = releaseScriptInput(key, token, notice, ctx.cluster);
    return [...keys, ...args];
  };
  return {
    async setIfAbsent(key, token, px, fenceKey, claimHandoff, waiter): Promise<LeaseGrant> {
      const args: SetIfAbsentArgs = [token, px, claimHandoff ? '1' : '', waiter?.id ?? ''];
      const waitersKey = waiter?.waitersKey ?? key;
      const [granted, value] = await runner.send('setIfAbsent', (c) =>
        fenceKey === undefined
          ? scripts(c).fornoSetIfAbsent(key, waitersKey, ...args)
          : scripts(c).fornoSetIfAbsentFenced(key, fenceKey, waitersKey, ...args),
      );
      if (granted === 1) return { acquired: true, fencingToken: fenceKey === undefined ? null : value };
      return { acquired: false, remainingTtl: value };
    },

    compareAndDelete: (key, token, notice) =>
      runner
        .send('compareAndDelete', (c) => scripts(c).fornoCompareAndDelete(...releaseArgs(key, token, notice)))
        .then((n) => n === 1),

    compareAndExpire: (key, token, px) =>
      runner
        .send('compareAndExpire', (c) => scripts(c).fornoCompareAndExpire(key, token, px))
        .then((n) => n === 1),

    async acquireSemaphore(key, token, limit, px, claimHandoff, waiter) {
      const claim = claimHandoff ? '1' : '';
      const waitersKey = waiter?.waitersKey ?? key;
      const waiterId = waiter?.id ?? '';
      const [granted, holders, retryAfter] = await runner.send('acquireSemaphore', (c) =>
        scripts(c).fornoAcquireSemaphore(key, waitersKey, token, limit, px, claim, waiterId),
      );
      return granted === 1 ? { acquired: true, holders } : { acquired: false, holders, retryAfter };
    },

    releaseSemaphore: (key, token, notice) =>
      runner
        .send('releaseSemaphore', (c) => scripts(c).fornoReleaseSemaphore(...releaseArgs(key, token, notice)))
        .then((n) => n === 1),

    extendSemaphore: (key, token, px) =>
      runner
        .send('extendSemaphore', (c) => scripts(c).fornoExtendSemaphore(key, token, px))
        .then((n) => n === 1),

    publish: (channel, message) => runner.send('publish', (c) => c.publish(channel, message)),

    subscribe: (channel, listener, shardedChannel) =>
      ctx.subscriber().subscribe(channel, listener, ctx.cluster && shardedChannel),
  };
}

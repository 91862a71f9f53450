import type { LeaseGrant } from '@forno/core';
import { type RawLockCommands, type ReleaseNotice, shardedArgOf } from '@forno/core/backend';
import type { RedisClient } from './create-client.js';
import type { DriverContext } from './driver-context.js';

/** The arguments (ARGV) of both acquisition scripts. */
type SetIfAbsentArgs = [token: string, px: number, claim: string, waiter: string];

/** The commands ioredis defines from `LOCK_SCRIPTS` of `@forno/core/backend`. */
interface ScriptCommands {
  fornoSetIfAbsent(key: string, waitersKey: string, ...args: SetIfAbsentArgs): Promise<[number, number]>;
  fornoSetIfAbsentFenced(
    key: string,
    fenceKey: string,
    waitersKey: string,
    ...args: SetIfAbsentArgs
  ): Promise<[number, number]>;
  fornoCompareAndDelete(
    key: string,
    waitersKey: string,
    token: string,
    channel: string,
    sharded: string,
    handoffMs: number,
  ): Promise<number>;
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
  fornoReleaseSemaphore(
    key: string,
    waitersKey: string,
    token: string,
    channel: string,
    sharded: string,
    handoffMs: number,
  ): Promise<number>;
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
  const sharded = (notice: ReleaseNotice | undefined) => shardedArgOf(ctx.cluster, notice);
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
        .send('compareAndDelete', (c) =>
          scripts(c).fornoCompareAndDelete(
            key,
            notice?.waitersKey ?? key,
            token,
            notice?.channel ?? '',
            sharded(notice),
            notice?.handoffMs ?? 0,
          ),
        )
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
        .send('releaseSemaphore', (c) =>
          scripts(c).fornoReleaseSemaphore(
            key,
            notice?.waitersKey ?? key,
            token,
            notice?.channel ?? '',
            sharded(notice),
            notice?.handoffMs ?? 0,
          ),
        )
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

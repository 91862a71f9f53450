import { createHash } from 'node:crypto';
import type { LeaseGrant } from '@forno/core';
import {
  evalShaThenEval,
  LOCK_SCRIPTS,
  type LockScriptName,
  type RawLockCommands,
  type ReleaseNotice,
  releaseScriptInput,
} from '@forno/core/backend';
import type { DriverContext } from './driver-context.js';
import { type NodeRedisClient, type NodeRedisKind, sendCommand } from './node-redis-client.js';

/** SHA1 of each lock script, for EVALSHA. */
const SHAS = Object.fromEntries(
  Object.entries(LOCK_SCRIPTS).map(([name, { lua }]) => [name, createHash('sha1').update(lua).digest('hex')]),
) as Record<LockScriptName, string>;

/**
 * Runs one of the lock scripts of `@forno/core/backend` with EVALSHA, and with EVAL when the
 * server does not know it yet (`NOSCRIPT`: first use, after a restart or a failover). Routed by
 * its first key, as every key a script touches shares that key's hash slot.
 */
export function evalScript(
  client: NodeRedisClient,
  kind: NodeRedisKind,
  name: LockScriptName,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  const { lua, numberOfKeys } = LOCK_SCRIPTS[name];
  const tail = [String(numberOfKeys), ...keys, ...args.map(String)];
  const route = { key: keys[0], readonly: false, binary: false };
  return evalShaThenEval((command) => sendCommand(client, kind, command, route), SHAS[name], lua, tail);
}

/**
 * The lock primitives as Lua scripts (one round trip, atomic on the server) and pub/sub. The
 * fencing counter shares the lock key's hash slot, so the fenced script also runs on Cluster.
 * Acquisition and extension are sent once (never retried: a retry could report a lock this very
 * client already took as taken by someone else); release is idempotent.
 */
export function lockCommands(ctx: DriverContext): RawLockCommands {
  const { runner, kind } = ctx;
  const onCluster = kind === 'cluster';
  const script =
    <T>(name: LockScriptName, keys: readonly string[], args: readonly (string | number)[]) =>
    (c: NodeRedisClient) =>
      evalScript(c, kind, name, keys, args) as Promise<T>;
  const releaseScript = (
    name: 'fornoCompareAndDelete' | 'fornoReleaseSemaphore',
    key: string,
    token: string,
    notice: ReleaseNotice | undefined,
  ) => {
    const { keys, args } = releaseScriptInput(key, token, notice, onCluster);
    return script<number>(name, keys, args);
  };

  return {
    async setIfAbsent(key, token, px, fenceKey, claimHandoff, waiter): Promise<LeaseGrant> {
      const args = [token, px, claimHandoff ? '1' : '', waiter?.id ?? ''];
      const waitersKey = waiter?.waitersKey ?? key;
      const [granted, value] = await runner.send(
        'setIfAbsent',
        fenceKey === undefined
          ? script<[number, number]>('fornoSetIfAbsent', [key, waitersKey], args)
          : script<[number, number]>('fornoSetIfAbsentFenced', [key, fenceKey, waitersKey], args),
      );
      if (granted === 1) return { acquired: true, fencingToken: fenceKey === undefined ? null : value };
      return { acquired: false, remainingTtl: value };
    },

    compareAndDelete: (key, token, notice) =>
      runner
        .send('compareAndDelete', releaseScript('fornoCompareAndDelete', key, token, notice))
        .then((n) => n === 1),

    compareAndExpire: (key, token, px) =>
      runner
        .send('compareAndExpire', script<number>('fornoCompareAndExpire', [key], [token, px]))
        .then((n) => n === 1),

    async acquireSemaphore(key, token, limit, px, claimHandoff, waiter) {
      const args = [token, limit, px, claimHandoff ? '1' : '', waiter?.id ?? ''];
      const [granted, holders, retryAfter] = await runner.send(
        'acquireSemaphore',
        script<[number, number, number]>('fornoAcquireSemaphore', [key, waiter?.waitersKey ?? key], args),
      );
      return granted === 1 ? { acquired: true, holders } : { acquired: false, holders, retryAfter };
    },

    releaseSemaphore: (key, token, notice) =>
      runner
        .send('releaseSemaphore', releaseScript('fornoReleaseSemaphore', key, token, notice))
        .then((n) => n === 1),

    extendSemaphore: (key, token, px) =>
      runner
        .send('extendSemaphore', script<number>('fornoExtendSemaphore', [key], [token, px]))
        .then((n) => n === 1),

    publish: (channel, message) =>
      runner.send(
        'publish',
        (c) =>
          sendCommand(c, kind, ['PUBLISH', channel, message], {
            readonly: false,
            binary: false,
          }) as Promise<number>,
      ),

    subscribe: (channel, listener, shardedChannel) =>
      ctx.subscriber().subscribe(channel, listener, onCluster && shardedChannel),
  };
}

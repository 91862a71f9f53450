import type { QueueGrant, QueueLockKeys } from '@forno/core';
import { type LockScriptName, type RawQueueLockCommands, shardedArgOf } from '@forno/core/backend';
import type { DriverContext } from './driver-context.js';
import { evalScript } from './lock-commands.js';
import { type NodeRedisClient, sendCommand } from './node-redis-client.js';

const keysOf = (k: QueueLockKeys): string[] => [k.lock, k.queue, k.timeouts, k.readers, k.fence];
const grantOf = ([granted, value]: [number, number]): QueueGrant =>
  granted === 1 ? { acquired: true, fencingToken: value } : { acquired: false, retryAfter: value };

/**
 * The fair and read-write lock scripts, and `WAIT` for replicated locks, on node-redis. `WAIT` is
 * routed by the key, so on Cluster it reaches the master that ran the acquisition.
 */
export function queueLockCommands(ctx: DriverContext): RawQueueLockCommands {
  const { runner, kind } = ctx;
  const script =
    <T>(name: LockScriptName, keys: QueueLockKeys, args: readonly (string | number)[]) =>
    (c: NodeRedisClient) =>
      evalScript(c, kind, name, keysOf(keys), args) as Promise<T>;

  return {
    acquireFairLock: (keys, token, waiter, px, queuePx) =>
      runner
        .send(
          'acquireFairLock',
          script<[number, number]>('fornoAcquireFairLock', keys, [token, waiter, px, queuePx]),
        )
        .then(grantOf),

    acquireReadLock: (keys, token, px) =>
      runner
        .send('acquireReadLock', script<[number, number]>('fornoAcquireReadLock', keys, [token, px]))
        .then(grantOf),

    acquireWriteLock: (keys, token, waiter, px, queuePx) =>
      runner
        .send(
          'acquireWriteLock',
          script<[number, number]>('fornoAcquireWriteLock', keys, [token, waiter, px, queuePx]),
        )
        .then(grantOf),

    leaveLockQueue: (keys, waiter, notice) =>
      runner
        .send(
          'leaveLockQueue',
          script<number>('fornoLeaveLockQueue', keys, [
            waiter,
            notice?.channel ?? '',
            shardedArgOf(ctx.kind === 'cluster', notice),
          ]),
        )
        .then((n) => n === 1),

    async waitForReplicas(key, replicas, timeoutMs) {
      const route = { key, readonly: false, binary: false };
      const counts = await runner.onEveryConnection(
        (c) => sendCommand(c, kind, ['WAIT', String(replicas), String(timeoutMs)], route) as Promise<number>,
        timeoutMs,
      );
      return Math.min(...counts);
    },
  };
}

import type { QueueGrant, QueueLockKeys } from '@forno/core';
import { hashSlotOf } from '@forno/core';
import { type RawQueueLockCommands, shardedArgOf } from '@forno/core/backend';
import type { Redis } from 'ioredis';
import { isCluster, type RedisClient } from './create-client.js';
import type { DriverContext } from './driver-context.js';

type Reply = Promise<[number, number]>;

/** The commands ioredis defines from `QUEUE_LOCK_SCRIPTS` of `@forno/core/backend` (five keys each). */
interface QueueScriptCommands {
  fornoAcquireFairLock(...args: [...FiveKeys, string, string, number, number]): Reply;
  fornoAcquireReadLock(...args: [...FiveKeys, string, number]): Reply;
  fornoAcquireWriteLock(...args: [...FiveKeys, string, string, number, number]): Reply;
  fornoLeaveLockQueue(...args: [...FiveKeys, string, string, string]): Promise<number>;
}

type FiveKeys = [string, string, string, string, string];

const scripts = (client: RedisClient) => client as unknown as QueueScriptCommands;
const keysOf = (k: QueueLockKeys): FiveKeys => [k.lock, k.queue, k.timeouts, k.readers, k.fence];
const grantOf = ([granted, value]: [number, number]): QueueGrant =>
  granted === 1 ? { acquired: true, fencingToken: value } : { acquired: false, retryAfter: value };

/**
 * The node that serves `key`'s slot: on Cluster, the master in ioredis' slot map, since `WAIT`
 * carries no key for ioredis to route it by.
 */
function nodeOf(client: RedisClient, key: string): Redis {
  if (!isCluster(client)) return client;
  const address = client.slots[hashSlotOf(key)]?.[0];
  const masters = client.nodes('master');
  return masters.find((n) => `${n.options.host}:${n.options.port}` === address) ?? masters[0]!;
}

/** The fair and read-write lock scripts, and `WAIT` for replicated locks, on ioredis. */
export function queueLockCommands(ctx: DriverContext): RawQueueLockCommands {
  const { runner } = ctx;
  return {
    acquireFairLock: (keys, token, waiter, px, queuePx) =>
      runner
        .send('acquireFairLock', (c) =>
          scripts(c).fornoAcquireFairLock(...keysOf(keys), token, waiter, px, queuePx),
        )
        .then(grantOf),

    acquireReadLock: (keys, token, px) =>
      runner
        .send('acquireReadLock', (c) => scripts(c).fornoAcquireReadLock(...keysOf(keys), token, px))
        .then(grantOf),

    acquireWriteLock: (keys, token, waiter, px, queuePx) =>
      runner
        .send('acquireWriteLock', (c) =>
          scripts(c).fornoAcquireWriteLock(...keysOf(keys), token, waiter, px, queuePx),
        )
        .then(grantOf),

    leaveLockQueue: (keys, waiter, notice) =>
      runner
        .send('leaveLockQueue', (c) =>
          scripts(c).fornoLeaveLockQueue(
            ...keysOf(keys),
            waiter,
            notice?.channel ?? '',
            shardedArgOf(ctx.cluster, notice),
          ),
        )
        .then((n) => n === 1),

    async waitForReplicas(key, replicas, timeoutMs) {
      const counts = await runner.onEveryConnection(
        (c) => nodeOf(c, key).call('WAIT', replicas, timeoutMs) as Promise<number>,
        timeoutMs,
      );
      return Math.min(...counts);
    },
  };
}

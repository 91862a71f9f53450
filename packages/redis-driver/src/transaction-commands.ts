import { CacheUnavailableError, hashSlotOf } from '@forno/core';
import {
  assertSameSlot,
  type QueuedReply,
  type RawCommands,
  type RawTransactionCommands,
  type RawWatch,
  settleExecReplies,
} from '@forno/core/backend';
import type { Redis } from 'ioredis';
import type { CommandRunner } from './command-runner.js';
import { isCluster, type RedisClient } from './create-client.js';
import type { DriverContext } from './driver-context.js';
import { toCacheError } from './to-cache-error.js';

type Pipeline = ReturnType<Redis['multi']>;
type ExecReply = Array<[error: Error | null, reply: unknown]> | null;

interface IoredisWatch extends RawWatch {
  readonly connection: Redis;
}

/**
 * `MULTI`/`EXEC` and `WATCH` on ioredis. The queued raw calls are replayed through the driver's own
 * raw commands over a client that queues into an ioredis `multi()` pipeline, so each command is
 * encoded and its reply read exactly as outside a transaction. A `WATCH` needs a connection nobody
 * else writes to (the shared ones are auto-pipelined): each `watch` opens one to the primary of
 * the keys' slot and closes it when the scope ends.
 */
export function transactionCommands(
  ctx: DriverContext,
  rawCommandsOf: (ctx: DriverContext) => RawCommands,
): RawTransactionCommands {
  return {
    async exec(calls, keys, watched) {
      if (ctx.cluster) assertSameSlot('transaction', [...keys, ...(watched?.keys ?? [])]);
      const connection = (watched as IoredisWatch | undefined)?.connection;
      const client: RedisClient = connection ?? ctx.runner.client();
      const multi = client.multi() as Pipeline;
      const replies: QueuedReply[] = [];
      const queuing = queuingRunner(queuingClient(multi, replies));
      const raw = rawCommandsOf({ ...ctx, runner: queuing, cluster: false }) as unknown as Record<
        string,
        (...args: unknown[]) => Promise<unknown>
      >;
      const outcomes = Promise.allSettled(calls.map(({ name, args }) => raw[name]!(...args)));
      const ran = await settleExecReplies(
        replies,
        () =>
          connection
            ? multi.exec().catch(rethrow)
            : ctx.runner.send('exec', () => multi.exec() as Promise<ExecReply>),
        ([error, value]) => (error ? { error: toCacheError(error) } : { value }),
      );
      return ran ? outcomes : null;
    },

    async watch(keys) {
      if (ctx.cluster) assertSameSlot('watch', keys);
      const connection = await ctx.dedicated(keys[0]!);
      try {
        await connection.watch(...keys).catch(rethrow);
      } catch (error) {
        connection.disconnect();
        throw error;
      }
      const handle: IoredisWatch = {
        keys,
        connection,
        release: async () => {
          connection.disconnect();
        },
      };
      return handle;
    },
  };
}

/** The primary of `key`'s slot on a Cluster (its shared connection), to duplicate for a `WATCH`. */
export function primaryOfKey(cluster: RedisClient, key: string): Redis {
  if (!isCluster(cluster)) return cluster;
  const slots = (cluster as unknown as { slots: Array<string[] | undefined> }).slots;
  const nodeKey = slots[hashSlotOf(key)]?.[0];
  const node = cluster.nodes('master').find((n) => `${n.options.host}:${n.options.port}` === nodeKey);
  if (node === undefined)
    throw new CacheUnavailableError(`no known primary serves the slot of ${JSON.stringify(key)}`);
  return node;
}

/** A runner for the replay: sends each command once, into the pipeline; EXEC settles them. */
function queuingRunner(client: RedisClient): CommandRunner {
  const runner = {
    send: (_name: string, command: (c: RedisClient) => Promise<unknown>) => command(client),
    client: () => client,
  };
  return runner as unknown as CommandRunner;
}

/**
 * A client whose command methods queue into `multi` and return a promise of that command's own
 * reply, which `exec` settles from the `EXEC` reply (ioredis has already shaped each reply as the
 * command's method does, `hgetall` as an object included).
 */
function queuingClient(multi: Pipeline, replies: QueuedReply[]): RedisClient {
  return new Proxy(multi, {
    get(target, property) {
      const value = Reflect.get(target, property) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        (value as (...args: unknown[]) => unknown).apply(target, args);
        return new Promise((resolve, reject) => replies.push({ resolve, reject }));
      };
    },
  }) as unknown as RedisClient;
}

function rethrow(error: unknown): never {
  throw toCacheError(error);
}

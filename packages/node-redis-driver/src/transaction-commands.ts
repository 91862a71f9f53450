import { hashSlotOf } from '@forno/core';
import {
  assertSameSlot,
  type CommandRunner,
  type RawCommands,
  type RawTransactionCommands,
  type RawWatch,
} from '@forno/core/backend';
import { RESP_TYPES, type RedisArgument } from '@redis/client';
import type { DriverContext } from './driver-context.js';
import type {
  NodeRedisClient,
  NodeRedisClusterClient,
  NodeRedisKind,
  NodeRedisSentinelClient,
  NodeRedisSingleClient,
} from './node-redis-client.js';
import { toCacheError } from './to-cache-error.js';

const BINARY = { [RESP_TYPES.BLOB_STRING]: Buffer } as const;

/** A command the replay queued, with the promise its raw command waits on. */
interface Queued {
  readonly args: readonly RedisArgument[];
  readonly binary: boolean;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

interface NodeRedisWatch extends RawWatch {
  /** A connection of its own (a standalone client) or a Sentinel client lease. */
  readonly connection: NodeRedisClient;
  readonly kind: NodeRedisKind;
}

/** A connection of its own for a `WATCH`, and how to give it back. */
export interface DedicatedConnection {
  readonly connection: NodeRedisClient;
  /** How to send on it: `'standalone'` for a duplicate connection, `'sentinel'` for a lease. */
  readonly kind: NodeRedisKind;
  close(): Promise<void>;
}

/**
 * `MULTI`/`EXEC` and `WATCH` on node-redis. The queued raw calls are replayed through the driver's
 * own raw commands over a client that only records each command, so they are encoded and their
 * replies read exactly as outside a transaction; the recorded commands then go out in one
 * node-redis `multi()`. A `WATCH` gets a connection of its own (a duplicate connection to the
 * keys' primary, or a Sentinel client lease), released when the scope ends.
 */
export function transactionCommands(
  ctx: DriverContext,
  rawCommandsOf: (ctx: DriverContext) => RawCommands,
): RawTransactionCommands {
  return {
    async exec(calls, keys, watched) {
      if (ctx.kind === 'cluster') assertSameSlot('transaction', [...keys, ...(watched?.keys ?? [])]);
      const queued: Queued[] = [];
      const raw = rawCommandsOf({
        ...ctx,
        kind: 'standalone',
        readFallback: undefined,
        runner: queuingRunner(queued),
      }) as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
      const outcomes = Promise.allSettled(calls.map(({ name, args }) => raw[name]!(...args)));
      const watch = watched as NodeRedisWatch | undefined;
      const run = (client: NodeRedisClient) => execMulti(client, watch?.kind ?? ctx.kind, queued, keys[0]);
      let replies: unknown[] | null;
      try {
        replies = watch ? await run(watch.connection).catch(rethrow) : await ctx.runner.send('exec', run);
      } catch (error) {
        for (const command of queued) command.reject(error);
        throw error;
      }
      if (replies === null) {
        for (const command of queued) command.reject(new Error('transaction discarded'));
        return null;
      }
      queued.forEach((command, i) => {
        const reply = replies[i];
        if (reply instanceof Error) command.reject(toCacheError(reply));
        else command.resolve(command.binary ? reply : asText(reply));
      });
      return outcomes;
    },

    async watch(keys) {
      if (ctx.kind === 'cluster') assertSameSlot('watch', keys);
      const { connection, kind, close } = await ctx.dedicated(keys[0]!);
      try {
        await (connection as NodeRedisSingleClient).watch(keys as string[]);
      } catch (error) {
        await close();
        throw toCacheError(error);
      }
      const handle: NodeRedisWatch = { keys, connection, kind, release: () => close().catch(() => {}) };
      return handle;
    },
  };
}

/** Sends one command on one connection, synchronously queued (node-redis' `sendCommand`). */
type Send = (args: readonly RedisArgument[], options?: { typeMapping: typeof BINARY }) => Promise<unknown>;

/**
 * Sends the queued commands in one `MULTI`/`EXEC` on one connection: a standalone client, the
 * shared connection to the primary of the keys' slot on Cluster, or an exclusive lease on Sentinel.
 * `null` when a watched key changed.
 */
async function execMulti(
  client: NodeRedisClient,
  kind: NodeRedisKind,
  queued: readonly Queued[],
  firstKey: string | undefined,
): Promise<unknown[] | null> {
  if (kind === 'standalone') {
    const single = client as NodeRedisSingleClient;
    return execOn((args, options) => single.sendCommand(args as RedisArgument[], options), queued);
  }
  if (kind === 'cluster') {
    const cluster = client as NodeRedisClusterClient;
    const node = await cluster.nodeClient(cluster.getSlotMaster(hashSlotOf(firstKey ?? '')));
    return execOn((args, options) => node.sendCommand(args as RedisArgument[], options), queued);
  }
  const lease = isLease(client) ? undefined : await (client as NodeRedisSentinelClient).acquire();
  const target = (lease ?? client) as unknown as NodeRedisSentinelClient;
  try {
    return await execOn(
      (args, options) => target.sendCommand(false, args as RedisArgument[], options),
      queued,
    );
  } finally {
    (lease as unknown as { release(): void } | undefined)?.release();
  }
}

/**
 * `MULTI`, the commands and `EXEC`, issued in one synchronous step so that no other command of this
 * process can come between them on the connection. `EXEC`'s reply is read with Buffers for bulk
 * strings when any command wants values as bytes (node-redis' own `multi()` applies a type mapping
 * to the queued commands, whose replies are only `QUEUED`, and not to `EXEC`).
 */
async function execOn(send: Send, queued: readonly Queued[]): Promise<unknown[] | null> {
  const binary = queued.some((command) => command.binary);
  const replies = [
    send(['MULTI']),
    ...queued.map(({ args }) => send(args)),
    send(['EXEC'], binary ? { typeMapping: BINARY } : undefined),
  ];
  const settled = await Promise.allSettled(replies);
  const exec = settled[settled.length - 1]!;
  if (exec.status === 'rejected') {
    // EXECABORT: a command was refused while queueing; its own error says why.
    const refused = settled.find((outcome) => outcome.status === 'rejected');
    throw (refused as PromiseRejectedResult).reason;
  }
  return exec.value === null ? null : (exec.value as unknown[]);
}

function isLease(client: NodeRedisClient): boolean {
  return typeof (client as unknown as { release?: unknown }).release === 'function';
}

/** A runner for the replay: each raw command's send is recorded, and settled by `EXEC`. */
function queuingRunner(queued: Queued[]): CommandRunner<NodeRedisClient> {
  const recorder = {
    sendCommand: (args: readonly RedisArgument[], options?: unknown) =>
      new Promise((resolve, reject) => queued.push({ args, binary: options !== undefined, resolve, reject })),
  };
  const runner = {
    send: (_name: string, command: (c: NodeRedisClient) => Promise<unknown>) =>
      command(recorder as unknown as NodeRedisClient),
  };
  return runner as unknown as CommandRunner<NodeRedisClient>;
}

/** A reply read with Buffers for bulk strings, as text: what the command reads outside a transaction. */
function asText(reply: unknown): unknown {
  if (Buffer.isBuffer(reply)) return reply.toString('utf8');
  if (Array.isArray(reply)) return reply.map(asText);
  if (reply instanceof Map) return new Map([...reply].map(([k, v]) => [asText(k), asText(v)]));
  return reply;
}

/** Opens a connection of its own for a `WATCH` on `key`: see {@link DedicatedConnections}. */
export async function openDedicated(
  client: NodeRedisClient,
  kind: NodeRedisKind,
  key: string,
  connect: (connection: NodeRedisSingleClient) => Promise<void>,
  connectionTo?: (address: { host: string; port: number }) => NodeRedisSingleClient,
): Promise<DedicatedConnection> {
  const master = kind === 'sentinel' ? (client as NodeRedisSentinelClient).getMasterNode() : undefined;
  if (kind === 'sentinel' && (master === undefined || connectionTo === undefined)) {
    // A client wrapped as it is: an exclusive lease (the pool needs another master connection for reads).
    const lease = await (client as NodeRedisSentinelClient).acquire();
    return {
      connection: lease as unknown as NodeRedisClient,
      kind: 'sentinel',
      close: async () => {
        await (lease as unknown as { unwatch(): Promise<unknown> }).unwatch().catch(() => {});
        (lease as unknown as { release(): void }).release();
      },
    };
  }
  if (master !== undefined && connectionTo !== undefined) {
    return openConnection(connectionTo(master), connect);
  }
  const primary =
    kind === 'cluster'
      ? await (client as NodeRedisClusterClient).nodeClient(
          (client as NodeRedisClusterClient).getSlotMaster(hashSlotOf(key)),
        )
      : (client as NodeRedisSingleClient);
  return openConnection((primary as NodeRedisSingleClient).duplicate(), connect);
}

async function openConnection(
  connection: NodeRedisSingleClient,
  connect: (connection: NodeRedisSingleClient) => Promise<void>,
): Promise<DedicatedConnection> {
  connection.on('error', () => {});
  try {
    await connect(connection);
  } catch (error) {
    connection.destroy();
    throw error;
  }
  return {
    connection,
    kind: 'standalone',
    close: async () => {
      connection.destroy();
    },
  };
}

function rethrow(error: unknown): never {
  throw toCacheError(error);
}

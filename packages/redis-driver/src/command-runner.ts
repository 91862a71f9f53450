import type { Writable } from 'node:stream';
import { CommandRunner as BackendCommandRunner, type Command, type CommandRetry } from '@forno/core/backend';
import type { RedisClient } from './create-client.js';
import { toCacheError } from './to-cache-error.js';

type IoredisCommand<T> = Command<RedisClient, T>;

/**
 * The shared `CommandRunner` of `@forno/core/backend` over ioredis connections: ioredis errors
 * become typed `CacheError`s, and a Cluster redirection that ioredis passed on is sent again.
 */
export class CommandRunner extends BackendCommandRunner<RedisClient> {
  /**
   * `batchWrites`: the clients are standalone or Sentinel connections created without ioredis'
   * auto-pipelining, and the commands of one tick are to be written together ({@link sendCorked}).
   */
  constructor(clients: readonly RedisClient[], retry: CommandRetry<RedisClient>, batchWrites = false) {
    // Only a Cluster client can be redirected: on a standalone or Sentinel connection the command
    // is only sent (corked with the others of its tick, or, on a client with ioredis'
    // auto-pipelining, straight to the socket when it is alone), with no extra promise per command.
    const cluster = clients.some((client) => client.isCluster);
    const attempt = cluster ? followRedirections : batchWrites ? sendCorked : sendNow;
    super(clients, { ...retry, toCacheError, attempt });
  }
}

/**
 * Writes `command` to a socket that stays corked until the end of this tick, so the commands that
 * callers issue in the same tick leave in one write (`writev`), and a lone command leaves before
 * the event loop turns. This batches like ioredis' auto-pipelining without its cost: ioredis defers
 * auto-pipelined commands to `setImmediate` and builds a pipeline, promises and callbacks around
 * each one; at 200 get/set in flight the driver took ~1.8x the CPU per operation with it than with
 * corked writes, and a lone caller waited a turn of the event loop per command
 * (`pnpm --filter @forno/benchmarks bench:cpu`, benchmarks/RESULTS.md).
 * Order on the connection is that of the calls. A command issued while the client is not ready
 * goes to ioredis' offline queue as before (nothing to cork).
 */
function sendCorked<T>(client: RedisClient, command: IoredisCommand<T>): Promise<T> {
  const stream = (client as { stream?: Writable }).stream;
  if (stream !== undefined && stream.writableCorked === 0 && client.status === 'ready') {
    stream.cork();
    process.nextTick(uncork, stream);
  }
  return send(client, command);
}

function uncork(stream: Writable): void {
  stream.uncork();
}

/** `MOVED`/`ASK` replies: the node did not run the command, another one serves its slot. */
const REDIRECTION = /^(MOVED|ASK) /;

/**
 * Sends `command` once; if a Cluster redirection reaches us, sends it again without
 * auto-pipelining. ioredis follows `MOVED` and `ASK` itself for commands sent on their own, but an
 * auto-pipeline whose other commands succeeded passes the redirection on to the caller (ioredis
 * 6.0). A redirected command did not run, so sending it again is safe even when it is not
 * idempotent.
 */
function followRedirections<T>(client: RedisClient, command: IoredisCommand<T>): Promise<T> {
  return sendNow(client, command).catch((error: unknown) => {
    if (!client.isCluster || !REDIRECTION.test((error as Error | null)?.message ?? '')) throw error;
    return withoutAutoPipelining(client, command);
  });
}

/**
 * Sends `command`, straight to the socket when nothing waits in an auto-pipeline. ioredis defers
 * every auto-pipelined command to `setImmediate`, which costs a lone caller a turn of the event
 * loop per command (sequential lock acquire + release ran at 0.6× of the raw floor). A command
 * sent while others of this tick are queued joins their pipeline as before, so bursts are still
 * batched, and nothing overtakes a queued command: order on the connection is kept.
 */
function sendNow<T>(client: RedisClient, command: IoredisCommand<T>): Promise<T> {
  const options = client.options as { enableAutoPipelining?: boolean };
  if (options.enableAutoPipelining && client.autoPipelineQueueSize === 0 && awaitedReplies(client) === 0) {
    return withoutAutoPipelining(client, command);
  }
  return send(client, command);
}

/**
 * Commands written to the connection and still waiting for their reply. Only a caller with nothing
 * in flight is sent straight away: under load (200 in flight), sending the first command of every
 * turn on its own cost a write per turn and raised the CPU per get/set from 1.15× to 1.65× raw
 * ioredis (`pnpm --filter @forno/benchmarks bench:cpu`). A Cluster client keeps no queue of its own.
 */
function awaitedReplies(client: RedisClient): number {
  return (client as { commandQueue?: { length: number } }).commandQueue?.length ?? 0;
}

function send<T>(client: RedisClient, command: IoredisCommand<T>): Promise<T> {
  try {
    return command(client);
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Sends `command` on its own: ioredis reads `enableAutoPipelining` when a command is issued, which
 * `command` does synchronously, so switching it off around the call affects this command only.
 */
function withoutAutoPipelining<T>(client: RedisClient, command: IoredisCommand<T>): Promise<T> {
  const options = client.options as { enableAutoPipelining: boolean };
  const autoPipelining = options.enableAutoPipelining;
  options.enableAutoPipelining = false;
  try {
    return send(client, command);
  } finally {
    options.enableAutoPipelining = autoPipelining;
  }
}

import type { CommandRunner, RawCommandName } from '@forno/core/backend';
import type { RedisArgument } from '@redis/client';
import {
  BINARY_REPLIES,
  type NodeRedisClient,
  type NodeRedisClusterClient,
  type NodeRedisKind,
  sendCommand,
} from './node-redis-client.js';
import type { ReplicaReadFallback } from './replica-read-fallback.js';
import type { Subscriber } from './subscriber.js';
import type { DedicatedConnection } from './transaction-commands.js';

/** An argument of a command as node-redis takes it: numbers are sent as their decimal text. */
export type Argument = RedisArgument;

/** What each group of node-redis-backed commands needs. */
export interface DriverContext {
  /** Sends commands over the pool with deadlines, error translation and retries. */
  readonly runner: CommandRunner<NodeRedisClient>;
  /** Standalone server, Cluster or Sentinel group. */
  readonly kind: NodeRedisKind;
  /** Read values as Buffers (binary serializer) instead of strings. */
  readonly binary: boolean;
  /** Cluster with `readFallback: 'replicas'`: routes reads to a replica while their primary is down. */
  readonly readFallback?: ReplicaReadFallback | undefined;
  /** The pub/sub side (its connection is opened on first use). */
  subscriber(): Subscriber;
  /** Opens a connection of its own to the primary that serves `key`, for a `WATCH`. */
  dedicated(key: string): Promise<DedicatedConnection>;
}

/** How a raw command is sent by {@link Senders}. */
export interface SendOptions {
  /** Its reply carries stored values: read them as Buffers under a binary serializer. */
  readonly values?: boolean;
  /**
   * The raw command's own arguments, when its options decide whether it is idempotent (`set` with
   * `nx`/`xx` is not): core's command table reads them.
   */
  readonly call?: readonly unknown[];
  /** The key that routes it on a Cluster, when it is not the command's first argument (`XREADGROUP`). */
  readonly key?: Argument;
}

/**
 * The two ways a raw command is sent, routed by its first key (`args[1]`, or `options.key`): a read (which a Cluster
 * configured with `scaleReads` may send to a replica) or a write. Whether it is retried is decided
 * by core's command table (`CommandRunner.send`), never here. The reply comes back as node-redis
 * decoded it (no command-specific transform).
 */
export interface Senders {
  read<T = number>(name: RawCommandName, args: readonly Argument[], options?: SendOptions): Promise<T>;
  write<T = number>(name: RawCommandName, args: readonly Argument[], options?: SendOptions): Promise<T>;
}

/** {@link Senders} over `ctx`. */
export function sendersOf(ctx: DriverContext): Senders {
  const { runner, kind, binary, readFallback } = ctx;
  const send = <T>(
    readonly: boolean,
    name: RawCommandName,
    args: readonly Argument[],
    options?: SendOptions,
  ) =>
    runner.send(
      name,
      (c) =>
        sendCommand(c, kind, args, {
          key: options?.key ?? args[1],
          readonly,
          binary: binary && options?.values === true,
        }) as Promise<T>,
      options?.call,
    );
  const read =
    readFallback === undefined
      ? <T>(name: RawCommandName, args: readonly Argument[], options?: SendOptions) =>
          send<T>(true, name, args, options)
      : <T>(name: RawCommandName, args: readonly Argument[], options?: SendOptions) =>
          runner.send(
            name,
            (c) =>
              readFallback.read(
                c as NodeRedisClusterClient,
                options?.key ?? args[1],
                args,
                binary && options?.values === true ? BINARY_REPLIES : undefined,
              ) as Promise<T>,
            options?.call,
          );
  return {
    read,
    write: (name, args, options) => send(false, name, args, options),
  };
}

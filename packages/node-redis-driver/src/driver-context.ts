import type { CommandRunner } from '@forno/core/backend';
import type { RedisArgument } from '@redis/client';
import { type NodeRedisClient, type NodeRedisKind, sendCommand } from './node-redis-client.js';
import type { Subscriber } from './subscriber.js';

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
  /** The pub/sub side (its connection is opened on first use). */
  subscriber(): Subscriber;
}

/**
 * The four ways a command is sent, each routed by its first key (`args[1]`): `read` and `write`
 * are retried when idempotent, `once` never is; `values` reads value replies as Buffers under a
 * binary serializer. The reply comes back as node-redis decoded it (no command-specific transform).
 */
export interface Senders {
  /** An idempotent read whose reply is an integer, status or key names. */
  read<T = number>(args: readonly Argument[]): Promise<T>;
  /** An idempotent read whose reply carries stored values. */
  values<T>(args: readonly Argument[]): Promise<T>;
  /** An idempotent write. */
  write<T = number>(args: readonly Argument[]): Promise<T>;
  /** A write that must not be repeated (increments, pushes, pops, conditional sets). */
  once<T = number>(args: readonly Argument[], options?: { readonly values?: boolean }): Promise<T>;
}

/** {@link Senders} over `ctx`. */
export function sendersOf(ctx: DriverContext): Senders {
  const { runner, kind, binary } = ctx;
  return {
    read: <T>(args: readonly Argument[]) =>
      runner.idempotent((c) =>
        sendCommand(c, kind, args, { key: args[1], readonly: true, binary: false }),
      ) as Promise<T>,
    values: <T>(args: readonly Argument[]) =>
      runner.idempotent((c) =>
        sendCommand(c, kind, args, { key: args[1], readonly: true, binary }),
      ) as Promise<T>,
    write: <T>(args: readonly Argument[]) =>
      runner.idempotent((c) =>
        sendCommand(c, kind, args, { key: args[1], readonly: false, binary: false }),
      ) as Promise<T>,
    once: <T>(args: readonly Argument[], options?: { readonly values?: boolean }) =>
      runner.once((c) =>
        sendCommand(c, kind, args, {
          key: args[1],
          readonly: false,
          binary: binary && options?.values === true,
        }),
      ) as Promise<T>,
  };
}

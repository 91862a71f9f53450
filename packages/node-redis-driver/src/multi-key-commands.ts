import type { RawMultiKeyCommands } from '@forno/core';
import {
  assertSameSlot,
  combineSets,
  groupBySlot,
  inFlightLimited,
  type SetOperation,
  SPLIT_COMMANDS_IN_FLIGHT,
  sameSlot,
  toArgument,
  type ValueReply,
} from '@forno/core/backend';
import { type DriverContext, sendersOf } from './driver-context.js';
import { sendCommand } from './node-redis-client.js';

/**
 * Commands over several keys. On standalone Redis and Sentinel they are single commands. On
 * Cluster, `mget`, `mset`, `unlink` and `sinter`/`sunion`/`sdiff` are split by hash slot (with
 * the grouping of `@forno/core/backend`, as the ioredis driver does) and combined client-side, so
 * they work with any keys; `sinterstore`/`sunionstore` must write server-side and throw
 * `CrossSlotError` unless every key shares a slot.
 */
export function multiKeyCommands(ctx: DriverContext): RawMultiKeyCommands {
  const { runner, kind, binary } = ctx;
  const { values, write } = sendersOf(ctx);
  const cluster = kind === 'cluster';

  /** Each set's members as Buffers, one SMEMBERS per key, combined here. */
  async function clientSideSetOperation(operation: SetOperation, keys: readonly string[]) {
    const sets = await inFlightLimited(keys, SPLIT_COMMANDS_IN_FLIGHT, (key) =>
      runner.idempotent(
        (c) =>
          sendCommand(c, kind, ['SMEMBERS', key], { key, readonly: true, binary: true }) as Promise<Buffer[]>,
      ),
    );
    return combineSets(operation, sets).map((member) => (binary ? member : member.toString('utf8')));
  }

  function setOperation(operation: SetOperation, keys: readonly string[]) {
    if (!cluster || sameSlot(keys)) return values<ValueReply[]>([operation, ...keys]);
    return clientSideSetOperation(operation, keys);
  }

  return {
    async mget(keys) {
      if (!cluster) return values<Array<ValueReply | null>>(['MGET', ...keys]);
      const out = new Array<ValueReply | null>(keys.length).fill(null);
      await inFlightLimited(
        groupBySlot(keys),
        SPLIT_COMMANDS_IN_FLIGHT,
        async ({ keys: group, positions }) => {
          const replies = await values<Array<ValueReply | null>>(['MGET', ...group]);
          replies.forEach((reply, i) => {
            out[positions[i]!] = reply;
          });
        },
      );
      return out;
    },

    async mset(entries, px) {
      if (px !== undefined) {
        // One SET ... PX per key; node-redis writes the commands of one tick together.
        await inFlightLimited(entries, SPLIT_COMMANDS_IN_FLIGHT, ([key, value]) =>
          write<unknown>(['SET', key, toArgument(value), 'PX', String(px)]),
        );
        return;
      }
      const groups = cluster
        ? groupBySlot(entries.map(([key]) => key))
        : [{ positions: entries.map((_, i) => i) }];
      await inFlightLimited(groups, SPLIT_COMMANDS_IN_FLIGHT, ({ positions }) =>
        write<unknown>(['MSET', ...positions.flatMap((i) => [entries[i]![0], toArgument(entries[i]![1])])]),
      );
    },

    async unlink(rawKeys) {
      const keys = rawKeys.map(toArgument);
      if (!cluster) return write(['UNLINK', ...keys]);
      const counts = await inFlightLimited(groupBySlot(keys), SPLIT_COMMANDS_IN_FLIGHT, ({ keys: group }) =>
        write(['UNLINK', ...group]),
      );
      return counts.reduce((sum, n) => sum + n, 0);
    },

    sinter: (keys) => setOperation('SINTER', keys),
    sunion: (keys) => setOperation('SUNION', keys),
    sdiff: (keys) => setOperation('SDIFF', keys),

    async sinterstore(destination, keys) {
      if (cluster) assertSameSlot('sinterstore', [destination, ...keys]);
      return write(['SINTERSTORE', destination, ...keys]);
    },

    async sunionstore(destination, keys) {
      if (cluster) assertSameSlot('sunionstore', [destination, ...keys]);
      return write(['SUNIONSTORE', destination, ...keys]);
    },
  };
}

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
import type { RedisClient } from './create-client.js';
import type { DriverContext } from './driver-context.js';
import { type CommandArgument, sendCommand } from './send-command.js';

/**
 * Commands over several keys. On standalone Redis (and Sentinel) they are single commands. On
 * Cluster, `mget`, `mset`, `unlink` and `sinter`/`sunion`/`sdiff` are split by hash slot and
 * combined client-side, so they work with any keys; `sinterstore`/`sunionstore` must write
 * server-side and throw `CrossSlotError` unless every key shares a slot.
 */
export function multiKeyCommands(ctx: DriverContext): RawMultiKeyCommands {
  const { runner, binary, cluster } = ctx;
  const values = (c: RedisClient, command: string, keys: readonly string[]) =>
    sendCommand(c, command, keys, binary ? null : 'utf8') as Promise<ValueReply[]>;
  const int = (c: RedisClient, command: string, args: readonly CommandArgument[]) =>
    sendCommand(c, command, args) as Promise<number>;

  /** Set algebra computed from each set's members, compared as bytes. */
  async function clientSideSetOperation(operation: SetOperation, keys: readonly string[]) {
    const sets = await inFlightLimited(keys, SPLIT_COMMANDS_IN_FLIGHT, (key) =>
      runner.idempotent((c) => c.smembersBuffer(key)),
    );
    return combineSets(operation, sets).map((member) => (binary ? member : member.toString('utf8')));
  }

  function setOperation(operation: SetOperation, keys: readonly string[]) {
    if (!cluster || sameSlot(keys)) return runner.idempotent((c) => values(c, operation, keys));
    return clientSideSetOperation(operation, keys);
  }

  return {
    async mget(keys) {
      if (!cluster) return runner.idempotent((c) => values(c, 'MGET', keys));
      const out = new Array<ValueReply | null>(keys.length).fill(null);
      await inFlightLimited(
        groupBySlot(keys),
        SPLIT_COMMANDS_IN_FLIGHT,
        async ({ keys: group, positions }) => {
          const replies = (await runner.idempotent((c) =>
            values(c, 'MGET', group),
          )) as Array<ValueReply | null>;
          replies.forEach((reply, i) => {
            out[positions[i]!] = reply;
          });
        },
      );
      return out;
    },

    async mset(entries, px) {
      if (px !== undefined) {
        // One SET ... PX per key; auto-pipelining sends them together.
        await inFlightLimited(entries, SPLIT_COMMANDS_IN_FLIGHT, ([key, value]) =>
          runner.idempotent((c) => c.set(key, toArgument(value), 'PX', px)),
        );
        return;
      }
      const groups = cluster
        ? groupBySlot(entries.map(([key]) => key))
        : [{ positions: entries.map((_, i) => i) }];
      await inFlightLimited(groups, SPLIT_COMMANDS_IN_FLIGHT, ({ positions }) =>
        runner.idempotent((c) =>
          sendCommand(
            c,
            'MSET',
            positions.flatMap((i) => [entries[i]![0], toArgument(entries[i]![1])]),
          ),
        ),
      );
    },

    async unlink(rawKeys) {
      const keys = rawKeys.map(toArgument);
      if (!cluster) return runner.idempotent((c) => int(c, 'UNLINK', keys));
      const counts = await inFlightLimited(groupBySlot(keys), SPLIT_COMMANDS_IN_FLIGHT, ({ keys: group }) =>
        runner.idempotent((c) => int(c, 'UNLINK', group)),
      );
      return counts.reduce((sum, n) => sum + n, 0);
    },

    sinter: (keys) => setOperation('SINTER', keys),
    sunion: (keys) => setOperation('SUNION', keys),
    sdiff: (keys) => setOperation('SDIFF', keys),

    async sinterstore(destination, keys) {
      if (cluster) assertSameSlot('sinterstore', [destination, ...keys]);
      return runner.idempotent((c) => int(c, 'SINTERSTORE', [destination, ...keys]));
    },

    async sunionstore(destination, keys) {
      if (cluster) assertSameSlot('sunionstore', [destination, ...keys]);
      return runner.idempotent((c) => int(c, 'SUNIONSTORE', [destination, ...keys]));
    },
  };
}

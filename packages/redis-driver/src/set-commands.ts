import {
  assertSameSlot,
  combineSets,
  cursorPages,
  inFlightLimited,
  type RawSetCommands,
  type SetOperation,
  sameSlot,
  toArgument,
  type ValueReply,
} from '@forno/core/backend';
import type { RedisClient } from './create-client.js';
import type { DriverContext } from './driver-context.js';
import { type CommandArgument, sendCommand } from './send-command.js';

/**
 * Sets, on ioredis. On Cluster, `sinter`/`sunion`/`sdiff` over keys of several slots are computed
 * client-side from each set's members, so they work with any keys; `sinterstore`/`sunionstore`
 * must write server-side and throw `CrossSlotError` unless every key shares a slot.
 */
export function setCommands(ctx: DriverContext): RawSetCommands {
  const { runner, binary, cluster } = ctx;
  const values = (c: RedisClient, name: string, args: readonly CommandArgument[]) =>
    sendCommand(c, name, args, binary ? null : 'utf8') as Promise<ValueReply[]>;
  const int = (c: RedisClient, name: string, args: readonly CommandArgument[]) =>
    sendCommand(c, name, args) as Promise<number>;

  /** Set algebra computed from each set's members, compared as bytes. */
  async function clientSideSetOperation(operation: SetOperation, keys: readonly string[]) {
    const sets = await inFlightLimited(keys, (key) => runner.send(operation, (c) => c.smembersBuffer(key)));
    return combineSets(operation, sets).map((member) => (binary ? member : member.toString('utf8')));
  }

  function setOperation(operation: SetOperation, keys: readonly string[]) {
    if (!cluster || sameSlot(keys)) {
      return runner.send(operation, (c) => values(c, operation.toUpperCase(), keys));
    }
    return clientSideSetOperation(operation, keys);
  }

  return {
    sadd: (key, members) => runner.send('sadd', (c) => int(c, 'SADD', [key, ...members.map(toArgument)])),
    srem: (key, members) => runner.send('srem', (c) => int(c, 'SREM', [key, ...members.map(toArgument)])),
    smembers: (key) => runner.send('smembers', (c) => values(c, 'SMEMBERS', [key])),
    sismember: (key, member) =>
      runner.send('sismember', (c) => int(c, 'SISMEMBER', [key, toArgument(member)])).then((n) => n === 1),
    scard: (key) => runner.send('scard', (c) => c.scard(key)),

    sinter: (keys) => setOperation('sinter', keys),
    sunion: (keys) => setOperation('sunion', keys),
    sdiff: (keys) => setOperation('sdiff', keys),

    async *sscan(key, count) {
      yield* cursorPages((cursor) =>
        runner.send(
          'sscan',
          (c) =>
            sendCommand(c, 'SSCAN', [key, cursor, 'COUNT', count], binary ? null : 'utf8') as Promise<
              [string, ValueReply[]]
            >,
        ),
      );
    },

    async sinterstore(destination, keys) {
      if (cluster) assertSameSlot('sinterstore', [destination, ...keys]);
      return runner.send('sinterstore', (c) => int(c, 'SINTERSTORE', [destination, ...keys]));
    },

    async sunionstore(destination, keys) {
      if (cluster) assertSameSlot('sunionstore', [destination, ...keys]);
      return runner.send('sunionstore', (c) => int(c, 'SUNIONSTORE', [destination, ...keys]));
    },
  };
}

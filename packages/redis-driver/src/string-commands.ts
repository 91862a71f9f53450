import type { RawStringCommands } from '@forno/core/backend';
import {
  groupBySlot,
  inFlightLimited,
  mgetBySlot,
  toArgument,
  toFloat,
  type ValueReply,
} from '@forno/core/backend';
import type { RedisClient } from './create-client.js';
import type { DriverContext } from './driver-context.js';
import { type CommandArgument, sendCommand } from './send-command.js';

const isOk = (reply: unknown): boolean => reply === 'OK';
const isOne = (reply: number): boolean => reply === 1;

/**
 * Strings and the commands on any key, on ioredis. On Cluster, `mget`, `mset` and `unlink` are
 * split by hash slot and combined client-side, so they work with any keys.
 */
export function stringCommands(ctx: DriverContext): RawStringCommands {
  const { runner, binary, cluster } = ctx;
  const values = (c: RedisClient, keys: readonly string[]) =>
    sendCommand(c, 'MGET', keys, binary ? null : 'utf8') as Promise<Array<ValueReply | null>>;
  const int = (c: RedisClient, name: string, args: readonly CommandArgument[]) =>
    sendCommand(c, name, args) as Promise<number>;

  return {
    get: (key) => runner.send<ValueReply | null>('get', (c) => (binary ? c.getBuffer(key) : c.get(key))),

    set: (key, value, options) => {
      const arg = toArgument(value);
      const { px, keepTtl, nx, xx } = options;
      if (px === undefined && !keepTtl && !nx && !xx) {
        return runner.send('set', (c) => c.set(key, arg)).then(isOk);
      }
      const args: CommandArgument[] = [key, arg];
      if (px !== undefined) args.push('PX', px);
      if (keepTtl) args.push('KEEPTTL');
      if (nx) args.push('NX');
      if (xx) args.push('XX');
      return runner.send('set', (c) => sendCommand(c, 'SET', args), [key, value, options]).then(isOk);
    },

    exists: (key) => runner.send('exists', (c) => c.exists(key)).then(isOne),
    pexpire: (key, ms) => runner.send('pexpire', (c) => c.pexpire(key, ms)).then(isOne),
    pttl: (key) => runner.send('pttl', (c) => c.pttl(key)),
    persist: (key) => runner.send('persist', (c) => c.persist(key)).then(isOne),
    incrby: (key, increment) => runner.send('incrby', (c) => c.incrby(key, increment)),
    getdel: (key) =>
      runner.send(
        'getdel',
        (c) => sendCommand(c, 'GETDEL', [key], binary ? null : 'utf8') as Promise<ValueReply | null>,
      ),
    getex: (key, px, persist) =>
      runner.send(
        'getex',
        (c) =>
          sendCommand(
            c,
            'GETEX',
            px !== undefined ? [key, 'PX', px] : persist ? [key, 'PERSIST'] : [key],
            binary ? null : 'utf8',
          ) as Promise<ValueReply | null>,
      ),
    incrbyfloat: (key, increment) =>
      runner.send('incrbyfloat', (c) => c.call('INCRBYFLOAT', key, String(increment))).then(toFloat),

    async mget(keys) {
      if (!cluster) return runner.send('mget', (c) => values(c, keys));
      return mgetBySlot(keys, (group) => runner.send('mget', (c) => values(c, group)));
    },

    async mset(entries, px) {
      if (px !== undefined) {
        // One SET ... PX per key; auto-pipelining sends them together.
        await inFlightLimited(entries, ([key, value]) =>
          runner.send('mset', (c) => c.set(key, toArgument(value), 'PX', px)),
        );
        return;
      }
      const groups = cluster
        ? groupBySlot(entries.map(([key]) => key))
        : [{ positions: entries.map((_, i) => i) }];
      await inFlightLimited(groups, ({ positions }) =>
        runner.send('mset', (c) =>
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
      if (!cluster) return runner.send('unlink', (c) => int(c, 'UNLINK', keys));
      const counts = await inFlightLimited(groupBySlot(keys), ({ keys: group }) =>
        runner.send('unlink', (c) => int(c, 'UNLINK', group)),
      );
      return counts.reduce((sum, n) => sum + n, 0);
    },
  };
}

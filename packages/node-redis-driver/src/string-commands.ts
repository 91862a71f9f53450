import {
  groupBySlot,
  inFlightLimited,
  mgetBySlot,
  type RawStringCommands,
  toArgument,
  toFloat,
  type ValueReply,
} from '@forno/core/backend';
import { type Argument, type DriverContext, sendersOf } from './driver-context.js';

const isOk = (reply: unknown): boolean => reply === 'OK';
const isOne = (reply: unknown): boolean => reply === 1;

/**
 * Strings and the commands on any key, on node-redis. Numbers travel as their decimal text
 * (node-redis sends strings and Buffers only). On Cluster, `mget`, `mset` and `unlink` are split
 * by hash slot (the grouping of `@forno/core/backend`, as the ioredis driver does) and combined
 * client-side, so they work with any keys.
 */
export function stringCommands(ctx: DriverContext): RawStringCommands {
  const { read, write } = sendersOf(ctx);
  const cluster = ctx.kind === 'cluster';
  const mget = (keys: readonly string[]) =>
    read<Array<ValueReply | null>>('mget', ['MGET', ...keys], { values: true });

  return {
    get: (key) => read<ValueReply | null>('get', ['GET', key], { values: true }),

    set: (key, value, options) => {
      const { px, keepTtl, nx, xx } = options;
      const args: Argument[] = ['SET', key, toArgument(value)];
      if (px !== undefined) args.push('PX', String(px));
      if (keepTtl) args.push('KEEPTTL');
      if (nx) args.push('NX');
      if (xx) args.push('XX');
      return write<unknown>('set', args, { call: [key, value, options] }).then(isOk);
    },

    async mget(keys) {
      return cluster ? mgetBySlot(keys, mget) : mget(keys);
    },

    async mset(entries, px) {
      if (px !== undefined) {
        // One SET ... PX per key; node-redis writes the commands of one tick together.
        await inFlightLimited(entries, ([key, value]) =>
          write<unknown>('mset', ['SET', key, toArgument(value), 'PX', String(px)]),
        );
        return;
      }
      const groups = cluster
        ? groupBySlot(entries.map(([key]) => key))
        : [{ positions: entries.map((_, i) => i) }];
      await inFlightLimited(groups, ({ positions }) =>
        write<unknown>('mset', [
          'MSET',
          ...positions.flatMap((i) => [entries[i]![0], toArgument(entries[i]![1])]),
        ]),
      );
    },

    async unlink(rawKeys) {
      const keys = rawKeys.map(toArgument);
      if (!cluster) return write('unlink', ['UNLINK', ...keys]);
      const counts = await inFlightLimited(groupBySlot(keys), ({ keys: group }) =>
        write('unlink', ['UNLINK', ...group]),
      );
      return counts.reduce((sum, n) => sum + n, 0);
    },

    exists: (key) => read('exists', ['EXISTS', key]).then(isOne),
    pexpire: (key, ms) => write('pexpire', ['PEXPIRE', key, String(ms)]).then(isOne),
    pttl: (key) => read('pttl', ['PTTL', key]),
    persist: (key) => write('persist', ['PERSIST', key]).then(isOne),
    incrby: (key, increment) => write('incrby', ['INCRBY', key, String(increment)]),
    getdel: (key) => write<ValueReply | null>('getdel', ['GETDEL', key], { values: true }),
    getex: (key, px, persist) =>
      write<ValueReply | null>(
        'getex',
        px !== undefined
          ? ['GETEX', key, 'PX', String(px)]
          : persist
            ? ['GETEX', key, 'PERSIST']
            : ['GETEX', key],
        { values: true },
      ),
    incrbyfloat: (key, increment) =>
      write<unknown>('incrbyfloat', ['INCRBYFLOAT', key, String(increment)]).then(toFloat),
  };
}

import { formatScore } from '@forno/core';
import {
  cursorPages,
  type RawLimit,
  type RawSortedSetCommands,
  toArgument,
  toLexArgument,
  toScore,
  toScored,
  type ValueReply,
} from '@forno/core/backend';
import { type Argument, type DriverContext, sendersOf } from './driver-context.js';

/** Sorted sets, on node-redis. Scores travel as text (`formatScore`), ranks as decimal text. */
export function sortedSetCommands(ctx: DriverContext): RawSortedSetCommands {
  const { read, write } = sendersOf(ctx);
  const range = (key: string, start: number, stop: number, rev: boolean): Argument[] => [
    'ZRANGE',
    key,
    String(start),
    String(stop),
    ...(rev ? ['REV'] : []),
  ];
  const byScore = (key: string, min: string, max: string, limit: RawLimit | undefined): Argument[] => [
    'ZRANGE',
    key,
    min,
    max,
    'BYSCORE',
    ...(limit === undefined ? [] : ['LIMIT', String(limit.offset), String(limit.count)]),
  ];

  return {
    zadd: (key, entries, options) => {
      const args: Argument[] = ['ZADD', key];
      if (options.nx) args.push('NX');
      if (options.xx) args.push('XX');
      if (options.gt) args.push('GT');
      if (options.lt) args.push('LT');
      if (options.ch) args.push('CH');
      for (const [score, member] of entries) args.push(formatScore(score), toArgument(member));
      return write('zadd', args);
    },
    zrange: (key, start, stop, rev) =>
      read<ValueReply[]>('zrange', range(key, start, stop, rev), { values: true }),
    zrangeWithScores: (key, start, stop, rev) =>
      read<unknown>('zrangeWithScores', [...range(key, start, stop, rev), 'WITHSCORES'], {
        values: true,
      }).then(toScored),
    zrangebyscore: (key, min, max, limit) =>
      read<ValueReply[]>('zrangebyscore', byScore(key, min, max, limit), { values: true }),
    zrangebyscoreWithScores: (key, min, max, limit) =>
      read<unknown>('zrangebyscoreWithScores', [...byScore(key, min, max, limit), 'WITHSCORES'], {
        values: true,
      }).then(toScored),
    zrem: (key, members) => write('zrem', ['ZREM', key, ...members.map(toArgument)]),
    zincrby: (key, increment, member) =>
      write<unknown>('zincrby', ['ZINCRBY', key, formatScore(increment), toArgument(member)]).then(
        (s) => toScore(s)!,
      ),
    zremrangebyrank: (key, start, stop) =>
      write('zremrangebyrank', ['ZREMRANGEBYRANK', key, String(start), String(stop)]),
    zscore: (key, member) => read<unknown>('zscore', ['ZSCORE', key, toArgument(member)]).then(toScore),
    zcard: (key) => read('zcard', ['ZCARD', key]),
    zrank: (key, member, rev) =>
      read<number | null>('zrank', [rev ? 'ZREVRANK' : 'ZRANK', key, toArgument(member)]),
    zcount: (key, min, max) => read('zcount', ['ZCOUNT', key, min, max]),
    zrangebylex: (key, min, max, limit) =>
      read<ValueReply[]>(
        'zrangebylex',
        [
          'ZRANGE',
          key,
          toLexArgument(min),
          toLexArgument(max),
          'BYLEX',
          ...(limit === undefined ? [] : ['LIMIT', String(limit.offset), String(limit.count)]),
        ],
        { values: true },
      ),
    async *zscan(key, count) {
      const pages = cursorPages((cursor) =>
        read<[unknown, ValueReply[]]>('zscan', ['ZSCAN', key, cursor, 'COUNT', String(count)], {
          values: true,
        }),
      );
      for await (const items of pages) yield toScored(items);
    },
    zpopmin: (key, count) =>
      write<unknown>('zpopmin', ['ZPOPMIN', key, String(count)], { values: true }).then(toScored),
    zpopmax: (key, count) =>
      write<unknown>('zpopmax', ['ZPOPMAX', key, String(count)], { values: true }).then(toScored),
  };
}

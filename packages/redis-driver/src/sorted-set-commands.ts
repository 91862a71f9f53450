import { formatScore } from '@forno/core';
import type { RawSortedSetCommands } from '@forno/core/backend';
import {
  cursorPages,
  toArgument,
  toLexArgument,
  toScore,
  toScored,
  type ValueReply,
} from '@forno/core/backend';
import type { RedisClient } from './create-client.js';
import type { DriverContext } from './driver-context.js';
import { type CommandArgument, sendCommand } from './send-command.js';

type Arg = CommandArgument;

/** Sorted sets, on ioredis. */
export function sortedSetCommands(ctx: DriverContext): RawSortedSetCommands {
  const { runner, binary } = ctx;
  /** Sends a command whose reply carries values, as strings or Buffers. */
  const values = (c: RedisClient, name: string, args: readonly Arg[]) =>
    sendCommand(c, name, args, binary ? null : 'utf8');
  /** Sends a command whose reply is an integer. */
  const int = (c: RedisClient, name: string, args: readonly Arg[]) =>
    sendCommand(c, name, args) as Promise<number>;

  return {
    zadd: (key, entries, options) => {
      const flags: string[] = [];
      if (options.nx) flags.push('NX');
      if (options.xx) flags.push('XX');
      if (options.gt) flags.push('GT');
      if (options.lt) flags.push('LT');
      if (options.ch) flags.push('CH');
      const pairs = entries.flatMap(([score, member]) => [formatScore(score), toArgument(member)]);
      return runner.send('zadd', (c) => int(c, 'ZADD', [key, ...flags, ...pairs]));
    },
    zrange: (key, start, stop, rev) =>
      runner.send('zrange', (c) =>
        rev ? values(c, 'ZRANGE', [key, start, stop, 'REV']) : values(c, 'ZRANGE', [key, start, stop]),
      ) as Promise<ValueReply[]>,
    zrangeWithScores: (key, start, stop, rev) =>
      runner
        .send('zrangeWithScores', (c) =>
          rev
            ? values(c, 'ZRANGE', [key, start, stop, 'REV', 'WITHSCORES'])
            : values(c, 'ZRANGE', [key, start, stop, 'WITHSCORES']),
        )
        .then(toScored),
    zrangebyscore: (key, min, max, limit) =>
      runner.send('zrangebyscore', (c) =>
        limit === undefined
          ? values(c, 'ZRANGE', [key, min, max, 'BYSCORE'])
          : values(c, 'ZRANGE', [key, min, max, 'BYSCORE', 'LIMIT', limit.offset, limit.count]),
      ) as Promise<ValueReply[]>,
    zrangebyscoreWithScores: (key, min, max, limit) =>
      runner
        .send('zrangebyscoreWithScores', (c) =>
          limit === undefined
            ? values(c, 'ZRANGE', [key, min, max, 'BYSCORE', 'WITHSCORES'])
            : values(c, 'ZRANGE', [
                key,
                min,
                max,
                'BYSCORE',
                'LIMIT',
                limit.offset,
                limit.count,
                'WITHSCORES',
              ]),
        )
        .then(toScored),
    zrem: (key, members) => runner.send('zrem', (c) => int(c, 'ZREM', [key, ...members.map(toArgument)])),
    zincrby: (key, increment, member) =>
      runner
        .send('zincrby', (c) => c.call('ZINCRBY', key, formatScore(increment), toArgument(member)))
        .then((s) => toScore(s)!),
    zremrangebyrank: (key, start, stop) =>
      runner.send('zremrangebyrank', (c) => c.zremrangebyrank(key, start, stop)),
    zscore: (key, member) =>
      runner.send('zscore', (c) => c.call('ZSCORE', key, toArgument(member))).then(toScore),
    zcard: (key) => runner.send('zcard', (c) => c.zcard(key)),
    zpopmin: (key, count) => runner.send('zpopmin', (c) => values(c, 'ZPOPMIN', [key, count])).then(toScored),
    zpopmax: (key, count) => runner.send('zpopmax', (c) => values(c, 'ZPOPMAX', [key, count])).then(toScored),
    zrank: (key, member, rev) =>
      runner.send(
        'zrank',
        (c) => c.call(rev ? 'ZREVRANK' : 'ZRANK', key, toArgument(member)) as Promise<number | null>,
      ),
    zcount: (key, min, max) => runner.send('zcount', (c) => int(c, 'ZCOUNT', [key, min, max])),
    zrangebylex: (key, min, max, limit) =>
      runner.send('zrangebylex', (c) =>
        values(c, 'ZRANGE', [
          key,
          toLexArgument(min),
          toLexArgument(max),
          'BYLEX',
          ...(limit === undefined ? [] : ['LIMIT', limit.offset, limit.count]),
        ]),
      ) as Promise<ValueReply[]>,
    async *zscan(key, count) {
      for await (const items of cursorPages((cursor) =>
        runner.send(
          'zscan',
          (c) => values(c, 'ZSCAN', [key, cursor, 'COUNT', count]) as Promise<[string, ValueReply[]]>,
        ),
      )) {
        yield toScored(items);
      }
    },
  };
}

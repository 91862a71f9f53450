import type { RawStreamCommands } from '@forno/core/backend';
import {
  assertSameSlot,
  countArguments,
  falseOnBusyGroup,
  toAutoClaim,
  toPendingEntries,
  toPendingSummary,
  toStreamEntries,
  toStreamReadEntries,
  toStreamReads,
  toText,
  trimArguments,
  xaddArguments,
  xpendingArguments,
  xrangeArguments,
  xreadArguments,
  xreadgroupArguments,
} from '@forno/core/backend';
import { type DriverContext, sendersOf } from './driver-context.js';

/**
 * Streams, on node-redis. Reads never send `BLOCK` (the repository polls), so they never hold a
 * pooled connection. Commands are routed by the stream's key: `XREAD`/`XREADGROUP` and `XGROUP`
 * name it after a keyword, so they are sent with the key given explicitly. Arguments and replies
 * are built and read by `@forno/core/backend`, as for ioredis.
 */
export function streamCommands(ctx: DriverContext): RawStreamCommands {
  const { read, write } = sendersOf(ctx);
  return {
    xadd: (key, id, fields, trim, noMkStream) =>
      write<unknown>('xadd', ['XADD', ...xaddArguments(key, id, fields, trim, noMkStream)]).then((reply) =>
        reply === null ? null : toText(reply),
      ),
    xlen: (key) => read('xlen', ['XLEN', key]),
    xrange: (key, start, end, count, rev) =>
      read<unknown>(
        'xrange',
        [rev ? 'XREVRANGE' : 'XRANGE', ...xrangeArguments(key, start, end, count, rev)],
        {
          values: true,
        },
      ).then(toStreamEntries),
    xdel: (key, ids) => write('xdel', ['XDEL', key, ...ids]),
    xtrim: (key, trim) => write('xtrim', ['XTRIM', key, ...trimArguments(trim)]),
    xread: async (streams, count) => {
      if (ctx.kind === 'cluster')
        assertSameSlot(
          'xread',
          streams.map(([key]) => key),
        );
      return read<unknown>('xread', ['XREAD', ...xreadArguments(streams, count)], {
        values: true,
        key: streams[0]![0],
      }).then(toStreamReads);
    },
    xgroupCreate: (key, group, id, mkStream) =>
      write<unknown>(
        'xgroupCreate',
        ['XGROUP', 'CREATE', key, group, id, ...(mkStream ? ['MKSTREAM'] : [])],
        {
          key,
        },
      ).then(() => true, falseOnBusyGroup),
    xreadgroup: (key, group, consumer, id, count, noAck) =>
      write<unknown>(
        'xreadgroup',
        ['XREADGROUP', ...xreadgroupArguments(key, group, consumer, id, count, noAck)],
        {
          values: true,
          key,
        },
      ).then(toStreamReadEntries),
    xack: (key, group, ids) => write('xack', ['XACK', key, group, ...ids]),
    xpendingSummary: (key, group) =>
      read<unknown>('xpendingSummary', ['XPENDING', key, group]).then(toPendingSummary),
    xpending: (key, group, start, end, count, consumer, minIdleMs) =>
      read<unknown>('xpending', [
        'XPENDING',
        ...xpendingArguments(key, group, start, end, count, consumer, minIdleMs),
      ]).then(toPendingEntries),
    xautoclaim: (key, group, consumer, minIdleMs, start, count) =>
      write<unknown>(
        'xautoclaim',
        ['XAUTOCLAIM', key, group, consumer, String(minIdleMs), start, ...countArguments(count)],
        { values: true },
      ).then(toAutoClaim),
  };
}

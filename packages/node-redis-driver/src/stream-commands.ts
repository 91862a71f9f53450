import type { RawStreamCommands } from '@forno/core/backend';
import {
  falseOnBusyGroup,
  toArgument,
  toAutoClaim,
  toPendingEntries,
  toPendingSummary,
  toStreamEntries,
  toStreamReadEntries,
  toText,
  trimArguments,
} from '@forno/core/backend';
import { type Argument, type DriverContext, sendersOf } from './driver-context.js';

const countArguments = (count: number | undefined): Argument[] =>
  count === undefined ? [] : ['COUNT', String(count)];

/**
 * Streams, on node-redis. Reads never send `BLOCK` (the repository polls), so they never hold a
 * pooled connection. Commands are routed by the stream's key: `XREAD`/`XREADGROUP` and `XGROUP`
 * name it after a keyword, so they are sent with the key given explicitly.
 */
export function streamCommands(ctx: DriverContext): RawStreamCommands {
  const { read, write } = sendersOf(ctx);
  return {
    xadd: (key, id, fields, trim, noMkStream) =>
      write<unknown>('xadd', [
        'XADD',
        key,
        ...(noMkStream ? ['NOMKSTREAM'] : []),
        ...(trim === undefined ? [] : trimArguments(trim)),
        id,
        ...fields.flatMap(([f, v]) => [f, toArgument(v)]),
      ]).then((reply) => (reply === null ? null : toText(reply))),
    xlen: (key) => read('xlen', ['XLEN', key]),
    xrange: (key, start, end, count, rev) =>
      read<unknown>(
        'xrange',
        rev
          ? ['XREVRANGE', key, end, start, ...countArguments(count)]
          : ['XRANGE', key, start, end, ...countArguments(count)],
        { values: true },
      ).then(toStreamEntries),
    xdel: (key, ids) => write('xdel', ['XDEL', key, ...ids]),
    xtrim: (key, trim) => write('xtrim', ['XTRIM', key, ...trimArguments(trim)]),
    xread: (key, id, count) =>
      read<unknown>('xread', ['XREAD', ...countArguments(count), 'STREAMS', key, id], {
        values: true,
        key,
      }).then(toStreamReadEntries),
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
        [
          'XREADGROUP',
          'GROUP',
          group,
          consumer,
          ...countArguments(count),
          ...(noAck ? ['NOACK'] : []),
          'STREAMS',
          key,
          id,
        ],
        { values: true, key },
      ).then(toStreamReadEntries),
    xack: (key, group, ids) => write('xack', ['XACK', key, group, ...ids]),
    xpendingSummary: (key, group) =>
      read<unknown>('xpendingSummary', ['XPENDING', key, group]).then(toPendingSummary),
    xpending: (key, group, start, end, count, consumer, minIdleMs) =>
      read<unknown>('xpending', [
        'XPENDING',
        key,
        group,
        ...(minIdleMs === undefined ? [] : ['IDLE', String(minIdleMs)]),
        start,
        end,
        String(count),
        ...(consumer === undefined ? [] : [consumer]),
      ]).then(toPendingEntries),
    xautoclaim: (key, group, consumer, minIdleMs, start, count) =>
      write<unknown>(
        'xautoclaim',
        ['XAUTOCLAIM', key, group, consumer, String(minIdleMs), start, 'COUNT', String(count)],
        { values: true },
      ).then(toAutoClaim),
  };
}

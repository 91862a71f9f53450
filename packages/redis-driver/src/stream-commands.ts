import type { RawStreamCommands } from '@forno/core/backend';
import {
  falseOnBusyGroup,
  toArgument,
  toAutoClaim,
  toPendingEntries,
  toPendingSummary,
  toStreamEntries,
  toStreamReadEntries,
  trimArguments,
} from '@forno/core/backend';
import type { RedisClient } from './create-client.js';
import type { DriverContext } from './driver-context.js';
import { type CommandArgument, sendCommand } from './send-command.js';

type Arg = CommandArgument;

const countArguments = (count: number | undefined): Arg[] => (count === undefined ? [] : ['COUNT', count]);

/**
 * Streams, on ioredis. Reads never send `BLOCK` (the repository polls), so they share the
 * auto-pipelined connections with every other command without holding them.
 */
export function streamCommands(ctx: DriverContext): RawStreamCommands {
  const { runner, binary } = ctx;
  /** Sends a command whose reply carries stored values, as strings or Buffers. */
  const values = (c: RedisClient, name: string, args: readonly Arg[]) =>
    sendCommand(c, name, args, binary ? null : 'utf8');
  const text = (c: RedisClient, name: string, args: readonly Arg[]) => sendCommand(c, name, args);

  return {
    xadd: (key, id, fields, trim, noMkStream) =>
      runner.send('xadd', (c) =>
        text(c, 'XADD', [
          key,
          ...(noMkStream ? ['NOMKSTREAM'] : []),
          ...(trim === undefined ? [] : trimArguments(trim)),
          id,
          ...fields.flatMap(([f, v]) => [f, toArgument(v)]),
        ]).then((reply) => (reply === null ? null : String(reply))),
      ),
    xlen: (key) => runner.send('xlen', (c) => text(c, 'XLEN', [key]) as Promise<number>),
    xrange: (key, start, end, count, rev) =>
      runner
        .send('xrange', (c) =>
          values(
            c,
            rev ? 'XREVRANGE' : 'XRANGE',
            rev ? [key, end, start, ...countArguments(count)] : [key, start, end, ...countArguments(count)],
          ),
        )
        .then(toStreamEntries),
    xdel: (key, ids) => runner.send('xdel', (c) => text(c, 'XDEL', [key, ...ids]) as Promise<number>),
    xtrim: (key, trim) =>
      runner.send('xtrim', (c) => text(c, 'XTRIM', [key, ...trimArguments(trim)]) as Promise<number>),
    xread: (key, id, count) =>
      runner
        .send('xread', (c) => values(c, 'XREAD', [...countArguments(count), 'STREAMS', key, id]))
        .then(toStreamReadEntries),
    xgroupCreate: (key, group, id, mkStream) =>
      runner
        .send('xgroupCreate', (c) =>
          text(c, 'XGROUP', ['CREATE', key, group, id, ...(mkStream ? ['MKSTREAM'] : [])]),
        )
        .then(() => true, falseOnBusyGroup),
    xreadgroup: (key, group, consumer, id, count, noAck) =>
      runner
        .send('xreadgroup', (c) =>
          values(c, 'XREADGROUP', [
            'GROUP',
            group,
            consumer,
            ...countArguments(count),
            ...(noAck ? ['NOACK'] : []),
            'STREAMS',
            key,
            id,
          ]),
        )
        .then(toStreamReadEntries),
    xack: (key, group, ids) =>
      runner.send('xack', (c) => text(c, 'XACK', [key, group, ...ids]) as Promise<number>),
    xpendingSummary: (key, group) =>
      runner.send('xpendingSummary', (c) => text(c, 'XPENDING', [key, group])).then(toPendingSummary),
    xpending: (key, group, start, end, count, consumer, minIdleMs) =>
      runner
        .send('xpending', (c) =>
          text(c, 'XPENDING', [
            key,
            group,
            ...(minIdleMs === undefined ? [] : ['IDLE', minIdleMs]),
            start,
            end,
            count,
            ...(consumer === undefined ? [] : [consumer]),
          ]),
        )
        .then(toPendingEntries),
    xautoclaim: (key, group, consumer, minIdleMs, start, count) =>
      runner
        .send('xautoclaim', (c) =>
          values(c, 'XAUTOCLAIM', [key, group, consumer, minIdleMs, start, 'COUNT', count]),
        )
        .then(toAutoClaim),
  };
}

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
  trimArguments,
  xaddArguments,
  xpendingArguments,
  xrangeArguments,
  xreadArguments,
  xreadgroupArguments,
} from '@forno/core/backend';
import type { RedisClient } from './create-client.js';
import type { DriverContext } from './driver-context.js';
import { type CommandArgument, sendCommand } from './send-command.js';

type Arg = CommandArgument;

/**
 * Streams, on ioredis. Reads never send `BLOCK` (the repository polls), so they share the
 * auto-pipelined connections with every other command without holding them. Arguments and replies
 * are built and read by `@forno/core/backend`, as for node-redis.
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
        text(c, 'XADD', xaddArguments(key, id, fields, trim, noMkStream)).then((reply) =>
          reply === null ? null : String(reply),
        ),
      ),
    xlen: (key) => runner.send('xlen', (c) => text(c, 'XLEN', [key]) as Promise<number>),
    xrange: (key, start, end, count, rev) =>
      runner
        .send('xrange', (c) =>
          values(c, rev ? 'XREVRANGE' : 'XRANGE', xrangeArguments(key, start, end, count, rev)),
        )
        .then(toStreamEntries),
    xdel: (key, ids) => runner.send('xdel', (c) => text(c, 'XDEL', [key, ...ids]) as Promise<number>),
    xtrim: (key, trim) =>
      runner.send('xtrim', (c) => text(c, 'XTRIM', [key, ...trimArguments(trim)]) as Promise<number>),
    xread: async (streams, count) => {
      if (ctx.cluster)
        assertSameSlot(
          'xread',
          streams.map(([key]) => key),
        );
      return runner
        .send('xread', (c) => values(c, 'XREAD', xreadArguments(streams, count)))
        .then(toStreamReads);
    },
    xgroupCreate: (key, group, id, mkStream) =>
      runner
        .send('xgroupCreate', (c) =>
          text(c, 'XGROUP', ['CREATE', key, group, id, ...(mkStream ? ['MKSTREAM'] : [])]),
        )
        .then(() => true, falseOnBusyGroup),
    xreadgroup: (key, group, consumer, id, count, noAck) =>
      runner
        .send('xreadgroup', (c) =>
          values(c, 'XREADGROUP', xreadgroupArguments(key, group, consumer, id, count, noAck)),
        )
        .then(toStreamReadEntries),
    xack: (key, group, ids) =>
      runner.send('xack', (c) => text(c, 'XACK', [key, group, ...ids]) as Promise<number>),
    xpendingSummary: (key, group) =>
      runner.send('xpendingSummary', (c) => text(c, 'XPENDING', [key, group])).then(toPendingSummary),
    xpending: (key, group, start, end, count, consumer, minIdleMs) =>
      runner
        .send('xpending', (c) =>
          text(c, 'XPENDING', xpendingArguments(key, group, start, end, count, consumer, minIdleMs)),
        )
        .then(toPendingEntries),
    xautoclaim: (key, group, consumer, minIdleMs, start, count) =>
      runner
        .send('xautoclaim', (c) =>
          values(c, 'XAUTOCLAIM', [key, group, consumer, minIdleMs, start, ...countArguments(count)]),
        )
        .then(toAutoClaim),
  };
}

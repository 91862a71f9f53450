import { assertSameSlot, type RawListCommands, toArgument, type ValueReply } from '@forno/core/backend';
import { type DriverContext, sendersOf } from './driver-context.js';

/** Lists, on node-redis. */
export function listCommands(ctx: DriverContext): RawListCommands {
  const { read, write } = sendersOf(ctx);
  return {
    lpush: (key, values) => write('lpush', ['LPUSH', key, ...values.map(toArgument)]),
    rpush: (key, values) => write('rpush', ['RPUSH', key, ...values.map(toArgument)]),
    lpop: (key) => write<ValueReply | null>('lpop', ['LPOP', key], { values: true }),
    rpop: (key) => write<ValueReply | null>('rpop', ['RPOP', key], { values: true }),
    lrange: (key, start, stop) =>
      read<ValueReply[]>('lrange', ['LRANGE', key, String(start), String(stop)], { values: true }),
    llen: (key) => read('llen', ['LLEN', key]),
    async lmove(source, destination, from, to) {
      if (ctx.kind === 'cluster') assertSameSlot('lmove', [source, destination]);
      return write<ValueReply | null>(
        'lmove',
        ['LMOVE', source, destination, from.toUpperCase(), to.toUpperCase()],
        { values: true },
      );
    },
    ltrim: (key, start, stop) =>
      write<unknown>('ltrim', ['LTRIM', key, String(start), String(stop)]).then(() => undefined),
  };
}

import type { RawListCommands } from '@forno/core/backend';
import { assertSameSlot, toArgument, type ValueReply } from '@forno/core/backend';
import type { DriverContext } from './driver-context.js';
import { sendCommand } from './send-command.js';

/** Lists, on ioredis. */
export function listCommands(ctx: DriverContext): RawListCommands {
  const { runner, binary, cluster } = ctx;
  return {
    lpush: (key, list) =>
      runner.send('lpush', (c) => sendCommand(c, 'LPUSH', [key, ...list.map(toArgument)]) as Promise<number>),
    rpush: (key, list) =>
      runner.send('rpush', (c) => sendCommand(c, 'RPUSH', [key, ...list.map(toArgument)]) as Promise<number>),
    lpop: (key) => runner.send<ValueReply | null>('lpop', (c) => (binary ? c.lpopBuffer(key) : c.lpop(key))),
    rpop: (key) => runner.send<ValueReply | null>('rpop', (c) => (binary ? c.rpopBuffer(key) : c.rpop(key))),
    lrange: (key, start, stop) =>
      runner.send(
        'lrange',
        (c) => sendCommand(c, 'LRANGE', [key, start, stop], binary ? null : 'utf8') as Promise<ValueReply[]>,
      ),
    llen: (key) => runner.send('llen', (c) => c.llen(key)),
    async lmove(source, destination, from, to) {
      if (cluster) assertSameSlot('lmove', [source, destination]);
      return runner.send(
        'lmove',
        (c) =>
          sendCommand(
            c,
            'LMOVE',
            [source, destination, from.toUpperCase(), to.toUpperCase()],
            binary ? null : 'utf8',
          ) as Promise<ValueReply | null>,
      );
    },
    ltrim: (key, start, stop) => runner.send('ltrim', (c) => c.ltrim(key, start, stop)).then(() => undefined),
  };
}

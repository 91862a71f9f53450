import type { RawHashCommands } from '@forno/core/backend';
import {
  cursorPages,
  hashFieldArguments,
  toArgument,
  toFieldValuePairs,
  toFloat,
  type ValueReply,
} from '@forno/core/backend';
import type { DriverContext } from './driver-context.js';
import { sendCommand } from './send-command.js';

const isOne = (reply: number): boolean => reply === 1;
type FieldTtlCommand = 'hpexpire' | 'hpttl' | 'hpexpiretime' | 'hpersist';

/** Hashes, on ioredis. */
export function hashCommands(ctx: DriverContext): RawHashCommands {
  const { runner, binary } = ctx;
  return {
    hset: (key, entries) =>
      runner.send(
        'hset',
        (c) =>
          sendCommand(c, 'HSET', [
            key,
            ...entries.flatMap(([f, v]) => [f, toArgument(v)]),
          ]) as Promise<number>,
      ),
    hget: (key, field) =>
      runner.send<ValueReply | null>('hget', (c) => (binary ? c.hgetBuffer(key, field) : c.hget(key, field))),
    hgetall: (key) =>
      runner
        .send<Record<string, ValueReply>>('hgetall', (c) => (binary ? c.hgetallBuffer(key) : c.hgetall(key)))
        .then((hash) => Object.entries(hash)),
    hdel: (key, fields) =>
      runner.send('hdel', (c) => sendCommand(c, 'HDEL', [key, ...fields]) as Promise<number>),
    hincrby: (key, field, increment) => runner.send('hincrby', (c) => c.hincrby(key, field, increment)),
    hexists: (key, field) => runner.send('hexists', (c) => c.hexists(key, field)).then(isOne),
    hkeys: (key) => runner.send('hkeys', (c) => c.hkeys(key)),
    hlen: (key) => runner.send('hlen', (c) => c.hlen(key)),
    hincrbyfloat: (key, field, increment) =>
      runner.send('hincrbyfloat', (c) => c.call('HINCRBYFLOAT', key, field, String(increment))).then(toFloat),
    async *hscan(key, match, count) {
      for await (const items of cursorPages((cursor) =>
        runner.send(
          'hscan',
          (c) =>
            sendCommand(
              c,
              'HSCAN',
              [key, cursor, 'MATCH', match, 'COUNT', count],
              binary ? null : 'utf8',
            ) as Promise<[string, ValueReply[]]>,
        ),
      )) {
        yield toFieldValuePairs(items);
      }
    },
    hpexpire: (key, fields, ms) => fieldTtl('hpexpire', key, [String(ms), ...hashFieldArguments(fields)]),
    hpttl: (key, fields) => fieldTtl('hpttl', key, hashFieldArguments(fields)),
    hpexpiretime: (key, fields) => fieldTtl('hpexpiretime', key, hashFieldArguments(fields)),
    hpersist: (key, fields) => fieldTtl('hpersist', key, hashFieldArguments(fields)),
  };

  /** A hash-field TTL command: one integer per field. */
  function fieldTtl(name: FieldTtlCommand, key: string, args: readonly string[]): Promise<number[]> {
    return runner.send(name, (c) => sendCommand(c, name.toUpperCase(), [key, ...args]) as Promise<number[]>);
  }
}

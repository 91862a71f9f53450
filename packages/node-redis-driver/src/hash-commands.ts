import {
  cursorPages,
  hashFieldArguments,
  type RawHashCommands,
  toArgument,
  toFieldValuePairs,
  toFloat,
  type ValueReply,
} from '@forno/core/backend';
import { type DriverContext, sendersOf } from './driver-context.js';

/** Hashes, on node-redis. */
export function hashCommands(ctx: DriverContext): RawHashCommands {
  const { read, write } = sendersOf(ctx);
  return {
    hset: (key, entries) => write('hset', ['HSET', key, ...entries.flatMap(([f, v]) => [f, toArgument(v)])]),
    hget: (key, field) => read<ValueReply | null>('hget', ['HGET', key, field], { values: true }),
    hgetall: (key) => read<unknown>('hgetall', ['HGETALL', key], { values: true }).then(toFieldPairs),
    hdel: (key, fields) => write('hdel', ['HDEL', key, ...fields]),
    hincrby: (key, field, increment) => write('hincrby', ['HINCRBY', key, field, String(increment)]),
    hexists: (key, field) => read('hexists', ['HEXISTS', key, field]).then((n) => n === 1),
    hkeys: (key) => read<string[]>('hkeys', ['HKEYS', key]),
    hlen: (key) => read('hlen', ['HLEN', key]),
    hincrbyfloat: (key, field, increment) =>
      write<unknown>('hincrbyfloat', ['HINCRBYFLOAT', key, field, String(increment)]).then(toFloat),
    async *hscan(key, match, count) {
      const pages = cursorPages((cursor) =>
        read<[unknown, ValueReply[]]>(
          'hscan',
          ['HSCAN', key, cursor, 'MATCH', match, 'COUNT', String(count)],
          {
            values: true,
          },
        ),
      );
      for await (const items of pages) yield toFieldValuePairs(items);
    },
    hpexpire: (key, fields, ms) =>
      write<number[]>('hpexpire', ['HPEXPIRE', key, String(ms), ...hashFieldArguments(fields)]),
    hpttl: (key, fields) => read<number[]>('hpttl', ['HPTTL', key, ...hashFieldArguments(fields)]),
    hpexpiretime: (key, fields) =>
      read<number[]>('hpexpiretime', ['HPEXPIRETIME', key, ...hashFieldArguments(fields)]),
    hpersist: (key, fields) => write<number[]>('hpersist', ['HPERSIST', key, ...hashFieldArguments(fields)]),
  };
}

/**
 * HGETALL as field/value pairs, whatever shape node-redis decoded it to: a flat array (RESP2), a
 * Map or a plain object (RESP3 maps). Field names are text even when values are read as Buffers.
 */
function toFieldPairs(reply: unknown): Array<[string, ValueReply]> {
  const fieldName = (field: unknown) => (Buffer.isBuffer(field) ? field.toString('utf8') : String(field));
  if (Array.isArray(reply)) {
    const pairs: Array<[string, ValueReply]> = [];
    for (let i = 0; i < reply.length; i += 2) pairs.push([fieldName(reply[i]), reply[i + 1] as ValueReply]);
    return pairs;
  }
  const entries = reply instanceof Map ? [...reply.entries()] : Object.entries(reply as object);
  return entries.map(([field, value]) => [fieldName(field), value as ValueReply]);
}

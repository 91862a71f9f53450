import { formatScore, type RawSingleKeyCommands, type RawValue } from '@forno/core';
import { toArgument, toScore, toScored, type ValueReply } from '@forno/core/backend';
import { type Argument, type DriverContext, sendersOf } from './driver-context.js';

const isOk = (reply: unknown): boolean => reply === 'OK';
const isOne = (reply: unknown): boolean => reply === 1;
const text = (n: number): string => String(n);

/**
 * Every command that touches one key, on node-redis. Reads and absolute writes are retried as
 * idempotent; increments, pushes, pops and conditional sets are sent once. Numbers travel as
 * their decimal text (node-redis sends strings and Buffers only).
 */
export function singleKeyCommands(ctx: DriverContext): RawSingleKeyCommands {
  const { read, values, write, once } = sendersOf(ctx);
  const members = (list: readonly RawValue[]): Argument[] => list.map(toArgument);

  return {
    get: (key) => values<ValueReply | null>(['GET', key]),

    set: (key, value, options) => {
      const { px, keepTtl, nx, xx } = options;
      const args: Argument[] = ['SET', key, toArgument(value)];
      if (px !== undefined) args.push('PX', text(px));
      if (keepTtl) args.push('KEEPTTL');
      if (nx) args.push('NX');
      if (xx) args.push('XX');
      // A conditional SET is not idempotent: a retry after a lost reply would report `false`.
      return (nx || xx ? once<unknown>(args) : write<unknown>(args)).then(isOk);
    },

    exists: (key) => read(['EXISTS', key]).then(isOne),
    pexpire: (key, ms) => write(['PEXPIRE', key, text(ms)]).then(isOne),
    pttl: (key) => read(['PTTL', key]),
    persist: (key) => write(['PERSIST', key]).then(isOne),
    incrby: (key, increment) => once(['INCRBY', key, text(increment)]),

    hset: (key, entries) => write(['HSET', key, ...entries.flatMap(([f, v]) => [f, toArgument(v)])]),
    hget: (key, field) => values<ValueReply | null>(['HGET', key, field]),
    hgetall: (key) => values<unknown>(['HGETALL', key]).then(toFieldPairs),
    hdel: (key, fields) => write(['HDEL', key, ...fields]),
    hincrby: (key, field, increment) => once(['HINCRBY', key, field, text(increment)]),
    hexists: (key, field) => read(['HEXISTS', key, field]).then(isOne),
    hkeys: (key) => read<string[]>(['HKEYS', key]),
    hlen: (key) => read(['HLEN', key]),

    lpush: (key, list) => once(['LPUSH', key, ...members(list)]),
    rpush: (key, list) => once(['RPUSH', key, ...members(list)]),
    lpop: (key) => once<ValueReply | null>(['LPOP', key], { values: true }),
    rpop: (key) => once<ValueReply | null>(['RPOP', key], { values: true }),
    lrange: (key, start, stop) => values<ValueReply[]>(['LRANGE', key, text(start), text(stop)]),
    llen: (key) => read(['LLEN', key]),
    // Not idempotent: LTRIM k 1 -1 drops one more element each time it runs.
    ltrim: (key, start, stop) => once<unknown>(['LTRIM', key, text(start), text(stop)]).then(() => undefined),

    sadd: (key, list) => write(['SADD', key, ...members(list)]),
    srem: (key, list) => write(['SREM', key, ...members(list)]),
    smembers: (key) => values<ValueReply[]>(['SMEMBERS', key]),
    sismember: (key, member) => read(['SISMEMBER', key, toArgument(member)]).then(isOne),
    scard: (key) => read(['SCARD', key]),

    zadd: (key, entries, options) => {
      const args: Argument[] = ['ZADD', key];
      if (options.nx) args.push('NX');
      if (options.xx) args.push('XX');
      if (options.gt) args.push('GT');
      if (options.lt) args.push('LT');
      if (options.ch) args.push('CH');
      for (const [score, member] of entries) args.push(formatScore(score), toArgument(member));
      return write(args);
    },
    zrange: (key, start, stop, rev) =>
      values<ValueReply[]>(['ZRANGE', key, text(start), text(stop), ...(rev ? ['REV'] : [])]),
    zrangeWithScores: (key, start, stop, rev) =>
      values(['ZRANGE', key, text(start), text(stop), ...(rev ? ['REV'] : []), 'WITHSCORES']).then(toScored),
    zrangebyscore: (key, min, max, limit) =>
      values<ValueReply[]>(['ZRANGE', key, min, max, 'BYSCORE', ...limitArguments(limit)]),
    zrangebyscoreWithScores: (key, min, max, limit) =>
      values(['ZRANGE', key, min, max, 'BYSCORE', ...limitArguments(limit), 'WITHSCORES']).then(toScored),
    zrem: (key, list) => write(['ZREM', key, ...members(list)]),
    zincrby: (key, increment, member) =>
      once<unknown>(['ZINCRBY', key, formatScore(increment), toArgument(member)]).then((s) => toScore(s)!),
    zremrangebyrank: (key, start, stop) => once(['ZREMRANGEBYRANK', key, text(start), text(stop)]),
    zscore: (key, member) => read<unknown>(['ZSCORE', key, toArgument(member)]).then(toScore),
    zcard: (key) => read(['ZCARD', key]),
    zpopmin: (key, count) => once<unknown>(['ZPOPMIN', key, text(count)], { values: true }).then(toScored),
    zpopmax: (key, count) => once<unknown>(['ZPOPMAX', key, text(count)], { values: true }).then(toScored),
  };
}

function limitArguments(limit: { offset: number; count: number } | undefined): string[] {
  return limit === undefined ? [] : ['LIMIT', text(limit.offset), text(limit.count)];
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

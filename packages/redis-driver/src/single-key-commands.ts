import { formatScore, type RawSingleKeyCommands } from '@forno/core';
import { toArgument, toScore, toScored, type ValueReply } from '@forno/core/backend';
import type { RedisClient } from './create-client.js';
import type { DriverContext } from './driver-context.js';
import { type CommandArgument, sendCommand } from './send-command.js';

type Arg = CommandArgument;

const isOk = (reply: unknown): boolean => reply === 'OK';

/**
 * Every command that touches one key, on ioredis. Reads and absolute writes are retried as
 * idempotent; increments, pushes and pops are sent once.
 */
export function singleKeyCommands(ctx: DriverContext): RawSingleKeyCommands {
  const { runner, binary } = ctx;
  /** Sends a command whose reply carries values, as strings or Buffers. */
  const values = (c: RedisClient, name: string, args: readonly Arg[]) =>
    sendCommand(c, name, args, binary ? null : 'utf8');
  /** Sends a command whose reply is an integer. */
  const int = (c: RedisClient, name: string, args: readonly Arg[]) =>
    sendCommand(c, name, args) as Promise<number>;

  return {
    get: (key) => runner.idempotent<ValueReply | null>((c) => (binary ? c.getBuffer(key) : c.get(key))),

    set: (key, value, options) => {
      const arg = toArgument(value);
      const { px, keepTtl, nx, xx } = options;
      if (px === undefined && !keepTtl && !nx && !xx) {
        return runner.idempotent((c) => c.set(key, arg)).then(isOk);
      }
      const args: Arg[] = [key, arg];
      if (px !== undefined) args.push('PX', px);
      if (keepTtl) args.push('KEEPTTL');
      if (nx) args.push('NX');
      if (xx) args.push('XX');
      // A conditional SET is not idempotent: a retry after a lost reply would report `false`.
      const command = (c: RedisClient) => sendCommand(c, 'SET', args);
      return (nx || xx ? runner.once(command) : runner.idempotent(command)).then(isOk);
    },

    exists: (key) => runner.idempotent((c) => c.exists(key)).then((n) => n === 1),
    pexpire: (key, ms) => runner.idempotent((c) => c.pexpire(key, ms)).then((n) => n === 1),
    pttl: (key) => runner.idempotent((c) => c.pttl(key)),
    persist: (key) => runner.idempotent((c) => c.persist(key)).then((n) => n === 1),
    incrby: (key, increment) => runner.once((c) => c.incrby(key, increment)),

    hset: (key, entries) =>
      runner.idempotent((c) => int(c, 'HSET', [key, ...entries.flatMap(([f, v]) => [f, toArgument(v)])])),
    hget: (key, field) =>
      runner.idempotent<ValueReply | null>((c) => (binary ? c.hgetBuffer(key, field) : c.hget(key, field))),
    hgetall: (key) =>
      runner
        .idempotent<Record<string, ValueReply>>((c) => (binary ? c.hgetallBuffer(key) : c.hgetall(key)))
        .then((hash) => Object.entries(hash)),
    hdel: (key, fields) => runner.idempotent((c) => int(c, 'HDEL', [key, ...fields])),
    hincrby: (key, field, increment) => runner.once((c) => c.hincrby(key, field, increment)),
    hexists: (key, field) => runner.idempotent((c) => c.hexists(key, field)).then((n) => n === 1),
    hkeys: (key) => runner.idempotent((c) => c.hkeys(key)),
    hlen: (key) => runner.idempotent((c) => c.hlen(key)),

    lpush: (key, list) => runner.once((c) => int(c, 'LPUSH', [key, ...list.map(toArgument)])),
    rpush: (key, list) => runner.once((c) => int(c, 'RPUSH', [key, ...list.map(toArgument)])),
    lpop: (key) => runner.once<ValueReply | null>((c) => (binary ? c.lpopBuffer(key) : c.lpop(key))),
    rpop: (key) => runner.once<ValueReply | null>((c) => (binary ? c.rpopBuffer(key) : c.rpop(key))),
    lrange: (key, start, stop) =>
      runner.idempotent((c) => values(c, 'LRANGE', [key, start, stop])) as Promise<ValueReply[]>,
    llen: (key) => runner.idempotent((c) => c.llen(key)),
    // Not idempotent: LTRIM k 1 -1 drops one more element each time it runs.
    ltrim: (key, start, stop) => runner.once((c) => c.ltrim(key, start, stop)).then(() => undefined),

    sadd: (key, members) => runner.idempotent((c) => int(c, 'SADD', [key, ...members.map(toArgument)])),
    srem: (key, members) => runner.idempotent((c) => int(c, 'SREM', [key, ...members.map(toArgument)])),
    smembers: (key) => runner.idempotent((c) => values(c, 'SMEMBERS', [key])) as Promise<ValueReply[]>,
    sismember: (key, member) =>
      runner.idempotent((c) => int(c, 'SISMEMBER', [key, toArgument(member)])).then((n) => n === 1),
    scard: (key) => runner.idempotent((c) => c.scard(key)),

    zadd: (key, entries, options) => {
      const flags: string[] = [];
      if (options.nx) flags.push('NX');
      if (options.xx) flags.push('XX');
      if (options.gt) flags.push('GT');
      if (options.lt) flags.push('LT');
      if (options.ch) flags.push('CH');
      const pairs = entries.flatMap(([score, member]) => [formatScore(score), toArgument(member)]);
      return runner.idempotent((c) => int(c, 'ZADD', [key, ...flags, ...pairs]));
    },
    zrange: (key, start, stop, rev) =>
      runner.idempotent((c) =>
        rev ? values(c, 'ZRANGE', [key, start, stop, 'REV']) : values(c, 'ZRANGE', [key, start, stop]),
      ) as Promise<ValueReply[]>,
    zrangeWithScores: (key, start, stop, rev) =>
      runner
        .idempotent((c) =>
          rev
            ? values(c, 'ZRANGE', [key, start, stop, 'REV', 'WITHSCORES'])
            : values(c, 'ZRANGE', [key, start, stop, 'WITHSCORES']),
        )
        .then(toScored),
    zrangebyscore: (key, min, max, limit) =>
      runner.idempotent((c) =>
        limit === undefined
          ? values(c, 'ZRANGE', [key, min, max, 'BYSCORE'])
          : values(c, 'ZRANGE', [key, min, max, 'BYSCORE', 'LIMIT', limit.offset, limit.count]),
      ) as Promise<ValueReply[]>,
    zrangebyscoreWithScores: (key, min, max, limit) =>
      runner
        .idempotent((c) =>
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
    zrem: (key, members) => runner.idempotent((c) => int(c, 'ZREM', [key, ...members.map(toArgument)])),
    zincrby: (key, increment, member) =>
      runner
        .once((c) => c.call('ZINCRBY', key, formatScore(increment), toArgument(member)))
        .then((s) => toScore(s)!),
    zremrangebyrank: (key, start, stop) => runner.once((c) => c.zremrangebyrank(key, start, stop)),
    zscore: (key, member) =>
      runner.idempotent((c) => c.call('ZSCORE', key, toArgument(member))).then(toScore),
    zcard: (key) => runner.idempotent((c) => c.zcard(key)),
    zpopmin: (key, count) => runner.once((c) => values(c, 'ZPOPMIN', [key, count])).then(toScored),
    zpopmax: (key, count) => runner.once((c) => values(c, 'ZPOPMAX', [key, count])).then(toScored),
  };
}

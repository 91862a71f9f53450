import { CacheError, CacheUnavailableError } from '@forno/core';
import type {
  RawHashCommands,
  RawListCommands,
  RawScored,
  RawSetCommands,
  RawSortedSetCommands,
  RawStringCommands,
  RawValue,
} from '@forno/core/backend';
import type { InMemoryContext, SyncCommands } from '../in-memory-context.js';
import { type RedisReply, ReplyError } from './redis-reply.js';

/** The fake's own command groups (replies as bytes) that `redis.call` runs. */
export type ScriptableCommands = SyncCommands<
  RawStringCommands & RawHashCommands & RawListCommands & RawSetCommands & RawSortedSetCommands
>;

/** The arguments of one `redis.call` after its name, with readers that fail as Redis does. */
class Args {
  constructor(
    readonly name: string,
    readonly list: readonly Buffer[],
  ) {}
  get length(): number {
    return this.list.length;
  }
  bytes(i: number): Buffer {
    return this.list[i]!;
  }
  text(i: number): string {
    return this.list[i]!.toString('utf8');
  }
  upper(i: number): string {
    return this.text(i).toUpperCase();
  }
  int(i: number): number {
    const text = this.text(i);
    if (!/^-?\d{1,19}$/.test(text) || !Number.isSafeInteger(Number(text))) {
      throw new ReplyError('ERR value is not an integer or out of range');
    }
    return Number(text);
  }
  float(i: number): number {
    const text = this.text(i).toLowerCase();
    if (text === 'inf' || text === '+inf') return Number.POSITIVE_INFINITY;
    if (text === '-inf') return Number.NEGATIVE_INFINITY;
    const value = text.trim() === text && text !== '' ? Number(text) : Number.NaN;
    if (Number.isNaN(value)) throw new ReplyError('ERR value is not a valid float');
    return value;
  }
  from(i: number): Buffer[] {
    return this.list.slice(i);
  }
  /** At least `min` arguments (and at most `max`), else Redis' arity error. */
  arity(min: number, max = min): this {
    if (this.length < min || this.length > max) this.wrongArity();
    return this;
  }
  wrongArity(): never {
    throw new ReplyError(`ERR wrong number of arguments for '${this.name.toLowerCase()}' command`);
  }
  syntaxError(): never {
    throw new ReplyError('ERR syntax error');
  }
}

type Handler = (c: ScriptableCommands, a: Args, ctx: InMemoryContext) => RedisReply;

const OK: RedisReply = { status: 'OK' };
const int = (value: boolean | number): number => (typeof value === 'boolean' ? (value ? 1 : 0) : value);
const bulk = (value: RawValue | null): Buffer | null =>
  value === null ? null : typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
const bulks = (values: readonly RawValue[]): Buffer[] => values.map((value) => bulk(value)!);
const score = (value: number): Buffer =>
  Buffer.from(Number.isFinite(value) ? String(value) : value > 0 ? 'inf' : '-inf');
const withScores = (entries: readonly RawScored[]): Buffer[] =>
  entries.flatMap(([member, value]) => [bulk(member)!, score(value)]);
const pairs = (list: readonly Buffer[]) => {
  const out: Array<readonly [string, Buffer]> = [];
  for (let i = 0; i < list.length; i += 2) out.push([list[i]!.toString('utf8'), list[i + 1]!]);
  return out;
};
const even = (a: Args, from: number) => {
  if ((a.length - from) % 2 !== 0 || a.length === from) a.wrongArity();
  return a;
};

/** SET key value [NX|XX] [EX s|PX ms|KEEPTTL]. */
function set(c: ScriptableCommands, a: Args): RedisReply {
  a.arity(2, 6);
  const options: { px?: number; nx?: boolean; xx?: boolean; keepTtl?: boolean } = {};
  for (let i = 2; i < a.length; i++) {
    const option = a.upper(i);
    if (option === 'NX') options.nx = true;
    else if (option === 'XX') options.xx = true;
    else if (option === 'KEEPTTL') options.keepTtl = true;
    else if ((option === 'EX' || option === 'PX') && i + 1 < a.length) {
      const amount = a.int(++i);
      if (amount <= 0) throw new ReplyError("ERR invalid expire time in 'set' command");
      options.px = option === 'EX' ? amount * 1000 : amount;
    } else a.syntaxError();
  }
  if (options.nx && options.xx) a.syntaxError();
  return c.set(a.text(0), a.bytes(1), options) ? OK : null;
}

/** ZADD key [NX|XX] [GT|LT] [CH] score member [score member ...]. */
function zadd(c: ScriptableCommands, a: Args): RedisReply {
  const options: { nx?: boolean; xx?: boolean; gt?: boolean; lt?: boolean; ch?: boolean } = {};
  let i = 1;
  for (; i < a.length; i++) {
    const flag = a.text(i).toLowerCase();
    if (flag === 'nx' || flag === 'xx' || flag === 'gt' || flag === 'lt' || flag === 'ch')
      options[flag] = true;
    else break;
  }
  even(a, i);
  const entries: Array<readonly [number, Buffer]> = [];
  for (; i < a.length; i += 2) entries.push([a.float(i), a.bytes(i + 1)]);
  return c.zadd(a.text(0), entries, options);
}

/** ZRANGE/ZREVRANGE key start stop [WITHSCORES]. */
const zrange =
  (rev: boolean): Handler =>
  (c, a) => {
    a.arity(3, 4);
    if (a.length === 4 && a.upper(3) !== 'WITHSCORES') a.syntaxError();
    return a.length === 4
      ? withScores(c.zrangeWithScores(a.text(0), a.int(1), a.int(2), rev))
      : bulks(c.zrange(a.text(0), a.int(1), a.int(2), rev));
  };

/** ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count]. */
function zrangebyscore(c: ScriptableCommands, a: Args): RedisReply {
  a.arity(3, 7);
  let scores = false;
  let limit: { offset: number; count: number } | undefined;
  for (let i = 3; i < a.length; i++) {
    if (a.upper(i) === 'WITHSCORES') scores = true;
    else if (a.upper(i) === 'LIMIT' && i + 2 < a.length) limit = { offset: a.int(++i), count: a.int(++i) };
    else a.syntaxError();
  }
  return scores
    ? withScores(c.zrangebyscoreWithScores(a.text(0), a.text(1), a.text(2), limit))
    : bulks(c.zrangebyscore(a.text(0), a.text(1), a.text(2), limit));
}

const pop =
  (end: 'zpopmin' | 'zpopmax'): Handler =>
  (c, a) => {
    a.arity(1, 2);
    return withScores(c[end](a.text(0), a.length === 2 ? a.int(1) : 1));
  };

const listPop =
  (end: 'lpop' | 'rpop'): Handler =>
  (c, a) =>
    bulk(c[end](a.arity(1).text(0)));

const increment =
  (sign: 1 | -1, by: boolean): Handler =>
  (c, a) =>
    c.incrby(a.arity(by ? 2 : 1).text(0), by ? sign * a.int(1) : sign);

/**
 * The commands a script can call on the fake, by upper-case name: the everyday commands of
 * strings, keys, hashes, lists, sets and sorted sets, `TYPE` and `TIME`. Each runs the fake's own
 * command (same keyspace, types, `WRONGTYPE` and overflow errors). Any other command answers
 * Redis' unknown-command error, naming the fake.
 */
const COMMANDS: Record<string, Handler> = {
  GET: (c, a) => bulk(c.get(a.arity(1).text(0))),
  SET: set,
  MGET: (c, a) => c.mget(a.arity(1, Number.POSITIVE_INFINITY).from(0).map(String)).map(bulk),
  DEL: (c, a) => c.unlink(a.arity(1, Number.POSITIVE_INFINITY).from(0).map(String)),
  UNLINK: (c, a) => c.unlink(a.arity(1, Number.POSITIVE_INFINITY).from(0).map(String)),
  EXISTS: (c, a) =>
    a
      .arity(1, Number.POSITIVE_INFINITY)
      .from(0)
      .reduce((n, key) => n + int(c.exists(String(key))), 0),
  EXPIRE: (c, a) => int(c.pexpire(a.arity(2).text(0), a.int(1) * 1000)),
  PEXPIRE: (c, a) => int(c.pexpire(a.arity(2).text(0), a.int(1))),
  PTTL: (c, a) => c.pttl(a.arity(1).text(0)),
  TTL: (c, a) => {
    const ms = c.pttl(a.arity(1).text(0));
    return ms < 0 ? ms : Math.round(ms / 1000);
  },
  PERSIST: (c, a) => int(c.persist(a.arity(1).text(0))),
  INCR: increment(1, false),
  DECR: increment(-1, false),
  INCRBY: increment(1, true),
  DECRBY: increment(-1, true),
  INCRBYFLOAT: (c, a) => score(c.incrbyfloat(a.arity(2).text(0), a.float(1))),
  GETDEL: (c, a) => bulk(c.getdel(a.arity(1).text(0))),

  HSET: (c, a) => c.hset(a.text(0), pairs(even(a, 1).from(1))),
  HGET: (c, a) => bulk(c.hget(a.arity(2).text(0), a.text(1))),
  HGETALL: (c, a) =>
    c.hgetall(a.arity(1).text(0)).flatMap(([field, value]) => [Buffer.from(field), bulk(value)!]),
  HDEL: (c, a) => c.hdel(a.arity(2, Number.POSITIVE_INFINITY).text(0), a.from(1).map(String)),
  HINCRBY: (c, a) => c.hincrby(a.arity(3).text(0), a.text(1), a.int(2)),
  HINCRBYFLOAT: (c, a) => score(c.hincrbyfloat(a.arity(3).text(0), a.text(1), a.float(2))),
  HEXISTS: (c, a) => int(c.hexists(a.arity(2).text(0), a.text(1))),
  HKEYS: (c, a) => c.hkeys(a.arity(1).text(0)).map((field) => Buffer.from(field)),
  HLEN: (c, a) => c.hlen(a.arity(1).text(0)),

  LPUSH: (c, a) => c.lpush(a.arity(2, Number.POSITIVE_INFINITY).text(0), a.from(1)),
  RPUSH: (c, a) => c.rpush(a.arity(2, Number.POSITIVE_INFINITY).text(0), a.from(1)),
  LPOP: listPop('lpop'),
  RPOP: listPop('rpop'),
  LRANGE: (c, a) => bulks(c.lrange(a.arity(3).text(0), a.int(1), a.int(2))),
  LLEN: (c, a) => c.llen(a.arity(1).text(0)),
  LTRIM: (c, a) => {
    c.ltrim(a.arity(3).text(0), a.int(1), a.int(2));
    return OK;
  },
  LMOVE: (c, a) => {
    a.arity(4);
    const end = (i: number) => {
      const side = a.upper(i);
      if (side !== 'LEFT' && side !== 'RIGHT') a.syntaxError();
      return side === 'LEFT' ? 'left' : 'right';
    };
    return bulk(c.lmove(a.text(0), a.text(1), end(2), end(3)));
  },

  SADD: (c, a) => c.sadd(a.arity(2, Number.POSITIVE_INFINITY).text(0), a.from(1)),
  SREM: (c, a) => c.srem(a.arity(2, Number.POSITIVE_INFINITY).text(0), a.from(1)),
  SMEMBERS: (c, a) => bulks(c.smembers(a.arity(1).text(0))),
  SISMEMBER: (c, a) => int(c.sismember(a.arity(2).text(0), a.bytes(1))),
  SCARD: (c, a) => c.scard(a.arity(1).text(0)),

  ZADD: zadd,
  ZREM: (c, a) => c.zrem(a.arity(2, Number.POSITIVE_INFINITY).text(0), a.from(1)),
  ZSCORE: (c, a) => {
    const value = c.zscore(a.arity(2).text(0), a.bytes(1));
    return value === null ? null : score(value);
  },
  ZCARD: (c, a) => c.zcard(a.arity(1).text(0)),
  ZINCRBY: (c, a) => score(c.zincrby(a.arity(3).text(0), a.float(1), a.bytes(2))),
  ZRANGE: zrange(false),
  ZREVRANGE: zrange(true),
  ZRANGEBYSCORE: zrangebyscore,
  ZPOPMIN: pop('zpopmin'),
  ZPOPMAX: pop('zpopmax'),
  ZRANK: (c, a) => c.zrank(a.arity(2).text(0), a.bytes(1), false),
  ZREVRANK: (c, a) => c.zrank(a.arity(2).text(0), a.bytes(1), true),
  ZCOUNT: (c, a) => c.zcount(a.arity(3).text(0), a.text(1), a.text(2)),
  ZREMRANGEBYRANK: (c, a) => c.zremrangebyrank(a.arity(3).text(0), a.int(1), a.int(2)),

  TYPE: (_c, a, ctx) => ({ status: ctx.store().lookup(a.arity(1).text(0))?.type ?? 'none' }),
  TIME: (_c, a, ctx) => {
    a.arity(0);
    const micros = Math.floor(ctx.store().clock.now() * 1000);
    return [Buffer.from(String(Math.floor(micros / 1e6))), Buffer.from(String(micros % 1e6))];
  },
};

/** The commands `redis.call` can run on the fake (upper-case names), for documentation and tests. */
export const SCRIPTABLE_COMMANDS: readonly string[] = Object.keys(COMMANDS);

/**
 * Runs one `redis.call(name, ...args)` on the fake's commands. An error of the fake (`WRONGTYPE`,
 * not an integer) becomes a `ReplyError` with the message Redis gives; the store being closed
 * stays a `CacheUnavailableError`.
 */
export function dispatchRedisCall(
  commands: ScriptableCommands,
  ctx: InMemoryContext,
  args: readonly Buffer[],
): RedisReply {
  const name = args[0]!.toString('utf8').toUpperCase();
  const handler = COMMANDS[name];
  if (handler === undefined) {
    throw new ReplyError(
      `ERR unknown command '${args[0]!.toString('utf8')}' (the in-memory fake's scripts support ${SCRIPTABLE_COMMANDS.join(', ')})`,
    );
  }
  try {
    return handler(commands, new Args(name, args.slice(1)), ctx);
  } catch (error) {
    if (error instanceof ReplyError || CacheUnavailableError.is(error) || !CacheError.is(error)) throw error;
    throw new ReplyError((error as Error).message);
  }
}

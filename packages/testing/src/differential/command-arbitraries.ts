import fc from 'fast-check';
import { DIFFERENTIAL_PREFIXES, type DifferentialCommand } from './differential-command.js';

/**
 * fast-check arbitraries for differential sequences. Pools are small on purpose, so that steps
 * collide on the same keys, fields, members and tokens; they hold the values where backends
 * disagree in practice (non-ASCII text, glob characters, `-0`, infinities, integers beyond 2^53,
 * values at the edge of the 64-bit range).
 */

const KEYS = [
  'a',
  'b',
  'c',
  'k:1',
  'k:2',
  'é',
  'x*',
  '{t}a',
  '{t}b',
  'app:a',
  'app:x:a',
  'a\ud800',
  'a\udc00',
];
const PATTERNS = ['*', 'k:*', 'k:?', '?', '??', '[a-c]', 'x\\*', 'é', '?*', '[^a]*', '{t}*', 'app:*'];
const FIELDS = ['f', 'g', 'é', '', '__proto__', '1', '\ud800', '\udc00'];
const TOKENS = ['t1', 't2', 'é', '"x"', '1'];
/** Registered semaphore waiters (`AcquireSemaphoreOptions.waiter`); `ch:amy` is amy's own channel of `ch`. */
const WAITERS = ['amy', 'bob'];
const CHANNELS = ['ch', 'news', 'ch:amy'];
const TYPES = ['string', 'hash', 'list', 'set', 'zset'] as const;

/** Values that go through the serializer: strings, numbers, booleans, null, small structures. */
const value = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(
    9_007_199_254_740_991,
    -9_007_199_254_740_991,
    2 ** 63, // JSON "9223372036854776000": beyond the 64-bit range of INCRBY
    -(2 ** 63),
    1e21,
    0.5,
    -0,
  ),
  fc.constantFrom('x', 'y', 'é', '☃', '\u{1F355}', '', '1', 'a b'),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom<unknown>({ a: 1 }, [1, 2], { n: 'é' }),
);

const score = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(0.5, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e21, 5e-324, 0.1),
);

const scoreBound = fc.oneof(
  score,
  fc.constantFrom('-inf', '+inf', '(1', '(0', '(-1', '(INF', '(-inf', '(1e0', '(.5', '(+inf'),
);

const index = fc.integer({ min: -4, max: 4 });
const increment = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(9_007_199_254_740_991, -9_007_199_254_740_991, 2 ** 52),
);
const floatIncrement = fc.constantFrom(1, -2, 0.5, 0.1, -0.25, 1.5);
const listEnd = fc.constantFrom('left', 'right');
// Most steps use two keys of the first repository, so that they build on each other's data.
const key = fc.oneof({ weight: 5, arbitrary: fc.constantFrom('a', 'b') }, fc.constantFrom(...KEYS));
const keys = fc.uniqueArray(key, { minLength: 1, maxLength: 3 }).chain((unique) =>
  // Sometimes repeat a key: commands must count it once.
  fc.boolean().map((repeat) => (repeat ? [...unique, unique[0]!] : unique)),
);
const field = fc.oneof({ weight: 3, arbitrary: fc.constant('f') }, fc.constantFrom(...FIELDS));
const token = fc.constantFrom(...TOKENS);
const repo = fc.oneof(
  { weight: 3, arbitrary: fc.constant(0) },
  fc.integer({ min: 0, max: DIFFERENTIAL_PREFIXES.length - 1 }),
);
const values = fc.array(value, { minLength: 1, maxLength: 3 });

/** Long TTLs never expire during a sequence; they differ by minutes, far beyond the TTL tolerance. */
const longTtl = fc.constantFrom<number | string>('1m', '5m', 600_000, '1h', '1d', 1_800_000);
/** A short TTL, in ms: the step settles (lets time pass) for longer, so it has expired on both sides. */
const shortTtl = fc.integer({ min: 1, max: 15 });
/** How much longer than a short TTL a step settles: covers timer granularity on either side. */
export const SETTLE_MARGIN_MS = 10;

type Ttl = { ttl: number | string; settle?: number };
const ttl: fc.Arbitrary<Ttl> = fc.oneof(
  { weight: 4, arbitrary: longTtl.map((t) => ({ ttl: t })) },
  { weight: 1, arbitrary: shortTtl.map((t) => ({ ttl: t, settle: t + SETTLE_MARGIN_MS })) },
);

const cmd = (op: string, args: fc.Arbitrary<unknown[]>) =>
  fc.tuple(repo, args).map(([r, a]): DifferentialCommand => ({ r, op, args: a }));
/** A step with a TTL argument, placed by `build`; a short TTL makes the step settle. */
const withTtl = <A>(op: string, args: fc.Arbitrary<A>, build: (a: A, ttl: number | string) => unknown[]) =>
  fc.tuple(repo, args, ttl).map(([r, a, t]): DifferentialCommand => {
    const full = build(a, t.ttl);
    return t.settle === undefined ? { r, op, args: full } : { r, op, args: full, settle: t.settle };
  });
const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const setOptions = fc.record(
  { nx: fc.constant(true), xx: fc.constant(true), keepTtl: fc.constant(true) },
  { requiredKeys: [] },
);
const zaddOptions = fc.record(
  {
    nx: fc.constant(true),
    xx: fc.constant(true),
    gt: fc.constant(true),
    lt: fc.constant(true),
    ch: fc.boolean(),
  },
  { requiredKeys: [] },
);
const scanOptions = opt(
  fc.record({ type: fc.constantFrom(...TYPES), count: fc.constantFrom(1, 2, 10) }, { requiredKeys: [] }),
);
const entries = fc.array(fc.tuple(field, value), { minLength: 1, maxLength: 3 });
const scored = fc.array(fc.record({ member: value, score }), { minLength: 1, maxLength: 3 });

const strings = [
  cmd('get', fc.tuple(key)),
  cmd('set', fc.tuple(key, value, opt(setOptions))),
  withTtl('set', fc.tuple(key, value, fc.constantFrom({}, { nx: true }, { xx: true })), ([k, v, o], t) => [
    k,
    v,
    { ...o, ttl: t },
  ]),
  cmd(
    'mget',
    keys.map((k) => [k]),
  ),
  cmd('mset', fc.tuple(fc.array(fc.tuple(key, value), { minLength: 1, maxLength: 3 }))),
  withTtl('mset', fc.array(fc.tuple(key, value), { minLength: 1, maxLength: 2 }), (e, t) => [e, { ttl: t }]),
  cmd(
    'delete',
    keys.map((k) => [k]),
  ),
  cmd('deletePattern', fc.tuple(fc.constantFrom(...PATTERNS), scanOptions)),
  cmd('scan', fc.tuple(fc.constantFrom(...PATTERNS), scanOptions)),
  cmd('exists', fc.tuple(key)),
  withTtl('expire', key, (k, t) => [k, t]),
  cmd('ttl', fc.tuple(key)),
  cmd('persist', fc.tuple(key)),
  cmd('incrby', fc.tuple(key, increment)),
  cmd('getdel', fc.tuple(key)),
  withTtl('getex', key, (k, t) => [k, { ttl: t }]),
  cmd(
    'getex',
    key.map((k) => [k, { persist: true }]),
  ),
  cmd('incrbyfloat', fc.tuple(key, floatIncrement)),
];

const hashes = [
  cmd('hset', fc.tuple(key, entries)),
  cmd('hget', fc.tuple(key, field)),
  cmd('hgetall', fc.tuple(key)),
  cmd(
    'hdel',
    fc.tuple(key, field, opt(field)).map(([k, ...f]) => [k, ...f.filter((x) => x !== undefined)]),
  ),
  cmd('hincrby', fc.tuple(key, field, increment)),
  cmd('hexists', fc.tuple(key, field)),
  cmd('hkeys', fc.tuple(key)),
  cmd('hlen', fc.tuple(key)),
  cmd('hincrbyfloat', fc.tuple(key, field, floatIncrement)),
];

const lists = [
  cmd(
    'lpush',
    fc.tuple(key, values).map(([k, v]) => [k, ...v]),
  ),
  cmd(
    'rpush',
    fc.tuple(key, values).map(([k, v]) => [k, ...v]),
  ),
  cmd('lpop', fc.tuple(key)),
  cmd('rpop', fc.tuple(key)),
  cmd('lrange', fc.tuple(key, index, index)),
  cmd('llen', fc.tuple(key)),
  cmd('ltrim', fc.tuple(key, index, index)),
  cmd('lmove', fc.tuple(key, key, listEnd, listEnd)),
];

const sets = [
  cmd(
    'sadd',
    fc.tuple(key, values).map(([k, v]) => [k, ...v]),
  ),
  cmd(
    'srem',
    fc.tuple(key, values).map(([k, v]) => [k, ...v]),
  ),
  cmd('smembers', fc.tuple(key)),
  cmd('sismember', fc.tuple(key, value)),
  cmd('scard', fc.tuple(key)),
  cmd(
    'sinter',
    keys.map((k) => [k]),
  ),
  cmd(
    'sunion',
    keys.map((k) => [k]),
  ),
  cmd(
    'sdiff',
    keys.map((k) => [k]),
  ),
  cmd('sinterstore', fc.tuple(key, keys)),
  cmd('sunionstore', fc.tuple(key, keys)),
];

const sortedSets = [
  cmd('zadd', fc.tuple(key, scored, opt(zaddOptions))),
  cmd('zrange', fc.tuple(key, index, index, opt(fc.record({ rev: fc.boolean(), withScores: fc.boolean() })))),
  cmd('zrevrange', fc.tuple(key, index, index, opt(fc.record({ withScores: fc.boolean() })))),
  cmd(
    'zrangebyscore',
    fc.tuple(
      key,
      scoreBound,
      scoreBound,
      opt(
        fc.record(
          {
            withScores: fc.boolean(),
            offset: fc.integer({ min: 0, max: 2 }),
            count: fc.integer({ min: -1, max: 2 }),
          },
          { requiredKeys: [] },
        ),
      ),
    ),
  ),
  cmd(
    'zrem',
    fc.tuple(key, values).map(([k, v]) => [k, ...v]),
  ),
  cmd('zincrby', fc.tuple(key, score, value)),
  cmd('zremrangebyrank', fc.tuple(key, index, index)),
  cmd('zscore', fc.tuple(key, value)),
  cmd('zcard', fc.tuple(key)),
  cmd('zpopmin', fc.tuple(key, fc.integer({ min: 1, max: 3 }))),
  cmd('zpopmax', fc.tuple(key, fc.integer({ min: 1, max: 3 }))),
  cmd('zrank', fc.tuple(key, value)),
  cmd('zrevrank', fc.tuple(key, value)),
  cmd('zcount', fc.tuple(key, scoreBound, scoreBound)),
];

const lockPrimitives = [
  withTtl('setIfAbsent', fc.tuple(key, token, fc.boolean()), ([k, t, fencing], ms) =>
    fencing ? [k, t, ms, { fencing: true }] : [k, t, ms],
  ),
  cmd('compareAndDelete', fc.tuple(key, token, opt(fc.record({ notify: fc.constantFrom(...CHANNELS) })))),
  withTtl('compareAndExpire', fc.tuple(key, token), ([k, t], ms) => [k, t, ms]),
  withTtl(
    'acquireSemaphore',
    fc.tuple(
      key,
      token,
      fc.integer({ min: 1, max: 2 }),
      fc.boolean(),
      fc.option(fc.constantFrom(...WAITERS)),
    ),
    ([k, t, n, claimHandoff, waiter], ms) =>
      claimHandoff || waiter !== null
        ? [k, t, n, ms, { claimHandoff, ...(waiter === null ? {} : { waiter }) }]
        : [k, t, n, ms],
  ),
  cmd(
    'releaseSemaphore',
    fc.tuple(
      key,
      token,
      opt(
        fc.record(
          { notify: fc.constantFrom(...CHANNELS), handoff: fc.integer({ min: 1, max: 50 }) },
          { requiredKeys: ['notify'] },
        ),
      ),
    ),
  ),
  withTtl('extendSemaphore', fc.tuple(key, token), ([k, t], ms) => [k, t, ms]),
  cmd('publish', fc.tuple(fc.constantFrom(...CHANNELS), fc.constantFrom('m', 'é'))),
  cmd('subscribe', fc.tuple(fc.constantFrom(...CHANNELS))),
  cmd('unsubscribe', fc.tuple(fc.nat({ max: 3 }))),
  cmd('advance', fc.tuple(fc.integer({ min: 1, max: 20 }))),
];

/** Any one step: every data structure, expiry, patterns, lock primitives and pub/sub. */
export const differentialCommand: fc.Arbitrary<DifferentialCommand> = fc.oneof(
  ...strings,
  ...hashes,
  ...lists,
  ...sets,
  ...sortedSets,
  ...lockPrimitives,
);

/** A sequence of up to `maxLength` steps. */
export function differentialSequence(maxLength = 40): fc.Arbitrary<DifferentialCommand[]> {
  return fc.array(differentialCommand, { minLength: 1, maxLength });
}

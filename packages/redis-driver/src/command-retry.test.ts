import { type CacheRepository, defineScript } from '@forno/core';
import { type Command, Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisRepository } from './redis-repository.js';

/**
 * The command runner's split, checked without a server: a real ioredis client whose `sendCommand`
 * fails the first send of every command as a dropped connection would, then answers. A command
 * that may be repeated must be retried (and succeed); one that must not (`incrby`, pushes, pops,
 * conditional sets, lock acquisition) must be sent exactly once and fail typed, since the lost
 * attempt may have been applied.
 */
const REPLIES: Record<string, unknown> = {
  GET: null,
  MGET: [null],
  PTTL: -2,
  HGET: null,
  HGETALL: [],
  HKEYS: [],
  LRANGE: [],
  SMEMBERS: [],
  SINTER: [],
  ZRANGE: [],
  ZSCORE: null,
  EVALSHA: 0,
};

let clients: Redis[] = [];
afterEach(() => {
  for (const client of clients) client.disconnect();
  clients = [];
});

/** A repository over a client whose first send of each command is lost; `sent` counts sends. */
function flakyRepository() {
  const client = new Redis({ lazyConnect: true, enableAutoPipelining: false });
  clients.push(client);
  const sent = new Map<string, number>();
  client.sendCommand = ((command: Command) => {
    const name = command.name.toUpperCase();
    const count = (sent.get(name) ?? 0) + 1;
    sent.set(name, count);
    if (count === 1) command.reject(new Error('Connection is closed.'));
    else (command.resolve as (value: unknown) => void)(name in REPLIES ? REPLIES[name] : 1);
    return command.promise;
  }) as never;
  const repo = new RedisRepository(client, { keyPrefix: 'app:', commandTimeout: '10s' });
  return { repo, sends: () => [...sent.values()].reduce((a, b) => a + b, 0) };
}

type Operation = (repo: CacheRepository) => Promise<unknown>;

const script = (flags: { readOnly?: boolean; idempotent?: boolean }) =>
  defineScript({ keys: ['k'], source: "return redis.call('INCR', KEYS[1])", ...flags });
const PLAIN_SCRIPT = script({});
const READ_ONLY_SCRIPT = script({ readOnly: true });
const IDEMPOTENT_SCRIPT = script({ idempotent: true });

const SENT_ONCE: Record<string, Operation> = {
  incrby: (r) => r.incrby('counter', 1),
  hincrby: (r) => r.hincrby('h', 'f', 1),
  lpush: (r) => r.lpush('l', 1),
  rpush: (r) => r.rpush('l', 1),
  lpop: (r) => r.lpop('l'),
  rpop: (r) => r.rpop('l'),
  ltrim: (r) => r.ltrim('l', 1, -1),
  zincrby: (r) => r.zincrby('z', 1, 'm'),
  zremrangebyrank: (r) => r.zremrangebyrank('z', 0, 0),
  zpopmin: (r) => r.zpopmin('z'),
  zpopmax: (r) => r.zpopmax('z'),
  'set with nx': (r) => r.set('k', 1, { nx: true }),
  'set with xx': (r) => r.set('k', 1, { xx: true }),
  setIfAbsent: (r) => r.setIfAbsent('lock', 'token', '10s'),
  compareAndExpire: (r) => r.compareAndExpire('lock', 'token', '10s'),
  acquireSemaphore: (r) => r.acquireSemaphore('sem', 'token', 2, '10s'),
  extendSemaphore: (r) => r.extendSemaphore('sem', 'token', '10s'),
  publish: (r) => r.publish('news', 'm'),
  xadd: (r) => r.xadd('s', { n: 1 }),
  xreadgroup: (r) => r.xreadgroup('s', 'g', 'c'),
  xautoclaim: (r) => r.xautoclaim('s', 'g', 'c', 1000),
  'a script': (r) => PLAIN_SCRIPT.run(r, { k: 'k' }, {}),
};

const RETRIED: Record<string, Operation> = {
  get: (r) => r.get('k'),
  set: (r) => r.set('k', 1),
  'set with ttl': (r) => r.set('k', 1, { ttl: '1m' }),
  mget: (r) => r.mget(['k']),
  mset: (r) => r.mset({ k: 1 }),
  delete: (r) => r.delete('k'),
  exists: (r) => r.exists('k'),
  expire: (r) => r.expire('k', '1m'),
  ttl: (r) => r.ttl('k'),
  persist: (r) => r.persist('k'),
  hset: (r) => r.hset('h', 'f', 1),
  hget: (r) => r.hget('h', 'f'),
  hgetall: (r) => r.hgetall('h'),
  hdel: (r) => r.hdel('h', 'f'),
  hexists: (r) => r.hexists('h', 'f'),
  hkeys: (r) => r.hkeys('h'),
  hlen: (r) => r.hlen('h'),
  lrange: (r) => r.lrange('l', 0, -1),
  llen: (r) => r.llen('l'),
  sadd: (r) => r.sadd('s', 'm'),
  srem: (r) => r.srem('s', 'm'),
  smembers: (r) => r.smembers('s'),
  sismember: (r) => r.sismember('s', 'm'),
  scard: (r) => r.scard('s'),
  sinter: (r) => r.sinter(['s', 't']),
  zadd: (r) => r.zadd('z', { member: 'm', score: 1 }),
  zrange: (r) => r.zrange('z', 0, -1),
  zrangebyscore: (r) => r.zrangebyscore('z', '-inf', '+inf'),
  zrem: (r) => r.zrem('z', 'm'),
  zscore: (r) => r.zscore('z', 'm'),
  zcard: (r) => r.zcard('z'),
  compareAndDelete: (r) => r.compareAndDelete('lock', 'token'),
  releaseSemaphore: (r) => r.releaseSemaphore('sem', 'token'),
  xlen: (r) => r.xlen('s'),
  xack: (r) => r.xack('s', 'g', '1-0'),
  'a readOnly script': (r) => READ_ONLY_SCRIPT.run(r, { k: 'k' }, {}),
  'an idempotent script': (r) => IDEMPOTENT_SCRIPT.run(r, { k: 'k' }, {}),
};

describe('the command runner sends each command once or retries it, as its semantics allow', () => {
  it('never repeats a command whose repetition would change the outcome', async () => {
    const outcomes = await Promise.all(
      Object.entries(SENT_ONCE).map(async ([name, run]) => {
        const { repo, sends } = flakyRepository();
        const error = await run(repo).then(
          () => undefined,
          (e: unknown) => e,
        );
        return { name, sends: sends(), code: (error as { code?: string } | undefined)?.code };
      }),
    );
    expect(outcomes).toEqual(
      Object.keys(SENT_ONCE).map((name) => ({ name, sends: 1, code: 'E_CACHE_UNAVAILABLE' })),
    );
  });

  it('retries a command that is safe to repeat after a lost connection, and succeeds', async () => {
    const outcomes = await Promise.all(
      Object.entries(RETRIED).map(async ([name, run]) => {
        const { repo, sends } = flakyRepository();
        const error = await run(repo).then(
          () => undefined,
          (e: unknown) => String(e),
        );
        return { name, sends: sends(), error };
      }),
    );
    expect(outcomes).toEqual(Object.keys(RETRIED).map((name) => ({ name, sends: 2, error: undefined })));
  });
});

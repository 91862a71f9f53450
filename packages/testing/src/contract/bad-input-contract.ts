import { describe, expect, it } from 'vitest';
import { type ContractContext, type ContractRepository, collect } from './contract-context.js';

type Call = (repo: ContractRepository) => Promise<unknown>;

/** `'\ud800'`: a lone UTF-16 surrogate, which UTF-8 cannot carry (Redis would store U+FFFD). */
const BAD_KEYS: unknown[] = ['', undefined, null, 42, {}, ['k'], '\ud800', 'k\udc00'];
const BAD_TTLS: unknown[] = [Number.NaN, Number.POSITIVE_INFINITY, -1, 0, '', '10 minutes', '-5s', {}, null];

/** Every key-taking operation, called with `key` in the key position. */
const KEY_OPERATIONS: Record<string, (key: never) => Call> = {
  get: (key) => (r) => r.get(key),
  set: (key) => (r) => r.set(key, 1),
  mget: (key) => (r) => r.mget([key]),
  mset: (key) => (r) => r.mset([[key, 1]]),
  delete: (key) => (r) => r.delete('valid', key),
  exists: (key) => (r) => r.exists(key),
  expire: (key) => (r) => r.expire(key, 1_000),
  ttl: (key) => (r) => r.ttl(key),
  persist: (key) => (r) => r.persist(key),
  incrby: (key) => (r) => r.incrby(key, 1),
  hset: (key) => (r) => r.hset(key, 'f', 1),
  hget: (key) => (r) => r.hget(key, 'f'),
  hgetall: (key) => (r) => r.hgetall(key),
  hdel: (key) => (r) => r.hdel(key, 'f'),
  hincrby: (key) => (r) => r.hincrby(key, 'f', 1),
  lpush: (key) => (r) => r.lpush(key, 1),
  lrange: (key) => (r) => r.lrange(key, 0, -1),
  sadd: (key) => (r) => r.sadd(key, 1),
  sinter: (key) => (r) => r.sinter([key]),
  sunionstore: (key) => (r) => r.sunionstore(key, ['x']),
  zadd: (key) => (r) => r.zadd(key, { member: 1, score: 1 }),
  zrange: (key) => (r) => r.zrange(key, 0, -1),
  zincrby: (key) => (r) => r.zincrby(key, 1, 'm'),
  zpopmin: (key) => (r) => r.zpopmin(key),
  setIfAbsent: (key) => (r) => r.setIfAbsent(key, 'token', 1_000),
  compareAndDelete: (key) => (r) => r.compareAndDelete(key, 'token'),
};

/** Bad input gets a typed error naming the problem, on every backend, before anything is sent. */
export function badInputContract(ctx: ContractContext): void {
  describe('invalid keys are rejected with E_INVALID_ARGUMENT', () => {
    for (const [operation, call] of Object.entries(KEY_OPERATIONS)) {
      it(`${operation}`, async () => {
        for (const key of BAD_KEYS) {
          await expect(
            call(key as never)(ctx.repo()),
            `${operation}(${JSON.stringify(key)})`,
          ).rejects.toMatchObject({
            code: 'E_INVALID_ARGUMENT',
          });
        }
      });
    }
  });

  it('invalid TTLs are rejected by set, mset, expire and the lock primitives', async () => {
    const repo = ctx.repo();
    for (const ttl of BAD_TTLS) {
      const label = `ttl ${String(ttl)}`;
      await expect(repo.set('k', 1, { ttl: ttl as never }), label).rejects.toMatchObject({
        code: 'E_INVALID_ARGUMENT',
        argument: 'options.ttl',
      });
      await expect(repo.mset({ k: 1 }, { ttl: ttl as never }), label).rejects.toMatchObject({
        code: 'E_INVALID_ARGUMENT',
      });
      await expect(repo.expire('k', ttl as never), label).rejects.toMatchObject({
        code: 'E_INVALID_ARGUMENT',
      });
      await expect(repo.setIfAbsent('k', 't', ttl as never), label).rejects.toMatchObject({
        code: 'E_INVALID_ARGUMENT',
      });
      await expect(repo.compareAndExpire('k', 't', ttl as never), label).rejects.toMatchObject({
        code: 'E_INVALID_ARGUMENT',
      });
    }
    expect(await repo.exists('k')).toBe(false);
  });

  it('unknown and contradictory options are rejected', async () => {
    const repo = ctx.repo();
    const invalid = { code: 'E_INVALID_ARGUMENT' };
    await expect(repo.set('k', 1, { tll: '1h' } as never)).rejects.toMatchObject({ argument: 'options.tll' });
    await expect(repo.set('k', 1, { nx: true, xx: true })).rejects.toMatchObject(invalid);
    await expect(repo.set('k', 1, { ttl: '1h', keepTtl: true })).rejects.toMatchObject(invalid);
    await expect(repo.set('k', 1, { nx: 'yes' } as never)).rejects.toMatchObject(invalid);
    await expect(repo.zadd('z', { member: 1, score: 1 }, { nx: true, gt: true })).rejects.toMatchObject(
      invalid,
    );
    await expect(repo.zadd('z', { member: 1, score: 1 }, { gt: true, lt: true })).rejects.toMatchObject(
      invalid,
    );
    await expect(repo.zrange('z', 0, -1, { reverse: true } as never)).rejects.toMatchObject(invalid);
    await expect(collect(repo.scan('*', { count: 0 }))).rejects.toMatchObject(invalid);
    await expect(collect(repo.scan('*', { type: 'vectorset' as never }))).rejects.toMatchObject(invalid);
    await expect(collect(repo.scan(''))).rejects.toMatchObject(invalid);
    await expect(repo.deletePattern('')).rejects.toMatchObject(invalid);
    await expect(repo.set('k', 1, 'ttl' as never)).rejects.toMatchObject(invalid);
    expect(await repo.exists('k')).toBe(false);
  });

  it('invalid numbers, ranges, scores and empty variadic writes are rejected', async () => {
    const repo = ctx.repo();
    const invalid = { code: 'E_INVALID_ARGUMENT' };
    await expect(repo.incrby('n', 1.5)).rejects.toMatchObject(invalid);
    await expect(repo.incrby('n', Number.NaN)).rejects.toMatchObject(invalid);
    await expect(repo.hincrby('h', 'f', Number.POSITIVE_INFINITY)).rejects.toMatchObject(invalid);
    await expect(repo.lrange('l', 0.5, 1)).rejects.toMatchObject(invalid);
    await expect(repo.zrange('z', 0, Number.NaN)).rejects.toMatchObject(invalid);
    await expect(repo.zadd('z', { member: 'm', score: Number.NaN })).rejects.toMatchObject(invalid);
    await expect(repo.zadd('z', [])).rejects.toMatchObject(invalid);
    await expect(repo.zincrby('z', Number.NaN, 'm')).rejects.toMatchObject(invalid);
    await expect(repo.zrangebyscore('z', 'low' as never, 5)).rejects.toMatchObject(invalid);
    await expect(repo.zrangebyscore('z', 0, 5, { offset: -1 })).rejects.toMatchObject(invalid);
    await expect(repo.zpopmin('z', 0)).rejects.toMatchObject(invalid);
    await expect(repo.sadd('s')).rejects.toMatchObject(invalid);
    await expect(repo.lpush('l')).rejects.toMatchObject(invalid);
    await expect(repo.hset('h', {})).rejects.toMatchObject(invalid);
    await expect(repo.hdel('h')).rejects.toMatchObject(invalid);
    await expect(repo.sinter([])).rejects.toMatchObject(invalid);
    await expect(repo.setIfAbsent('lock', '', 1_000)).rejects.toMatchObject(invalid);
    for (const waiter of ['', 'a:b', 'a b', 'x'.repeat(65), 7]) {
      await expect(repo.setIfAbsent('lock', 't', 1_000, { waiter } as never)).rejects.toMatchObject({
        ...invalid,
        argument: 'options.waiter',
      });
      await expect(repo.acquireSemaphore('lock', 't', 1, 1_000, { waiter } as never)).rejects.toMatchObject({
        ...invalid,
        argument: 'options.waiter',
      });
    }
    await expect(repo.publish('', 'm')).rejects.toMatchObject(invalid);
    expect(await repo.exists('n')).toBe(false);
    expect(await repo.exists('lock')).toBe(false);
  });

  it('lone UTF-16 surrogates are refused wherever a string is sent as it is', async () => {
    const repo = ctx.repo();
    const invalid = { code: 'E_INVALID_ARGUMENT' };
    await expect(repo.hset('h', 'f\ud800', 1)).rejects.toMatchObject({ ...invalid, argument: 'field' });
    await expect(repo.hget('h', '\udc00')).rejects.toMatchObject(invalid);
    await expect(repo.hdel('h', '\udc00')).rejects.toMatchObject(invalid);
    await expect(repo.setIfAbsent('lock', 't\ud800', 1_000)).rejects.toMatchObject(invalid);
    await expect(repo.publish('chan\ud800', 'm')).rejects.toMatchObject(invalid);
    await expect(repo.publish('chan', 'm\ud800')).rejects.toMatchObject(invalid);
    await expect(repo.deletePattern('k\ud800*')).rejects.toMatchObject(invalid);
    await expect(collect(repo.scan('k\ud800*'))).rejects.toMatchObject(invalid);
    expect(await repo.exists('h')).toBe(false);
  });

  it('a value with a lone surrogate comes back exactly or is refused, never as U+FFFD', async () => {
    const repo = ctx.repo();
    for (const value of ['a\ud800b', { note: 'x\udc00' }, ['\ud83d']]) {
      try {
        await repo.set('s', value);
      } catch (error) {
        expect(error).toMatchObject({ code: 'E_SERIALIZATION', key: 's' });
        continue;
      }
      expect(await repo.get('s')).toEqual(value);
    }
  });

  it('values the serializer cannot represent fail with E_SERIALIZATION naming the key', async () => {
    const repo = ctx.repo();
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;
    const serialization = { code: 'E_SERIALIZATION' };
    await expect(repo.set('bad', undefined)).rejects.toMatchObject({ ...serialization, key: 'bad' });
    await expect(repo.set('bad', circular)).rejects.toMatchObject({ ...serialization, key: 'bad' });
    await expect(repo.set('bad', () => 1)).rejects.toMatchObject(serialization);
    await expect(repo.set('bad', Symbol('s'))).rejects.toMatchObject(serialization);
    await expect(repo.hset('bad', { ok: 1, broken: circular })).rejects.toMatchObject(serialization);
    await expect(repo.sadd('bad', 1, undefined)).rejects.toMatchObject(serialization);
    await expect(repo.mset({ good: 1, bad: undefined })).rejects.toMatchObject(serialization);
    expect(await repo.exists('bad')).toBe(false);
    expect(await repo.exists('good')).toBe(false);
  });
}

import type { ScoreBound } from '@forno/core';
import { describe, expect, it } from 'vitest';
import { InMemoryCacheRepository } from './in-memory-cache-repository.js';

// Each case is a divergence between the fake and a real redis-server that the differential suite
// (`@forno/testing/differential`) found; the shrunk sequences are in DIFFERENTIAL_REGRESSIONS and
// run against Redis in @forno/redis-driver. These pin the fake's side without a server.
describe('InMemoryCacheRepository answers as Redis does', () => {
  it('stores a non-ASCII lock token as its UTF-8 bytes, like any other string', async () => {
    const fake = new InMemoryCacheRepository();
    expect(await fake.setIfAbsent('lock', '"é"', '1m')).toEqual({ acquired: true, fencingToken: null });
    expect(await fake.get('lock')).toBe('é');
    await fake.set('other', 'é');
    expect(await fake.compareAndExpire('other', '"é"', '1h')).toBe(true);
    expect(await fake.compareAndDelete('other', '"é"')).toBe(true);
    expect(await fake.exists('other')).toBe(false);
  });

  it('stores a score of -0 as 0, as a score sent as text arrives on Redis', async () => {
    const fake = new InMemoryCacheRepository();
    await fake.zadd('board', { member: 'm', score: -0 });
    expect(Object.is(await fake.zscore('board', 'm'), 0)).toBe(true);
    expect(await fake.zrange('board', 0, -1, { withScores: true })).toStrictEqual([
      { member: 'm', score: 0 },
    ]);
  });

  it('a semaphore key holding a foreign member scored 1e21 fails and answers as the Lua script does', async () => {
    const fake = new InMemoryCacheRepository();
    await fake.zadd('sem', { member: 'foreign', score: 1e21 });
    expect(await fake.acquireSemaphore('sem', 't1', 1, '1m')).toEqual({
      acquired: false,
      holders: 1,
      retryAfter: -(2 ** 63),
    });
    await expect(fake.acquireSemaphore('sem', 't1', 2, '1m')).rejects.toMatchObject({ code: 'E_COMMAND' });
    expect(await fake.zcard('sem')).toBe(2);
  });

  it('refuses keys, fields and channels with lone surrogates, which Redis would merge as U+FFFD', async () => {
    const fake = new InMemoryCacheRepository();
    const invalid = { code: 'E_INVALID_ARGUMENT' };
    await expect(fake.set('a\ud800', 1)).rejects.toMatchObject(invalid);
    await expect(fake.hset('h', '\ud800', 1)).rejects.toMatchObject(invalid);
    await expect(fake.subscribe('ch\ud800', () => {})).rejects.toMatchObject(invalid);
    await expect(fake.publish('ch\udfff', 'm')).rejects.toMatchObject(invalid);
    expect(await fake.exists('h')).toBe(false);
  });

  it('reads exclusive score bounds in any case, as strtod does', async () => {
    const fake = new InMemoryCacheRepository();
    await fake.zadd('z', [
      { member: 'a', score: 1 },
      { member: 'b', score: Number.POSITIVE_INFINITY },
    ]);
    expect(await fake.zrangebyscore('z', '-inf', '(INF' as ScoreBound)).toEqual(['a']);
    expect(await fake.zrangebyscore('z', '(-Inf' as ScoreBound, '+inf')).toEqual(['a', 'b']);
  });
});

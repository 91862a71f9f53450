import { defineScript, InvalidArgumentError, WrongTypeError } from '@forno/core';
import { expect, it } from 'vitest';
import { type ContractContext, collect, sortedCopy } from './contract-context.js';

/**
 * The everyday commands added after the first release (`getdel`, `getex`, float increments, ranks,
 * counts, lex ranges, `lmove`) and the `hscan`/`sscan`/`zscan` iterators. Two-key commands use the
 * `{k}` hash tag, so they also run on Cluster.
 */
export function everydayCommandsContract(ctx: ContractContext): void {
  it('getdel returns the value and deletes the key; getex reads and sets or removes the TTL', async () => {
    const repo = ctx.repo();
    const v = ctx.value;
    await repo.set('token', v({ user: 'c1' }));
    expect(await repo.getdel('token')).toEqual(v({ user: 'c1' }));
    expect(await repo.exists('token')).toBe(false);
    expect(await repo.getdel('token')).toBeNull();

    await repo.set('session', v('s'));
    expect(await repo.getex('session', { ttl: '1h' })).toEqual(v('s'));
    const ttl = await repo.ttl('session');
    expect(ttl).toBeGreaterThan(3_590_000);
    expect(ttl).toBeLessThanOrEqual(3_600_000);
    expect(await repo.getex('session', { persist: true })).toEqual(v('s'));
    expect(await repo.ttl('session')).toBe(-1);
    expect(await repo.getex('missing', { ttl: '1h' })).toBeNull();
    await expect(repo.getex('session', {} as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    await repo.hset('hash', 'f', v(1));
    await expect(repo.getdel('hash')).rejects.toBeInstanceOf(WrongTypeError);
  });

  it('incrbyfloat and hincrbyfloat add decimals as Redis prints them', async () => {
    const repo = ctx.repo();
    expect(await repo.incrbyfloat('price', 10.5)).toBe(10.5);
    expect(await repo.incrbyfloat('price', 0.1)).toBe(10.6);
    expect(await repo.incrbyfloat('price', -0.6)).toBe(10);
    expect(await repo.incrbyfloat('sum', 0.1)).toBe(0.1);
    expect(await repo.incrbyfloat('sum', 0.2)).toBe(0.3);
    expect(await repo.hincrbyfloat('order:1', 'total', 8.5)).toBe(8.5);
    expect(await repo.hincrbyfloat('order:1', 'total', 1.25)).toBe(9.75);
    await expect(repo.incrbyfloat('price', Number.NaN)).rejects.toBeInstanceOf(InvalidArgumentError);
    await repo.hset('order:1', 'note', ctx.value('extra cheese'));
    await expect(repo.hincrbyfloat('order:1', 'note', 1)).rejects.toMatchObject({ code: 'E_COMMAND' });
  });

  it('incrbyfloat adds in long double and stores the sum as Redis prints it', async () => {
    const repo = ctx.repo();
    // The stored text, read as it is (no serializer) through a script.
    const readText = defineScript({
      name: 'readText',
      keys: ['key'],
      source: "return redis.call('GET', KEYS[1])",
      readOnly: true,
    });
    await repo.incrby('big', 9_007_199_254_740_991);
    await repo.incrbyfloat('big', 0.1);
    expect(await repo.runScript(readText, { key: 'big' })).toBe('9007199254740991.10009765625');
    await repo.incrbyfloat('precise', 123456789.12345679);
    await repo.incrbyfloat('precise', 1e-10);
    expect(await repo.runScript(readText, { key: 'precise' })).toBe('123456789.12345679010468302');
    await repo.incrbyfloat('tiny', 1e-20);
    expect(await repo.runScript(readText, { key: 'tiny' })).toBe('0');
  });

  it('zrank, zrevrank and zcount', async () => {
    const repo = ctx.repo();
    const v = ctx.value;
    await repo.zadd('board', [
      { member: v('a'), score: 1 },
      { member: v('b'), score: 2 },
      { member: v('c'), score: 3 },
    ]);
    expect(await repo.zrank('board', v('a'))).toBe(0);
    expect(await repo.zrevrank('board', v('a'))).toBe(2);
    expect(await repo.zrank('board', v('z'))).toBeNull();
    expect(await repo.zrank('missing', v('a'))).toBeNull();
    expect(await repo.zcount('board', 2, '+inf')).toBe(2);
    expect(await repo.zcount('board', '(1', '(3')).toBe(1);
    expect(await repo.zcount('missing', '-inf', '+inf')).toBe(0);
  });

  it('zrangebylex selects members of equal score by their stored bytes', async () => {
    const repo = ctx.repo();
    const names = ['alfredo', 'margherita', 'marinara', 'quattro'];
    await repo.zadd(
      'names',
      names.map((name) => ({ member: ctx.value(name), score: 0 })),
    );
    // Prefix ranges over serialized bytes only make sense for serializers that keep text as text;
    // '-'/'+' and the members themselves as bounds work for any serializer.
    const all = await repo.zrangebylex('names', '-', '+');
    expect(sortedCopy(all)).toEqual(sortedCopy(ctx.values(names)));
    const first = all[0];
    const last = all[all.length - 1];
    expect(await repo.zrangebylex('names', { value: first, exclusive: true }, '+')).toEqual(all.slice(1));
    expect(await repo.zrangebylex('names', '-', { value: last })).toEqual(all);
    expect(await repo.zrangebylex('names', '-', '+', { offset: 1, count: 2 })).toEqual(all.slice(1, 3));
    expect(await repo.zrangebylex('names', '+', '-')).toEqual([]);
    await expect(repo.zrangebylex('names', 'a' as never, '+')).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('lmove moves an element between lists atomically; null from an empty list', async () => {
    const repo = ctx.repo();
    const v = ctx.value;
    await repo.rpush('{k}:pending', v('o1'), v('o2'));
    expect(await repo.lmove('{k}:pending', '{k}:processing', 'left', 'right')).toEqual(v('o1'));
    expect(await repo.lmove('{k}:pending', '{k}:processing', 'left', 'left')).toEqual(v('o2'));
    expect(await repo.lrange('{k}:processing', 0, -1)).toEqual(ctx.values(['o2', 'o1']));
    expect(await repo.exists('{k}:pending')).toBe(false);
    expect(await repo.lmove('{k}:pending', '{k}:processing', 'left', 'right')).toBeNull();
    expect(await repo.lmove('{k}:processing', '{k}:processing', 'right', 'left')).toEqual(v('o1'));
    expect(await repo.lrange('{k}:processing', 0, -1)).toEqual(ctx.values(['o1', 'o2']));
    await repo.set('{k}:string', v('s'));
    await expect(repo.lmove('{k}:processing', '{k}:string', 'left', 'right')).rejects.toBeInstanceOf(
      WrongTypeError,
    );
    expect(await repo.llen('{k}:processing')).toBe(2);
    // As Redis: a missing source answers null before the destination's type is looked at.
    expect(await repo.lmove('{k}:none', '{k}:string', 'left', 'right')).toBeNull();
    await expect(repo.lmove('{k}:a', '{k}:b', 'up' as never, 'left')).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
  });

  it('hscan, sscan and zscan iterate every entry, page by page', async () => {
    const repo = ctx.repo();
    const fields = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}`, i]));
    await repo.hset('h', ctx.fields(fields));
    const pairs = await collect(repo.hscan('h', { count: 7 }));
    expect(Object.fromEntries(pairs)).toEqual(ctx.fields(fields));
    const matched = await collect(repo.hscan('h', { match: 'f1*' }));
    expect(matched.map(([field]) => field).sort()).toEqual([
      'f1',
      ...Array.from({ length: 10 }, (_, i) => `f1${i}`),
    ]);

    const members = Array.from({ length: 25 }, (_, i) => `m${i}`);
    await repo.sadd('s', ...ctx.values(members));
    expect(
      sortedCopy([...new Set((await collect(repo.sscan('s', { count: 5 }))).map((m) => JSON.stringify(m)))]),
    ).toEqual(sortedCopy(ctx.values(members).map((m) => JSON.stringify(m))));
    await repo.zadd(
      'z',
      members.map((member, i) => ({ member: ctx.value(member), score: i })),
    );
    const scored = await collect(repo.zscan('z', { count: 5 }));
    expect(scored.length).toBeGreaterThanOrEqual(25);
    expect(new Map(scored.map(({ member, score }) => [JSON.stringify(member), score]))).toEqual(
      new Map(members.map((member, i) => [JSON.stringify(ctx.value(member)), i])),
    );
    expect(await collect(repo.zscan('missing'))).toEqual([]);
    await expect(collect(repo.sscan('h'))).rejects.toBeInstanceOf(WrongTypeError);
  });
}

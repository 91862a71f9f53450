import { expect, it } from 'vitest';
import type { ContractContext } from './contract-context.js';

/** Commands on a key of another data type fail with E_WRONG_TYPE and change nothing. */
export function wrongTypeContract(ctx: ContractContext): void {
  it('each command family rejects keys of another type', async () => {
    const repo = ctx.repo();
    const v = ctx.value;
    await repo.set('{w}:string', v('text'));
    await repo.hset('{w}:hash', 'f', v(1));
    await repo.rpush('{w}:list', v(1));
    await repo.sadd('{w}:set', v(1));
    await repo.zadd('{w}:zset', { member: v(1), score: 1 });
    const wrongType = { code: 'E_WRONG_TYPE' };
    await expect(repo.get('{w}:hash')).rejects.toMatchObject(wrongType);
    await expect(repo.incrby('{w}:list')).rejects.toMatchObject(wrongType);
    await expect(repo.hget('{w}:string', 'f')).rejects.toMatchObject(wrongType);
    await expect(repo.hset('{w}:list', 'f', v(1))).rejects.toMatchObject(wrongType);
    await expect(repo.hgetall('{w}:zset')).rejects.toMatchObject(wrongType);
    await expect(repo.lpush('{w}:set', v(1))).rejects.toMatchObject(wrongType);
    await expect(repo.lrange('{w}:hash', 0, -1)).rejects.toMatchObject(wrongType);
    await expect(repo.sadd('{w}:list', v(1))).rejects.toMatchObject(wrongType);
    await expect(repo.smembers('{w}:string')).rejects.toMatchObject(wrongType);
    await expect(repo.sinter(['{w}:set', '{w}:zset'])).rejects.toMatchObject(wrongType);
    await expect(repo.zadd('{w}:string', { member: v(1), score: 1 })).rejects.toMatchObject(wrongType);
    await expect(repo.zrange('{w}:set', 0, -1)).rejects.toMatchObject(wrongType);
    await expect(repo.zincrby('{w}:hash', 1, v('m'))).rejects.toMatchObject(wrongType);
    expect(await repo.get('{w}:string')).toEqual(v('text'));
    expect(await repo.hgetall('{w}:hash')).toEqual({ f: v(1) });
    expect(await repo.smembers('{w}:set')).toEqual([v(1)]);
  });

  it('set replaces a key of any type', async () => {
    const repo = ctx.repo();
    await repo.sadd('k', ctx.value(1));
    expect(await repo.set('k', ctx.value('now a string'))).toBe(true);
    expect(await repo.get('k')).toEqual(ctx.value('now a string'));
  });
}

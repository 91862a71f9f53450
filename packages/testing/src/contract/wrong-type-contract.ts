import { expect, it } from 'vitest';
import type { ContractContext } from './contract-context.js';

/** Commands on a key of another data type fail with E_WRONG_TYPE and change nothing. */
export function wrongTypeContract(ctx: ContractContext): void {
  it('each command family rejects keys of another type', async () => {
    const repo = ctx.repo();
    await repo.set('{w}:string', 'text');
    await repo.hset('{w}:hash', 'f', 1);
    await repo.rpush('{w}:list', 1);
    await repo.sadd('{w}:set', 1);
    await repo.zadd('{w}:zset', { member: 1, score: 1 });
    const wrongType = { code: 'E_WRONG_TYPE' };
    await expect(repo.get('{w}:hash')).rejects.toMatchObject(wrongType);
    await expect(repo.incrby('{w}:list')).rejects.toMatchObject(wrongType);
    await expect(repo.hget('{w}:string', 'f')).rejects.toMatchObject(wrongType);
    await expect(repo.hset('{w}:list', 'f', 1)).rejects.toMatchObject(wrongType);
    await expect(repo.hgetall('{w}:zset')).rejects.toMatchObject(wrongType);
    await expect(repo.lpush('{w}:set', 1)).rejects.toMatchObject(wrongType);
    await expect(repo.lrange('{w}:hash', 0, -1)).rejects.toMatchObject(wrongType);
    await expect(repo.sadd('{w}:list', 1)).rejects.toMatchObject(wrongType);
    await expect(repo.smembers('{w}:string')).rejects.toMatchObject(wrongType);
    await expect(repo.sinter(['{w}:set', '{w}:zset'])).rejects.toMatchObject(wrongType);
    await expect(repo.zadd('{w}:string', { member: 1, score: 1 })).rejects.toMatchObject(wrongType);
    await expect(repo.zrange('{w}:set', 0, -1)).rejects.toMatchObject(wrongType);
    await expect(repo.zincrby('{w}:hash', 1, 'm')).rejects.toMatchObject(wrongType);
    expect(await repo.get('{w}:string')).toBe('text');
    expect(await repo.hgetall('{w}:hash')).toEqual({ f: 1 });
    expect(await repo.smembers('{w}:set')).toEqual([1]);
  });

  it('set replaces a key of any type', async () => {
    const repo = ctx.repo();
    await repo.sadd('k', 1);
    expect(await repo.set('k', 'now a string')).toBe(true);
    expect(await repo.get('k')).toBe('now a string');
  });
}

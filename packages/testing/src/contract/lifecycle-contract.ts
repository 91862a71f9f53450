import { expect, it } from 'vitest';
import type { ContractContext } from './contract-context.js';

/** Connection lifecycle and the flush guard. */
export function lifecycleContract(ctx: ContractContext): void {
  it('a connected repository is ready and answers ping with a latency', async () => {
    const repo = ctx.repo();
    expect(repo.status).toBe('ready');
    const latency = await repo.ping();
    expect(latency).toBeGreaterThanOrEqual(0);
    expect(latency).toBeLessThan(5_000);
  });

  it('flushdb is refused unless explicitly allowed', async () => {
    const repo = ctx.repo();
    await repo.set('precious', ctx.value(1));
    await expect(repo.flushdb()).rejects.toMatchObject({ code: 'E_FORBIDDEN_OPERATION' });
    expect(await repo.get('precious')).toEqual(ctx.value(1));
  });

  it('after disconnect, operations fail fast with E_CACHE_UNAVAILABLE; connect restores them', async () => {
    const repo = await ctx.createSibling(`${ctx.prefix()}lifecycle:`);
    await repo.set('k', ctx.value(1));
    await repo.disconnect();
    expect(repo.status).toBe('closed');
    await expect(repo.get('k')).rejects.toMatchObject({ code: 'E_CACHE_UNAVAILABLE' });
    await repo.disconnect();
    await repo.connect();
    expect(await repo.get('k')).toEqual(ctx.value(1));
  });

  it('disconnect is graceful: operations called before it complete, auto-pipelined or not', async () => {
    const repo = await ctx.createSibling(`${ctx.prefix()}graceful:`);
    const operations: Promise<unknown>[] = [];
    for (let i = 0; i < 50; i++) operations.push(repo.set(`k${i}`, ctx.value(i)));
    for (let i = 0; i < 50; i++) operations.push(repo.get(`k${i}`));
    await repo.disconnect();
    const rejected = (await Promise.allSettled(operations)).filter((result) => result.status === 'rejected');
    expect(rejected).toEqual([]);
    await repo.connect();
    expect(await repo.mget(Array.from({ length: 50 }, (_, i) => `k${i}`))).toEqual(
      ctx.values(Array.from({ length: 50 }, (_, i) => i)),
    );
  });

  it('keyPrefix and serializer are exposed', async () => {
    const repo = ctx.repo();
    expect(repo.keyPrefix).toBe(ctx.prefix());
    expect(repo.serializer.name).toBe(ctx.serializer.create().name);
    expect(repo.serializer.deserialize(repo.serializer.serialize(ctx.value('x')))).toEqual(ctx.value('x'));
  });
}

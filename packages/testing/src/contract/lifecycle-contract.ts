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
    await repo.set('precious', 1);
    await expect(repo.flushdb()).rejects.toMatchObject({ code: 'E_FORBIDDEN_OPERATION' });
    expect(await repo.get('precious')).toBe(1);
  });

  it('after disconnect, operations fail fast with E_CACHE_UNAVAILABLE; connect restores them', async () => {
    const repo = await ctx.createSibling(`${ctx.prefix()}lifecycle:`);
    await repo.set('k', 1);
    await repo.disconnect();
    expect(repo.status).toBe('closed');
    await expect(repo.get('k')).rejects.toMatchObject({ code: 'E_CACHE_UNAVAILABLE' });
    await repo.disconnect();
    await repo.connect();
    expect(await repo.get('k')).toBe(1);
  });

  it('keyPrefix and serializer are exposed', async () => {
    const repo = ctx.repo();
    expect(repo.keyPrefix).toBe(ctx.prefix());
    // Every serializer Forno ships (raw included) round-trips a string; raw may read it as bytes.
    const decoded = repo.serializer.deserialize(repo.serializer.serialize('margherita'));
    expect(Buffer.isBuffer(decoded) ? decoded.toString('utf8') : decoded).toBe('margherita');
  });
}

import { CacheEntityRepository } from '@forno/core';
import { expect, it } from 'vitest';
import { type ContractContext, collect } from './contract-context.js';

interface Order {
  id: string;
  status: 'pending' | 'processing' | 'done';
  items: string[];
}

/** The Neuroglia `Repository<TEntity, TKey>` stored on the backend. */
export function entityContract(ctx: ContractContext): void {
  const orders = () => new CacheEntityRepository<Order>(ctx.repo(), { entityName: 'order', batchSize: 3 });

  if (ctx.serializer.values !== 'structured') {
    it('entities need a structured serializer: a raw one refuses them and stores nothing', async () => {
      const order: Order = { id: 'o1', status: 'pending', items: [] };
      await expect(orders().add(order)).rejects.toMatchObject({ code: 'E_SERIALIZATION' });
      expect(await orders().contains('o1')).toBe(false);
    });
    return;
  }

  it('add, get, contains, update and remove follow Repository semantics', async () => {
    const repo = orders();
    const order: Order = { id: 'o1', status: 'pending', items: ['margherita'] };
    expect(await repo.contains('o1')).toBe(false);
    expect(await repo.add(order)).toEqual(order);
    expect(await ctx.repo().exists('order:o1')).toBe(true);
    await expect(repo.add(order)).rejects.toMatchObject({ code: 'E_ENTITY_EXISTS' });
    expect(await repo.get('o1')).toEqual(order);
    expect(await repo.contains('o1')).toBe(true);
    await repo.update({ ...order, status: 'processing' });
    expect((await repo.get('o1'))?.status).toBe('processing');
    await expect(repo.update({ ...order, id: 'o2' })).rejects.toMatchObject({ code: 'E_ENTITY_NOT_FOUND' });
    expect(await repo.remove('o1')).toBe(true);
    expect(await repo.remove('o1')).toBe(false);
    expect(await repo.get('o1')).toBeNull();
  });

  it('find streams entities matching an id pattern across batches', async () => {
    const repo = orders();
    for (let i = 0; i < 10; i++) await repo.add({ id: `2026-${i}`, status: 'pending', items: [] });
    await repo.add({ id: 'archived-1', status: 'done', items: [] });
    await ctx.repo().set('customer.1', { id: 'not an order' });
    // Like SCAN, find() may yield an entity twice while the server rehashes: compare distinct ids.
    const ids = async (pattern?: string) =>
      [...new Set((await collect(repo.find(pattern))).map((o) => o.id))].sort();
    expect(await ids()).toHaveLength(11);
    expect(await ids('2026-*')).toEqual(Array.from({ length: 10 }, (_, i) => `2026-${i}`));
  });

  it('entity names that extend one another do not collide (order and order.refund)', async () => {
    const repo = orders();
    const refunds = new CacheEntityRepository<Order>(ctx.repo(), { entityName: 'order.refund' });
    await refunds.add({ id: '1', status: 'done', items: [] });
    await repo.add({ id: '1', status: 'pending', items: [] });
    expect(await repo.get('refund.1')).toBeNull();
    expect(await repo.contains('refund.1')).toBe(false);
    expect((await collect(repo.find())).map((order) => order.status)).toEqual(['pending']);
    expect((await collect(refunds.find())).map((order) => order.status)).toEqual(['done']);
    expect(await repo.remove('refund.1')).toBe(false);
    expect(await refunds.get('1')).toMatchObject({ status: 'done' });
  });

  it('entities can expire with a ttl', async () => {
    const repo = new CacheEntityRepository<Order>(ctx.repo(), { entityName: 'cart', ttl: 150 });
    await repo.add({ id: 'c1', status: 'pending', items: [] });
    await ctx.advanceTime(300);
    expect(await repo.get('c1')).toBeNull();
  });

  it('invalid configuration and ids are rejected', async () => {
    expect(() => new CacheEntityRepository(ctx.repo(), { entityName: '' })).toThrow(
      expect.objectContaining({ code: 'E_INVALID_CONFIG' }),
    );
    // The separator of the key layout `<entityName>:<id>`: a name holding it could collide.
    expect(() => new CacheEntityRepository(ctx.repo(), { entityName: 'order:refund' })).toThrow(
      expect.objectContaining({ code: 'E_INVALID_CONFIG', argument: 'options.entityName' }),
    );
    expect(() => new CacheEntityRepository(ctx.repo(), { entityName: 'order', batchSize: 0 })).toThrow(
      expect.objectContaining({ code: 'E_INVALID_CONFIG', argument: 'options.batchSize' }),
    );
    expect(() => new CacheEntityRepository(ctx.repo(), { entityName: 'order', ttl: -1 })).toThrow(
      expect.objectContaining({ code: 'E_INVALID_CONFIG', argument: 'options.ttl' }),
    );
    expect(
      () => new CacheEntityRepository(ctx.repo(), { entityName: 'order', entity: 'x' } as never),
    ).toThrow(expect.objectContaining({ code: 'E_INVALID_CONFIG', argument: 'options.entity' }));
    await expect(orders().get('')).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    await expect(orders().add(null as never)).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
  });
}

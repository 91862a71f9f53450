import { CrossSlotError, InvalidArgumentError, TransactionConflictError, WrongTypeError } from '@forno/core';
import { expect, it } from 'vitest';
import type { ContractContext } from './contract-context.js';

/**
 * `transaction` and `watch`, as the kitchen uses them to move an order from the queue to a station
 * in one step. Keys share the `{k}` hash tag, so every test also runs on Cluster.
 */
export function transactionContract(ctx: ContractContext): void {
  it('transaction runs the queued commands atomically and returns their typed results', async () => {
    const repo = ctx.repo();
    const order = ctx.value({ id: 'o1', pizza: 'margherita' });
    await repo.zadd('{k}:queue', [{ member: order, score: 2 }]);
    const [removed, added, field, count] = await repo.transaction((tx) => [
      tx.zrem('{k}:queue', order),
      tx.hset('{k}:processing', 'o1', order),
      tx.hget('{k}:processing', 'o1'),
      tx.incrby('{k}:taken'),
    ]);
    expect([removed, added, field, count]).toEqual([1, 1, order, 1]);
    expect(await repo.zcard('{k}:queue')).toBe(0);
    expect(await repo.hgetall('{k}:processing')).toEqual({ o1: order });
  });

  it('a build that returns nothing gets every queued result in order; queued promises settle too', async () => {
    const repo = ctx.repo();
    let pushed: Promise<number> | undefined;
    const results = await repo.transaction((tx) => {
      tx.set('{k}:a', ctx.value('x'));
      pushed = tx.rpush('{k}:list', ctx.value(1), ctx.value(2));
      tx.lrange('{k}:list', 0, -1);
      tx.delete('{k}:missing');
    });
    expect(results).toEqual([true, 2, ctx.values([1, 2]), 0]);
    expect(await pushed).toBe(2);
    expect(await repo.get('{k}:a')).toEqual(ctx.value('x'));
  });

  it('bad input rejects the whole transaction before anything is sent', async () => {
    const repo = ctx.repo();
    await expect(
      repo.transaction((tx) => [tx.set('{k}:a', ctx.value(1)), tx.expire('{k}:a', Number.NaN)]),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(await repo.exists('{k}:a')).toBe(false);
    await expect(repo.transaction((async () => {}) as never)).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('a command failing inside EXEC rejects with its error, and Redis applies the others', async () => {
    const repo = ctx.repo();
    await repo.set('{k}:string', ctx.value('s'));
    await expect(
      repo.transaction((tx) => [tx.set('{k}:a', ctx.value(1)), tx.lpush('{k}:string', ctx.value(2))]),
    ).rejects.toBeInstanceOf(WrongTypeError);
    expect(await repo.get('{k}:a')).toEqual(ctx.value(1));
  });

  it('watch: the transaction runs when no watched key changed, and is discarded when one did', async () => {
    const repo = ctx.repo();
    await repo.set('{k}:stock', ctx.value(5));
    const applied = await repo.watch(['{k}:stock'], async (scope) => {
      expect(await repo.get('{k}:stock')).toEqual(ctx.value(5));
      return scope.transaction((tx) => [tx.set('{k}:stock', ctx.value(4)), tx.get('{k}:stock')]);
    });
    expect(applied).toEqual([true, ctx.value(4)]);

    const other = await ctx.createSibling(ctx.prefix());
    await expect(
      repo.watch(['{k}:stock'], async (scope) => {
        await other.set('{k}:stock', ctx.value(0)); // another client changes it in between
        return scope.transaction((tx) => [tx.set('{k}:stock', ctx.value(3)), tx.incrby('{k}:sold')]);
      }),
    ).rejects.toBeInstanceOf(TransactionConflictError);
    expect(await repo.get('{k}:stock')).toEqual(ctx.value(0));
    expect(await repo.exists('{k}:sold')).toBe(false);
  });

  it('watch: a deletion of a watched key is a change too; a watch releases its connection', async () => {
    const repo = ctx.repo();
    await repo.set('{k}:lease', ctx.value('station-1'));
    const conflict = repo.watch(['{k}:lease'], async (scope) => {
      await repo.delete('{k}:lease');
      return scope.transaction((tx) => [tx.set('{k}:lease', ctx.value('station-2'))]);
    });
    await expect(conflict).rejects.toMatchObject({ code: 'E_TRANSACTION_CONFLICT' });
    for (let i = 0; i < 3; i++) {
      expect(await repo.watch(['{k}:lease'], async () => i)).toBe(i);
    }
    expect(await repo.exists('{k}:lease')).toBe(false);
  });

  it('on Cluster, a transaction whose keys span hash slots is refused before anything is sent', async () => {
    const repo = ctx.repo();
    const build = (tx: Parameters<Parameters<typeof repo.transaction>[0]>[0]) => [
      tx.set('{a}:x', ctx.value(1)),
      tx.set('{b}:y', ctx.value(2)),
    ];
    if (!ctx.cluster) {
      expect(await repo.transaction(build)).toEqual([true, true]);
      return;
    }
    await expect(repo.transaction(build)).rejects.toBeInstanceOf(CrossSlotError);
    expect(await repo.mget(['{a}:x', '{b}:y'])).toEqual([null, null]);
  });
}

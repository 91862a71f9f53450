import { InvalidArgumentError, UnsupportedCommandError, WrongTypeError } from '@forno/core';
import { expect, it } from 'vitest';
import type { ContractContext } from './contract-context.js';

const HOUR = 3_600_000;

/**
 * Hash-field TTLs (`hexpire`, `httl`, `hexpiretime`, `hpersist`; Redis 7.4+): fields expire on
 * their own, the hash with its last field, `hset` clears a field's TTL and `hincrby` keeps it. On a
 * backend without them (`ctx.hashFieldTtl` false: Redis before 7.4), every command rejects with
 * `UnsupportedCommandError` — and bad input is still refused before anything is sent.
 */
export function hashFieldTtlContract(ctx: ContractContext): void {
  it('bad input is refused before anything is sent', async () => {
    const repo = ctx.repo();
    await expect(repo.hexpire('cart', [], '1h')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(repo.hexpire('cart', 'item' as never, '1h')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(repo.hexpire('cart', ['item'], 0)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(repo.hexpire('cart', ['item'], Number.NaN)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(repo.hexpire('cart', ['item'], -5)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(repo.httl('cart', [42 as never])).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(repo.hexpiretime('', ['item'])).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(repo.hpersist('cart', [])).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  if (!ctx.hashFieldTtl) {
    it('each command rejects with UnsupportedCommandError (E_UNSUPPORTED_COMMAND), nothing applied', async () => {
      const repo = ctx.repo();
      await repo.hset('cart', { item: ctx.value('margherita') });
      for (const call of [
        () => repo.hexpire('cart', ['item'], '1h'),
        () => repo.httl('cart', ['item']),
        () => repo.hexpiretime('cart', ['item']),
        () => repo.hpersist('cart', ['item']),
      ]) {
        const error = await call().catch((caught: unknown) => caught);
        expect(UnsupportedCommandError.is(error)).toBe(true);
        expect((error as UnsupportedCommandError).code).toBe('E_UNSUPPORTED_COMMAND');
      }
      expect(await repo.ttl('cart')).toBe(-1);
      expect(await repo.hgetall('cart')).toEqual({ item: ctx.value('margherita') });
    });
    return;
  }

  it('hexpire gives fields a TTL that httl, hexpiretime and hpersist read and remove', async () => {
    const repo = ctx.repo();
    const v = ctx.value;
    await repo.hset('cart', { item: v('margherita'), note: v('no basil'), total: v(9) });
    expect(await repo.hexpire('cart', ['item', 'missing'], '1h')).toEqual([true, false]);
    expect(await repo.hexpire('cart', ['note'], '2h')).toEqual([true]);

    const [item, total, missing] = await repo.httl('cart', ['item', 'total', 'missing']);
    expect(item).toBeGreaterThan(HOUR - 10_000);
    expect(item).toBeLessThanOrEqual(HOUR);
    expect([total, missing]).toEqual([-1, -2]);
    expect(await repo.httl('no-such-hash', ['item'])).toEqual([-2]);

    const [itemAt, noteAt, totalAt] = await repo.hexpiretime('cart', ['item', 'note', 'total']);
    expect(itemAt).toBeGreaterThan(HOUR); // a Unix time in ms, not a remaining time
    expect((noteAt ?? 0) - (itemAt ?? 0)).toBeGreaterThan(HOUR - 10_000);
    expect((noteAt ?? 0) - (itemAt ?? 0)).toBeLessThanOrEqual(HOUR + 10_000);
    expect(totalAt).toBe(-1);

    expect(await repo.hpersist('cart', ['item', 'total', 'missing'])).toEqual([true, false, false]);
    expect(await repo.httl('cart', ['item', 'note'])).toEqual([-1, expect.any(Number)]);
    expect(await repo.ttl('cart')).toBe(-1); // the key itself never had a TTL
    expect(await repo.hexpire('no-such-hash', ['item'], '1h')).toEqual([false]);
  });

  it('an expired field is gone from every read, and the hash goes with its last field', async () => {
    const repo = ctx.repo();
    const v = ctx.value;
    await repo.hset('session', { token: v('t-1'), user: v('c1') });
    await repo.hset('flash', { message: v('saved') });
    expect(await repo.hexpire('session', ['token'], 150)).toEqual([true]);
    expect(await repo.hexpire('flash', ['message'], 150)).toEqual([true]);
    expect(await repo.hget('session', 'token')).toEqual(v('t-1'));

    await ctx.advanceTime(400);
    expect(await repo.hget('session', 'token')).toBeNull();
    expect(await repo.hexists('session', 'token')).toBe(false);
    expect(await repo.hgetall('session')).toEqual({ user: v('c1') });
    expect(await repo.hkeys('session')).toEqual(['user']);
    expect(await repo.hlen('session')).toBe(1);
    expect(await repo.httl('session', ['token', 'user'])).toEqual([-2, -1]);
    expect(await repo.exists('flash')).toBe(false);
    expect(await repo.hgetall('flash')).toEqual({});
  });

  it('hset clears a field TTL, hincrby keeps it; a wrong type is refused', async () => {
    const repo = ctx.repo();
    await repo.hset('stock', 'dough', ctx.value('fresh'));
    await repo.hincrby('stock', 'count', 3);
    await repo.hexpire('stock', ['dough', 'count'], '1h');
    await repo.hset('stock', 'dough', ctx.value('frozen'));
    await repo.hincrby('stock', 'count', 2);
    const [dough, count] = await repo.httl('stock', ['dough', 'count']);
    expect(dough).toBe(-1);
    expect(count).toBeGreaterThan(0);

    await repo.set('plain', ctx.value('text'));
    await expect(repo.hexpire('plain', ['f'], '1h')).rejects.toBeInstanceOf(WrongTypeError);
    await expect(repo.httl('plain', ['f'])).rejects.toBeInstanceOf(WrongTypeError);
  });
}

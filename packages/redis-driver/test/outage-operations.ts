/**
 * Test-only: the mix of operations the outage tests run through a `ResilientCacheRepository` on
 * `OperationLoad` of `@forno/testing/faults`: 60% reads of a menu that is never written during the
 * load (so the fallback mirror always has it), 40% writes.
 */
import type { ResilientCacheRepository } from '@forno/resilience';
import { answered, type OpOutcome, type PlannedOperation } from '@forno/testing/faults';

/** Keys the load reads; they are never written during the load, so the mirror always has them. */
export const MENU_KEYS = Array.from({ length: 20 }, (_, i) => `menu:${i}`);
/** Fields of the `menu:index` hash the load reads. */
export const MENU_FIELDS = Array.from({ length: 10 }, (_, i) => `f${i}`);

/** Writes the menu and reads every key once, so the fallback mirror holds them all. */
export async function warmUp(repo: ResilientCacheRepository): Promise<void> {
  await repo.mset(MENU_KEYS.map((key, i) => [key, { id: key, name: `Pizza ${i}`, price: 8 + i }] as const));
  await repo.hset('menu:index', Object.fromEntries(MENU_FIELDS.map((f, i) => [f, MENU_KEYS[i]])));
  for (const key of MENU_KEYS) await repo.get(key);
  for (const field of MENU_FIELDS) await repo.hget('menu:index', field);
  await repo.hgetall('menu:index');
}

/** The `next` of an `OperationLoad`: the `n`-th operation of the mix, drawn from `random`. */
export function outageOperations(
  repo: ResilientCacheRepository,
): (n: number, random: () => number) => PlannedOperation {
  return (n, random) => {
    const roll = random();
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
    const read = (operation: string, fn: () => Promise<unknown>): PlannedOperation => ({
      kind: 'read',
      operation,
      run: async (): Promise<OpOutcome> => (await repo.withSource(fn)).source,
    });
    const write = (operation: string, fn: () => Promise<unknown>): PlannedOperation => ({
      kind: 'write',
      operation,
      run: () => answered(fn()),
    });
    if (roll < 0.35) return read('get', () => repo.get(pick(MENU_KEYS)));
    if (roll < 0.45) return read('mget', () => repo.mget([pick(MENU_KEYS), pick(MENU_KEYS)]));
    if (roll < 0.55) return read('hget', () => repo.hget('menu:index', pick(MENU_FIELDS)));
    if (roll < 0.6) return read('hgetall', () => repo.hgetall('menu:index'));
    if (roll < 0.75)
      return write('set', () => repo.set(`order:${n % 200}`, { n, at: Date.now() }, { ttl: '1m' }));
    if (roll < 0.85) return write('hset', () => repo.hset(`cart:${n % 50}`, { items: n }));
    if (roll < 0.95) return write('incrby', () => repo.incrby('stats:orders'));
    return write('delete', () => repo.delete(`order:${(n + 100) % 200}`));
  };
}

import { describe, expect, it } from 'vitest';
import { InMemoryCacheRepository } from './in-memory-cache-repository.js';
import { InMemoryEntityRepository } from './in-memory-entity-repository.js';

interface Pizza {
  name: string;
  price: number;
}

describe('InMemoryEntityRepository', () => {
  it('stores entities by a custom id in its own cache', async () => {
    const pizzas = new InMemoryEntityRepository<Pizza>({ entityName: 'pizza', getId: (pizza) => pizza.name });
    await pizzas.add({ name: 'margherita', price: 12.99 });
    await pizzas.add({ name: 'diavola', price: 14.5 });
    expect(await pizzas.get('margherita')).toEqual({ name: 'margherita', price: 12.99 });
    expect(await pizzas.cache.get('pizza:diavola')).toEqual({ name: 'diavola', price: 14.5 });
    const names: string[] = [];
    for await (const pizza of pizzas.find()) names.push(pizza.name);
    expect(names.sort()).toEqual(['diavola', 'margherita']);
  });

  it('can share a cache (and its prefix) with other services, with numeric ids', async () => {
    const cache = new InMemoryCacheRepository({ keyPrefix: 'mario_pizzeria:' });
    const tables = new InMemoryEntityRepository<{ id: number; seats: number }, number>({
      entityName: 'table',
      cache,
    });
    await tables.add({ id: 7, seats: 4 });
    expect(await cache.exists('table:7')).toBe(true);
    expect(await tables.contains(7)).toBe(true);
    expect(await tables.remove(7)).toBe(true);
  });
});

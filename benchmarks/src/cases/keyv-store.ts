import { FornoKeyvStore } from '@forno/keyv';
import { RedisRepository } from '@forno/redis-driver';
import { JsonSerializer, RawSerializer } from '@forno/serialization';
import KeyvRedis from '@keyv/redis';
import { createCache } from 'cache-manager';
import Keyv from 'keyv';
import { type CaseResult, compare, withConcurrency } from '../harness/compare.js';
import { MENU_ITEM } from './fixtures.js';

const KEYS = 1_000;

/**
 * cache-manager 7 over Keyv, the same calls on both sides: over Forno's `FornoKeyvStore`
 * (RedisRepository, ioredis) against over `@keyv/redis` (node-redis). Half `set`, half `wrap` of
 * keys written earlier (hits), on 1,000 keys — distinct keys, so cache-manager's coalescing of
 * concurrent `wrap`s of one key does not hide the store. Three Forno configurations: Keyv's JSON
 * text through Forno's JSON serializer (encoded twice), through the raw serializer (the bytes
 * `@keyv/redis` writes), and Keyv's serializer off with Forno's JSON encoding the entry once.
 */
export async function keyvStoreCases(port: number, quick: boolean): Promise<CaseResult[]> {
  const repositories = [
    new RedisRepository({ port, keyPrefix: 'kv-json:', healthCheckInterval: false }),
    new RedisRepository({
      port,
      keyPrefix: 'kv-raw:',
      serializer: new RawSerializer(),
      healthCheckInterval: false,
    }),
    new RedisRepository({
      port,
      keyPrefix: 'kv-forno:',
      serializer: new JsonSerializer(),
      healthCheckInterval: false,
    }),
  ] as const;
  await Promise.all(repositories.map((repository) => repository.connect()));
  const [json, raw, forno] = repositories;
  const fornoKeyv = new Keyv({ store: new FornoKeyvStore(forno) });
  fornoKeyv.serialize = undefined;
  fornoKeyv.deserialize = undefined;
  const caches = {
    'cache-manager + @keyv/redis': createCache({
      stores: [new Keyv({ store: new KeyvRedis(`redis://127.0.0.1:${port}`) })],
    }),
    'cache-manager + FornoKeyvStore (Keyv text, JSON repository)': createCache({
      stores: [new Keyv({ store: new FornoKeyvStore(json) })],
    }),
    'cache-manager + FornoKeyvStore (Keyv text, raw repository)': createCache({
      stores: [new Keyv({ store: new FornoKeyvStore(raw) })],
    }),
    'cache-manager + FornoKeyvStore (Keyv serializer off, JSON repository)': createCache({
      stores: [fornoKeyv],
    }),
  };
  const load = async () => MENU_ITEM;
  const results: CaseResult[] = [];
  try {
    for (const inFlight of [1, 200]) {
      results.push(
        await compare({
          title: `cache-manager set + wrap (hit) over Keyv stores, ${inFlight} in flight`,
          ops: quick ? 1_000 : inFlight === 1 ? 6_000 : 30_000,
          rounds: quick ? 2 : 5,
          contenders: [
            ...Object.entries(caches).map(([name, cache]) => ({
              name,
              run: (n: number) =>
                withConcurrency(n, inFlight, async (i) => {
                  const key = `menu:${i % KEYS}`;
                  if (i % 2 === 0) await cache.set(key, MENU_ITEM, 3_600_000);
                  else await cache.wrap(key, load, 3_600_000);
                }),
            })),
            {
              name: 'Forno RedisRepository set + get, no cache-manager nor Keyv (for scale)',
              run: (n: number) =>
                withConcurrency(n, inFlight, async (i) => {
                  const key = `direct:${i % KEYS}`;
                  if (i % 2 === 0) await forno.set(key, MENU_ITEM, { ttl: 3_600_000 });
                  else if ((await forno.get(key)) === null)
                    await forno.set(key, await load(), { ttl: 3_600_000 });
                }),
            },
          ],
        }),
      );
    }
    results[results.length - 1] = {
      ...results[results.length - 1]!,
      note: '`@keyv/redis` runs on node-redis, which is faster than ioredis on these machines (see get/set above); Forno adds a deadline per operation (fail fast), typed errors and metrics hooks on the way. Keyv text through a JSON repository is encoded twice; the raw repository stores the same bytes as `@keyv/redis`. The last row is the same work on the repository directly: the distance to it is what cache-manager, Keyv and the store cost.',
    };
    return results;
  } finally {
    await Promise.all(Object.values(caches).map((cache) => cache.disconnect()));
  }
}

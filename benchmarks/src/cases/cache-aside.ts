import { RedisRepository } from '@forno/redis-driver';
import KeyvRedis from '@keyv/redis';
import { BentoCache, bentostore } from 'bentocache';
import { memoryDriver } from 'bentocache/drivers/memory';
import { redisDriver } from 'bentocache/drivers/redis';
import { createCache } from 'cache-manager';
import Keyv from 'keyv';
import { type CaseResult, compare, withConcurrency } from '../harness/compare.js';
import { MENU_ITEM } from './fixtures.js';

/**
 * Cache-aside read of one hot key (always a hit after the first call), 200 in flight: Forno's
 * `get` (+ `set` on a miss) against BentoCache's `getOrSet` with Redis only (L2), BentoCache with
 * an in-process L1 in front of Redis, and cache-manager 7 with a Keyv Redis store.
 */
export async function cacheAsideCases(port: number, quick: boolean): Promise<CaseResult[]> {
  const forno = new RedisRepository({ port, keyPrefix: 'aside:', healthCheckInterval: false });
  await forno.connect();
  const connection = { host: '127.0.0.1', port };
  const bento = new BentoCache({
    default: 'l2',
    stores: {
      l2: bentostore().useL2Layer(redisDriver({ connection })),
      l1l2: bentostore()
        .useL1Layer(memoryDriver({ maxSize: '10mb' }))
        .useL2Layer(redisDriver({ connection })),
    },
  });
  const manager = createCache({ stores: [new Keyv({ store: new KeyvRedis(`redis://127.0.0.1:${port}`) })] });
  const load = async () => MENU_ITEM;
  const inFlight = 200;
  try {
    const result = await compare({
      title: `cache-aside read of a hot key, ${inFlight} in flight`,
      ops: quick ? 1_000 : 40_000,
      rounds: quick ? 2 : 5,
      contenders: [
        {
          name: 'Forno get (+ set on miss)',
          run: (n) =>
            withConcurrency(n, inFlight, async () => {
              if ((await forno.get('menu:margherita')) === null)
                await forno.set('menu:margherita', await load(), { ttl: '1h' });
            }),
        },
        {
          name: 'BentoCache getOrSet (Redis only)',
          run: (n) =>
            withConcurrency(n, inFlight, () =>
              bento.use('l2').getOrSet({ key: 'menu:margherita', factory: load, ttl: '1h' }),
            ),
        },
        {
          name: 'BentoCache getOrSet (memory L1 + Redis)',
          run: (n) =>
            withConcurrency(n, inFlight, () =>
              bento.use('l1l2').getOrSet({ key: 'menu:margherita', factory: load, ttl: '1h' }),
            ),
        },
        {
          name: 'cache-manager wrap (Keyv Redis)',
          run: (n) => withConcurrency(n, inFlight, () => manager.wrap('menu:margherita', load, 3_600_000)),
        },
      ],
    });
    return [
      {
        ...result,
        note: 'Forno’s repository alone has no in-process read cache: every read is a Redis round trip. BentoCache with an L1 answers hot reads from memory, which no Redis client can match; so does `@forno/cache`’s HybridCache (see “hybrid cache: hot-key getOrSet”).',
      },
    ];
  } finally {
    await forno.disconnect();
    await bento.disconnectAll();
    await manager.disconnect();
  }
}

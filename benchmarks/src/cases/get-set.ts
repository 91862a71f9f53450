import { RedisRepository } from '@forno/redis-driver';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { type CaseResult, compare, withConcurrency } from '../harness/compare.js';
import { MENU_ITEM } from './fixtures.js';

const KEYS = 1_000;

/**
 * `get`/`set` through the repository against raw ioredis doing the same JSON work with the same
 * client options (auto-pipelining, a 1 s commandTimeout) and against node-redis (`redis`, which
 * pipelines commands issued in the same tick by default), half reads and half writes.
 */
export async function getSetCases(port: number, quick: boolean): Promise<CaseResult[]> {
  const raw = new Redis({ port, enableAutoPipelining: true, commandTimeout: 1_000, lazyConnect: true });
  const forno = new RedisRepository({ port, keyPrefix: 'bench:', healthCheckInterval: false });
  const nodeRedis = createClient({ url: `redis://127.0.0.1:${port}` });
  await raw.connect();
  await forno.connect();
  await nodeRedis.connect();
  const results: CaseResult[] = [];
  try {
    for (const inFlight of [1, 200]) {
      const ops = quick ? 2_000 : inFlight === 1 ? 20_000 : 100_000;
      results.push(
        await compare({
          title: `get/set, ${inFlight} in flight`,
          ops,
          rounds: quick ? 2 : 7,
          contenders: [
            {
              name: 'raw ioredis + JSON',
              run: (n) =>
                withConcurrency(n, inFlight, async (i) => {
                  const key = `bench:item:${i % KEYS}`;
                  if (i % 2 === 0) await raw.set(key, JSON.stringify(MENU_ITEM));
                  else {
                    const text = await raw.get(key);
                    if (text !== null) JSON.parse(text);
                  }
                }),
            },
            {
              name: 'node-redis + JSON',
              run: (n) =>
                withConcurrency(n, inFlight, async (i) => {
                  const key = `bench:item:${i % KEYS}`;
                  if (i % 2 === 0) await nodeRedis.set(key, JSON.stringify(MENU_ITEM));
                  else {
                    const text = await nodeRedis.get(key);
                    if (text !== null) JSON.parse(text);
                  }
                }),
            },
            {
              name: 'Forno RedisRepository',
              run: (n) =>
                withConcurrency(n, inFlight, async (i) => {
                  const key = `item:${i % KEYS}`;
                  if (i % 2 === 0) await forno.set(key, MENU_ITEM);
                  else await forno.get(key);
                }),
            },
          ],
        }),
      );
    }
  } finally {
    raw.disconnect();
    await nodeRedis.quit();
    await forno.disconnect();
  }
  return results;
}

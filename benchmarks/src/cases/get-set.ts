import { NodeRedisRepository } from '@forno/node-redis-driver';
import { RedisRepository } from '@forno/redis-driver';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { type CaseResult, compare, withConcurrency } from '../harness/compare.js';
import { MENU_ITEM } from './fixtures.js';

const KEYS = 1_000;

/**
 * `get`/`set` through both Forno drivers — `RedisRepository` on ioredis and `NodeRedisRepository`
 * on node-redis — against both raw clients doing the same JSON work: ioredis with the same client
 * options (auto-pipelining, a 1 s commandTimeout) and node-redis (`redis`, which pipelines
 * commands issued in the same tick by default), half reads and half writes, in one run.
 */
export async function getSetCases(port: number, quick: boolean): Promise<CaseResult[]> {
  const raw = new Redis({ port, enableAutoPipelining: true, commandTimeout: 1_000, lazyConnect: true });
  const forno = new RedisRepository({ port, keyPrefix: 'bench:', healthCheckInterval: false });
  const nodeRedis = createClient({ url: `redis://127.0.0.1:${port}` });
  const fornoNodeRedis = new NodeRedisRepository({ port, keyPrefix: 'bench:', healthCheckInterval: false });
  await raw.connect();
  await forno.connect();
  await nodeRedis.connect();
  await fornoNodeRedis.connect();
  const results: CaseResult[] = [];
  try {
    for (const inFlight of [1, 200]) {
      const ops = quick ? 2_000 : inFlight === 1 ? 20_000 : 100_000;
      const result = await compare({
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
          {
            name: 'Forno NodeRedisRepository',
            run: (n) =>
              withConcurrency(n, inFlight, async (i) => {
                const key = `item:${i % KEYS}`;
                if (i % 2 === 0) await fornoNodeRedis.set(key, MENU_ITEM);
                else await fornoNodeRedis.get(key);
              }),
          },
        ],
      });
      results.push({ ...result, note: driverRatios(result) });
    }
  } finally {
    raw.disconnect();
    await nodeRedis.quit();
    await forno.disconnect();
    await fornoNodeRedis.disconnect();
  }
  return results;
}

/** The ratios between the drivers and their own raw clients, from the median ratios to the baseline. */
function driverRatios(result: CaseResult): string {
  const ratio = (name: string) => result.results.find((r) => r.name === name)?.ratio.median ?? Number.NaN;
  const nodeDriver = ratio('Forno NodeRedisRepository');
  const figures = [
    `NodeRedisRepository ÷ raw node-redis ${(nodeDriver / ratio('node-redis + JSON')).toFixed(2)}`,
    `NodeRedisRepository ÷ RedisRepository ${(nodeDriver / ratio('Forno RedisRepository')).toFixed(2)}`,
    `RedisRepository ÷ raw ioredis ${ratio('Forno RedisRepository').toFixed(2)}`,
  ];
  return `Driver ratios (quotients of the median ratios above): ${figures.join('; ')}.`;
}

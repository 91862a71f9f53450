import { NodeRedisRepository } from '@forno/node-redis-driver';
import { RedisRepository } from '@forno/redis-driver';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { type CaseResult, compare, withConcurrency } from '../harness/compare.js';
import { driverRatios } from './get-set.js';

const SESSION = {
  customer_id: 'c1',
  cart_items: '[]',
  preferences: '{}',
  login_time: 'now',
  last_activity: 'now',
};

/** One command case: the same work done by each raw client and each Forno driver. */
interface CommandCase {
  readonly title: string;
  readonly ioredis: (i: number) => Promise<unknown>;
  readonly nodeRedis: (i: number) => Promise<unknown>;
  readonly forno: (repository: RedisRepository | NodeRedisRepository, i: number) => Promise<unknown>;
}

/**
 * Multi-key and data-structure commands through both Forno drivers against raw ioredis and raw
 * node-redis doing the same (JSON per value), 200 in flight: `mget` of 10 keys, `hgetall` of a
 * 5-field session, `zadd` of one member, `zrevrange` of the top 10 with scores.
 */
export async function commandCases(port: number, quick: boolean): Promise<CaseResult[]> {
  const raw = new Redis({ port, enableAutoPipelining: true, commandTimeout: 1_000, lazyConnect: true });
  const nodeRedis = createClient({ url: `redis://127.0.0.1:${port}` });
  const options = { port, keyPrefix: 'cmd:', healthCheckInterval: false } as const;
  const forno = new RedisRepository(options);
  const fornoNodeRedis = new NodeRedisRepository(options);
  await raw.connect();
  await nodeRedis.connect();
  await forno.connect();
  await fornoNodeRedis.connect();
  const keys = Array.from({ length: 10 }, (_, i) => `item:${i}`);
  const prefixedKeys = keys.map((key) => `cmd:${key}`);
  await forno.mset(keys.map((key, i) => [key, { id: i, name: `Pizza ${i}`, price: 10 + i }] as const));
  await forno.hset('session', SESSION);
  await forno.zadd(
    'board',
    Array.from({ length: 50 }, (_, i) => ({ member: `pizza-${i}`, score: i })),
  );
  const ops = quick ? 1_000 : 40_000;
  const rounds = quick ? 2 : 5;
  const inFlight = 200;
  const parseAll = (texts: ReadonlyArray<string | null>) => {
    for (const text of texts) if (text !== null) JSON.parse(text);
  };
  const cases: CommandCase[] = [
    {
      title: 'mget (10 keys)',
      ioredis: async () => parseAll(await raw.mget(...prefixedKeys)),
      nodeRedis: async () => parseAll(await nodeRedis.mGet(prefixedKeys)),
      forno: (repository) => repository.mget(keys),
    },
    {
      title: 'hgetall (5 fields)',
      ioredis: async () => parseAll(Object.values(await raw.hgetall('cmd:session'))),
      nodeRedis: async () => parseAll(Object.values(await nodeRedis.hGetAll('cmd:session'))),
      forno: (repository) => repository.hgetall('session'),
    },
    {
      title: 'zadd (1 member)',
      ioredis: (i) => raw.zadd('cmd:board', i % 100, JSON.stringify(`pizza-${i % 50}`)),
      nodeRedis: (i) =>
        nodeRedis.zAdd('cmd:board', { score: i % 100, value: JSON.stringify(`pizza-${i % 50}`) }),
      forno: (repository, i) => repository.zadd('board', { member: `pizza-${i % 50}`, score: i % 100 }),
    },
    {
      title: 'zrevrange (top 10, with scores)',
      ioredis: async () => {
        const flat = await raw.zrevrange('cmd:board', 0, 9, 'WITHSCORES');
        for (let j = 0; j < flat.length; j += 2) {
          JSON.parse(flat[j]!);
          Number(flat[j + 1]);
        }
      },
      nodeRedis: async () => {
        for (const { value } of await nodeRedis.zRangeWithScores('cmd:board', 0, 9, { REV: true }))
          JSON.parse(value);
      },
      forno: (repository) => repository.zrevrange('board', 0, 9, { withScores: true }),
    },
  ];
  const results: CaseResult[] = [];
  try {
    for (const { title, ioredis, nodeRedis: nodeRedisOp, forno: fornoOp } of cases) {
      const result = await compare({
        title: `${title}, ${inFlight} in flight`,
        ops,
        rounds,
        contenders: [
          { name: 'raw ioredis + JSON', run: (n) => withConcurrency(n, inFlight, ioredis) },
          { name: 'node-redis + JSON', run: (n) => withConcurrency(n, inFlight, nodeRedisOp) },
          {
            name: 'Forno RedisRepository',
            run: (n) => withConcurrency(n, inFlight, (i) => fornoOp(forno, i)),
          },
          {
            name: 'Forno NodeRedisRepository',
            run: (n) => withConcurrency(n, inFlight, (i) => fornoOp(fornoNodeRedis, i)),
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

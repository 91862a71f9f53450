import { RedisRepository } from '@forno/redis-driver';
import { Redis } from 'ioredis';
import { type CaseResult, compare, withConcurrency } from '../harness/compare.js';

const SESSION = {
  customer_id: 'c1',
  cart_items: '[]',
  preferences: '{}',
  login_time: 'now',
  last_activity: 'now',
};

/**
 * Multi-key and data-structure commands through the repository against raw ioredis doing the same
 * (JSON per value), 200 in flight: `mget` of 10 keys, `hgetall` of a 5-field session, `zadd` of one
 * member, `zrevrange` of the top 10 with scores.
 */
export async function commandCases(port: number, quick: boolean): Promise<CaseResult[]> {
  const raw = new Redis({ port, enableAutoPipelining: true, commandTimeout: 1_000, lazyConnect: true });
  const forno = new RedisRepository({ port, keyPrefix: 'cmd:', healthCheckInterval: false });
  await raw.connect();
  await forno.connect();
  const keys = Array.from({ length: 10 }, (_, i) => `item:${i}`);
  await forno.mset(keys.map((key, i) => [key, { id: i, name: `Pizza ${i}`, price: 10 + i }] as const));
  await forno.hset('session', SESSION);
  await forno.zadd(
    'board',
    Array.from({ length: 50 }, (_, i) => ({ member: `pizza-${i}`, score: i })),
  );
  const ops = quick ? 1_000 : 40_000;
  const rounds = quick ? 2 : 5;
  const inFlight = 200;
  const cases: Array<[string, (i: number) => Promise<unknown>, (i: number) => Promise<unknown>]> = [
    [
      'mget (10 keys)',
      async () => {
        for (const text of await raw.mget(...keys.map((key) => `cmd:${key}`)))
          if (text !== null) JSON.parse(text);
      },
      () => forno.mget(keys),
    ],
    [
      'hgetall (5 fields)',
      async () => {
        const hash = await raw.hgetall('cmd:session');
        for (const value of Object.values(hash)) JSON.parse(value);
      },
      () => forno.hgetall('session'),
    ],
    [
      'zadd (1 member)',
      (i) => raw.zadd('cmd:board', i % 100, JSON.stringify(`pizza-${i % 50}`)),
      (i) => forno.zadd('board', { member: `pizza-${i % 50}`, score: i % 100 }),
    ],
    [
      'zrevrange (top 10, with scores)',
      async () => {
        const flat = await raw.zrevrange('cmd:board', 0, 9, 'WITHSCORES');
        for (let j = 0; j < flat.length; j += 2) {
          JSON.parse(flat[j]!);
          Number(flat[j + 1]);
        }
      },
      () => forno.zrevrange('board', 0, 9, { withScores: true }),
    ],
  ];
  const results: CaseResult[] = [];
  try {
    for (const [title, rawOp, fornoOp] of cases) {
      results.push(
        await compare({
          title: `${title}, ${inFlight} in flight`,
          ops,
          rounds,
          contenders: [
            { name: 'raw ioredis + JSON', run: (n) => withConcurrency(n, inFlight, rawOp) },
            { name: 'Forno RedisRepository', run: (n) => withConcurrency(n, inFlight, fornoOp) },
          ],
        }),
      );
    }
  } finally {
    raw.disconnect();
    await forno.disconnect();
  }
  return results;
}

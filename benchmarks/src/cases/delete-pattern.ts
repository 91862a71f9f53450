import { RedisRepository } from '@forno/redis-driver';
import { Redis } from 'ioredis';
import { type CaseResult, compare } from '../harness/compare.js';

/**
 * `deletePattern` of N matching keys (among as many that do not match) against the two ways people
 * write it by hand: `KEYS` + `DEL` (blocks the server while it walks the whole keyspace) and a
 * sequential `SCAN` + `DEL` loop. Keys are written before each timed run (not timed).
 */
export async function deletePatternCases(port: number, quick: boolean): Promise<CaseResult[]> {
  const raw = new Redis({ port, enableAutoPipelining: true, lazyConnect: true });
  const forno = new RedisRepository({ port, healthCheckInterval: false, commandTimeout: '30s' });
  await raw.connect();
  await forno.connect();
  const keys = quick ? 5_000 : 100_000;
  const write = async (prefix: string) => {
    for (let i = 0; i < keys; i += 1_000) {
      const batch: string[] = [];
      for (let j = i; j < Math.min(i + 1_000, keys); j++) batch.push(`${prefix}${j}`, '1');
      await raw.mset(...batch);
    }
  };
  try {
    // A population that does not match stays for every run; the matching keys are rewritten before each.
    await write('order:');
    const writeMatching = () => write('menu:item:');
    const check = (deleted: number) => {
      if (deleted !== keys) throw new Error(`deleted ${deleted} keys, expected ${keys}`);
    };
    const result = await compare({
      title: `deletePattern of ${keys.toLocaleString('en-US')} keys (of ${(2 * keys).toLocaleString('en-US')})`,
      ops: keys,
      rounds: quick ? 1 : 3,
      contenders: [
        {
          name: 'KEYS + DEL',
          prepare: writeMatching,
          run: async () => {
            const found = await raw.keys('menu:item:*');
            let deleted = 0;
            for (let i = 0; i < found.length; i += 1_000)
              deleted += await raw.del(...found.slice(i, i + 1_000));
            check(deleted);
          },
        },
        {
          name: 'SCAN + DEL loop',
          prepare: writeMatching,
          run: async () => {
            let cursor = '0';
            let deleted = 0;
            do {
              const [next, found] = await raw.scan(cursor, 'MATCH', 'menu:item:*', 'COUNT', 250);
              cursor = next;
              if (found.length > 0) deleted += await raw.del(...found);
            } while (cursor !== '0');
            check(deleted);
          },
        },
        {
          name: 'Forno deletePattern',
          prepare: writeMatching,
          run: async () => check(await forno.deletePattern('menu:item:*')),
        },
      ],
    });
    return [
      {
        ...result,
        note: 'ops/s counts deleted keys per second. KEYS blocks the server for the whole walk; Forno keeps UNLINK batches in flight while it scans.',
      },
    ];
  } finally {
    await raw.flushdb();
    raw.disconnect();
    await forno.disconnect();
  }
}

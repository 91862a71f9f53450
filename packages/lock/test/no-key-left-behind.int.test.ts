import { fenceKeyOf } from '@forno/core';
import { type RedisServer, startRedisServer } from '@forno/testing/servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DistributedLock } from '../src/distributed-lock.js';
import { RepositoryPool } from './redis.js';

let server: RedisServer;
const pool = new RepositoryPool(() => ({ port: server.port }));

beforeAll(async () => {
  server = await startRedisServer();
});

afterAll(async () => {
  await pool.close();
  await server?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Keys under the repository's prefix, as `SCAN` sees them (expired keys are not returned). */
async function keysUnderPrefix(repo: Awaited<ReturnType<RepositoryPool['connected']>>): Promise<number> {
  let count = 0;
  for await (const _key of repo.scan('*', { count: 1_000 })) count++;
  return count;
}

describe('no key left behind', () => {
  it('100k distinct lock keys acquired and released leave no key once their leases are over', async () => {
    const repo = await pool.connected({ keyPrefix: 'mario_pizzeria:' });
    const KEYS = 100_000;
    const IN_FLIGHT = 200;
    const LEASE_MS = 3_000;
    let next = 0;
    const tokens: number[] = [];
    const worker = async () => {
      while (next < KEYS) {
        const id = next++;
        const lock = await new DistributedLock(repo, `order_lock:${id}`, {
          timeout: LEASE_MS,
          autoExtend: false,
        }).acquire();
        tokens.push(lock.fencingToken);
        expect(await lock.release()).toBe(true);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    expect(tokens).toHaveLength(KEYS);
    // While leases run, the fencing keys are there, under the prefix where SCAN sees them.
    const fenceKey = fenceKeyOf('mario_pizzeria:order_lock:0', 'mario_pizzeria:');
    expect(fenceKey.startsWith('mario_pizzeria:')).toBe(true);
    const during = await keysUnderPrefix(repo);
    expect(during).toBeGreaterThan(0);
    expect(during).toBeLessThanOrEqual(KEYS);
    // Once every lease is over, nothing is left: the counters expired with them.
    await sleep(LEASE_MS + 500);
    expect(await keysUnderPrefix(repo)).toBe(0);
  }, 300_000);

  it('tokens for one key keep increasing across its counter’s expiry', async () => {
    const repo = await pool.connected();
    const mutex = new DistributedLock(repo, 'order_lock:1', { timeout: 150, autoExtend: false });
    const tokens: number[] = [];
    for (let i = 0; i < 5; i++) {
      const lock = await mutex.acquire();
      tokens.push(lock.fencingToken);
      await lock.release();
      // The counter lives as long as the lease: let it expire before the next acquisition.
      await sleep(250);
      const fenceKey = fenceKeyOf(`${repo.keyPrefix}order_lock:1`, repo.keyPrefix);
      expect(await repo.exists(fenceKey.slice(repo.keyPrefix.length))).toBe(false);
    }
    for (let i = 1; i < tokens.length; i++) expect(tokens[i]!).toBeGreaterThan(tokens[i - 1]!);
  });
});

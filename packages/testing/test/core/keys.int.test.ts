import { fenceKeyOf, hashSlotOf } from '@forno/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Core's own seeded test random (core cannot run this test: it cannot depend on @forno/testing).
import { SeededRandom } from '../../../core/test/random.js';
import { type RedisServer, startRedisServer } from '../../src/servers/redis-server.js';
import { openRespConnection, type RespConnection } from '../../src/servers/resp-connection.js';

/** Checks core's `hashSlotOf` and `fenceKeyOf` against `CLUSTER KEYSLOT` of a cluster-enabled redis-server. */

let redis: RedisServer;
let client: RespConnection;

beforeAll(async () => {
  redis = await startRedisServer({ args: ['--cluster-enabled', 'yes'] });
  client = await openRespConnection(redis.port);
});

afterAll(async () => {
  await client?.close();
  await redis?.stop();
});

async function keyslot(key: string): Promise<number> {
  const slot = await client.command(['CLUSTER', 'KEYSLOT', key]);
  if (typeof slot !== 'number') throw new Error(`unexpected reply ${String(slot)}`);
  return slot;
}

const KEYS = [
  'order_lock:1',
  '{user1000}.following',
  'foo{}{bar}',
  'foo{{bar}}zap',
  'foo{bar}{zap}',
  'a}b',
  '}',
  '{}',
  'x{}y',
  'a}b{c',
  'no{close',
  'é😀',
  'mario_pizzeria:order_lock:42',
];

describe('against CLUSTER KEYSLOT', () => {
  it('hashSlotOf computes the server`s slot', async () => {
    const random = new SeededRandom(5);
    const keys = [
      ...KEYS,
      ...Array.from({ length: 500 }, () => random.string(['a', '{', '}', 'é', ':'], 1, 8)),
    ];
    const mismatches: string[] = [];
    for (const key of keys) {
      if (hashSlotOf(key) !== (await keyslot(key))) mismatches.push(key);
    }
    expect(mismatches).toEqual([]);
  });

  it('fenceKeyOf lands in the lock key`s slot', async () => {
    const random = new SeededRandom(6);
    const keys = [
      ...KEYS,
      ...Array.from({ length: 500 }, () => random.string(['a', '{', '}', 'é', ':'], 1, 8)),
    ];
    const mismatches: string[] = [];
    for (const key of keys) {
      if ((await keyslot(fenceKeyOf(key))) !== (await keyslot(key))) mismatches.push(key);
    }
    expect(mismatches).toEqual([]);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalRedis, RespClient, startLocalRedis } from '../test/local-redis.js';
import { SeededRandom } from '../test/random.js';
import { fenceKeyOf, hashSlotOf } from './keys.js';

/** Checks `hashSlotOf` and `fenceKeyOf` against `CLUSTER KEYSLOT` of a cluster-enabled redis-server. */

let redis: LocalRedis;
let client: RespClient;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'forno-core-keys-'));
  redis = await startLocalRedis(['--cluster-enabled', 'yes', '--dir', dir]);
  client = await RespClient.connect(redis.port);
});

afterAll(async () => {
  await client?.close();
  await redis?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function keyslot(key: string): Promise<number> {
  const slot = await client.command('CLUSTER', 'KEYSLOT', key);
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

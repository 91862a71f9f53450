import { CONTRACT_SERIALIZERS, type ContractSerializer } from '@forno/testing/contract';
import { type RedisServer, startRedisServer } from '@forno/testing/servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisRepository } from './redis-repository.js';

/**
 * What one serializer configuration reads of what another wrote, on a real redis-server, for every
 * pair of the configurations Forno ships — the table "Reading what another serializer wrote" of the
 * serialization README, checked through each data structure (each has its own reply path).
 */
let server: RedisServer;

beforeAll(async () => {
  server = await startRedisServer();
});

afterAll(async () => {
  await server?.stop();
});

async function open(serializer: ContractSerializer, keyPrefix: string) {
  const repo = new RedisRepository({
    port: server.port,
    keyPrefix,
    serializer: serializer.create(),
    healthCheckInterval: false,
  });
  await repo.connect();
  return repo;
}

// Large enough for the compressing configurations to compress it.
const MENU = Array.from({ length: 40 }, (_, i) => ({ id: `pizza-${i}`, name: `Pizza ${i}`, price: 10 + i }));

type Outcome = 'value' | 'error' | 'bytes';

/** Who can read what, by the wire format's promise (`bytes`: the stored payload, as it is). */
const READS: Record<string, Record<string, Outcome>> = {
  json: { json: 'value', msgpack: 'value', 'compressed-json': 'value', 'compressed-msgpack': 'value' },
  msgpack: { json: 'error', msgpack: 'value', 'compressed-json': 'error', 'compressed-msgpack': 'value' },
  'compressed-json': {
    json: 'error',
    msgpack: 'value',
    'compressed-json': 'value',
    'compressed-msgpack': 'value',
  },
  'compressed-msgpack': {
    json: 'error',
    msgpack: 'value',
    'compressed-json': 'error',
    'compressed-msgpack': 'value',
  },
};

const structured = CONTRACT_SERIALIZERS.filter((s) => s.values === 'structured');
const raw = CONTRACT_SERIALIZERS.filter((s) => s.values !== 'structured');
let pair = 0;

describe('a value written by one serializer configuration, read by another', () => {
  for (const writer of structured) {
    for (const reader of CONTRACT_SERIALIZERS) {
      const outcome: Outcome = reader.values === 'structured' ? READS[writer.name]![reader.name]! : 'bytes';
      it(`${writer.name} → ${reader.name}: ${outcome}`, async () => {
        const prefix = `matrix:${pair++}:`;
        const write = await open(writer, prefix);
        const read = await open(reader, prefix);
        try {
          await write.set('string', MENU);
          await write.hset('hash', { menu: MENU });
          await write.rpush('list', MENU);
          await write.sadd('set', MENU);
          await write.zadd('zset', { member: MENU, score: 1 });
          const reads: Array<[string, () => Promise<unknown>]> = [
            ['get', () => read.get('string')],
            ['hget', async () => (await read.hgetall('hash')).menu],
            ['lrange', async () => (await read.lrange('list', 0, -1))[0]],
            ['smembers', async () => (await read.smembers('set'))[0]],
            ['zrange', async () => (await read.zrange('zset', 0, -1))[0]],
          ];
          const stored = Buffer.from(write.serializer.serialize(MENU));
          for (const [command, readValue] of reads) {
            if (outcome === 'error') {
              await expect(readValue(), command).rejects.toMatchObject({ code: 'E_SERIALIZATION' });
            } else if (outcome === 'value') {
              expect(await readValue(), command).toEqual(MENU);
            } else {
              const expected = reader.values === 'bytes' ? stored : stored.toString('utf8');
              expect(await readValue(), command).toEqual(expected);
            }
          }
        } finally {
          await write.deletePattern('*');
          await Promise.all([write.disconnect(), read.disconnect()]);
        }
      });
    }
  }

  for (const reader of CONTRACT_SERIALIZERS) {
    const outcome =
      reader.values !== 'structured'
        ? 'the string'
        : reader.name.endsWith('msgpack')
          ? 'the string'
          : 'error';
    it(`a plain string another client wrote → ${reader.name}: ${outcome}`, async () => {
      const prefix = `matrix:${pair++}:`;
      await server.command(['SET', `${prefix}legacy`, 'written by redis-cli']);
      await server.command(['RPUSH', `${prefix}list`, 'written by redis-cli']);
      const read = await open(reader, prefix);
      try {
        for (const readValue of [
          () => read.get('legacy'),
          async () => (await read.lrange('list', 0, -1))[0],
        ]) {
          if (outcome === 'error') {
            await expect(readValue()).rejects.toMatchObject({ code: 'E_SERIALIZATION' });
          } else {
            const text = 'written by redis-cli';
            expect(await readValue()).toEqual(reader.values === 'bytes' ? Buffer.from(text) : text);
          }
        }
      } finally {
        await read.deletePattern('*');
        await read.disconnect();
      }
    });
  }

  it('raw writers interoperate with JSON readers when they store JSON text', async () => {
    const [rawString, rawBuffer] = raw;
    const json = await open(structured[0]!, 'matrix:raw:');
    for (const writer of [rawString!, rawBuffer!]) {
      const write = await open(writer, 'matrix:raw:');
      await write.set(writer.name, JSON.stringify(MENU));
      await write.disconnect();
      expect(await json.get(writer.name)).toEqual(MENU);
    }
    await json.deletePattern('*');
    await json.disconnect();
  });
});

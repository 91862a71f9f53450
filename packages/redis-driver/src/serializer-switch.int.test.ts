import { compressed, JsonSerializer } from '@forno/serialization';
import { MsgpackSerializer } from '@forno/serialization/msgpack';
import { type RedisServer, startRedisServer } from '@forno/testing/servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisRepository } from './redis-repository.js';

let server: RedisServer;

beforeAll(async () => {
  server = await startRedisServer();
});

afterAll(async () => {
  await server?.stop();
});

async function open(serializer: RedisRepository['serializer']) {
  const repo = new RedisRepository({
    port: server.port,
    keyPrefix: 'switch:',
    serializer,
    healthCheckInterval: false,
  });
  await repo.connect();
  return repo;
}

const order = {
  id: 'o-1',
  items: [{ pizza: 'margherita', qty: 2 }],
  total: 25.98,
  placedAt: '2026-11-27T08:00:00Z',
};

describe('switching serializers on a real redis-server', () => {
  it('values written as JSON (and by other clients) stay readable after switching to MessagePack', async () => {
    const json = await open(new JsonSerializer());
    await json.set('order:o-1', order);
    await json.hset('session:c1', { cart: ['margherita'], visits: 3 });
    await json.incrby('hits', 41);
    await server.command(['SET', 'switch:legacy', 'written by redis-cli']);
    await json.disconnect();

    const msgpack = await open(new MsgpackSerializer());
    expect(await msgpack.get('order:o-1')).toEqual(order);
    expect(await msgpack.hgetall('session:c1')).toEqual({ cart: ['margherita'], visits: 3 });
    expect(await msgpack.get('hits')).toBe(41);
    expect(await msgpack.get('legacy')).toBe('written by redis-cli');

    // New writes are MessagePack, framed with the 0xC1 header; a JSON reader refuses them by key.
    await msgpack.set('order:o-2', { ...order, id: 'o-2' });
    const stored = (await server.command(['STRLEN', 'switch:order:o-2'])) as number;
    expect(stored).toBeLessThan(JSON.stringify({ ...order, id: 'o-2' }).length);
    expect(await msgpack.get('order:o-2')).toEqual({ ...order, id: 'o-2' });
    await msgpack.disconnect();

    const backToJson = await open(new JsonSerializer());
    await expect(backToJson.get('order:o-2')).rejects.toMatchObject({
      code: 'E_SERIALIZATION',
      key: 'order:o-2',
    });
    await backToJson.disconnect();
  });

  it('compressed values round-trip and stay readable by an uncompressed reader of the same codec family', async () => {
    const gzip = await open(compressed(new MsgpackSerializer(), { algorithm: 'gzip', threshold: 64 }));
    const menu = Array.from({ length: 50 }, (_, i) => ({ id: `p${i}`, name: `Pizza ${i}`, price: 10 + i }));
    await gzip.set('menu', menu);
    expect(await gzip.get('menu')).toEqual(menu);
    await gzip.disconnect();
    const plain = await open(new MsgpackSerializer());
    expect(await plain.get('menu')).toEqual(menu);
    await plain.disconnect();
  });
});

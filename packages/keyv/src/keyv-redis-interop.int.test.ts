import { RedisRepository } from '@forno/redis-driver';
import { RawSerializer } from '@forno/serialization';
import { type RedisServer, startRedisServer } from '@forno/testing/servers';
import KeyvRedis from '@keyv/redis';
import Keyv from 'keyv';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FornoKeyvStore } from './index.js';

let server: RedisServer;
let forno: RedisRepository;
let theirs: Keyv;
let ours: Keyv;

beforeAll(async () => {
  server = await startRedisServer();
  // @keyv/redis stores `<namespace>::<Keyv's key>`, and Keyv's key is `<namespace>:<key>`: with the
  // repository prefix `keyv::` and the raw serializer, Forno reads and writes the very same bytes.
  forno = new RedisRepository({
    port: server.port,
    keyPrefix: 'keyv::',
    serializer: new RawSerializer(),
    healthCheckInterval: false,
  });
  await forno.connect();
  theirs = new Keyv({ store: new KeyvRedis(`redis://127.0.0.1:${server.port}`) });
  ours = new Keyv({ store: new FornoKeyvStore(forno, { disconnectRepository: false }) });
});

afterAll(async () => {
  await theirs?.disconnect();
  await forno?.disconnect();
  await server?.stop();
});

it('reads what @keyv/redis wrote and writes what it reads (raw serializer, keyPrefix "keyv::")', async () => {
  const pizza = { name: 'Margherita', price: 9, photo: Buffer.from('jpeg') };
  await theirs.set('margherita', pizza, 60_000);
  expect(await ours.get('margherita')).toEqual(pizza);
  await ours.set('diavola', { name: 'Diavola' });
  expect(await theirs.get('diavola')).toEqual({ name: 'Diavola' });
  expect(String(await server.command(['GET', 'keyv::keyv:diavola']))).toBe('{"value":{"name":"Diavola"}}');
  await ours.clear();
  expect(await theirs.get('margherita')).toBeUndefined();
});

import { type RedisServer, startRedisServer } from '@forno/testing/servers';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisRepository } from './redis-repository.js';

/**
 * Data that another client wrote, which Forno itself would never write: key names that are not
 * valid UTF-8, hash fields named `__proto__`. Written with a raw ioredis client, read with Forno.
 */
let server: RedisServer;
let raw: Redis;
let repo: RedisRepository;

beforeAll(async () => {
  server = await startRedisServer();
  raw = new Redis({ port: server.port, lazyConnect: true });
  await raw.connect();
  repo = new RedisRepository({ port: server.port, keyPrefix: 'app:', healthCheckInterval: false });
  await repo.connect();
});

afterAll(async () => {
  await repo?.disconnect();
  raw?.disconnect();
  await server?.stop();
});

describe('keys that are not valid UTF-8', () => {
  const binaryKey = Buffer.concat([Buffer.from('app:bin:'), Buffer.from([0xff, 0xfe, 0x80])]);

  it('deletePattern deletes and counts them', async () => {
    await raw.set(binaryKey, 'x');
    await raw.set('app:bin:text', 'y');
    await raw.set('app:other', 'z');
    expect(await repo.deletePattern('bin:*')).toBe(2);
    expect(await raw.exists(binaryKey)).toBe(0);
    expect(await raw.exists('app:bin:text')).toBe(0);
    expect(await raw.exists('app:other')).toBe(1);
  });

  it('scan yields the keys a string can name, and skips the others instead of mangling them', async () => {
    await raw.set(binaryKey, 'x');
    await raw.set('app:bin:é', 'y');
    const keys: string[] = [];
    for await (const key of repo.scan('bin:*')) keys.push(key);
    expect(keys).toEqual(['bin:é']);
    expect(await repo.deletePattern('bin:*')).toBe(2);
  });
});

describe('hashes written by another client', () => {
  it('hgetall refuses a __proto__ field with E_SERIALIZATION instead of handing it over', async () => {
    await raw.hset('app:session', 'name', '"x"', '__proto__', '{"isAdmin":true}');
    await expect(repo.hgetall('session')).rejects.toMatchObject({ code: 'E_SERIALIZATION', key: 'session' });
    // The field can still be read alone, or removed.
    expect(await repo.hget('session', '__proto__')).toEqual({ isAdmin: true });
    expect(await repo.hdel('session', '__proto__')).toBe(1);
    expect(await repo.hgetall('session')).toEqual({ name: 'x' });
  });
});

describe('lone UTF-16 surrogates', () => {
  it('are refused before anything reaches the server, so no U+FFFD key is ever written', async () => {
    await expect(repo.set('k\ud800', 1)).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    await expect(repo.hset('h', 'f\udc00', 1)).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
    expect(await raw.keys('app:k*')).toEqual([]);
    expect(await raw.exists('app:h')).toBe(0);
  });
});

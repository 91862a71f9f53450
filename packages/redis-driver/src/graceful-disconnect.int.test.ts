import type { RedisRepositoryConfig } from '@forno/core/backend';
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

async function keyCount(prefix: string): Promise<number> {
  const keys = (await server.command(['KEYS', `${prefix}*`])) as unknown[];
  return keys.length;
}

describe('disconnect() is a graceful shutdown', () => {
  it.each<[string, RedisRepositoryConfig]>([
    ['auto-pipelined (the default)', { autoPipelining: true }],
    ['without auto-pipelining', { autoPipelining: false }],
    ['over a pool of 3 connections', { connectionPoolSize: 3 }],
  ])('every command accepted before it finishes: %s', async (name, options) => {
    const prefix = `graceful:${name}:`;
    const repo = new RedisRepository({ port: server.port, keyPrefix: prefix, ...options });
    await repo.connect();
    const operations: Promise<unknown>[] = [];
    for (let i = 0; i < 100; i++) operations.push(repo.set(`k${i}`, { i }));
    for (let i = 0; i < 100; i++) operations.push(repo.get(`k${i}`));
    const closed = repo.disconnect();
    const results = await Promise.allSettled(operations);
    await closed;
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(await keyCount(prefix)).toBe(100);
    expect(repo.status).toBe('closed');
    await expect(repo.get('k1')).rejects.toMatchObject({ code: 'E_CACHE_UNAVAILABLE' });
  });

  it('multi-step operations in progress (deletePattern over many SCAN pages) finish too', async () => {
    const repo = new RedisRepository({ port: server.port, keyPrefix: 'graceful:pattern:' });
    await repo.connect();
    await repo.mset(Array.from({ length: 3_000 }, (_, i) => [`k${i}`, i] as const));
    const deleting = repo.deletePattern('*', { count: 100 });
    await repo.disconnect();
    expect(await deleting).toBe(3_000);
    expect(await keyCount('graceful:pattern:')).toBe(0);
  });

  it('waits at most about commandTimeout for a server that stopped answering', async () => {
    const repo = new RedisRepository({ port: server.port, commandTimeout: 500, healthCheckInterval: false });
    await repo.connect();
    await server.pause();
    try {
      const read = repo.get('k').catch((error: unknown) => error);
      const started = performance.now();
      await repo.disconnect();
      // The read's own deadline (500 ms), then QUIT's (500 ms), with a generous margin for a busy machine.
      expect(performance.now() - started).toBeLessThan(3_000);
      expect(await read).toMatchObject({ code: 'E_CACHE_TIMEOUT' });
    } finally {
      await server.resume();
    }
  });
});

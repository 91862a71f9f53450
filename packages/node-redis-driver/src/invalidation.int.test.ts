import { CONTRACT_SERIALIZERS, describeCacheRepositoryContract } from '@forno/testing/contract';
import { hasHashFieldTtl, type RedisServer, startRedisServer } from '@forno/testing/servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeRedisRepository } from './node-redis-repository.js';

let server: RedisServer;

beforeAll(async () => {
  server = await startRedisServer();
});

afterAll(async () => {
  await server?.stop();
});

/** Resolves with the next invalidation the repository reports (or rejects after 2 s). */
function nextInvalidation(repo: NodeRedisRepository): Promise<readonly string[] | null> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no invalidation within 2 s')), 2_000);
    const stop = repo.onInvalidate((keys) => {
      clearTimeout(timer);
      stop();
      resolve(keys);
    });
  });
}

describe('server-assisted invalidation (RESP3 CLIENT TRACKING) on a standalone server', () => {
  it('reports a key this repository read when another client changes it, without the prefix', async () => {
    const tracked = new NodeRedisRepository({ port: server.port, keyPrefix: 'l1:' }, { tracking: true });
    const other = new NodeRedisRepository({ port: server.port, keyPrefix: 'l1:' });
    await tracked.connect();
    await other.connect();
    try {
      await other.set('menu:margherita', { price: 12 });
      expect(await tracked.get('menu:margherita')).toEqual({ price: 12 });
      const invalidated = nextInvalidation(tracked);
      await other.set('menu:margherita', { price: 13 });
      expect(await invalidated).toEqual(['menu:margherita']);
      // Not Forno at all: redis-cli's own client, through the server.
      expect(await tracked.get('menu:margherita')).toEqual({ price: 13 });
      const byAnyClient = nextInvalidation(tracked);
      await server.command(['DEL', 'l1:menu:margherita']);
      expect(await byAnyClient).toEqual(['menu:margherita']);
      // A flush forgets everything: null.
      await tracked.get('menu:margherita');
      const flushed = nextInvalidation(tracked);
      await server.command(['FLUSHALL']);
      expect(await flushed).toBeNull();
    } finally {
      await tracked.disconnect();
      await other.disconnect();
    }
  });
});

// RESP3 changes reply shapes (maps, doubles, nested pairs): the whole contract runs with tracking on.
describeCacheRepositoryContract('NodeRedisRepository with tracking (RESP3) on a standalone redis-server', {
  createRepository: async ({ keyPrefix, serializer }) => {
    const repo = new NodeRedisRepository(
      { port: server.port, keyPrefix, serializer, healthCheckInterval: false },
      { tracking: true },
    );
    await repo.connect();
    return repo;
  },
  serializers: CONTRACT_SERIALIZERS.filter(({ name }) => ['json', 'raw-buffer'].includes(name)),
  hashFieldTtl: hasHashFieldTtl(),
  leanMatrix: true,
});

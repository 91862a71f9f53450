/**
 * Connections that can never succeed as configured (wrong credentials, untrusted certificates,
 * plaintext to a TLS port): the shared suite of `@forno/testing/faults`, the same as on the
 * node-redis driver, plus what only a wrapped ioredis client does.
 *
 * Run: pnpm --filter @forno/redis-driver exec vitest run src/connection-failures
 */
import { fileURLToPath } from 'node:url';
import { describeConnectionFailureSuite } from '@forno/testing/faults';
import { type RedisServer, startRedisServer } from '@forno/testing/servers';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisRepository } from './redis-repository.js';

describeConnectionFailureSuite('RedisRepository (ioredis)', {
  createRepository: (config) => new RedisRepository(config),
  childProcess: {
    module: fileURLToPath(new URL('../dist/index.js', import.meta.url)),
    className: 'RedisRepository',
  },
});

describe('a wrapped ioredis client with a permanent connection failure', () => {
  let server: RedisServer;

  beforeAll(async () => {
    server = await startRedisServer({ password: 'pw-for-connection-failure-tests' });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('a client passed in keeps its own retry options: the failure is reported, the client not stopped', async () => {
    const client = new Redis({
      port: server.port,
      password: 'wrong',
      lazyConnect: true,
      retryStrategy: () => 200,
    });
    const repo = new RedisRepository(client);
    await client.connect().catch(() => undefined);
    const deadline = Date.now() + 5_000;
    while (repo.health.error === undefined && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(repo.health).toMatchObject({ healthy: false, error: { code: 'E_CACHE_AUTH' } });
    expect(client.status).not.toBe('end');
    client.disconnect();
  });
});

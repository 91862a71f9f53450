/**
 * A first `connect()` that found no server: it fails with a typed error, leaves nothing that holds
 * the process (see the child-process case of `connection-failures`), and the repository still
 * connects by itself in the background once a server appears.
 *
 * Run: pnpm --filter @forno/node-redis-driver exec vitest run src/first-connection
 */
import { findFreePort, type RedisServer, startRedisServer } from '@forno/testing/servers';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeRedisRepository } from './node-redis-repository.js';

describe('NodeRedisRepository: a first connect() with no server', () => {
  let server: RedisServer | undefined;
  let repo: NodeRedisRepository | undefined;

  afterEach(async () => {
    await repo?.disconnect();
    await server?.stop();
  });

  it('fails fast and typed, then connects in the background once the server is up', async () => {
    const port = await findFreePort();
    repo = new NodeRedisRepository({
      port,
      connectionPoolSize: 2,
      connectTimeout: 300,
      commandTimeout: 200,
      retryPolicy: { retryDelay: 20, maxRetryDelay: 100 },
      healthCheckInterval: false,
    });
    await expect(repo.connect()).rejects.toMatchObject({ code: 'E_CACHE_UNAVAILABLE' });
    expect(repo.status).toBe('reconnecting');
    const started = performance.now();
    await expect(repo.get('k')).rejects.toMatchObject({ code: 'E_CACHE_UNAVAILABLE' });
    expect(performance.now() - started).toBeLessThan(1_000);

    server = await startRedisServer({ port });
    const deadline = performance.now() + 5_000;
    while (!(await repo.set('k', 'v').catch(() => false)) && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await repo.get('k')).toBe('v');
    // Every connection of the pool came back, not only the first one.
    const deadline2 = performance.now() + 5_000;
    while (repo.status !== 'ready' && performance.now() < deadline2) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(repo.status).toBe('ready');
    expect((await repo.getPerformanceSummary()).activeConnections).toBe(2);
  });

  it('disconnect() stops the background attempts', async () => {
    const port = await findFreePort();
    repo = new NodeRedisRepository({ port, connectTimeout: 200, healthCheckInterval: false });
    await expect(repo.connect()).rejects.toMatchObject({ code: 'E_CACHE_UNAVAILABLE' });
    await repo.disconnect();
    expect(repo.status).toBe('closed');
    server = await startRedisServer({ port });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(repo.status).toBe('closed');
  });
});

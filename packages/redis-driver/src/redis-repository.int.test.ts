import { type RedisServer, startRedisServer } from '@forno/testing/servers';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisEntityRepository } from './redis-entity-repository.js';
import { createRedisRepository, RedisRepository } from './redis-repository.js';

let server: RedisServer;

beforeAll(async () => {
  server = await startRedisServer();
});

afterAll(async () => {
  await server?.stop();
});

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('RedisRepository on a real server', () => {
  it('connects from a url, spreads commands over the pool and reports status', async () => {
    const repo = createRedisRepository({
      url: `${server.url}/2`,
      keyPrefix: 'pool:',
      connectionPoolSize: 3,
      connectionName: 'forno-pool-test',
      healthCheckInterval: false,
    });
    expect(repo.status).toBe('disconnected');
    await repo.connect();
    expect(repo.status).toBe('ready');
    await Promise.all(Array.from({ length: 30 }, (_, i) => repo.set(`k${i}`, { i })));
    const clients = String(await server.command(['CLIENT', 'LIST']))
      .split('\n')
      .filter((line) => line.includes('name=forno-pool-test'));
    expect(clients).toHaveLength(3);
    expect(clients.every((line) => line.includes(' db=2 '))).toBe(true);
    await repo.disconnect();
    expect(repo.status).toBe('closed');
  });

  it('a first command auto-connects without connect()', async () => {
    const repo = new RedisRepository({ port: server.port, keyPrefix: 'auto:', healthCheckInterval: false });
    expect(await repo.set('k', 1)).toBe(true);
    expect(await repo.get('k')).toBe(1);
    await repo.disconnect();
  });

  it('a listener added to a subscribed channel hears only messages published after its subscribe()', async () => {
    // Found by the differential suite: the second listener heard a message published before it
    // subscribed, which was still in flight to the shared subscriber connection.
    const repo = new RedisRepository({ port: server.port, keyPrefix: 'late:', healthCheckInterval: false });
    await repo.connect();
    for (let round = 0; round < 20; round++) {
      const first: string[] = [];
      const second: string[] = [];
      const unsubscribeFirst = await repo.subscribe(`news${round}`, (message) => first.push(message));
      // Many messages, so that some are still on their way when the second listener subscribes.
      const before = Array.from({ length: 200 }, (_, i) => `before ${i}`);
      expect(await Promise.all(before.map((m) => repo.publish(`news${round}`, m)))).toEqual(
        before.map(() => 1),
      );
      const unsubscribeSecond = await repo.subscribe(`news${round}`, (message) => second.push(message));
      expect(await repo.publish(`news${round}`, 'after')).toBe(1);
      await until(() => first.length === before.length + 1 && second.length === 1);
      expect(first).toEqual([...before, 'after']);
      expect(second).toEqual(['after']);
      await unsubscribeSecond();
      await unsubscribeFirst();
    }
    await repo.disconnect();
  });

  it('wraps an ioredis client you own without closing it', async () => {
    const client = new Redis({ port: server.port, lazyConnect: true });
    await client.connect();
    const repo = new RedisRepository(client, { keyPrefix: 'mine:' });
    const orders = new RedisEntityRepository<{ id: string; total: number }>(repo, {
      entityName: 'order',
      ttl: '1h',
    });
    await orders.add({ id: 'o1', total: 25.98 });
    expect(await client.get('mine:order:o1')).toBe('{"id":"o1","total":25.98}');
    expect(await client.pttl('mine:order:o1')).toBeGreaterThan(3_000_000);
    const released: string[] = [];
    const unsubscribe = await repo.subscribe('released', (message) => released.push(message));
    await repo.setIfAbsent('lock', 'token', '10s');
    expect(await repo.compareAndDelete('lock', 'token', { notify: 'released' })).toBe(true);
    await until(() => released.length === 1);
    expect(released).toEqual(['mine:lock']);
    await unsubscribe();
    await repo.disconnect();
    expect(client.status).toBe('ready');
    client.disconnect();
  });
});

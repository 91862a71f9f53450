import { type RedisServer, startRedisServer } from '@forno/testing/servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RepositoryPool } from '../test/redis.js';
import { DistributedLock } from './distributed-lock.js';
import { LockTimeoutError } from './index.js';

let servers: RedisServer[] = [];
const pool = new RepositoryPool(() => ({}));

beforeAll(async () => {
  servers = await Promise.all([startRedisServer(), startRedisServer(), startRedisServer()]);
});

afterAll(async () => {
  await pool.close();
  await Promise.all(servers.map((server) => server.stop()));
});

/** One connected repository per server, sharing a key prefix. */
async function repositories(prefix: string, commandTimeout: `${number}${'ms' | 's'}` = '300ms') {
  return Promise.all(
    servers.map((server) =>
      pool.connected({
        port: server.port,
        keyPrefix: prefix,
        commandTimeout,
        connectTimeout: '500ms',
      }),
    ),
  );
}

describe('Redlock on 3 standalone redis-servers', () => {
  it('acquires, extends and releases on every instance', async () => {
    const repos = await repositories('all:');
    const lock = await new DistributedLock(repos, 'oven', { timeout: '5s' }).acquire();
    expect(lock.fencingTokens.filter((t) => t !== null && t > 0).length).toBeGreaterThanOrEqual(2);
    await lock.extend('10s');
    expect(await lock.release()).toBe(true);
    for (const repo of repos) expect(await repo.exists('oven')).toBe(false);
  });

  it('still acquires with a quorum while one instance is frozen (SIGSTOP)', async () => {
    const repos = await repositories('paused:', '3s');
    await servers[0]!.pause();
    try {
      const started = performance.now();
      const lock = await new DistributedLock(repos, 'oven', { timeout: '5s' }).acquire();
      // Decided at the quorum: no waiting for the frozen instance's 3 s command timeout.
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(lock.fencingTokens.map((t) => t !== null)).toEqual([false, true, true]);
      expect(lock.isHeld).toBe(true);
      expect(await lock.release()).toBe(true);
      expect(await repos[1]!.exists('oven')).toBe(false);
    } finally {
      await servers[0]!.resume();
    }
    // Whatever the frozen instance applied late was undone. Its connection answers in order, so once
    // this PING is answered, the late acquisition and the release queued before it have both run.
    await repos[0]!.ping();
    expect(await repos[0]!.exists('oven')).toBe(false);
  });

  it('fails with LockTimeoutError when two of three are down, and leaves nothing behind', async () => {
    const repos = await repositories('down:');
    await servers[1]!.kill();
    await servers[2]!.kill();
    try {
      const error = await new DistributedLock(repos, 'oven', { waitTimeout: '1s', retryDelay: 100 })
        .acquire()
        .catch((e: unknown) => e);
      expect(LockTimeoutError.is(error)).toBe(true);
      expect((error as LockTimeoutError).cause).toBeInstanceOf(AggregateError);
      // The failed attempt's undo may still be on its way: wait for it, with a deadline far below
      // the 30 s lease a leftover key would keep.
      const deadline = performance.now() + 5_000;
      while ((await repos[0]!.exists('oven')) && performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(await repos[0]!.exists('oven')).toBe(false);
    } finally {
      await Promise.all([servers[1]!.restart(), servers[2]!.restart()]);
    }
  });
});

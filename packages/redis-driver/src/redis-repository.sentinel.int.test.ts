import { isCacheError } from '@forno/core';
import { type RedisSentinel, startRedisSentinel } from '@forno/testing/servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisRepository } from './redis-repository.js';

let sentinel: RedisSentinel;

beforeAll(async () => {
  sentinel = await startRedisSentinel({ replicas: 1, sentinels: 3 });
});

afterAll(async () => {
  await sentinel?.stop();
});

describe('RedisRepository with Sentinel', () => {
  it('finds the primary through the sentinels and keeps reading and writing across SENTINEL FAILOVER', async () => {
    const repo = new RedisRepository({
      sentinel: { sentinels: sentinel.sentinelAddresses, name: sentinel.masterName },
      keyPrefix: 'sentinel:',
      commandTimeout: '500ms',
      healthCheckInterval: false,
    });
    await repo.connect();
    await repo.set('menu:margherita', { price: 12.99 });
    await repo.incrby('orders', 5);
    const before = await sentinel.currentPrimary();
    // Let the write reach the replica before the failover promotes it.
    const replica = sentinel.replicas[0]!;
    for (let i = 0; i < 100 && (await replica.command(['GET', 'sentinel:orders'])) !== '5'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    let writes = 0;
    let failures = 0;
    const untyped: unknown[] = [];
    let running = true;
    const load = (async () => {
      while (running) {
        try {
          await repo.incrby('orders', 1);
          writes++;
        } catch (error) {
          failures++;
          if (!isCacheError(error)) untyped.push(error);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    })();

    const after = await sentinel.failover({ waitForOldPrimary: false });
    expect(after.port).not.toBe(before.port);
    const newPrimary = sentinel.serverAt(after)!;
    // Sentinel replication is asynchronous: until the client learns of the switch (+switch-master),
    // writes still reach the old primary and are lost when it is demoted. Measure that window.
    const switchedAt = performance.now();
    let switchMs = -1;
    for (let probe = 0; performance.now() - switchedAt < 20_000; probe++) {
      try {
        await repo.set('probe', probe);
        if ((await newPrimary.command(['GET', 'sentinel:probe'])) === String(probe)) {
          switchMs = performance.now() - switchedAt;
          break;
        }
      } catch {
        // typed failures are counted by the load loop
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const writesAfterSwitch = writes;
    await new Promise((resolve) => setTimeout(resolve, 300));
    running = false;
    await load;
    const stored = (await repo.get<number>('orders')) ?? 0;
    console.info(
      `[sentinel] failover ${before.port} -> ${after.port}: writes reach the new primary ${switchMs.toFixed(0)} ms after the sentinels agreed; ` +
        `${writes} increments acknowledged, ${failures} failed with typed errors, ${5 + writes - stored} acknowledged increments lost (written to the old primary between promotion and +switch-master)`,
    );

    expect(switchMs).toBeGreaterThanOrEqual(0);
    expect(writes).toBeGreaterThan(writesAfterSwitch);
    expect(untyped).toEqual([]);
    expect(await repo.get('menu:margherita')).toEqual({ price: 12.99 });
    expect(await repo.get('probe')).not.toBeNull();
    expect(stored).toBeGreaterThan(5);
    expect((await sentinel.currentPrimary()).port).toBe(after.port);
    await repo.disconnect();
  });
});

import { describeCacheRepositoryContract } from '@forno/testing/contract';
import { describeSentinelFailover } from '@forno/testing/faults';
import { type RedisSentinel, startRedisSentinel } from '@forno/testing/servers';
import { afterAll, beforeAll } from 'vitest';
import { RedisRepository } from './redis-repository.js';

let sentinel: RedisSentinel;

beforeAll(async () => {
  sentinel = await startRedisSentinel({ replicas: 1, sentinels: 3 });
});

afterAll(async () => {
  await sentinel?.stop();
});

// The whole contract through the sentinels, before the failover below moves the primary.
describeCacheRepositoryContract('RedisRepository through Sentinel (1 primary, 1 replica, 3 sentinels)', {
  createRepository: async ({ keyPrefix }) => {
    const repo = new RedisRepository({
      sentinel: { sentinels: sentinel.sentinelAddresses, name: sentinel.masterName },
      keyPrefix,
      healthCheckInterval: false,
    });
    await repo.connect();
    return repo;
  },
});

describeSentinelFailover('RedisRepository', {
  sentinel: () => sentinel,
  createRepository: async ({ sentinels, name, keyPrefix, commandTimeoutMs }) => {
    const repo = new RedisRepository({
      sentinel: { sentinels, name },
      keyPrefix,
      commandTimeout: commandTimeoutMs,
      healthCheckInterval: false,
    });
    await repo.connect();
    return repo;
  },
});

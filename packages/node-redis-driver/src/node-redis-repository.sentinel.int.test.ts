import { describeCacheRepositoryContract } from '@forno/testing/contract';
import { describeSentinelFailover } from '@forno/testing/faults';
import { type RedisSentinel, startRedisSentinel } from '@forno/testing/servers';
import { afterAll, beforeAll } from 'vitest';
import { NodeRedisRepository } from './node-redis-repository.js';

let sentinel: RedisSentinel;

beforeAll(async () => {
  sentinel = await startRedisSentinel({ replicas: 1, sentinels: 3 });
});

afterAll(async () => {
  await sentinel?.stop();
});

// The whole contract through the sentinels, before the failover below moves the primary.
describeCacheRepositoryContract('NodeRedisRepository through Sentinel (1 primary, 1 replica, 3 sentinels)', {
  createRepository: async ({ keyPrefix }) => {
    const repo = new NodeRedisRepository({
      sentinel: { sentinels: sentinel.sentinelAddresses, name: sentinel.masterName },
      keyPrefix,
      healthCheckInterval: false,
    });
    await repo.connect();
    return repo;
  },
});

describeSentinelFailover('NodeRedisRepository', {
  sentinel: () => sentinel,
  createRepository: async ({ sentinels, name, keyPrefix, commandTimeoutMs }) => {
    const repo = new NodeRedisRepository({
      sentinel: { sentinels, name },
      keyPrefix,
      commandTimeout: commandTimeoutMs,
      healthCheckInterval: false,
    });
    await repo.connect();
    return repo;
  },
});

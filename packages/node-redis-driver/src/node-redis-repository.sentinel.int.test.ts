import { describeSentinelSuite } from '@forno/testing/faults';
import { NodeRedisRepository } from './node-redis-repository.js';

describeSentinelSuite('NodeRedisRepository', async ({ sentinels, name, keyPrefix, commandTimeoutMs }) => {
  const repo = new NodeRedisRepository({
    sentinel: { sentinels, name },
    keyPrefix,
    healthCheckInterval: false,
    ...(commandTimeoutMs === undefined ? {} : { commandTimeout: commandTimeoutMs }),
  });
  await repo.connect();
  return repo;
});

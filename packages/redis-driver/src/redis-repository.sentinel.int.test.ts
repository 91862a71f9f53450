import { describeSentinelSuite } from '@forno/testing/faults';
import { RedisRepository } from './redis-repository.js';

describeSentinelSuite('RedisRepository', async ({ sentinels, name, keyPrefix, commandTimeoutMs }) => {
  const repo = new RedisRepository({
    sentinel: { sentinels, name },
    keyPrefix,
    healthCheckInterval: false,
    ...(commandTimeoutMs === undefined ? {} : { commandTimeout: commandTimeoutMs }),
  });
  await repo.connect();
  return repo;
});

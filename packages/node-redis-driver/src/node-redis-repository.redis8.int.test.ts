import { describeContractOnRedis8 } from '@forno/testing/contract';
import { NodeRedisRepository } from './node-redis-repository.js';

// Hash-field TTLs need Redis 7.4+: the rest of the suite runs on the machines' 7.0, where they fail typed.
describeContractOnRedis8('NodeRedisRepository', {
  only: ['hash-field TTLs'],
  createRepository: async (config) => {
    const repo = new NodeRedisRepository({ ...config, healthCheckInterval: false });
    await repo.connect();
    return repo;
  },
});

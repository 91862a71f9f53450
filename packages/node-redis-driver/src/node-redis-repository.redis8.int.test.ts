import { describeContractOnRedis8 } from '@forno/testing/contract';
import { NodeRedisRepository } from './node-redis-repository.js';

// Hash-field TTLs need Redis 7.4+: the rest of the suite runs on the machines' 7.0, where they fail typed.
describeContractOnRedis8('NodeRedisRepository', {
  only: ['hash-field TTLs'],
  standalone: async ({ port, keyPrefix, serializer }) => {
    const repo = new NodeRedisRepository({ port, keyPrefix, serializer, healthCheckInterval: false });
    await repo.connect();
    return repo;
  },
  cluster: async ({ nodes, keyPrefix, serializer }) => {
    const repo = new NodeRedisRepository({
      cluster: { nodes },
      keyPrefix,
      serializer,
      healthCheckInterval: false,
    });
    await repo.connect();
    return repo;
  },
});

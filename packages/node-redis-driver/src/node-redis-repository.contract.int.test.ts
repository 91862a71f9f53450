import { describeContractOnRedisServer } from '@forno/testing/contract';
import { NodeRedisRepository } from './node-redis-repository.js';

describeContractOnRedisServer('NodeRedisRepository on a standalone redis-server', {
  createRepository: async ({ port, keyPrefix, serializer }) => {
    const repo = new NodeRedisRepository({ port, keyPrefix, serializer, healthCheckInterval: false });
    await repo.connect();
    return repo;
  },
});

import { describeContractOnRedisServer } from '@forno/testing/contract';
import { NodeRedisRepository } from './node-redis-repository.js';

// A lean matrix: the command groups (streams, transactions...) run with JSON only; the fake runs them all.
describeContractOnRedisServer('NodeRedisRepository on a standalone redis-server', {
  leanMatrix: true,
  createRepository: async ({ port, keyPrefix, serializer }) => {
    const repo = new NodeRedisRepository({ port, keyPrefix, serializer, healthCheckInterval: false });
    await repo.connect();
    return repo;
  },
});

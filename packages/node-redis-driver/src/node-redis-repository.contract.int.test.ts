import { describeStandaloneServerContract } from '@forno/testing/contract';
import { NodeRedisRepository } from './node-redis-repository.js';

describeStandaloneServerContract('NodeRedisRepository, default options', async (server, options) => {
  const repo = new NodeRedisRepository({ port: server.port, healthCheckInterval: false, ...options });
  await repo.connect();
  return repo;
});

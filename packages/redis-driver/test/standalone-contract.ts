import type { RedisRepositoryConfig } from '@forno/core/backend';
import { describeContractOnRedisServer } from '@forno/testing/contract';
import { RedisRepository } from '../src/redis-repository.js';

/**
 * Runs the contract suite with every serializer Forno ships on a standalone redis-server of its
 * own, through a driver configured with `transport` (options that change how commands travel:
 * auto-pipelining, pool size). A lean matrix: the command groups run with JSON only.
 */
export function describeStandaloneContract(label: string, transport: RedisRepositoryConfig): void {
  describeContractOnRedisServer(`RedisRepository on a standalone redis-server, ${label}`, {
    leanMatrix: true,
    createRepository: async ({ port, keyPrefix, serializer }) => {
      const repo = new RedisRepository({
        ...transport,
        port,
        keyPrefix,
        serializer,
        healthCheckInterval: false,
      });
      await repo.connect();
      return repo;
    },
  });
}

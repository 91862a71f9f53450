import type { RedisRepositoryConfig } from '@forno/core/backend';
import { CONTRACT_SERIALIZERS, describeCacheRepositoryContract } from '@forno/testing/contract';
import { type RedisServer, startRedisServer } from '@forno/testing/servers';
import { afterAll, beforeAll } from 'vitest';
import { NodeRedisRepository } from '../src/node-redis-repository.js';

/**
 * Runs the contract suite with every serializer Forno ships on a standalone redis-server of its
 * own, through a node-redis driver configured with `transport` (options that change how commands
 * travel: the pool size).
 */
export function describeStandaloneContract(label: string, transport: RedisRepositoryConfig): void {
  let server: RedisServer;

  beforeAll(async () => {
    server = await startRedisServer();
  });

  afterAll(async () => {
    await server?.stop();
  });

  describeCacheRepositoryContract(`NodeRedisRepository on a standalone redis-server, ${label}`, {
    createRepository: async ({ keyPrefix, serializer }) => {
      const repo = new NodeRedisRepository({
        ...transport,
        port: server.port,
        keyPrefix,
        serializer,
        healthCheckInterval: false,
      });
      await repo.connect();
      return repo;
    },
    serializers: CONTRACT_SERIALIZERS,
  });
}

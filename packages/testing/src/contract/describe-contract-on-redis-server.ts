import type { CacheRepository, Serializer } from '@forno/core';
import { afterAll, beforeAll } from 'vitest';
import { type RedisServer, startRedisServer } from '../servers/redis-server.js';
import { CONTRACT_SERIALIZERS, type ContractSerializer } from './contract-serializers.js';
import { describeCacheRepositoryContract } from './describe-cache-repository-contract.js';

/** Options of {@link describeContractOnRedisServer}. */
export interface RedisServerContractOptions {
  /** Creates a connected repository on the suite's server (`127.0.0.1:port`). */
  createRepository(options: {
    port: number;
    keyPrefix: string;
    serializer: Serializer;
  }): CacheRepository | Promise<CacheRepository>;
  /** Default: every serializer Forno ships (`CONTRACT_SERIALIZERS`). */
  serializers?: readonly ContractSerializer[];
}

/**
 * The contract suite on a standalone redis-server of its own (started before, stopped after), for a
 * Redis driver: `describeCacheRepositoryContract` with the server's port handed to `createRepository`.
 */
export function describeContractOnRedisServer(name: string, options: RedisServerContractOptions): void {
  let server: RedisServer;

  beforeAll(async () => {
    server = await startRedisServer();
  });

  afterAll(async () => {
    await server?.stop();
  });

  describeCacheRepositoryContract(name, {
    createRepository: ({ keyPrefix, serializer }) =>
      options.createRepository({ port: server.port, keyPrefix, serializer }),
    serializers: options.serializers ?? CONTRACT_SERIALIZERS,
    flushScripts: async () => {
      await server.command(['SCRIPT', 'FLUSH']);
    },
  });
}

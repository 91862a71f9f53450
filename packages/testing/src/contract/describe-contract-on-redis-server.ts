import type { Serializer } from '@forno/core';
import { afterAll, beforeAll } from 'vitest';
import { type RedisServer, startRedisServer } from '../servers/redis-server.js';
import { hasHashFieldTtl } from '../servers/redis-versions.js';
import type { ContractRepository } from './contract-context.js';
import { CONTRACT_SERIALIZERS, type ContractSerializer } from './contract-serializers.js';
import { type ContractGroup, describeCacheRepositoryContract } from './describe-cache-repository-contract.js';

/** Options of {@link describeContractOnRedisServer}. */
export interface RedisServerContractOptions {
  /** Creates a connected repository on the suite's server (`127.0.0.1:port`). */
  createRepository(options: {
    port: number;
    keyPrefix: string;
    serializer: Serializer;
  }): ContractRepository | Promise<ContractRepository>;
  /** Default: every serializer Forno ships (`CONTRACT_SERIALIZERS`). */
  serializers?: readonly ContractSerializer[];
  /** The redis-server executable (default `redis-server` on `PATH`): `redis8Binary()` for Redis 8. */
  binary?: string;
  /** The command groups with the first serializer only (see `CacheRepositoryContractOptions`). Default false. */
  leanMatrix?: boolean;
  /** Runs only these groups (default: all). */
  only?: readonly ContractGroup[];
}

/**
 * The contract suite on a standalone redis-server of its own (started before, stopped after), for a
 * Redis driver: `describeCacheRepositoryContract` with the server's port handed to `createRepository`.
 * Whether hash-field TTLs are tested as working or as `UnsupportedCommandError` follows the
 * executable's version (7.4+ has them).
 */
export function describeContractOnRedisServer(name: string, options: RedisServerContractOptions): void {
  let server: RedisServer;

  beforeAll(async () => {
    server = await startRedisServer(options.binary === undefined ? {} : { binary: options.binary });
  });

  afterAll(async () => {
    await server?.stop();
  });

  describeCacheRepositoryContract(name, {
    createRepository: ({ keyPrefix, serializer }) =>
      options.createRepository({ port: server.port, keyPrefix, serializer }),
    serializers: options.serializers ?? CONTRACT_SERIALIZERS,
    hashFieldTtl: hasHashFieldTtl(options.binary),
    ...(options.leanMatrix === undefined ? {} : { leanMatrix: options.leanMatrix }),
    ...(options.only === undefined ? {} : { only: options.only }),
    flushScripts: async () => {
      await server.command(['SCRIPT', 'FLUSH']);
    },
  });
}

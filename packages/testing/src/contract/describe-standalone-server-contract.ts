import type { CacheRepository, Serializer } from '@forno/core';
import { afterAll, beforeAll } from 'vitest';
import { type RedisServer, startRedisServer } from '../servers/redis-server.js';
import { CONTRACT_SERIALIZERS } from './contract-serializers.js';
import { describeCacheRepositoryContract } from './describe-cache-repository-contract.js';

/**
 * Runs the whole contract suite, with every serializer Forno ships, against a backend on a
 * standalone redis-server of its own (started before the suite on a free loopback port, stopped
 * after it). `connect` builds and connects one repository on that server with the given prefix and
 * serializer; a driver calls it once per transport option that changes how commands travel.
 *
 * ```ts
 * describeStandaloneServerContract('MyRepository, default options', async (server, options) => {
 *   const repo = new MyRepository({ port: server.port, ...options });
 *   await repo.connect();
 *   return repo;
 * });
 * ```
 */
export function describeStandaloneServerContract(
  name: string,
  connect: (
    server: RedisServer,
    options: { keyPrefix: string; serializer: Serializer },
  ) => Promise<CacheRepository>,
): void {
  let server: RedisServer;

  beforeAll(async () => {
    server = await startRedisServer();
  });

  afterAll(async () => {
    await server?.stop();
  });

  describeCacheRepositoryContract(`${name} on a standalone redis-server`, {
    createRepository: (options) => connect(server, options),
    serializers: CONTRACT_SERIALIZERS,
  });
}

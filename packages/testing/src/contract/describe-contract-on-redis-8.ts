import type { Serializer } from '@forno/core';
import { afterAll, beforeAll } from 'vitest';
import type { HostAndPort } from '../servers/host-and-port.js';
import { type RedisCluster, startRedisCluster } from '../servers/redis-cluster.js';
import { redis8Binary } from '../servers/redis-versions.js';
import type { ContractRepository } from './contract-context.js';
import { JSON_CONTRACT_SERIALIZER } from './contract-serializers.js';
import { type ContractGroup, describeCacheRepositoryContract } from './describe-cache-repository-contract.js';
import { describeContractOnRedisServer } from './describe-contract-on-redis-server.js';

/** Where a repository of {@link describeContractOnRedis8} connects: a standalone port, or Cluster nodes. */
export type Redis8Topology =
  | { readonly port: number }
  | { readonly cluster: { readonly nodes: readonly HostAndPort[] } };

/** Options of {@link describeContractOnRedis8}. */
export interface Redis8ContractOptions {
  /** The groups to run: those that need a newer server than the machines' Redis 7.0. */
  readonly only: readonly ContractGroup[];
  /**
   * A connected repository on `topology` (spread it into a driver's configuration) with the given
   * prefix and serializer.
   */
  createRepository(
    options: Redis8Topology & { readonly keyPrefix: string; readonly serializer: Serializer },
  ): Promise<ContractRepository>;
}

/**
 * Contract groups on Redis 8 (built by `.ci/install-redis-8`, see `redis8Binary`): on a standalone
 * server and on a 3+3 Cluster of their own, with JSON. For the commands the machines' Redis 7.0
 * lacks (hash-field TTLs), which the rest of the suite checks to fail there with
 * `UnsupportedCommandError`. Fails (never skips) when Redis 8 is not built.
 */
export function describeContractOnRedis8(label: string, options: Redis8ContractOptions): void {
  const binary = redis8Binary();
  describeContractOnRedisServer(`${label} on a standalone Redis 8`, {
    binary,
    only: options.only,
    serializers: [JSON_CONTRACT_SERIALIZER],
    createRepository: ({ port, keyPrefix, serializer }) =>
      options.createRepository({ port, keyPrefix, serializer }),
  });

  let cluster: RedisCluster;
  beforeAll(async () => {
    cluster = await startRedisCluster({ binary, cliBinary: redis8Binary('redis-cli') });
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  describeCacheRepositoryContract(`${label} on a 3-primary/3-replica Redis 8 Cluster`, {
    cluster: true,
    publishCountsNodeLocal: true,
    only: options.only,
    createRepository: ({ keyPrefix, serializer }) =>
      options.createRepository({ cluster: { nodes: cluster.startupNodes }, keyPrefix, serializer }),
  });
}

import { afterAll, beforeAll } from 'vitest';
import type { ContractRepository } from '../contract/contract-context.js';
import { describeCacheRepositoryContract } from '../contract/describe-cache-repository-contract.js';
import type { HostAndPort } from '../servers/host-and-port.js';
import { type RedisSentinel, startRedisSentinel } from '../servers/redis-sentinel.js';
import { hasHashFieldTtl } from '../servers/redis-versions.js';
import { describeSentinelFailover } from './describe-sentinel-failover.js';

/** What {@link describeSentinelSuite} asks the driver under test for. */
export interface SentinelSuiteRepositoryOptions {
  readonly sentinels: readonly HostAndPort[];
  /** The monitored primary's name. */
  readonly name: string;
  readonly keyPrefix: string;
  /** Deadline of every operation; unset for the contract (the driver's default applies). */
  readonly commandTimeoutMs?: number;
}

/**
 * Everything a Redis driver must show through Sentinel, on a group of its own (1 primary, 1
 * replica, 3 sentinels): the whole contract suite, then a `SENTINEL FAILOVER` under load
 * ({@link describeSentinelFailover}). Both Redis drivers run it.
 */
export function describeSentinelSuite(
  label: string,
  createRepository: (options: SentinelSuiteRepositoryOptions) => Promise<ContractRepository>,
): void {
  let sentinel: RedisSentinel;

  beforeAll(async () => {
    sentinel = await startRedisSentinel({ replicas: 1, sentinels: 3 });
  });

  afterAll(async () => {
    await sentinel?.stop();
  });

  // The whole contract through the sentinels, before the failover below moves the primary.
  describeCacheRepositoryContract(`${label} through Sentinel (1 primary, 1 replica, 3 sentinels)`, {
    createRepository: ({ keyPrefix }) =>
      createRepository({ sentinels: sentinel.sentinelAddresses, name: sentinel.masterName, keyPrefix }),
    hashFieldTtl: hasHashFieldTtl(),
  });

  describeSentinelFailover(label, { sentinel: () => sentinel, createRepository });
}

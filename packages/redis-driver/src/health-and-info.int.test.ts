/**
 * `info`, `memoryUsage`, `health` / `onHealthChange` on `RedisRepository`: the shared suite of
 * `@forno/testing/faults` that holds both Redis drivers to the same behaviour.
 *
 * Run: pnpm --filter @forno/redis-driver exec vitest run src/health-and-info
 */
import { describeHealthAndInfoSuite } from '@forno/testing/faults';
import { RedisRepository } from './redis-repository.js';

describeHealthAndInfoSuite('RedisRepository (ioredis)', {
  createRepository: ({ target, keyPrefix, commandTimeoutMs, healthCheckIntervalMs }) =>
    new RedisRepository({
      ...('nodes' in target ? { cluster: { nodes: target.nodes } } : { port: target.port }),
      keyPrefix,
      commandTimeout: commandTimeoutMs,
      healthCheckInterval: healthCheckIntervalMs,
    }),
});

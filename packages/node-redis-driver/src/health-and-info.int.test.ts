/**
 * `info`, `memoryUsage`, `health` / `onHealthChange` on `NodeRedisRepository`: the shared suite of
 * `@forno/testing/faults` that holds both Redis drivers to the same behaviour.
 *
 * Run: pnpm --filter @forno/node-redis-driver exec vitest run src/health-and-info
 */
import { describeHealthAndInfoSuite } from '@forno/testing/faults';
import { NodeRedisRepository } from './node-redis-repository.js';

describeHealthAndInfoSuite('NodeRedisRepository (node-redis)', {
  createRepository: ({ target, keyPrefix, commandTimeoutMs, healthCheckIntervalMs }) =>
    new NodeRedisRepository({
      ...('nodes' in target ? { cluster: { nodes: target.nodes } } : { port: target.port }),
      keyPrefix,
      commandTimeout: commandTimeoutMs,
      healthCheckInterval: healthCheckIntervalMs,
    }),
});

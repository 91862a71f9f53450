/**
 * The standalone fault suite of `@forno/testing/faults` on `NodeRedisRepository`: a frozen, killed
 * and restarted redis-server, commands in flight when it dies, `connect()` while it is down, and
 * 100k-argument commands.
 */
import { describeStandaloneFaultSuite } from '@forno/testing/faults';
import { NodeRedisRepository } from './node-redis-repository.js';

describeStandaloneFaultSuite('NodeRedisRepository (node-redis)', {
  createRepository: ({ port, keyPrefix, commandTimeoutMs, connectTimeoutMs }) =>
    new NodeRedisRepository({
      port,
      keyPrefix,
      commandTimeout: commandTimeoutMs,
      ...(connectTimeoutMs === undefined ? {} : { connectTimeout: connectTimeoutMs }),
      healthCheckInterval: false,
    }),
});

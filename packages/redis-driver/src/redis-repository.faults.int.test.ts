/**
 * The standalone fault suite of `@forno/testing/faults` on `RedisRepository`: a frozen, killed and
 * restarted redis-server, commands in flight when it dies, `connect()` while it is down, and
 * 100k-argument commands.
 */
import { describeStandaloneFaultSuite } from '@forno/testing/faults';
import { RedisRepository } from './redis-repository.js';

describeStandaloneFaultSuite('RedisRepository (ioredis)', {
  createRepository: ({ port, keyPrefix, commandTimeoutMs, connectTimeoutMs }) =>
    new RedisRepository({
      port,
      keyPrefix,
      commandTimeout: commandTimeoutMs,
      ...(connectTimeoutMs === undefined ? {} : { connectTimeout: connectTimeoutMs }),
      healthCheckInterval: false,
    }),
});

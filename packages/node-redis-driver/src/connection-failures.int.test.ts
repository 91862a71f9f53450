/**
 * Connections that can never work as configured (wrong credentials, untrusted certificates,
 * plaintext to a TLS port) on `NodeRedisRepository`: the shared suite of `@forno/testing/faults`,
 * as on the ioredis driver — typed `CacheAuthError` / `CacheTlsError`, no secret printed.
 *
 * Run: pnpm --filter @forno/node-redis-driver exec vitest run src/connection-failures
 */
import { describeConnectionFailureSuite } from '@forno/testing/faults';
import { NodeRedisRepository } from './node-redis-repository.js';

describeConnectionFailureSuite('NodeRedisRepository (node-redis)', {
  createRepository: (config) => new NodeRedisRepository(config),
  // Not yet: a process whose first connect() found no server does not exit by itself, because
  // node-redis' reconnect loop keeps it alive (the ioredis driver unrefs its reconnect timer).
});

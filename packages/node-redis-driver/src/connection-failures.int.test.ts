/**
 * Connections that can never work as configured (wrong credentials, untrusted certificates,
 * plaintext to a TLS port) on `NodeRedisRepository`: the shared suite of `@forno/testing/faults`,
 * as on the ioredis driver — typed `CacheAuthError` / `CacheTlsError`, no secret printed — and a
 * process whose first `connect()` failed exits by itself.
 *
 * Run: pnpm --filter @forno/node-redis-driver exec vitest run src/connection-failures
 */
import { fileURLToPath } from 'node:url';
import { describeConnectionFailureSuite } from '@forno/testing/faults';
import { NodeRedisRepository } from './node-redis-repository.js';

describeConnectionFailureSuite('NodeRedisRepository (node-redis)', {
  createRepository: (config) => new NodeRedisRepository(config),
  childProcess: {
    module: fileURLToPath(new URL('../dist/index.js', import.meta.url)),
    className: 'NodeRedisRepository',
  },
});

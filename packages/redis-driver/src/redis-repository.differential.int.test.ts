import { describeDifferentialSuite } from '@forno/testing/differential';
import { type RedisServer, startRedisServer } from '@forno/testing/servers';
import { afterAll, beforeAll } from 'vitest';
import { RedisRepository } from './redis-repository.js';

let server: RedisServer;

beforeAll(async () => {
  server = await startRedisServer();
});

afterAll(async () => {
  await server?.stop();
});

// Random command sequences on the in-memory fake and on a real redis-server must give the same
// answers, errors and final state. `pnpm test` runs a bounded number from a fresh seed (printed);
// `pnpm --filter @forno/redis-driver diff:long` runs many more. Replay a seed with FORNO_DIFF_SEED.
describeDifferentialSuite('RedisRepository on a standalone redis-server', {
  numRuns: 150,
  createRepository: async ({ keyPrefix, serializer }) => {
    const repo = new RedisRepository({
      port: server.port,
      keyPrefix,
      serializer,
      healthCheckInterval: false,
    });
    await repo.connect();
    return repo;
  },
  reset: async () => {
    await server.command(['FLUSHALL']);
  },
});

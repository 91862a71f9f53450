import type { Serializer } from '@forno/core';
import { MsgpackSerializer } from '@forno/serialization/msgpack';
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

/**
 * Each serializer takes its own path through the driver (string or Buffer replies): the sequences
 * run with JSON and with MessagePack. `FORNO_DIFF_SERIALIZER=json` (or `msgpack`) runs one only.
 */
const SERIALIZERS: Record<string, (() => Serializer) | undefined> = {
  json: undefined,
  msgpack: () => new MsgpackSerializer(),
};
const only = process.env.FORNO_DIFF_SERIALIZER;
if (only !== undefined && !(only in SERIALIZERS)) {
  throw new Error(`FORNO_DIFF_SERIALIZER must be one of ${Object.keys(SERIALIZERS).join(', ')}`);
}

// Random command sequences on the in-memory fake and on a real redis-server must give the same
// answers, errors and final state. `pnpm test` runs a bounded number from a fresh seed (printed);
// `pnpm --filter @forno/redis-driver diff:long` runs many more. Replay a seed with FORNO_DIFF_SEED.
for (const [serializerName, serializer] of Object.entries(SERIALIZERS)) {
  if (only !== undefined && only !== serializerName) continue;
  describeDifferentialSuite(`RedisRepository (${serializerName}) on a standalone redis-server`, {
    numRuns: 400,
    ...(serializer === undefined ? {} : { serializer }),
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
}

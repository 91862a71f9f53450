import type { Serializer } from '@forno/core';
import { RedisRepository, type RedisRepositoryConfig } from '@forno/redis-driver';
import { JsonSerializer, RawSerializer } from '@forno/serialization';
import { MsgpackSerializer } from '@forno/serialization/msgpack';
import {
  type RedisCluster,
  type RedisServer,
  startRedisCluster,
  startRedisServer,
} from '@forno/testing/servers';
import { afterAll, beforeAll } from 'vitest';
import { describeKeyvSuite, type EntrySerialization } from '../test/keyv-suite.js';

let server: RedisServer;
let cluster: RedisCluster;

beforeAll(async () => {
  [server, cluster] = await Promise.all([
    startRedisServer(),
    startRedisCluster({ primaries: 3, replicasPerPrimary: 0 }),
  ]);
});

afterAll(async () => {
  await Promise.all([server?.stop(), cluster?.stop()]);
});

/** A connected `RedisRepository` on its own key prefix, so the cases below never share keys. */
function repository(keyPrefix: string, serializer: Serializer, config: () => RedisRepositoryConfig) {
  return async () => {
    const repo = new RedisRepository({ ...config(), keyPrefix, serializer, healthCheckInterval: false });
    await repo.connect();
    return repo;
  };
}

const standalone = () => ({ port: server.port });
const onCluster = () => ({ cluster: { nodes: cluster.startupNodes } });

const CASES: ReadonlyArray<[string, () => Promise<RedisRepository>, EntrySerialization]> = [
  ['redis-server, JSON repository', repository('suite-json:', new JsonSerializer(), standalone), 'keyv'],
  [
    'redis-server, raw repository (the bytes @keyv/redis writes)',
    repository('suite-raw:', new RawSerializer(), standalone),
    'keyv',
  ],
  [
    'redis-server, MessagePack repository',
    repository('suite-msgpack:', new MsgpackSerializer(), standalone),
    'forno',
  ],
  [
    '3-primary Redis Cluster, JSON repository',
    repository('suite-json:', new JsonSerializer(), onCluster),
    'keyv',
  ],
  [
    '3-primary Redis Cluster, MessagePack repository',
    repository('suite-msgpack:', new MsgpackSerializer(), onCluster),
    'forno',
  ],
];

for (const [name, createRepository, serialization] of CASES) {
  describeKeyvSuite(name, createRepository, serialization);
}

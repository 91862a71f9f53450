import { RedisRepository, type RedisRepositoryConfig } from '@forno/redis-driver';
import {
  type RedisCluster,
  type RedisServer,
  startRedisCluster,
  startRedisServer,
} from '@forno/testing/servers';
import { afterAll, beforeAll, describe } from 'vitest';
import type { BackendFactory } from '../../test/pizzeria-fixture.js';
import { describePizzeriaServices } from '../../test/service-suite.js';

let run = 0;

/** A fresh key prefix per test on a shared server: tests never see each other's keys. */
function onServer(config: () => RedisRepositoryConfig): BackendFactory {
  return async (clock) => {
    const repository = new RedisRepository({
      ...config(),
      keyPrefix: `mario_pizzeria:test${++run}:`,
      healthCheckInterval: false,
      enableMetrics: true,
    });
    await repository.connect();
    // TTLs follow the server's clock: advancing only moves the services' clock.
    return { repository, exact: false, advance: async (ms) => clock.advance(ms) };
  };
}

describe('on a real redis-server', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server?.stop();
  });
  describePizzeriaServices(
    'services',
    onServer(() => ({ url: server.url })),
  );
});

describe('on a real 3-primary/3-replica Redis Cluster', () => {
  let cluster: RedisCluster;
  beforeAll(async () => {
    cluster = await startRedisCluster({ primaries: 3, replicasPerPrimary: 1 });
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  describePizzeriaServices(
    'services',
    onServer(() => ({ cluster: { nodes: cluster.startupNodes } })),
  );
});

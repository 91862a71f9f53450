import type { CacheEvent, CacheRepository, ConnectionStatus, NodeInfo } from '@forno/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostAndPort } from '../servers/host-and-port.js';
import { type RedisCluster, startRedisCluster } from '../servers/redis-cluster.js';
import { type RedisServer, startRedisServer } from '../servers/redis-server.js';

/** The health state both Redis drivers report (`repository.health`). */
export interface ReportedHealth {
  readonly healthy: boolean;
  readonly latencyMs: number | undefined;
  readonly checkedAt: number | undefined;
  readonly error: Error | undefined;
}

/** What a Redis driver's repository offers beyond `CacheRepository`, and this suite checks. */
export interface InspectableRepository extends CacheRepository {
  readonly status: ConnectionStatus;
  readonly health: ReportedHealth;
  onHealthChange(listener: (state: ReportedHealth) => void): () => void;
  onEvent(listener: (event: CacheEvent) => void): () => void;
  info(section?: string): Promise<NodeInfo[]>;
  memoryUsage(key?: string): Promise<number | null>;
}

/** What {@link describeHealthAndInfoSuite} asks the driver under test for. */
export interface HealthAndInfoRepositoryOptions {
  /** A standalone server's port on 127.0.0.1, or the startup nodes of a Cluster. */
  readonly target: { readonly port: number } | { readonly nodes: readonly HostAndPort[] };
  readonly keyPrefix: string;
  readonly commandTimeoutMs: number;
  /** `healthCheckInterval` in ms, or `false`. */
  readonly healthCheckIntervalMs: number | false;
}

/** Options of {@link describeHealthAndInfoSuite}. */
export interface HealthAndInfoSuiteOptions {
  /** Creates a repository, NOT connected yet (the suite calls `connect()`). */
  createRepository(options: HealthAndInfoRepositoryOptions): InspectableRepository;
}

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Registers the tests of what both Redis drivers offer beyond the contract suite — `info`,
 * `memoryUsage`, `health` / `onHealthChange` and `connection` events — so the two drivers are held
 * to the same behaviour: on a standalone server (frozen with SIGSTOP to fail the health check) and
 * on a 3-primary Cluster (`info` of every primary, memory summed over them).
 *
 * ```ts
 * describeHealthAndInfoSuite('my driver', { createRepository: (options) => new MyRepository({ ... }) });
 * ```
 */
export function describeHealthAndInfoSuite(name: string, options: HealthAndInfoSuiteOptions): void {
  describe(`info, memoryUsage and health: ${name}`, () => {
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

    it('info of the server, memory of one key and of the whole server', async () => {
      const repo = options.createRepository({
        target: { port: server.port },
        keyPrefix: 'info:',
        commandTimeoutMs: 1_000,
        healthCheckIntervalMs: false,
      });
      await repo.connect();
      await repo.set('k1', { pizza: 'margherita' });
      const infos = await repo.info('server');
      expect(infos).toHaveLength(1);
      expect(infos[0]!.node).toBe(`127.0.0.1:${server.port}`);
      expect(infos[0]!.fields.redis_version).toMatch(/^\d+\./);
      expect(await repo.memoryUsage('k1')).toBeGreaterThan(0);
      expect(await repo.memoryUsage('missing')).toBeNull();
      expect(await repo.memoryUsage()).toBeGreaterThan(100_000);
      await expect(repo.memoryUsage('')).rejects.toMatchObject({ code: 'E_INVALID_ARGUMENT' });
      await repo.disconnect();
    });

    it('on Cluster: info of every primary, memory summed over them, MEMORY USAGE on the key’s node', async () => {
      const repo = options.createRepository({
        target: { nodes: cluster.startupNodes },
        keyPrefix: 'info:',
        commandTimeoutMs: 1_000,
        healthCheckIntervalMs: false,
      });
      await repo.connect();
      const infos = await repo.info('memory');
      const primaries = await cluster.primaries();
      expect(infos.map((info) => info.node).sort()).toEqual(
        primaries.map((node) => `127.0.0.1:${node.port}`).sort(),
      );
      const total = infos.reduce((sum, info) => sum + Number(info.fields.used_memory), 0);
      expect(await repo.memoryUsage()).toBeGreaterThan(total * 0.5);
      for (const key of ['a', 'b', 'c', 'd']) await repo.set(key, key);
      for (const key of ['a', 'b', 'c', 'd']) expect(await repo.memoryUsage(key)).toBeGreaterThan(0);
      await repo.disconnect();
    });

    it('health: healthy once connected, unhealthy while the server is frozen, healthy again, unhealthy after disconnect()', async () => {
      const repo = options.createRepository({
        target: { port: server.port },
        keyPrefix: 'health:',
        commandTimeoutMs: 300,
        healthCheckIntervalMs: 100,
      });
      const changes: ReportedHealth[] = [];
      const events: CacheEvent[] = [];
      repo.onHealthChange((state) => changes.push(state));
      repo.onEvent((event) => events.push(event));
      expect(repo.health.healthy, 'not healthy before the first connection').toBe(false);
      await repo.connect();
      await until(() => repo.health.checkedAt !== undefined && repo.health.healthy);
      server.pause();
      try {
        await until(() => !repo.health.healthy);
        expect(repo.health.error?.message).toMatch(/commandTimeout/);
      } finally {
        server.resume();
      }
      await until(() => repo.health.healthy);
      // A loaded machine may add a false alarm before the pause; the pause and the recovery are last.
      expect(changes.map((state) => state.healthy).slice(-2)).toEqual([false, true]);
      expect(repo.health.latencyMs).toBeGreaterThanOrEqual(0);
      await repo.disconnect();
      expect(repo.health.healthy).toBe(false);
      expect(events.some((event) => event.type === 'connection' && event.status === 'ready')).toBe(true);
    });
  });
}

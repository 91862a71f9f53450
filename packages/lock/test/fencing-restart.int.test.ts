/**
 * Issue #24: fencing tokens stay strictly increasing when the lock server loses its data. The lock
 * lives on its own redis-server(s) without persistence, the fenced resource on another one (as a
 * database would); workers loop acquire → fenced read → fenced write → release while a lock
 * server is killed and restarted empty. The resource must accept the first valid write after the
 * restart: only the few operations in flight at the moment of the fault may be refused.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { CacheRepository, LockBackend } from '@forno/core';
import { NodeRedisRepository } from '@forno/node-redis-driver';
import { RedisRepository } from '@forno/redis-driver';
import { type RedisServer, startRedisServer } from '@forno/testing/servers';
import { afterEach, describe, expect, it } from 'vitest';
import { DistributedLock } from '../src/index.js';

const WORKERS = 4;
const PHASE_MS = 1_200;
const NO_PERSISTENCE = ['--appendonly', 'no', '--save', ''];

/**
 * The resource: KEYS[1] counter, KEYS[2] highest fence seen, KEYS[3] list of accepted write fences.
 * A read raises the highest fence (refused, -1, when its fence is lower); a write of ARGV[2] + 1 is
 * refused (0) when its fence is lower than the highest seen, and otherwise returns 1, or 2 when the
 * counter moved since the read (a lost update).
 */
const FENCED_READ = `
local fence = tonumber(ARGV[1])
if fence < tonumber(redis.call('GET', KEYS[2]) or '0') then return -1 end
redis.call('SET', KEYS[2], ARGV[1])
return tonumber(redis.call('GET', KEYS[1]) or '0')
`;
const FENCED_WRITE = `
local fence = tonumber(ARGV[1])
if fence < tonumber(redis.call('GET', KEYS[2]) or '0') then return 0 end
redis.call('SET', KEYS[2], ARGV[1])
redis.call('RPUSH', KEYS[3], ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
redis.call('SET', KEYS[1], current + 1)
if current ~= tonumber(ARGV[2]) then return 2 end
return 1
`;
const RESOURCE_KEYS = ['counter', 'highest-fence', 'accepted-fences'];

/** What the run measured, split at the restart. */
interface RestartRun {
  acceptedBefore: number;
  acceptedAfter: number;
  refusedBefore: number;
  refusedAfter: number;
  lostUpdates: number;
  acceptedFences: number[];
  finalCounter: number;
}

type RepositoryFactory = (
  port: number,
) => CacheRepository & LockBackend & { connect(): Promise<void>; disconnect(): Promise<void> };

const servers: RedisServer[] = [];
const repositories: { disconnect(): Promise<void> }[] = [];

afterEach(async () => {
  await Promise.all(repositories.splice(0).map((repo) => repo.disconnect().catch(() => {})));
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

async function startServer(): Promise<RedisServer> {
  const server = await startRedisServer({ args: NO_PERSISTENCE });
  servers.push(server);
  return server;
}

/**
 * Runs {@link WORKERS} workers on one lock over `lockServers.length` lock servers for a phase,
 * kills `lockServers[0]`, restarts it empty 200 ms later, and runs another phase.
 */
async function runWithRestart(
  createRepository: RepositoryFactory,
  lockServerCount: number,
): Promise<RestartRun> {
  const resource = await startServer();
  const lockServers: RedisServer[] = [];
  for (let i = 0; i < lockServerCount; i++) lockServers.push(await startServer());
  const run: RestartRun = {
    acceptedBefore: 0,
    acceptedAfter: 0,
    refusedBefore: 0,
    refusedAfter: 0,
    lostUpdates: 0,
    acceptedFences: [],
    finalCounter: 0,
  };
  let restarted = false;
  let stopped = false;
  const evalResource = async (script: string, fence: number, base?: number) =>
    Number(
      await resource.command([
        'EVAL',
        script,
        String(RESOURCE_KEYS.length),
        ...RESOURCE_KEYS,
        String(fence),
        ...(base === undefined ? [] : [String(base)]),
      ]),
    );

  const worker = async () => {
    const repos = lockServers.map((server) => {
      const repo = createRepository(server.port);
      repositories.push(repo);
      void repo.connect().catch(() => {});
      return repo;
    });
    const lock = new DistributedLock(repos.length === 1 ? repos[0]! : repos, 'order', {
      timeout: '2s',
      waitTimeout: '500ms',
      retryDelay: '10ms',
      retryJitter: '5ms',
      autoExtend: false,
    });
    while (!stopped) {
      const held = await lock.acquire().catch(() => undefined);
      if (held === undefined) {
        await sleep(5);
        continue;
      }
      const after = restarted;
      try {
        const base = await evalResource(FENCED_READ, held.fencingToken);
        const outcome = base < 0 ? 0 : await evalResource(FENCED_WRITE, held.fencingToken, base);
        if (outcome === 0) {
          if (after) run.refusedAfter++;
          else run.refusedBefore++;
        } else {
          if (after) run.acceptedAfter++;
          else run.acceptedBefore++;
          if (outcome === 2) run.lostUpdates++;
        }
      } finally {
        await held.release().catch(() => false);
      }
    }
  };

  const workers = Array.from({ length: WORKERS }, worker);
  await sleep(PHASE_MS);
  await lockServers[0]!.kill();
  restarted = true;
  await sleep(200);
  await lockServers[0]!.restart();
  await sleep(PHASE_MS);
  stopped = true;
  await Promise.all(workers);
  const fences = (await resource.command(['LRANGE', 'accepted-fences', '0', '-1'])) as string[];
  run.acceptedFences = fences.map(Number);
  run.finalCounter = Number(await resource.command(['GET', 'counter']));
  return run;
}

function expectFencingSurvivedTheRestart(run: RestartRun): void {
  console.log(
    `accepted before restart ${run.acceptedBefore}, after ${run.acceptedAfter}; refused before ${run.refusedBefore}, after ${run.refusedAfter}; lost updates ${run.lostUpdates}`,
  );
  expect(run.lostUpdates).toBe(0);
  expect(run.finalCounter).toBe(run.acceptedBefore + run.acceptedAfter);
  expect(run.acceptedFences).toHaveLength(run.finalCounter);
  for (let i = 1; i < run.acceptedFences.length; i++) {
    expect(run.acceptedFences[i]!).toBeGreaterThan(run.acceptedFences[i - 1]!);
  }
  expect(run.acceptedFences.every(Number.isSafeInteger)).toBe(true);
  expect(run.acceptedBefore).toBeGreaterThan(10);
  expect(run.acceptedAfter).toBeGreaterThan(10);
  // Only operations in flight when the lock server died may be refused: at most one per worker.
  expect(run.refusedAfter).toBeLessThanOrEqual(WORKERS);
}

const ioredis: RepositoryFactory = (port) =>
  new RedisRepository({ port, keyPrefix: 'lock:', healthCheckInterval: false, commandTimeout: 500 });
const nodeRedis: RepositoryFactory = (port) =>
  new NodeRedisRepository({ port, keyPrefix: 'lock:', healthCheckInterval: false, commandTimeout: 500 });

describe('fencing tokens across a lock server restarted without its data', () => {
  it('ioredis: the resource accepts the first valid write after the restart', async () => {
    expectFencingSurvivedTheRestart(await runWithRestart(ioredis, 1));
  }, 30_000);

  it('node-redis: the resource accepts the first valid write after the restart', async () => {
    expectFencingSurvivedTheRestart(await runWithRestart(nodeRedis, 1));
  }, 30_000);

  it('Redlock over 3 servers, one restarted empty: the resource keeps accepting writes', async () => {
    expectFencingSurvivedTheRestart(await runWithRestart(ioredis, 3));
  }, 30_000);
});

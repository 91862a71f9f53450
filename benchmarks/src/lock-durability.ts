/**
 * What `durability: 'replicated'` costs: uncontended acquire + release latency of a
 * `DistributedLock` with the default durability and with `'replicated'` (each grant waits for
 * `WAIT 1`), on a primary with one replica started for the run, on both Redis drivers. Contenders
 * run in alternating rounds in one process, so the ratios compare like with like.
 *
 *   cd benchmarks && npx tsx src/lock-durability.ts [--quick]
 */
import { pathToFileURL } from 'node:url';
import type { CacheRepository } from '@forno/core';
import { DistributedLock, type LockDurability } from '@forno/lock';
import { NodeRedisRepository } from '@forno/node-redis-driver';
import { RedisRepository } from '@forno/redis-driver';
import { type RedisServer, startRedisServer } from '@forno/testing/servers';

/** One line of the table. */
export interface DurabilityRow {
  readonly driver: string;
  readonly durability: LockDurability;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** p50 relative to the same driver's default durability. */
  readonly vsPrimary: number;
}

const NO_PERSISTENCE = ['--save', '', '--appendonly', 'no'];

/** Starts a primary and a replica and waits until the replica has synced. */
async function startReplicatedPair(): Promise<{ primary: RedisServer; replica: RedisServer }> {
  const primary = await startRedisServer({ args: NO_PERSISTENCE });
  const replica = await startRedisServer({
    args: [...NO_PERSISTENCE, '--replicaof', '127.0.0.1', String(primary.port)],
  });
  for (let i = 0; i < 200; i++) {
    const info = String(await replica.command(['INFO', 'replication']));
    if (info.includes('master_link_status:up')) return { primary, replica };
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the replica did not sync');
}

/** Runs the comparison; `quick` shortens it (CI smoke runs). */
export async function runLockDurabilityBenchmark({ quick }: { quick: boolean }): Promise<DurabilityRow[]> {
  const { primary, replica } = await startReplicatedPair();
  const open: CacheRepository[] = [];
  try {
    const config = { port: primary.port, healthCheckInterval: false as const, commandTimeout: 2_000 };
    const drivers = {
      ioredis: new RedisRepository(config),
      'node-redis': new NodeRedisRepository(config),
    };
    for (const repo of Object.values(drivers)) {
      open.push(repo);
      await repo.connect();
    }
    const contenders = Object.entries(drivers).flatMap(([driver, repo]) =>
      (['primary', 'replicated'] as const).map((durability) => ({
        driver,
        durability,
        // A generous replication timeout: this measures the latency of confirmed grants, and a
        // loaded machine (the quick run in `pnpm test`) can delay a replica's acknowledgement.
        lock: new DistributedLock(repo, `bench:durability:${driver}:${durability}`, {
          durability,
          replicationTimeout: '5s',
        }),
        samples: [] as number[],
      })),
    );
    const rounds = quick ? 2 : 10;
    const perRound = quick ? 50 : 400;
    for (let round = -1; round < rounds; round++) {
      for (let i = 0; i < contenders.length; i++) {
        const contender = contenders[(i + Math.max(0, round)) % contenders.length]!;
        for (let n = 0; n < perRound; n++) {
          const started = performance.now();
          const lock = await contender.lock.acquire();
          await lock.release();
          // Round -1 warms up (scripts loaded, JIT) and is not counted.
          if (round >= 0) contender.samples.push(performance.now() - started);
        }
      }
    }
    const p = (samples: number[], q: number) => {
      const sorted = [...samples].sort((a, b) => a - b);
      return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    };
    return contenders.map((c) => {
      const base = contenders.find((o) => o.driver === c.driver && o.durability === 'primary')!;
      return {
        driver: c.driver,
        durability: c.durability,
        p50Ms: p(c.samples, 0.5),
        p99Ms: p(c.samples, 0.99),
        vsPrimary: p(c.samples, 0.5) / p(base.samples, 0.5),
      };
    });
  } finally {
    await Promise.all(open.map((repo) => repo.disconnect().catch(() => {})));
    await replica.stop();
    await primary.stop();
  }
}

/** Formats the rows as a Markdown table. */
export function formatDurabilityTable(rows: readonly DurabilityRow[]): string {
  return [
    "### Lock durability: what `durability: 'replicated'` costs",
    '',
    'Uncontended `DistributedLock` acquire + release on a primary with one replica (same machine), latency per pair',
    '',
    '| driver | durability | p50 | p99 | p50 vs default |',
    '| --- | --- | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.driver} | ${r.durability} | ${r.p50Ms.toFixed(3)} ms | ${r.p99Ms.toFixed(3)} ms | ${r.vsPrimary.toFixed(2)}× |`,
    ),
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await runLockDurabilityBenchmark({ quick: process.argv.includes('--quick') });
  console.log(formatDurabilityTable(rows));
}

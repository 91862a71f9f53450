import {
  type RedisCluster,
  type RedisServer,
  startRedisCluster,
  startRedisServer,
} from '@forno/testing/servers';
import { afterAll, beforeAll } from 'vitest';
import { RESULT_MARKER, type SimulationResult } from '../src/simulation/sim-stats.js';
import { envWithoutRedis, runScript } from './run-script.js';

/** A run takes 10-30 s on two cores; the margin is for CI machines busy with other packages' tests. */
export const SIMULATION_TIMEOUT = 120_000;

/** What a `simulate` run left: its exit code, its report and its parsed `--json` result line. */
export interface SimulationRun {
  readonly code: number | NodeJS.Signals;
  readonly output: string;
  readonly result: SimulationResult | undefined;
}

/** Runs `simulate` with `args` to the end, in a fresh environment plus `env`. */
export async function simulate(args: readonly string[], env: Record<string, string>): Promise<SimulationRun> {
  const run = runScript('src/simulate.ts', args, envWithoutRedis(env));
  const code = await run.exited;
  const output = run.output();
  const line = output.split('\n').find((l) => l.startsWith(RESULT_MARKER));
  const result =
    line === undefined ? undefined : (JSON.parse(line.slice(RESULT_MARKER.length)) as SimulationResult);
  return { code, output, result };
}

/** A redis-server for the tests of the enclosing `describe` (started before them, stopped after). */
export function useRedisServer(): () => RedisServer {
  let server: RedisServer | undefined;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server?.stop();
  });
  return () => server ?? fail('the redis-server is not started');
}

/** A 3-primary/3-replica Redis Cluster for the tests of the enclosing `describe`. */
export function useRedisCluster(): () => RedisCluster {
  let cluster: RedisCluster | undefined;
  beforeAll(async () => {
    cluster = await startRedisCluster({ primaries: 3, replicasPerPrimary: 1 });
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  return () => cluster ?? fail('the Redis Cluster is not started');
}

/** `REDIS_CLUSTER_NODES` for a cluster: its startup nodes as `host:port,host:port...`. */
export function clusterNodesVariable(cluster: RedisCluster): string {
  return cluster.startupNodes.map((node) => `${node.host}:${node.port}`).join(',');
}

function fail(message: string): never {
  throw new Error(message);
}

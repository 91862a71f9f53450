import type { ClusterNodeEntry } from './cluster-nodes.js';
import type { RedisServer } from './redis-server.js';
import { runProcess } from './run-process.js';

/** Options of `RedisCluster.reshard`. */
export interface ReshardOptions {
  /** The primary giving slots away. */
  from: RedisServer;
  /** The primary receiving them. */
  to: RedisServer;
  /** How many slots to move. */
  slots: number;
  /** Keys moved per `MIGRATE` (redis-cli's `--cluster-pipeline`, default 10). */
  pipeline?: number;
  /** Time allowed for the whole resharding. Default 60 000 ms. */
  timeoutMs?: number;
}

/**
 * Moves `slots` hash slots, with their keys, from one primary to another while the cluster keeps
 * serving: `redis-cli --cluster reshard`, which sets each slot MIGRATING/IMPORTING, `MIGRATE`s its
 * keys (clients see `ASK` redirections meanwhile) and then assigns it (clients see `MOVED`).
 */
export async function reshardCluster(
  entries: readonly ClusterNodeEntry[],
  options: ReshardOptions & { cliBinary?: string; password?: string },
): Promise<void> {
  const idOf = (server: RedisServer): string => {
    const entry = entries.find((candidate) => candidate.port === server.port);
    if (entry === undefined || entry.role !== 'primary') {
      throw new Error(`reshard: node ${server.port} is not a primary of this cluster`);
    }
    return entry.id;
  };
  const { from, to, slots, pipeline = 10, timeoutMs = 60_000, password } = options;
  const result = await runProcess(
    options.cliBinary ?? 'redis-cli',
    [
      ...['--cluster', 'reshard', `${from.host}:${from.port}`],
      ...['--cluster-from', idOf(from), '--cluster-to', idOf(to)],
      ...['--cluster-slots', String(slots), '--cluster-pipeline', String(pipeline), '--cluster-yes'],
      ...(password === undefined ? [] : ['-a', password, '--no-auth-warning']),
    ],
    timeoutMs,
  );
  if (result.code !== 0) {
    const why = result.timedOut ? 'timed out' : `exited with code ${result.code}`;
    throw new Error(
      `redis-cli --cluster reshard ${why}:\n${result.output.trim().split('\n').slice(-20).join('\n')}`,
    );
  }
}

import { assertClusterHealthy, type ClusterShape } from './cluster-health.js';
import { type ClusterNodeEntry, parseClusterNodes } from './cluster-nodes.js';
import { type ReshardOptions, reshardCluster } from './cluster-reshard.js';
import type { HostAndPort } from './host-and-port.js';
import { type RedisServer, startRedisServer } from './redis-server.js';
import { runProcess } from './run-process.js';
import { waitUntil } from './wait-until.js';

const DEFAULT_START_TIMEOUT_MS = 90_000;
const DEFAULT_NODE_TIMEOUT_MS = 2_000;

/** Options of {@link startRedisCluster}. */
export interface RedisClusterOptions {
  /** Primaries sharing the 16384 slots; `redis-cli --cluster create` needs at least 3. Default 3. */
  primaries?: number;
  /** Replicas attached to each primary. Default 1. */
  replicasPerPrimary?: number;
  /** Time allowed for the whole startup: processes, `cluster create`, convergence. Default 90 000 ms. */
  startTimeout?: number;
  /**
   * `cluster-node-timeout`: how long a node may be unreachable before it is considered failing
   * and its replica is promoted. Default 2000 ms, so failover tests stay short.
   */
  nodeTimeoutMs?: number;
  /** Extra command-line options for every node. */
  args?: readonly string[];
  /** Sets `requirepass` and `masterauth` on every node. */
  password?: string;
  /** The redis-server executable. Default `redis-server`. */
  binary?: string;
  /** The redis-cli executable, used for `--cluster create`. Default `redis-cli`. */
  cliBinary?: string;
}

/**
 * A Redis Cluster of local redis-server processes on free loopback ports. Nodes are ordinary
 * {@link RedisServer}s, so a test can kill, pause or restart any of them; a restarted node keeps its
 * port and `nodes.conf`, and rejoins the cluster.
 */
export interface RedisCluster extends AsyncDisposable {
  /** Every node, in start order. Roles are not fixed: use `primaries()` / `replicas()` for the current ones. */
  readonly nodes: readonly RedisServer[];
  /** Addresses of all nodes, to pass as ioredis `Cluster` startup nodes. */
  readonly startupNodes: readonly HostAndPort[];
  /** The nodes that currently serve slots and are not marked failed, as the first reachable node sees it. */
  primaries(): Promise<RedisServer[]>;
  /** The nodes that currently replicate a primary, as the first reachable node sees it. */
  replicas(): Promise<RedisServer[]>;
  /** `CLUSTER NODES` as the first reachable node sees it (stopped, paused or dead nodes are skipped). */
  topology(): Promise<ClusterNodeEntry[]>;
  /** Moves slots and their keys between two primaries while the cluster serves (see {@link ReshardOptions}). */
  reshard(options: ReshardOptions): Promise<void>;
  /**
   * Waits until every node is up and the cluster has converged to the configured shape (all slots
   * served, all links up, every replica attached). Use it after restarting or resuming nodes.
   */
  waitUntilHealthy(timeoutMs?: number): Promise<void>;
  /** Stops every node (see `RedisServer.stop`). Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts a Redis Cluster: `primaries × (1 + replicasPerPrimary)` nodes with cluster mode on, joined
 * by `redis-cli --cluster create`, and resolves only once the cluster has fully converged, so a
 * client connecting right away sees every slot and every replica. On failure every node started
 * so far is stopped and the error says which step failed (with `redis-cli` output or the node's log).
 */
export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisCluster> {
  const {
    primaries = 3,
    replicasPerPrimary = 1,
    startTimeout = DEFAULT_START_TIMEOUT_MS,
    nodeTimeoutMs = DEFAULT_NODE_TIMEOUT_MS,
    password,
  } = options;
  if (!Number.isInteger(primaries) || primaries < 3) {
    throw new RangeError(`primaries must be an integer >= 3 (redis-cli --cluster create), got ${primaries}`);
  }
  if (!Number.isInteger(replicasPerPrimary) || replicasPerPrimary < 0) {
    throw new RangeError(`replicasPerPrimary must be a non-negative integer, got ${replicasPerPrimary}`);
  }
  const deadline = Date.now() + startTimeout;
  const remaining = (): number => Math.max(1_000, deadline - Date.now());

  const args = [
    ...['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf'],
    ...['--cluster-node-timeout', String(nodeTimeoutMs)],
    ...(password === undefined ? [] : ['--masterauth', password]),
    ...(options.args ?? []),
  ];
  const total = primaries * (1 + replicasPerPrimary);
  const results = await Promise.allSettled(
    Array.from({ length: total }, () =>
      startRedisServer({
        args,
        startTimeout,
        ...(password === undefined ? {} : { password }),
        ...(options.binary === undefined ? {} : { binary: options.binary }),
      }),
    ),
  );
  const nodes = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const shape: ClusterShape = { primaries, replicasPerPrimary };
  const cluster = new ManagedRedisCluster(nodes, shape, {
    ...(options.cliBinary === undefined ? {} : { cliBinary: options.cliBinary }),
    ...(password === undefined ? {} : { password }),
  });
  try {
    const failed = results.find((result) => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;

    const cli = await runProcess(
      options.cliBinary ?? 'redis-cli',
      [
        ...['--cluster', 'create', ...nodes.map((node) => `${node.host}:${node.port}`)],
        ...['--cluster-replicas', String(replicasPerPrimary), '--cluster-yes'],
        ...(password === undefined ? [] : ['-a', password, '--no-auth-warning']),
      ],
      remaining(),
    );
    if (cli.code !== 0) {
      const why = cli.timedOut ? 'timed out' : `exited with code ${cli.code}`;
      throw new Error(`redis-cli --cluster create ${why}:\n${cli.output.trim()}`);
    }
    // Once converged, one replicated write per primary (FLUSHALL of the empty cluster) gets every
    // replica into the slot map that clients load; then wait for that too.
    await waitUntil(() => assertClusterHealthy(nodes, shape, { replicasInSlotMap: false }), {
      timeoutMs: remaining(),
      intervalMs: 200,
      description: `a converged cluster of ${primaries} primaries × ${replicasPerPrimary} replicas`,
    });
    await Promise.all(nodes.map((node) => node.command(['FLUSHALL']).catch(() => undefined)));
    await cluster.waitUntilHealthy(remaining());
    return cluster;
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

class ManagedRedisCluster implements RedisCluster {
  readonly nodes: readonly RedisServer[];
  readonly startupNodes: readonly HostAndPort[];
  readonly #shape: ClusterShape;
  readonly #cli: { cliBinary?: string; password?: string };

  constructor(
    nodes: readonly RedisServer[],
    shape: ClusterShape,
    cli: { cliBinary?: string; password?: string },
  ) {
    this.nodes = nodes;
    this.startupNodes = nodes.map((node) => ({ host: node.host, port: node.port }));
    this.#shape = shape;
    this.#cli = cli;
  }

  async primaries(): Promise<RedisServer[]> {
    const entries = await this.topology();
    return this.#serversOf(
      entries.filter(
        (entry) => entry.role === 'primary' && entry.slots.length > 0 && !entry.flags.includes('fail'),
      ),
    );
  }

  async replicas(): Promise<RedisServer[]> {
    return this.#serversOf((await this.topology()).filter((entry) => entry.role === 'replica'));
  }

  async reshard(options: ReshardOptions): Promise<void> {
    await reshardCluster(await this.topology(), { ...this.#cli, ...options });
  }

  async waitUntilHealthy(timeoutMs = DEFAULT_START_TIMEOUT_MS): Promise<void> {
    await waitUntil(() => assertClusterHealthy(this.nodes, this.#shape), {
      timeoutMs,
      intervalMs: 200,
      description: `a converged cluster of ${this.#shape.primaries} primaries × ${this.#shape.replicasPerPrimary} replicas`,
    });
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.stop()));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  async topology(): Promise<ClusterNodeEntry[]> {
    let lastError: unknown;
    for (const node of this.nodes) {
      if (!node.running || node.paused) continue;
      try {
        return parseClusterNodes(String(await node.command(['CLUSTER', 'NODES'], { timeoutMs: 1_000 })));
      } catch (error) {
        lastError = error;
      }
    }
    throw new Error('No cluster node answered CLUSTER NODES', { cause: lastError });
  }

  #serversOf(entries: readonly ClusterNodeEntry[]): RedisServer[] {
    const ports = new Set(entries.map((entry) => entry.port));
    return this.nodes.filter((node) => ports.has(node.port));
  }
}

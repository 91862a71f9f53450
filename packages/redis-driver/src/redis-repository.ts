import {
  assertKey,
  CacheEventEmitter,
  type CacheEventListener,
  type ConnectionStatus,
  InvalidConfigError,
  type NodeInfo,
  type ObservableRepository,
  type PerformanceSummary,
  parseInfo,
  type Serializer,
  sumUsedMemory,
} from '@forno/core';
import {
  BaseCacheRepository,
  backoffDelay,
  type HealthListener,
  HealthMonitor,
  type HealthState,
  type RawCommands,
  type RedisRepositoryConfig,
  type ResolvedRedisConfig,
  resolveRedisConfig,
  worstStatus,
} from '@forno/core/backend';
import type { CacheMetrics } from '@forno/metrics';
import { JsonSerializer } from '@forno/serialization';
import {
  closeClient,
  connectClient,
  disableOfflineQueue,
  duplicate,
  isClient,
  statusOf,
  withScripts,
} from './client-lifecycle.js';
import { CommandRunner } from './command-runner.js';
import { ConnectionSupervisor } from './connection-supervisor.js';
import { createClient, isCluster, type RedisClient } from './create-client.js';
import type { DriverContext } from './driver-context.js';
import { hashCommands } from './hash-commands.js';
import { listCommands } from './list-commands.js';
import { lockCommands } from './lock-commands.js';
import { queueLockCommands } from './queue-lock-commands.js';
import { RedisMetrics, redisPerformanceSummary } from './redis-metrics.js';
import { scriptCommands } from './script-commands.js';
import { serverCommands } from './server-commands.js';
import { setCommands } from './set-commands.js';
import { refreshSlotMapOnTimeout } from './slot-map-refresh.js';
import { sortedSetCommands } from './sorted-set-commands.js';
import { streamCommands } from './stream-commands.js';
import { stringCommands } from './string-commands.js';
import { Subscriber } from './subscriber.js';
import { primaryOfKey, transactionCommands } from './transaction-commands.js';

/** At most one slot-map refresh per this many ms after timeouts on a Cluster. */
const SLOT_MAP_REFRESH_INTERVAL_MS = 100;

/** Options when wrapping an ioredis client you created yourself. */
export interface ExistingClientOptions {
  readonly keyPrefix?: string;
  readonly serializer?: Serializer;
  readonly allowFlush?: boolean;
  /** Deadline for idempotent retries (your client's own `commandTimeout` still applies). Default 1s. */
  readonly commandTimeout?: RedisRepositoryConfig['commandTimeout'];
  /** Record metrics (see `@forno/metrics`), as with a repository that owns its connections. */
  readonly enableMetrics?: boolean;
  /** Prefix of metric names (default `'forno'`). */
  readonly metricsPrefix?: string;
}

/**
 * Every `CacheRepository` operation on Redis through ioredis, for a
 * standalone server, a Sentinel-managed primary or a Cluster. It fails fast (typed errors within
 * `commandTimeout`, reconnecting in the background), retries idempotent commands only, honours
 * `keyPrefix` everywhere including `scan`/`deletePattern`, and never lets an ioredis `error`
 * event or a rejection go unhandled.
 *
 * ```ts
 * const redis = new RedisRepository({ host: 'localhost', port: 6379, keyPrefix: 'mario_pizzeria:' });
 * await redis.connect();
 * await redis.set('menu:item:margherita', item, { ttl: '24h' });
 * ```
 */
export class RedisRepository extends BaseCacheRepository implements ObservableRepository<CacheMetrics> {
  /** The resolved configuration (defaults applied). */
  readonly config: ResolvedRedisConfig;
  readonly #clients: readonly RedisClient[];
  readonly #ownsClients: boolean;
  readonly #subscriber: Subscriber;
  readonly #health: HealthMonitor;
  readonly #supervisor: ConnectionSupervisor;
  readonly #events: CacheEventEmitter;
  readonly #metrics: RedisMetrics | undefined;
  readonly #runner: CommandRunner;
  #connecting: Promise<void> | undefined;

  /**
   * `new RedisRepository(config)` creates and owns its connections. `new RedisRepository(client,
   * options)` wraps an ioredis `Redis` or `Cluster` you configured yourself (it is not closed by
   * `disconnect()`, and its own retry and timeout options apply).
   */
  constructor(configOrClient: RedisRepositoryConfig | RedisClient = {}, options: ExistingClientOptions = {}) {
    const existing = isClient(configOrClient) ? configOrClient : undefined;
    const config = existing
      ? resolveRedisConfig({
          ...(options.keyPrefix === undefined ? {} : { keyPrefix: options.keyPrefix }),
          ...(options.serializer === undefined ? {} : { serializer: options.serializer }),
          ...(options.allowFlush === undefined ? {} : { allowFlush: options.allowFlush }),
          ...(options.commandTimeout === undefined ? {} : { commandTimeout: options.commandTimeout }),
          ...(options.enableMetrics === undefined ? {} : { enableMetrics: options.enableMetrics }),
          ...(options.metricsPrefix === undefined ? {} : { metricsPrefix: options.metricsPrefix }),
          healthCheckInterval: false,
        })
      : resolveRedisConfig(configOrClient as RedisRepositoryConfig);
    if (!existing && Object.keys(options).length > 0) {
      throw new InvalidConfigError('options', 'only used when wrapping an existing ioredis client');
    }
    const reconnectDelay = (attempt: number) => backoffDelay(config.retryPolicy, attempt, Math.random);
    const clients = existing
      ? [withScripts(existing)]
      : Array.from({ length: config.connectionPoolSize }, () => createClient(config, reconnectDelay));
    const serializer = config.serializer ?? new JsonSerializer();
    const runner = new CommandRunner(
      clients,
      {
        retries: config.retryPolicy.retries,
        delay: reconnectDelay,
        budgetMs: config.commandTimeoutMs,
        onTimeout: refreshSlotMapOnTimeout(SLOT_MAP_REFRESH_INTERVAL_MS),
      },
      existing === undefined && config.autoPipelining && config.cluster === undefined,
    );
    const subscriber = new Subscriber(async () => {
      // After a permanent failure, do not open a connection that would fail the same way.
      if (runner.failure !== undefined) throw runner.failure;
      const client = existing
        ? withScripts(duplicate(existing))
        : createClient(config, reconnectDelay, 'subscriber');
      client.on('error', () => {});
      try {
        await connectClient(client, config.connectTimeoutMs);
      } catch (error) {
        client.disconnect(); // no reconnect loop for a connection nobody holds
        throw runner.failure ?? error;
      }
      return client;
    });
    const context: DriverContext = {
      runner,
      binary: serializer.format === 'binary',
      cluster: isCluster(clients[0]!),
      subscriber: () => subscriber,
      dedicated: async (key) => {
        if (runner.failure !== undefined) throw runner.failure;
        // Commands on this connection bypass the runner: ioredis' own timer bounds them.
        const connection = primaryOfKey(clients[0]!, key).duplicate({
          commandTimeout: config.commandTimeoutMs,
        });
        connection.on('error', () => {});
        try {
          await connectClient(connection, config.connectTimeoutMs);
        } catch (error) {
          connection.disconnect();
          throw runner.failure ?? error;
        }
        return connection;
      },
    };
    const raw = createRawCommands(context);
    const events = new CacheEventEmitter();
    const metrics = config.enableMetrics
      ? new RedisMetrics(raw, events, clients, config.metricsPrefix)
      : undefined;
    super(metrics?.raw ?? raw, {
      serializer,
      keyPrefix: config.keyPrefix,
      allowFlush: config.allowFlush,
    });
    this.config = config;
    this.#events = events;
    this.#metrics = metrics;
    this.#runner = runner;
    this.#clients = clients;
    this.#ownsClients = existing === undefined;
    this.#subscriber = subscriber;
    this.#health = new HealthMonitor(() => this.#probe(), config.healthCheckIntervalMs);
    this.#supervisor = new ConnectionSupervisor({
      clients,
      runner,
      health: this.#health,
      tls: config.tls !== undefined,
      owned: existing === undefined,
      ready: () => this.status === 'ready',
      report: () => {
        if (this.#events.hasListeners) {
          this.#events.emit({ type: 'connection', status: this.status, connections: this.#clients.length });
        }
      },
    });
  }

  /**
   * The metrics recorded with `enableMetrics: true` (named with `metricsPrefix`), for exporters
   * such as `registerPrometheusMetrics(redis.metrics, { registry })`; `undefined` otherwise.
   */
  get metrics(): CacheMetrics | undefined {
    return this.#metrics?.metrics;
  }

  /**
   * A performance summary: operations, hits, misses and hit ratio (all 0, with
   * `metricsEnabled: false`, unless created with `enableMetrics: true`), ready connections of the
   * pool, and the server's `used_memory`.
   */
  getPerformanceSummary(): Promise<PerformanceSummary> {
    return redisPerformanceSummary(this.#metrics, this.#clients, () => this.memoryUsage());
  }

  /** Connection state, the worst over the pool. */
  get status(): ConnectionStatus {
    return worstStatus(this.#clients.map(statusOf));
  }

  /** Whether this repository talks to a Redis Cluster. */
  get isCluster(): boolean {
    return isCluster(this.#clients[0]!);
  }

  /**
   * The repository's health: the latest periodic check, updated between checks by connection
   * events. Not healthy before the first connection, after a permanent connection failure (`error`
   * says why: a `CacheAuthError`, a `CacheTlsError`) nor after `disconnect()`.
   */
  get health(): HealthState {
    return this.#health.state;
  }

  /** Called whenever the health check flips between healthy and unhealthy. */
  onHealthChange(listener: HealthListener): () => void {
    return this.#health.onChange(listener);
  }

  /** Receives connection events (and, with metrics, operation events). */
  onEvent(listener: CacheEventListener): () => void {
    return this.#events.onEvent(listener);
  }

  /**
   * Connects every pooled connection; resolves when all are ready. Rejects with
   * `CacheUnavailableError` if Redis cannot be reached within `connectTimeout` (reconnecting goes
   * on in the background, so the repository recovers by itself once Redis is back), or at once
   * with `CacheAuthError` / `CacheTlsError` when it can never connect as configured (no reconnect
   * loop then; calling `connect()` again tries once more).
   */
  async connect(): Promise<void> {
    if (this.status === 'ready' && this.#supervisor.failure === undefined) return;
    this.#connecting ??= this.#open().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  /**
   * A graceful shutdown: waits until every operation already called has settled (auto-pipelined
   * commands included; at most `commandTimeout`), then closes every connection and stops the health
   * check. Operations called meanwhile (the next pages of a `deletePattern`) still run.
   */
  async disconnect(): Promise<void> {
    this.#health.stop();
    await this.#runner.drain(this.config.commandTimeoutMs);
    this.#supervisor.closed();
    await this.#subscriber.close();
    if (!this.#ownsClients) return;
    await Promise.all(this.#clients.map((client) => closeClient(client, this.config.commandTimeoutMs)));
  }

  /** `INFO [section]` of the server, or of every primary on Cluster. */
  async info(section?: string): Promise<NodeInfo[]> {
    const client = this.#clients[0]!;
    const nodes = isCluster(client) ? client.nodes('master') : [client];
    return Promise.all(
      nodes.map(async (node) => {
        const text = await this.#runner.idempotent(() =>
          section === undefined ? node.info() : node.info(section),
        );
        return { node: `${node.options.host}:${node.options.port}`, fields: parseInfo(text) };
      }),
    );
  }

  /**
   * Memory used: by one key (`MEMORY USAGE`, bytes or `null` when missing), or by the whole
   * server (`used_memory`, summed over Cluster primaries).
   */
  async memoryUsage(key?: string): Promise<number | null> {
    if (key === undefined) {
      return sumUsedMemory(await this.info('memory'));
    }
    assertKey(key);
    const fullKey = this.keyPrefix + key;
    const bytes = await this.#runner.idempotent(() => this.#clients[0]!.call('MEMORY', 'USAGE', fullKey));
    return bytes === null ? null : Number(bytes);
  }

  async #open(): Promise<void> {
    this.#supervisor.connecting();
    try {
      await Promise.all(this.#clients.map((client) => connectClient(client, this.config.connectTimeoutMs)));
    } catch (error) {
      throw this.#supervisor.failure ?? error;
    } finally {
      // Connected or not, from now on commands fail fast instead of queueing until reconnected.
      for (const client of this.#clients) disableOfflineQueue(client);
      this.#health.start();
    }
  }

  /** The health check: a PING, or after a permanent failure one more attempt to connect. */
  async #probe(): Promise<number> {
    if (this.#supervisor.failure !== undefined) await this.connect();
    return this.ping();
  }
}

/** `createRedisRepository(config)` is `new RedisRepository(config)`: a factory function for composition roots. */
export function createRedisRepository(config: RedisRepositoryConfig = {}): RedisRepository {
  return new RedisRepository(config);
}

function createRawCommands(context: DriverContext): RawCommands {
  return {
    ...stringCommands(context),
    ...hashCommands(context),
    ...listCommands(context),
    ...setCommands(context),
    ...sortedSetCommands(context),
    ...lockCommands(context),
    ...queueLockCommands(context),
    ...streamCommands(context),
    ...serverCommands(context),
    ...transactionCommands(context, createRawCommands),
    ...scriptCommands(context),
  };
}

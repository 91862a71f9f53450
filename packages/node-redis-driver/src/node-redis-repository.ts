import {
  assertKey,
  type CacheError,
  CacheEventEmitter,
  type CacheEventListener,
  CacheUnavailableError,
  type ConnectionStatus,
  InvalidConfigError,
  type NodeInfo,
  type ObservableRepository,
  type PerformanceSummary,
  type Serializer,
  sumUsedMemory,
} from '@forno/core';
import {
  BaseCacheRepository,
  backoffDelay,
  CommandRunner,
  connectionFailureOf,
  type HealthListener,
  HealthMonitor,
  type HealthState,
  type RawCommands,
  type RedisRepositoryConfig,
  type ResolvedRedisConfig,
  resolveRedisConfig,
  worstStatus,
} from '@forno/core/backend';
import { type CacheMetrics, recordRepositoryMetrics } from '@forno/metrics';
import { JsonSerializer } from '@forno/serialization';
import { closeClient, connectClient, statusOf } from './client-lifecycle.js';
import { rediscoverOnFailure } from './cluster-rediscovery.js';
import type { DriverContext } from './driver-context.js';
import { FirstConnection } from './first-connection.js';
import { hashCommands } from './hash-commands.js';
import { type InvalidationListener, InvalidationTracker } from './invalidation.js';
import { listCommands } from './list-commands.js';
import { lockCommands } from './lock-commands.js';
import {
  type AnyNodeRedisClient,
  createNodeRedisClient,
  isNodeRedisClient,
  kindOf,
  type NodeRedisClient,
  type NodeRedisKind,
  type NodeRedisSingleClient,
  sendCommand,
} from './node-redis-client.js';
import { nodeRedisPerformanceSummary } from './node-redis-metrics.js';
import { queueLockCommands } from './queue-lock-commands.js';
import { ReplicaReadFallback } from './replica-read-fallback.js';
import { scriptCommands } from './script-commands.js';
import { serverCommands } from './server-commands.js';
import { keyMemoryUsage, nodeInfos } from './server-info.js';
import { setCommands } from './set-commands.js';
import { sortedSetCommands } from './sorted-set-commands.js';
import { streamCommands } from './stream-commands.js';
import { stringCommands } from './string-commands.js';
import { type PubSubConnection, Subscriber } from './subscriber.js';
import { toCacheError } from './to-cache-error.js';
import { openDedicated, transactionCommands } from './transaction-commands.js';

/** At most one Cluster slot-map reload per this many ms after failed commands. */
const SLOT_MAP_REFRESH_INTERVAL_MS = 100;

const EXISTING_CLIENT_OPTIONS = new Set([
  'keyPrefix',
  'serializer',
  'allowFlush',
  'commandTimeout',
  'enableMetrics',
  'metricsPrefix',
]);
const OWN_CLIENT_OPTIONS = new Set(['tracking']);

/** Options of a repository that creates its own connections (`new NodeRedisRepository(config, options)`). */
export interface NodeRedisOptions {
  /**
   * Server-assisted invalidation (RESP3 `CLIENT TRACKING`, Redis ≥ 6): the connection speaks RESP3
   * and the server tells it when any client changes a key this repository read; listen with
   * {@link NodeRedisRepository.onInvalidate}. Standalone servers only (default false).
   */
  readonly tracking?: boolean;
}

/** Options when wrapping a node-redis client, Cluster or Sentinel you created yourself. */
export interface ExistingClientOptions {
  readonly keyPrefix?: string;
  readonly serializer?: Serializer;
  readonly allowFlush?: boolean;
  /** Deadline of every operation, retries included (default 1s). */
  readonly commandTimeout?: NonNullable<RedisRepositoryConfig['commandTimeout']>;
  /** Record metrics (see `@forno/metrics`), as with a repository that owns its connections. */
  readonly enableMetrics?: boolean;
  /** Prefix of metric names (default `'forno'`). */
  readonly metricsPrefix?: string;
}

/**
 * `RedisRepository` on node-redis v5: every `CacheRepository` operation on Redis through
 * `@redis/client`, for a standalone server, a Sentinel-managed primary or a Cluster, with the same
 * configuration and the same failure contract as the ioredis driver — so switching is one line.
 *
 * Failing fast: node-redis queues commands while disconnected unless told otherwise; every
 * connection Forno creates has `disableOfflineQueue: true`, so a command issued while Redis is
 * down rejects at once with `CacheUnavailableError` (idempotent ones are retried within
 * `commandTimeout`), and every operation — on a client you pass in too — settles within
 * `commandTimeout` with a typed error, even when the server is frozen and answers nothing.
 *
 * ```ts
 * const redis = new NodeRedisRepository({ host: 'localhost', port: 6379, keyPrefix: 'mario_pizzeria:' });
 * await redis.connect();
 * await redis.set('menu:item:margherita', item, { ttl: '24h' });
 * ```
 */
export class NodeRedisRepository extends BaseCacheRepository implements ObservableRepository<CacheMetrics> {
  /** The resolved configuration (defaults applied). */
  readonly config: ResolvedRedisConfig;
  /** The pool; the runner reads it too. Owned clients are replaced by new ones on `connect()` after `disconnect()`. */
  readonly #clients: NodeRedisClient[];
  readonly #createClient: (() => NodeRedisClient) | undefined;
  readonly #kind: NodeRedisKind;
  readonly #ownsClients: boolean;
  readonly #runner: CommandRunner<NodeRedisClient>;
  readonly #subscriber: Subscriber;
  readonly #invalidations: InvalidationTracker | undefined;
  readonly #events: CacheEventEmitter;
  readonly #health: HealthMonitor;
  readonly #metrics: CacheMetrics | undefined;
  /** Reconnects before any connection was ready without holding the process (standalone, owned). */
  readonly #firstConnection: FirstConnection | undefined;
  #opened = false;
  /** A connection was ready at least once (so the configuration worked then). */
  #readyOnce = false;
  /** The connections were destroyed without `disconnect()`: the next `connect()` replaces them. */
  #destroyed = false;
  #closed = false;
  #failure: CacheError | undefined;
  #connecting: Promise<void> | undefined;

  /**
   * `new NodeRedisRepository(config)` creates and owns its connections (the same configuration as
   * `createRedisRepository`). `new NodeRedisRepository(client, options)` wraps a node-redis client,
   * Cluster or Sentinel you configured yourself: it is not closed by `disconnect()`, and its own
   * offline-queue and reconnect options apply (Forno's `commandTimeout` deadline still does).
   */
  constructor(
    configOrClient: RedisRepositoryConfig | AnyNodeRedisClient = {},
    options: ExistingClientOptions | NodeRedisOptions = {},
  ) {
    const existing = isNodeRedisClient(configOrClient)
      ? (configOrClient as unknown as NodeRedisClient)
      : undefined;
    const known = existing ? EXISTING_CLIENT_OPTIONS : OWN_CLIENT_OPTIONS;
    for (const field of Object.keys(options)) {
      if (!known.has(field)) {
        const when = existing
          ? 'when wrapping a client'
          : 'with a configuration (wrapping options need a client)';
        throw new InvalidConfigError(`options.${field}`, `unknown option ${when}`);
      }
    }
    const tracking = !existing && (options as NodeRedisOptions).tracking === true;
    const config = existing
      ? resolveRedisConfig({ ...(options as ExistingClientOptions), healthCheckInterval: false })
      : resolveNodeRedisConfig(configOrClient as RedisRepositoryConfig, options as NodeRedisOptions);
    const createClient = existing
      ? undefined
      : () => {
          const client = createNodeRedisClient(config, {
            tracking,
            reconnect: (attempt, cause) => this.#reconnectDelay(attempt, cause),
          });
          // node-redis emits `error` for every failed (re)connection: with no listener, Node would throw.
          (client as unknown as NodeJS.EventEmitter).on('error', () => {});
          return client;
        };
    const clients = createClient
      ? Array.from({ length: config.connectionPoolSize }, createClient)
      : [existing!];
    const kind = kindOf(clients[0]!);
    const rediscover = rediscoverOnFailure(SLOT_MAP_REFRESH_INTERVAL_MS);
    const runner = new CommandRunner<NodeRedisClient>(clients, {
      retries: config.retryPolicy.retries,
      delay: (retry) => backoffDelay(config.retryPolicy, retry, Math.random),
      budgetMs: config.commandTimeoutMs,
      toCacheError,
      ...(kind === 'cluster' ? { onTimeout: rediscover, onUnavailable: rediscover } : {}),
      // A command before `connect()` opens the connections first (as ioredis' lazy connect does),
      // and one issued while `connect()` is under way waits for it (within its own deadline).
      attempt: (client, command) => {
        const opening = this.#connecting ?? (this.#opened ? undefined : this.connect());
        return opening === undefined ? command(client) : opening.then(() => command(client));
      },
    });
    const subscriber = new Subscriber({
      open: async () => {
        if (runner.failure !== undefined) throw runner.failure;
        const client = clients[0]!;
        if (kind !== 'standalone') return client as unknown as PubSubConnection;
        const connection = (client as NodeRedisSingleClient).duplicate();
        connection.on('error', () => {});
        try {
          await connectClient(connection, config.connectTimeoutMs);
        } catch (error) {
          await connection.destroy();
          throw runner.failure ?? error;
        }
        return connection as unknown as PubSubConnection;
      },
      close: async (connection) => {
        if (kind === 'standalone')
          await closeClient(connection as unknown as NodeRedisClient, config.commandTimeoutMs);
      },
    });
    const serializer = config.serializer ?? new JsonSerializer();
    const context: DriverContext = {
      runner,
      kind,
      binary: serializer.format === 'binary',
      readFallback:
        config.cluster?.readFallback === 'replicas'
          ? new ReplicaReadFallback(config.commandTimeoutMs)
          : undefined,
      subscriber: () => subscriber,
      dedicated: async (key) => {
        if (runner.failure !== undefined) throw runner.failure;
        try {
          return await openDedicated(
            clients[0]!,
            kind,
            key,
            (connection) => connectClient(connection, config.connectTimeoutMs),
            existing === undefined ? (address) => connectionToPrimary(config, address) : undefined,
          );
        } catch (error) {
          throw runner.failure ?? toCacheError(error);
        }
      },
    };
    const raw = createRawCommands(context);
    const events = new CacheEventEmitter();
    const metered = config.enableMetrics
      ? recordRepositoryMetrics(raw, events, config.metricsPrefix)
      : undefined;
    super(metered?.raw ?? raw, {
      serializer,
      keyPrefix: config.keyPrefix,
      allowFlush: config.allowFlush,
    });
    this.config = config;
    this.#events = events;
    this.#metrics = metered?.metrics;
    this.#clients = clients;
    this.#createClient = createClient;
    this.#kind = kind;
    this.#ownsClients = existing === undefined;
    this.#runner = runner;
    this.#subscriber = subscriber;
    this.#health = new HealthMonitor(() => this.#probe(), config.healthCheckIntervalMs);
    this.#invalidations = tracking ? new InvalidationTracker(clients, config.keyPrefix) : undefined;
    this.#firstConnection =
      existing === undefined && kind === 'standalone'
        ? new FirstConnection((attempt) => backoffDelay(config.retryPolicy, attempt, Math.random))
        : undefined;
    for (const client of clients) this.#reportConnectionEvents(client);
    if (existing) {
      (existing as unknown as NodeJS.EventEmitter).on('error', () => {});
      this.#opened = (existing as unknown as { isOpen: boolean }).isOpen;
      if (this.status === 'ready') this.#health.markHealthy();
    }
  }

  /** Connection state, the worst over the pool. */
  get status(): ConnectionStatus {
    if (this.#firstConnection?.reconnecting && !this.#closed) return 'reconnecting';
    return worstStatus(this.#clients.map((client) => statusOf(client, this.#opened, this.#closed)));
  }

  /**
   * Calls `listener` with the keys (relative to `keyPrefix`) that any client changed, expired or
   * deleted after this repository read them, or with `null` when everything read before must be
   * forgotten (a flush, or a reconnection). For an L1 cache in front of Redis: drop those entries.
   * Needs `new NodeRedisRepository(config, { tracking: true })` on a standalone server; returns a
   * function that removes the listener.
   */
  onInvalidate(listener: InvalidationListener): () => void {
    if (this.#invalidations === undefined) {
      throw new InvalidConfigError(
        'options.tracking',
        'create the repository with { tracking: true } to receive invalidations',
      );
    }
    return this.#invalidations.onInvalidate(listener);
  }

  /**
   * The metrics recorded with `enableMetrics: true` (named with `metricsPrefix`), for exporters
   * such as `registerPrometheusMetrics(redis.metrics, { registry })`; `undefined` otherwise.
   */
  get metrics(): CacheMetrics | undefined {
    return this.#metrics;
  }

  /**
   * Operations, hits, misses and hit ratio (all 0, with `metricsEnabled: false`, unless created
   * with `enableMetrics: true`), ready connections of the pool, and the server's `used_memory`.
   */
  getPerformanceSummary(): Promise<PerformanceSummary> {
    return nodeRedisPerformanceSummary(this.#metrics, this.#clients, this.#kind, () => this.memoryUsage());
  }

  /**
   * The repository's health: the latest periodic check (`healthCheckInterval`, a PING), updated
   * between checks by connection events. Not healthy before the first connection, after a
   * permanent connection failure (`error` says why: a `CacheAuthError`, a `CacheTlsError`) nor
   * after `disconnect()`. The same {@link HealthState} as the ioredis driver's.
   */
  get health(): HealthState {
    return this.#health.state;
  }

  /** Called whenever the health check flips between healthy and unhealthy; returns a remover. */
  onHealthChange(listener: HealthListener): () => void {
    return this.#health.onChange(listener);
  }

  /**
   * `INFO [section]` of the server (through Sentinel: of the primary), or of every primary on
   * Cluster, each parsed into fields. Bounded by `commandTimeout` like any operation.
   */
  info(section?: string): Promise<NodeInfo[]> {
    return nodeInfos(this.#runner, this.#kind, section);
  }

  /**
   * Memory used: by one key (`MEMORY USAGE`, bytes, or `null` when missing), or by the whole
   * server (`used_memory`, summed over Cluster primaries).
   */
  async memoryUsage(key?: string): Promise<number | null> {
    if (key === undefined) return sumUsedMemory(await this.info('memory'));
    assertKey(key);
    return keyMemoryUsage(this.#runner, this.#kind, this.keyPrefix + key);
  }

  /** Receives connection events (and, with metrics, operation events). */
  onEvent(listener: CacheEventListener): () => void {
    return this.#events.onEvent(listener);
  }

  /** Whether this repository talks to a Redis Cluster. */
  get isCluster(): boolean {
    return this.#kind === 'cluster';
  }

  /**
   * Connects every pooled connection; resolves when all are ready. Rejects with
   * `CacheUnavailableError` if Redis cannot be reached within `connectTimeout` (reconnecting goes
   * on in the background, so the repository recovers by itself once Redis is back), or with
   * `CacheAuthError` / `CacheTlsError` when it can never connect as configured (no reconnect
   * loop then; calling `connect()` again tries once more).
   */
  async connect(): Promise<void> {
    if (this.#opened && this.#failure === undefined && this.status === 'ready') return;
    this.#connecting ??= this.#open().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  /**
   * A graceful shutdown: waits until every operation already called has settled (at most
   * `commandTimeout`), then closes every connection it owns and the pub/sub connection.
   */
  async disconnect(): Promise<void> {
    this.#health.stop();
    this.#firstConnection?.stop();
    await this.#runner.drain(this.config.commandTimeoutMs);
    this.#health.markUnhealthy(new CacheUnavailableError('the repository is disconnected'));
    await this.#subscriber.close();
    if (!this.#ownsClients) return;
    this.#closed = true;
    await Promise.all(this.#clients.map((client) => closeClient(client, this.config.commandTimeoutMs)));
  }

  /**
   * Reports a connection's state changes as `connection` events (for metrics and listeners) and
   * marks health between checks: healthy once the whole pool is ready, unhealthy when a working
   * connection is lost (an earlier failure, and its reason, is kept).
   */
  #reportConnectionEvents(client: NodeRedisClient): void {
    const report = () => {
      if (this.#events.hasListeners) {
        this.#events.emit({ type: 'connection', status: this.status, connections: this.#clients.length });
      }
    };
    const events = client as unknown as NodeJS.EventEmitter;
    events.on('ready', () => {
      this.#readyOnce = true;
      this.#firstConnection?.ready(client);
      if (this.status === 'ready' && this.#failure === undefined) this.#health.markHealthy();
      report();
    });
    const lost = () => {
      if (!this.#closed && this.#health.state.healthy) {
        this.#health.markUnhealthy(
          new CacheUnavailableError('the connection to Redis was lost; reconnecting'),
        );
      }
      report();
    };
    events.on('reconnecting', lost);
    events.on('end', lost);
  }

  /** The health check: a PING, or after a permanent failure one more attempt to connect. */
  async #probe(): Promise<number> {
    if (this.#failure !== undefined) await this.connect();
    return this.ping();
  }

  async #open(): Promise<void> {
    if ((this.#closed || this.#destroyed) && this.#createClient !== undefined) {
      this.#destroyed = false;
      // A closed node-redis Sentinel cannot be opened again: every closed connection is replaced.
      for (let i = 0; i < this.#clients.length; i++) {
        this.#clients[i] = this.#createClient();
        this.#reportConnectionEvents(this.#clients[i]!);
      }
    }
    this.#failure = undefined;
    this.#runner.stopWith(undefined);
    this.#closed = false;
    this.#opened = true;
    if (this.#firstConnection?.done === false) this.#firstConnection.begin(this.config.connectTimeoutMs);
    try {
      await Promise.all(this.#clients.map((client) => connectClient(client, this.config.connectTimeoutMs)));
      this.#readyOnce = true;
      if (this.#ownsClients) await this.#checkCredentials();
      this.#health.markHealthy();
    } catch (error) {
      if (this.#failure === undefined) this.#firstConnection?.failed(this.#clients);
      throw this.#failure ?? error;
    } finally {
      this.#health.start();
    }
  }

  /**
   * node-redis' reconnect strategy: the configured backoff, unless the failure is one retrying
   * cannot fix (rejected credentials, an untrusted certificate) — then reconnecting stops and
   * every command rejects at once with that typed error until `connect()` is called again.
   */
  #reconnectDelay(attempt: number, cause: Error): number | Error {
    const failure = this.#permanentFailureOf(cause);
    if (failure !== undefined) {
      this.#stopWith(failure);
      return failure;
    }
    const delay = backoffDelay(this.config.retryPolicy, attempt + 1, Math.random);
    const first = this.#firstConnection;
    return first === undefined || first.done ? delay : first.reconnectDelay(delay);
  }

  /**
   * node-redis sends no command on connecting unless credentials are configured, so a server that
   * requires a password it was not given accepts the connection and refuses every command
   * (`NOAUTH`): one PING per connection finds it, and the connections are closed (no loop of
   * refused commands) until `connect()` is called again.
   */
  async #checkCredentials(): Promise<void> {
    const replies = await Promise.allSettled(
      this.#clients.map((client) =>
        sendCommand(client, this.#kind, ['PING'], { readonly: false, binary: false }),
      ),
    );
    for (const reply of replies) {
      const failure = reply.status === 'rejected' ? this.#permanentFailureOf(reply.reason) : undefined;
      if (failure === undefined) continue;
      this.#stopWith(failure);
      await this.#destroyConnections();
      throw failure;
    }
  }

  /** Closes every connection at once, without reconnecting; the next `connect()` replaces them. */
  async #destroyConnections(): Promise<void> {
    this.#destroyed = true;
    await Promise.all(
      this.#clients.map(async (client) => {
        if ((client as unknown as { isOpen: boolean }).isOpen) await client.destroy();
      }),
    );
  }

  /**
   * A failure retrying cannot fix, typed. A reset before any connection was ever ready is a
   * handshake refused (what a TLS port does with plaintext); once connected, a reset is transient.
   */
  #permanentFailureOf(cause: unknown): CacheError | undefined {
    return connectionFailureOf(cause, {
      tls: this.config.tls !== undefined,
      handshaking: !this.#readyOnce,
      connectedBefore: this.#readyOnce,
    });
  }

  /** Stops on a permanent failure: unhealthy, and every command rejects at once with it. */
  #stopWith(failure: CacheError): void {
    this.#firstConnection?.stop();
    this.#failure = failure;
    this.#health.markUnhealthy(failure);
    this.#runner.stopWith(failure);
  }
}

/** `createNodeRedisRepository(config, options)` is `new NodeRedisRepository(config, options)`. */
export function createNodeRedisRepository(
  config: RedisRepositoryConfig = {},
  options: NodeRedisOptions = {},
): NodeRedisRepository {
  return new NodeRedisRepository(config, options);
}

/**
 * {@link resolveRedisConfig}, plus the checks of `tracking`. `autoPipelining` is accepted and has no effect:
 * node-redis always writes the commands issued in one tick together.
 */
function resolveNodeRedisConfig(
  config: RedisRepositoryConfig,
  options: NodeRedisOptions,
): ResolvedRedisConfig {
  const resolved = resolveRedisConfig(config);
  if (options.tracking !== undefined && typeof options.tracking !== 'boolean') {
    throw new InvalidConfigError('options.tracking', 'expected a boolean');
  }
  if (options.tracking === true && resolved.mode !== 'standalone') {
    throw new InvalidConfigError(
      'options.tracking',
      `server-assisted invalidation is supported on a standalone server only, not on ${resolved.mode}`,
    );
  }
  return resolved;
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

/** A connection of its own to a Sentinel group's current primary (for a `WATCH`), never reconnecting. */
function connectionToPrimary(
  config: ResolvedRedisConfig,
  address: { host: string; port: number },
): NodeRedisSingleClient {
  return createNodeRedisClient(
    {
      ...config,
      mode: 'standalone',
      sentinel: undefined,
      cluster: undefined,
      host: address.host,
      port: address.port,
    },
    { tracking: false, reconnect: (_attempt, cause) => cause },
  ) as NodeRedisSingleClient;
}

import type { ResolvedRedisConfig } from '@forno/core/backend';
import {
  createClient,
  createCluster,
  createSentinel,
  RESP_TYPES,
  type RedisArgument,
  type RedisClientOptions,
  type RedisClientType,
  type RedisClusterType,
  type RedisSentinelType,
} from '@redis/client';

/** A node-redis connection to one server (standalone). */
export type NodeRedisSingleClient = RedisClientType<
  Record<string, never>,
  Record<string, never>,
  Record<string, never>,
  2 | 3
>;
/** A node-redis Cluster client. */
export type NodeRedisClusterClient = RedisClusterType<
  Record<string, never>,
  Record<string, never>,
  Record<string, never>,
  2 | 3
>;
/** A node-redis Sentinel client (the primary a Sentinel group watches). */
export type NodeRedisSentinelClient = RedisSentinelType<
  Record<string, never>,
  Record<string, never>,
  Record<string, never>,
  2 | 3
>;

/** Any node-redis client `NodeRedisRepository` can run on: a server, a Cluster or a Sentinel group. */
export type NodeRedisClient = NodeRedisSingleClient | NodeRedisClusterClient | NodeRedisSentinelClient;

/**
 * Any node-redis v5 client, Cluster or Sentinel — whatever its modules, functions, scripts, RESP
 * version or type mapping (`createClient()` of `redis` or `@redis/client`, `createCluster()`,
 * `createSentinel()`, with any options): what `new NodeRedisRepository(client, options)` accepts,
 * so a client needs no type annotation. Described by the few members the driver relies on, because
 * node-redis' own generic types are not assignable to one another across type parameters.
 */
export interface AnyNodeRedisClient {
  readonly isOpen: boolean;
  connect(): Promise<unknown>;
  close(): Promise<unknown>;
  destroy(): unknown;
  sendCommand(...args: never[]): unknown;
}

/** The topology of a node-redis client. */
export type NodeRedisKind = 'standalone' | 'cluster' | 'sentinel';

/** How a command is routed and how its reply is read. */
export interface Route {
  /** The key that picks the Cluster node (its first key); `undefined` for keyless commands. */
  readonly key?: RedisArgument | undefined;
  /** A read (Cluster/Sentinel may send it to a replica when configured to). */
  readonly readonly: boolean;
  /** Read bulk-string replies as Buffers (binary serializer) instead of strings. */
  readonly binary: boolean;
}

/** node-redis' command options that read bulk strings as Buffers (binary serializer). */
export const BINARY_REPLIES = { typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer } } as const;

/**
 * Sends one command on any kind of node-redis client. `args` is the whole command (`['GET', key]`),
 * passed as an array, never spread, so a 100k-argument command costs no stack.
 */
export function sendCommand(
  client: NodeRedisClient,
  kind: NodeRedisKind,
  args: readonly RedisArgument[],
  route: Route,
): Promise<unknown> {
  const options = route.binary ? BINARY_REPLIES : undefined;
  switch (kind) {
    case 'standalone':
      return (client as NodeRedisSingleClient).sendCommand(args, options);
    case 'cluster':
      return (client as NodeRedisClusterClient).sendCommand(
        route.key,
        route.readonly,
        args as RedisArgument[],
        options,
      );
    case 'sentinel':
      return (client as NodeRedisSentinelClient).sendCommand(
        route.readonly,
        args as RedisArgument[],
        options,
      );
  }
}

/** The topology of a node-redis client (duck-typed, so any copy of `@redis/client` works). */
export function kindOf(client: NodeRedisClient): NodeRedisKind {
  const probe = client as unknown as Record<string, unknown>;
  if ('masters' in probe && 'slots' in probe) return 'cluster';
  if (typeof probe.getSentinelNode === 'function' || typeof probe.getMasterNode === 'function')
    return 'sentinel';
  return 'standalone';
}

/** Whether `value` is a node-redis client, Cluster or Sentinel (duck-typed). */
export function isNodeRedisClient(value: unknown): value is AnyNodeRedisClient {
  const probe = value as Record<string, unknown> | null;
  return (
    probe !== null &&
    typeof probe === 'object' &&
    typeof probe.sendCommand === 'function' &&
    typeof probe.connect === 'function' &&
    typeof probe.close === 'function'
  );
}

/** What the driver decides about each connection it creates. */
export interface ClientPolicy {
  /** Delay before reconnect attempt `n`, or an Error to stop reconnecting (a permanent failure). */
  readonly reconnect: (attempt: number, cause: Error) => number | Error;
  /** Turn on RESP3 `CLIENT TRACKING` and `invalidate` events (see `onInvalidate`). */
  readonly tracking: boolean;
}

/**
 * Options of every connection Forno creates. Commands issued while a connection is down are
 * rejected at once (`disableOfflineQueue: true`) instead of waiting in node-redis' offline queue
 * for a reconnect that may take longer than `commandTimeout`; idempotent ones are then retried by
 * Forno within their budget, so callers fail fast and never hang.
 */
function nodeOptions(config: ResolvedRedisConfig, policy: ClientPolicy): RedisClientOptions {
  return {
    ...(config.username === undefined ? {} : { username: config.username }),
    ...(config.password === undefined ? {} : { password: config.password }),
    ...(config.connectionName === undefined ? {} : { name: config.connectionName }),
    disableOfflineQueue: true,
    // The health check: a PING on idle connections, which also keeps them from being dropped.
    ...(config.healthCheckIntervalMs === false ? {} : { pingInterval: config.healthCheckIntervalMs }),
    ...(policy.tracking ? { RESP: 3, emitInvalidate: true } : {}),
    socket: {
      connectTimeout: config.connectTimeoutMs,
      reconnectStrategy: (attempt: number, cause: Error) => policy.reconnect(attempt, cause),
      ...(config.tls === undefined ? {} : { tls: true as const, ...config.tls }),
    },
  } as RedisClientOptions;
}

/** Creates an (unconnected) node-redis client for the configured topology. */
export function createNodeRedisClient(config: ResolvedRedisConfig, policy: ClientPolicy): NodeRedisClient {
  const options = nodeOptions(config, policy);
  if (config.cluster) {
    const { nodes, scaleReads, readFallback, natMap } = config.cluster;
    return createCluster({
      rootNodes: nodes.map(({ host, port }) => ({ socket: { host, port } })),
      defaults: options,
      // Connections to replicas (with READONLY): for reads all the time, or while a primary is down.
      useReplicas: scaleReads !== 'master' || readFallback === 'replicas',
      ...(natMap === undefined ? {} : { nodeAddressMap: { ...natMap } }),
      ...(policy.tracking ? { RESP: 3 } : {}),
    } as never) as unknown as NodeRedisClusterClient;
  }
  if (config.sentinel) {
    const { sentinels, name, sentinelUsername, sentinelPassword } = config.sentinel;
    return createSentinel({
      name,
      sentinelRootNodes: sentinels.map(({ host, port }) => ({ host, port })),
      nodeClientOptions: { ...options, database: config.db },
      sentinelClientOptions: {
        ...(sentinelUsername === undefined ? {} : { username: sentinelUsername }),
        ...(sentinelPassword === undefined ? {} : { password: sentinelPassword }),
        socket: { connectTimeout: config.connectTimeoutMs },
      },
      masterPoolSize: 1,
      ...(policy.tracking ? { RESP: 3 } : {}),
    } as never) as unknown as NodeRedisSentinelClient;
  }
  return createClient({
    ...options,
    database: config.db,
    socket: { ...options.socket, host: config.host, port: config.port },
  } as never) as unknown as NodeRedisSingleClient;
}

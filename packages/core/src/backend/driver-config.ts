import type { Duration } from '../duration.js';
import { InvalidConfigError } from '../errors.js';
import { assertKnownOptions, durationOption, integerOption } from '../options.js';
import { hideSecrets, redactUrl } from '../redaction.js';
import type { Serializer } from '../serializer.js';
import { type BackoffOptions, type ResolvedBackoff, resolveBackoff } from './backoff.js';

/**
 * The configuration both Redis drivers take (`@forno/redis-driver` on ioredis,
 * `@forno/node-redis-driver` on node-redis), validated once here so switching drivers is a
 * one-line change and a bad field gets the same `InvalidConfigError` from either.
 */

/** TLS settings for `rediss://` or `tls: { ... }`; passed to Node's `tls.connect`. */
export interface RedisTlsConfig {
  readonly ca?: string | Buffer | ReadonlyArray<string | Buffer>;
  readonly cert?: string | Buffer;
  readonly key?: string | Buffer;
  readonly servername?: string;
  /** Verify the server certificate (default true). Only turn off for local development. */
  readonly rejectUnauthorized?: boolean;
}

/**
 * The driver's retry policy. It drives the reconnect backoff, and retries of idempotent commands
 * only (never `incrby`, `lpush`, `zpopmin`...), always within the command's `commandTimeout` budget.
 */
export interface RedisRetryPolicyConfig extends BackoffOptions {
  /** Retries of an idempotent command after the first attempt (default 3). */
  readonly retries?: number;
  /** First delay (default `'100ms'`). */
  readonly retryDelay?: Duration;
  /** Growth of each further delay (default 2). */
  readonly backoffFactor?: number;
  /** Cap of any delay (default `'1s'`; also caps the reconnect backoff). */
  readonly maxRetryDelay?: Duration;
  /** Randomness: `'none'`, `'equal'` (default) or `'full'`, or a fraction in [0, 1]. */
  readonly jitter?: 'none' | 'equal' | 'full' | number;
}

/** A Redis node address. */
export interface RedisNodeAddress {
  readonly host: string;
  readonly port: number;
}

/** Redis Cluster mode: the startup nodes (any subset of the cluster). */
export interface RedisClusterConfig {
  /** Startup nodes, as `{ host, port }` or `'host:port'`. */
  readonly nodes: ReadonlyArray<RedisNodeAddress | string>;
  /** Where reads go: primaries only (default, read-your-writes) or replicas too. */
  readonly scaleReads?: 'master' | 'slave' | 'all';
  /**
   * `'replicas'`: while a slot's primary is unreachable (its connection is down, or a read on it
   * timed out lately), its reads go to a replica of the same slot instead of failing. Opt-in,
   * because replicas lag: such a read may miss the latest writes, and writes the dead primary
   * acknowledged but had not replicated yet never come back. Default `'none'`; only with
   * `scaleReads: 'master'` (the other modes read replicas anyway).
   */
  readonly readFallback?: 'none' | 'replicas';
  /** Address translation for clusters behind NAT or in containers. */
  readonly natMap?: Readonly<Record<string, RedisNodeAddress>>;
}

/** Redis Sentinel mode: where the sentinels are and which primary they watch. */
export interface RedisSentinelConfig {
  readonly sentinels: ReadonlyArray<RedisNodeAddress | string>;
  /** The monitored primary's name (`sentinel monitor <name> ...`). */
  readonly name: string;
  readonly sentinelUsername?: string;
  readonly sentinelPassword?: string;
}

/**
 * Configuration of a Redis driver's repository (`RedisRepository`, `NodeRedisRepository`): host,
 * credentials, timeouts, pool, retry policy, metrics, serializer, Cluster or Sentinel. Every field is
 * validated before connecting; a bad field gets an `InvalidConfigError` naming it.
 */
export interface RedisRepositoryConfig {
  /** `redis://[user:pass@]host:port[/db]` or `rediss://...` (TLS). Not combinable with host/port. */
  readonly url?: string;
  readonly host?: string;
  readonly port?: number;
  readonly db?: number;
  readonly username?: string;
  readonly password?: string;
  /** `true` for TLS with defaults, or explicit TLS settings. */
  readonly tls?: boolean | RedisTlsConfig;
  /** Prepended to every key and channel, e.g. `'mario_pizzeria:'`. */
  readonly keyPrefix?: string;
  /**
   * Number of multiplexed connections commands are spread over, round-robin (default 1, which is
   * enough for most services thanks to auto-pipelining). Pub/sub always gets its own connection.
   */
  readonly connectionPoolSize?: number;
  /** Period of the health-check PING (default `'30s'`); `false` disables it. */
  readonly healthCheckInterval?: Duration | false;
  /** Deadline of every operation, retries included (default `'1s'`): fail fast, never hang. */
  readonly commandTimeout?: Duration;
  /** Deadline of establishing a connection (default `'5s'`). */
  readonly connectTimeout?: Duration;
  /** Reconnect backoff and retries of idempotent commands. */
  readonly retryPolicy?: RedisRetryPolicyConfig;
  /** Value serializer (default JSON). */
  readonly serializer?: Serializer;
  /** Record metrics (see `@forno/metrics`). */
  readonly enableMetrics?: boolean;
  /** Prefix of metric names (default `'forno'`). */
  readonly metricsPrefix?: string;
  /** Batch the commands issued in the same tick into one write or pipeline (default true). */
  readonly autoPipelining?: boolean;
  /** Allows `flushdb()` (default false). */
  readonly allowFlush?: boolean;
  /** Connection name shown by `CLIENT LIST`. */
  readonly connectionName?: string;
  /** Redis Cluster mode. */
  readonly cluster?: RedisClusterConfig;
  /** Redis Sentinel mode. */
  readonly sentinel?: RedisSentinelConfig;
}

/** {@link RedisRepositoryConfig} validated, with defaults applied and durations in ms. */
export interface ResolvedRedisConfig {
  readonly mode: 'standalone' | 'cluster' | 'sentinel';
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly tls: RedisTlsConfig | undefined;
  readonly keyPrefix: string;
  readonly connectionPoolSize: number;
  readonly healthCheckIntervalMs: number | false;
  readonly commandTimeoutMs: number;
  readonly connectTimeoutMs: number;
  /** The backoff of retries of idempotent commands, which also paces reconnects (see `backoffDelay`). */
  readonly retryPolicy: ResolvedBackoff;
  readonly serializer: Serializer | undefined;
  readonly enableMetrics: boolean;
  readonly metricsPrefix: string;
  readonly autoPipelining: boolean;
  readonly allowFlush: boolean;
  readonly connectionName: string | undefined;
  readonly cluster:
    | {
        nodes: RedisNodeAddress[];
        scaleReads: 'master' | 'slave' | 'all';
        readFallback: 'none' | 'replicas';
        natMap?: RedisClusterConfig['natMap'];
      }
    | undefined;
  readonly sentinel: (Omit<RedisSentinelConfig, 'sentinels'> & { sentinels: RedisNodeAddress[] }) | undefined;
}

const KNOWN_FIELDS = new Set<string>([
  'url',
  'host',
  'port',
  'db',
  'username',
  'password',
  'tls',
  'keyPrefix',
  'connectionPoolSize',
  'healthCheckInterval',
  'commandTimeout',
  'connectTimeout',
  'retryPolicy',
  'serializer',
  'enableMetrics',
  'metricsPrefix',
  'autoPipelining',
  'allowFlush',
  'connectionName',
  'cluster',
  'sentinel',
]);
const RETRY_FIELDS = new Set(['retries', 'retryDelay', 'backoffFactor', 'maxRetryDelay', 'jitter']);
const TLS_FIELDS = new Set(['ca', 'cert', 'key', 'servername', 'rejectUnauthorized']);
const CLUSTER_FIELDS = new Set(['nodes', 'scaleReads', 'readFallback', 'natMap']);

/** Throws the `InvalidConfigError` of a field, named `options.<field>` as every option is. */
function fail(field: string, message: string): never {
  throw new InvalidConfigError(`options.${field}`, message);
}

function duration(value: Duration | undefined, field: string, fallback: number, min = 1): number {
  const ms = durationOption(value, field, fallback);
  if (ms < min) fail(field, `must be at least ${min}ms, got ${ms}ms`);
  return ms;
}

function integer(
  value: unknown,
  field: string,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  return integerOption(value, field, min, fallback, undefined, max);
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') fail(field, 'expected a string');
  return value;
}

/** Parses `'host:port'` or validates `{ host, port }`. */
export function parseNodeAddress(node: unknown, field: string): RedisNodeAddress {
  if (typeof node === 'string') {
    const match = /^(.+):(\d+)$/.exec(node);
    if (!match) fail(field, `expected 'host:port', got ${JSON.stringify(node)}`);
    return {
      host: match[1]!.replace(/^\[(.*)\]$/, '$1'),
      port: integer(Number(match[2]), field, 0, 1, 65_535),
    };
  }
  if (node === null || typeof node !== 'object') fail(field, 'expected { host, port } or "host:port"');
  const { host, port } = node as Partial<RedisNodeAddress>;
  if (typeof host !== 'string' || host.length === 0) fail(`${field}.host`, 'expected a non-empty string');
  return { host, port: integer(port, `${field}.port`, 6379, 1, 65_535) };
}

function parseUrl(url: string): {
  host: string;
  port: number;
  db?: number;
  username?: string;
  password?: string;
  tls: boolean;
} {
  // Error messages show the URL redacted (`redis://[redacted]@host:6379`): never its credentials.
  const shown = redactUrl(url);
  const authority = url.replace(/^[a-z][a-z\d+.-]*:\/\//i, '');
  if (/[/?#].*@/s.test(authority)) {
    fail('url', `percent-encode the credentials: a raw "/", "?" or "#" ends the host part (${shown})`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    fail('url', `not a valid URL: ${shown}`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    fail('url', `expected a redis:// or rediss:// URL, got ${shown}`);
  }
  const path = parsed.pathname.replace(/^\//, '');
  if (path !== '' && !/^\d+$/.test(path)) fail('url', `the path must be a database number (${shown})`);
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1',
    port: parsed.port === '' ? 6379 : Number(parsed.port),
    ...(path === '' ? {} : { db: Number(path) }),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    tls: parsed.protocol === 'rediss:',
  };
}

function resolveTls(tls: unknown, fromUrl: boolean): RedisTlsConfig | undefined {
  if (tls === undefined || tls === false) return fromUrl ? {} : undefined;
  if (tls === true) return {};
  if (tls === null || typeof tls !== 'object') fail('tls', 'expected a boolean or TLS settings');
  assertKnownOptions(tls, TLS_FIELDS, undefined, 'options.tls');
  return hideSecrets({ ...(tls as RedisTlsConfig) }, ['key']);
}

function resolveRetryPolicy(options: RedisRetryPolicyConfig | undefined): ResolvedBackoff {
  if (options !== undefined && (options === null || typeof options !== 'object'))
    fail('retryPolicy', 'expected an object');
  assertKnownOptions(options, RETRY_FIELDS, undefined, 'options.retryPolicy');
  return resolveBackoff(options, { owner: 'retryPolicy', field: 'options.retryPolicy' });
}

function resolveCluster(config: RedisClusterConfig): NonNullable<ResolvedRedisConfig['cluster']> {
  if (config === null || typeof config !== 'object') fail('cluster', 'expected { nodes, ... }');
  assertKnownOptions(config, CLUSTER_FIELDS, undefined, 'options.cluster');
  const nodes = config.nodes;
  if (!Array.isArray(nodes) || nodes.length === 0) fail('cluster.nodes', 'expected at least one node');
  const scaleReads = config.scaleReads ?? 'master';
  if (!['master', 'slave', 'all'].includes(scaleReads))
    fail('cluster.scaleReads', "expected 'master', 'slave' or 'all'");
  const readFallback = config.readFallback ?? 'none';
  if (!['none', 'replicas'].includes(readFallback))
    fail('cluster.readFallback', "expected 'none' or 'replicas'");
  if (readFallback === 'replicas' && scaleReads !== 'master') {
    fail(
      'cluster.readFallback',
      `only with scaleReads: 'master' (scaleReads: '${scaleReads}' reads replicas already)`,
    );
  }
  return {
    nodes: nodes.map((node, i) => parseNodeAddress(node, `cluster.nodes[${i}]`)),
    scaleReads,
    readFallback,
    ...(config.natMap === undefined ? {} : { natMap: config.natMap }),
  };
}

/**
 * Validates a {@link RedisRepositoryConfig} and applies defaults. Throws `InvalidConfigError` naming
 * the field (`options.port`, `options.cluster.nodes[0]`),
 * whose message never shows a secret. In the result, `username`, `password`, `tls.key`,
 * `sentinel.sentinelUsername` and `sentinel.sentinelPassword` are readable but non-enumerable and
 * shown as `[redacted]` by `JSON.stringify` and `util.inspect` (see `hideSecrets` of `@forno/core`).
 */
export function resolveRedisConfig(config: RedisRepositoryConfig = {}): ResolvedRedisConfig {
  if (config === null || typeof config !== 'object') {
    throw new InvalidConfigError('options', 'expected an options object');
  }
  assertKnownOptions(config, KNOWN_FIELDS);
  if (config.cluster && config.sentinel) fail('cluster', 'cluster and sentinel are exclusive');
  if (config.url !== undefined && (config.host !== undefined || config.port !== undefined)) {
    fail('url', 'give either url or host/port, not both');
  }
  const fromUrl = config.url === undefined ? undefined : parseUrl(optionalString(config.url, 'url')!);
  const retryPolicy = resolveRetryPolicy(config.retryPolicy);
  const keyPrefix = optionalString(config.keyPrefix, 'keyPrefix') ?? '';
  const healthCheck = config.healthCheckInterval;
  const serializer = config.serializer;
  if (
    serializer !== undefined &&
    (typeof serializer?.serialize !== 'function' || typeof serializer.deserialize !== 'function')
  ) {
    fail('serializer', 'expected an object with serialize() and deserialize()');
  }
  let cluster: ResolvedRedisConfig['cluster'];
  if (config.cluster !== undefined) cluster = resolveCluster(config.cluster);
  let sentinel: ResolvedRedisConfig['sentinel'];
  if (config.sentinel !== undefined) {
    const { sentinels, name } = config.sentinel ?? {};
    if (!Array.isArray(sentinels) || sentinels.length === 0)
      fail('sentinel.sentinels', 'expected at least one sentinel');
    if (typeof name !== 'string' || name.length === 0)
      fail('sentinel.name', 'expected the monitored primary name');
    sentinel = hideSecrets(
      {
        ...config.sentinel,
        sentinels: sentinels.map((node, i) => parseNodeAddress(node, `sentinel.sentinels[${i}]`)),
      },
      ['sentinelUsername', 'sentinelPassword'],
    );
  }
  if (config.host !== undefined && (typeof config.host !== 'string' || config.host.length === 0)) {
    fail('host', 'expected a non-empty string');
  }
  for (const flag of ['enableMetrics', 'autoPipelining', 'allowFlush'] as const) {
    if (config[flag] !== undefined && typeof config[flag] !== 'boolean') fail(flag, 'expected a boolean');
  }
  const resolved: ResolvedRedisConfig = {
    mode: cluster ? 'cluster' : sentinel ? 'sentinel' : 'standalone',
    host: fromUrl?.host ?? config.host ?? '127.0.0.1',
    port: fromUrl?.port ?? integer(config.port, 'port', 6379, 1, 65_535),
    db: integer(config.db ?? fromUrl?.db, 'db', 0, 0, 15_999),
    username: optionalString(config.username, 'username') ?? fromUrl?.username,
    password: optionalString(config.password, 'password') ?? fromUrl?.password,
    tls: resolveTls(config.tls, fromUrl?.tls ?? false),
    keyPrefix,
    connectionPoolSize: integer(config.connectionPoolSize, 'connectionPoolSize', 1, 1, 256),
    healthCheckIntervalMs:
      healthCheck === false ? false : duration(healthCheck, 'healthCheckInterval', 30_000, 100),
    commandTimeoutMs: duration(config.commandTimeout, 'commandTimeout', 1_000),
    connectTimeoutMs: duration(config.connectTimeout, 'connectTimeout', 5_000),
    retryPolicy,
    serializer,
    enableMetrics: config.enableMetrics ?? false,
    metricsPrefix: optionalString(config.metricsPrefix, 'metricsPrefix') ?? 'forno',
    autoPipelining: config.autoPipelining ?? true,
    allowFlush: config.allowFlush ?? false,
    connectionName: optionalString(config.connectionName, 'connectionName'),
    cluster,
    sentinel,
  };
  // Readable by code, shown as [redacted] by JSON.stringify and util.inspect, left out of copies.
  return hideSecrets(resolved, ['username', 'password']);
}

import { RedisReplyError } from './errors.js';
import type { HostAndPort } from './host-and-port.js';
import { type RedisServer, startRedisServer } from './redis-server.js';
import { assertSentinelHealthy, primaryAddressOf, type SentinelShape } from './sentinel-health.js';
import { waitUntil } from './wait-until.js';

const DEFAULT_START_TIMEOUT_MS = 60_000;
const DEFAULT_FAILOVER_TIMEOUT_MS = 60_000;
/** Sentinel replies meaning "not now, try again": a failover is running, or no replica is eligible yet. */
const RETRYABLE_FAILOVER_ERRORS = ['INPROG', 'NOGOODSLAVE'];

/** Options of {@link startRedisSentinel}. */
export interface RedisSentinelOptions {
  /** Replicas of the primary. Default 1. */
  replicas?: number;
  /** Sentinel processes. Default 3. */
  sentinels?: number;
  /** Name the sentinels monitor the primary under (ioredis `name`). Default `mymaster`. */
  masterName?: string;
  /** Agreeing sentinels needed to flag the primary as down. Default: a majority of `sentinels`. */
  quorum?: number;
  /** `sentinel down-after-milliseconds`: silence before a node is considered down. Default 1000 ms. */
  downAfterMs?: number;
  /** `sentinel failover-timeout`. Default 5000 ms, so a stuck failover is retried quickly. */
  failoverTimeoutMs?: number;
  /** Sets `requirepass`/`masterauth` on the data nodes and `sentinel auth-pass`; sentinels stay open. */
  password?: string;
  /** Time allowed for the whole startup, until sentinels know every replica and each other. Default 60 000 ms. */
  startTimeout?: number;
  /** The redis-server executable (sentinels run it with `--sentinel`). Default `redis-server`. */
  binary?: string;
}

/** Options of {@link RedisSentinel.failover}. */
export interface FailoverOptions {
  /** Give up after this long. Default 60 000 ms. */
  timeoutMs?: number;
  /**
   * Also wait until the old primary has been reconfigured as a connected replica of the new one.
   * Default true. Sentinel switches clients over in about a second but demotes a still-running old
   * primary only about 10 s later; pass false when the test only needs the new primary.
   */
  waitForOldPrimary?: boolean;
}

/**
 * A primary, its replicas and the sentinels monitoring them, all local processes on free loopback
 * ports. `primary` and `replicas` are the initial roles; after a failover ask `currentPrimary()`.
 */
export interface RedisSentinel extends AsyncDisposable {
  /** The server started as primary (a replica after a failover). */
  readonly primary: RedisServer;
  /** The servers started as replicas. */
  readonly replicas: readonly RedisServer[];
  /** The sentinel processes. */
  readonly sentinels: readonly RedisServer[];
  /** Name the primary is monitored under. */
  readonly masterName: string;
  /** Addresses of the sentinels, to pass as ioredis `sentinels`. */
  readonly sentinelAddresses: readonly HostAndPort[];
  /** The primary according to the first sentinel that answers (`SENTINEL get-master-addr-by-name`). */
  currentPrimary(): Promise<HostAndPort>;
  /** The data node (primary or replica) listening at `address`, if it is one of ours. */
  serverAt(address: HostAndPort): RedisServer | undefined;
  /**
   * Forces a failover (`SENTINEL FAILOVER`) and resolves with the new primary once every running
   * sentinel reports it, it answers ROLE as master, and the old primary (if running) replicates it.
   */
  failover(options?: FailoverOptions): Promise<HostAndPort>;
  /** Waits until the sentinels agree on a primary and know all replicas and each other, and replication is up. */
  waitUntilHealthy(timeoutMs?: number): Promise<void>;
  /** Stops the sentinels first (so they do not fail over a stopping primary), then the data nodes. */
  stop(): Promise<void>;
}

/**
 * Starts a Sentinel deployment: a primary, `replicas` replicas (`--replicaof`), then `sentinels`
 * sentinels (`redis-server <conf> --sentinel`, each with its own writable config file), and
 * resolves once replication is up and every sentinel knows every replica and every other sentinel,
 * so a failover can be triggered right away. On failure everything started is stopped.
 */
export async function startRedisSentinel(options: RedisSentinelOptions = {}): Promise<RedisSentinel> {
  const {
    replicas: replicaCount = 1,
    sentinels: sentinelCount = 3,
    masterName = 'mymaster',
    quorum = Math.floor(sentinelCount / 2) + 1,
    downAfterMs = 1_000,
    failoverTimeoutMs = 5_000,
    startTimeout = DEFAULT_START_TIMEOUT_MS,
    password,
  } = options;
  if (!Number.isInteger(replicaCount) || replicaCount < 0) throw new RangeError(`replicas must be >= 0`);
  if (!Number.isInteger(sentinelCount) || sentinelCount < 1) throw new RangeError(`sentinels must be >= 1`);
  if (!Number.isInteger(quorum) || quorum < 1 || quorum > sentinelCount) {
    throw new RangeError(
      `quorum must be between 1 and the number of sentinels (${sentinelCount}), got ${quorum}`,
    );
  }
  const deadline = Date.now() + startTimeout;
  const common = {
    startTimeout,
    ...(options.binary === undefined ? {} : { binary: options.binary }),
  };
  const dataNode = {
    ...common,
    ...(password === undefined ? {} : { password }),
  };
  const auth = password === undefined ? [] : ['--masterauth', password];

  const started: RedisServer[] = [];
  const startAll = async (count: number, start: () => Promise<RedisServer>): Promise<RedisServer[]> => {
    const results = await Promise.allSettled(Array.from({ length: count }, start));
    for (const result of results) if (result.status === 'fulfilled') started.push(result.value);
    const failed = results.find((result) => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    return results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  };

  try {
    const [primary] = await startAll(1, () => startRedisServer({ ...dataNode, args: auth }));
    if (primary === undefined) throw new Error('primary did not start');
    const replicaArgs = [...auth, '--replicaof', primary.host, String(primary.port)];
    const replicas = await startAll(replicaCount, () => startRedisServer({ ...dataNode, args: replicaArgs }));
    const config = [
      'sentinel resolve-hostnames no',
      'sentinel announce-hostnames no',
      `sentinel monitor ${masterName} ${primary.host} ${primary.port} ${quorum}`,
      `sentinel down-after-milliseconds ${masterName} ${downAfterMs}`,
      `sentinel failover-timeout ${masterName} ${failoverTimeoutMs}`,
      `sentinel parallel-syncs ${masterName} 1`,
      ...(password === undefined ? [] : [`sentinel auth-pass ${masterName} ${password}`]),
      '',
    ].join('\n');
    const sentinels = await startAll(sentinelCount, () =>
      startRedisServer({ ...common, config, args: ['--sentinel'] }),
    );

    const deployment = new ManagedRedisSentinel(primary, replicas, sentinels, {
      masterName,
      replicas: replicaCount,
    });
    await deployment.waitUntilHealthy(Math.max(1_000, deadline - Date.now()));
    return deployment;
  } catch (error) {
    await Promise.all(started.map((server) => server.stop()));
    throw error;
  }
}

class ManagedRedisSentinel implements RedisSentinel {
  readonly primary: RedisServer;
  readonly replicas: readonly RedisServer[];
  readonly sentinels: readonly RedisServer[];
  readonly sentinelAddresses: readonly HostAndPort[];
  readonly #shape: SentinelShape;

  constructor(primary: RedisServer, replicas: RedisServer[], sentinels: RedisServer[], shape: SentinelShape) {
    this.primary = primary;
    this.replicas = replicas;
    this.sentinels = sentinels;
    this.sentinelAddresses = sentinels.map((sentinel) => ({ host: sentinel.host, port: sentinel.port }));
    this.#shape = shape;
  }

  get masterName(): string {
    return this.#shape.masterName;
  }

  async currentPrimary(): Promise<HostAndPort> {
    let lastError: unknown;
    for (const sentinel of this.#liveSentinels()) {
      try {
        return await primaryAddressOf(sentinel, this.masterName);
      } catch (error) {
        lastError = error;
      }
    }
    throw new Error(`No sentinel answered for "${this.masterName}"`, { cause: lastError });
  }

  serverAt(address: HostAndPort): RedisServer | undefined {
    return [this.primary, ...this.replicas].find(
      (server) => server.port === address.port && server.host === address.host,
    );
  }

  async failover(options: FailoverOptions = {}): Promise<HostAndPort> {
    const { timeoutMs = DEFAULT_FAILOVER_TIMEOUT_MS, waitForOldPrimary = true } = options;
    const deadline = Date.now() + timeoutMs;
    const before = await this.currentPrimary();
    const sentinel = this.#liveSentinels()[0];
    if (sentinel === undefined) throw new Error('No running sentinel to ask for a failover');

    await waitUntil(() => sentinel.command(['SENTINEL', 'FAILOVER', this.masterName]), {
      timeoutMs,
      intervalMs: 250,
      description: `sentinel ${sentinel.port} to accept SENTINEL FAILOVER`,
      isFatal: (error) => RedisReplyError.is(error) && !RETRYABLE_FAILOVER_ERRORS.includes(error.prefix),
    });

    return waitUntil(() => this.#assertFailedOver(before, waitForOldPrimary), {
      timeoutMs: Math.max(1_000, deadline - Date.now()),
      intervalMs: 200,
      description: `the failover of "${this.masterName}" away from ${before.host}:${before.port}`,
    });
  }

  async waitUntilHealthy(timeoutMs = DEFAULT_START_TIMEOUT_MS): Promise<void> {
    await waitUntil(
      async () => {
        const primary = await this.currentPrimary();
        const replicas = [this.primary, ...this.replicas].filter((server) => server.port !== primary.port);
        await assertSentinelHealthy(primary, replicas, this.sentinels, this.#shape);
      },
      {
        timeoutMs,
        intervalMs: 200,
        description: `sentinels and replicas of "${this.masterName}" to be ready`,
      },
    );
  }

  async stop(): Promise<void> {
    await Promise.all(this.sentinels.map((sentinel) => sentinel.stop()));
    await Promise.all([this.primary, ...this.replicas].map((server) => server.stop()));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  /** Resolves the new primary once the failover from `before` is complete, throws what is missing otherwise. */
  async #assertFailedOver(before: HostAndPort, waitForOldPrimary: boolean): Promise<HostAndPort> {
    const reports = await Promise.all(this.#liveSentinels().map((s) => primaryAddressOf(s, this.masterName)));
    const after = reports[0];
    if (after === undefined) throw new Error('no running sentinel');
    if (after.port === before.port) throw new Error(`sentinels still report ${before.port}`);
    if (reports.some((report) => report.port !== after.port)) {
      throw new Error(`sentinels disagree: ${reports.map((report) => report.port).join(', ')}`);
    }

    const promoted = this.serverAt(after);
    if (promoted === undefined)
      throw new Error(`new primary ${after.port} is not one of this deployment's servers`);
    const role = await promoted.command(['ROLE'], { timeoutMs: 1_000 });
    if (!Array.isArray(role) || role[0] !== 'master')
      throw new Error(`${after.port} reports ROLE ${JSON.stringify(role)}`);

    const demoted = this.serverAt(before);
    if (waitForOldPrimary && demoted?.running && !demoted.paused) {
      // ['slave', host, port, state, offset]; sentinel demotes the old primary ~8 s after the switch
      const old = await demoted.command(['ROLE'], { timeoutMs: 1_000 });
      if (
        !Array.isArray(old) ||
        old[0] !== 'slave' ||
        Number(old[2]) !== after.port ||
        old[3] !== 'connected'
      ) {
        throw new Error(
          `old primary ${before.port} is not yet a connected replica of ${after.port} (ROLE ${JSON.stringify(old)})`,
        );
      }
    }
    return after;
  }

  #liveSentinels(): RedisServer[] {
    return this.sentinels.filter((sentinel) => sentinel.running && !sentinel.paused);
  }
}

import { setTimeout as delay } from 'node:timers/promises';
import { RedisRepository } from '@forno/redis-driver';
import { type RedisServer, startRedisServer } from '@forno/testing/servers';
import { afterAll, beforeAll, expect } from 'vitest';
import { FornoKeyvStore, type KeyvStoreError } from '../src/index.js';

/** The repository's deadline per operation in the outage tests. */
export const COMMAND_TIMEOUT_MS = 500;

/**
 * Slack on top of the deadlines for a 2-core machine that other test suites share: an assertion on
 * "failed fast" means "within the deadline plus this", far from ioredis' default ~70 s of retries.
 */
export const MARGIN_MS = 1_500;

/** A real redis-server, a `RedisRepository` failing fast on it, and a store recording its errors. */
export interface OutageFixture {
  readonly server: RedisServer;
  readonly repository: RedisRepository;
  readonly store: FornoKeyvStore;
  /** Every error the store emitted. */
  readonly errors: KeyvStoreError[];
  /** Unhandled rejections seen while the file ran (must stay empty). */
  readonly unhandled: unknown[];
}

/** Starts the server and repository before the file's tests, and stops them after. */
export function useOutageFixture(): OutageFixture {
  const fixture = { errors: [], unhandled: [] } as unknown as {
    -readonly [K in keyof OutageFixture]: OutageFixture[K];
  };
  const onUnhandled = (reason: unknown) => fixture.unhandled.push(reason);
  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    fixture.server = await startRedisServer();
    fixture.repository = new RedisRepository({
      port: fixture.server.port,
      keyPrefix: 'outage:',
      commandTimeout: COMMAND_TIMEOUT_MS,
      healthCheckInterval: false,
    });
    await fixture.repository.connect();
    fixture.store = new FornoKeyvStore(fixture.repository);
    fixture.store.on('error', (error) => fixture.errors.push(error as KeyvStoreError));
  });
  afterAll(async () => {
    await fixture.server?.resume().catch(() => {});
    await fixture.repository?.disconnect();
    await fixture.server?.stop();
    process.off('unhandledRejection', onUnhandled);
    expect(fixture.unhandled).toEqual([]);
  });
  return fixture;
}

/** Runs `work` and returns its result with how long it took. */
export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

/** Polls `probe` every 100 ms until it returns true; fails after `timeoutMs`. */
export async function eventually(description: string, probe: () => Promise<boolean>, timeoutMs = 15_000) {
  const deadline = performance.now() + timeoutMs;
  while (!(await probe())) {
    if (performance.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting until ${description}`);
    await delay(100);
  }
}

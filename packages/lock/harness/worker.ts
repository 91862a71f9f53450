/**
 * One harness worker process: loops acquire → fenced read → jittered sleep → fenced write of
 * counter+1 → release, against the redis-server the parent started. It deliberately does not
 * check `lock.signal` before writing, to play a holder whose write was already under way when it
 * was paused: only fencing stands between that write and a lost update.
 */
import { CacheError } from '@forno/core';
import { NodeRedisRepository } from '@forno/node-redis-driver';
import { RedisRepository } from '@forno/redis-driver';
import { DistributedLock, LockLostError, LockTimeoutError } from '../src/index.js';
import { HARNESS_KEY_PREFIX, HARNESS_LOCK_NAME } from './harness-redis.js';
import type { ParentMessage, WorkerMessage, WorkerSettings } from './protocol.js';

const settings = JSON.parse(process.argv[2] ?? '{}') as WorkerSettings;
const send = (message: WorkerMessage) => process.send?.(message);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const pending = new Map<number, (reply: { ok: boolean; value: number }) => void>();
let nextId = 0;
let stopping = false;
process.on('message', (message: ParentMessage) => {
  if (message.type === 'stop') stopping = true;
  else pending.get(message.id)?.(message);
});

function call(
  message: { type: 'read'; fencingToken: number } | { type: 'write'; fencingToken: number; base: number },
) {
  const id = nextId++;
  return new Promise<{ ok: boolean; value: number }>((resolve) => {
    pending.set(id, (reply) => {
      pending.delete(id);
      resolve(reply);
    });
    send({ ...message, id });
  });
}

const repoConfig = {
  ...('nodes' in settings.target
    ? { cluster: { nodes: settings.target.nodes } }
    : { port: settings.target.port }),
  keyPrefix: HARNESS_KEY_PREFIX,
  commandTimeout: '500ms',
  connectTimeout: '1s',
  healthCheckInterval: false,
  retryPolicy: { retries: 2, retryDelay: '50ms', maxRetryDelay: '200ms' },
} as const;
const repo =
  settings.driver === 'node-redis' ? new NodeRedisRepository(repoConfig) : new RedisRepository(repoConfig);
const mutex = new DistributedLock(repo, HARNESS_LOCK_NAME, {
  timeout: settings.leaseMs,
  waitTimeout: '2s',
  retryDelay: '50ms',
  retryJitter: '20ms',
});
const stats = { acquisitions: 0, lockTimeouts: 0, backendErrors: 0, lostSignals: 0 };

async function main(): Promise<void> {
  await repo.connect();
  send({ type: 'ready' });
  while (!stopping) {
    let lock: Awaited<ReturnType<typeof mutex.acquire>>;
    try {
      lock = await mutex.acquire();
    } catch (error) {
      if (LockTimeoutError.is(error)) stats.lockTimeouts++;
      else if (CacheError.is(error)) stats.backendErrors++;
      else throw error;
      await sleep(20);
      continue;
    }
    stats.acquisitions++;
    try {
      send({ type: 'acquired', fencingToken: lock.fencingToken });
      const read = await call({ type: 'read', fencingToken: lock.fencingToken });
      if (!read.ok) continue;
      await sleep(Math.random() * settings.maxSleepMs);
      await call({ type: 'write', fencingToken: lock.fencingToken, base: read.value });
    } finally {
      if (LockLostError.is(lock.signal.reason)) stats.lostSignals++;
      await lock.release();
    }
  }
  send({ type: 'stats', stats });
  await repo.disconnect();
  process.disconnect?.();
}

main().catch((error: unknown) => {
  console.error('harness worker failed:', error);
  process.exit(1);
});

/**
 * One harness worker process: loops acquire → fenced read → jittered sleep → fenced write of
 * counter+1 → release, against the redis-server the parent started (a reader of the read-write
 * lock only reads; a semaphore permit only holds), and reports each holding's interval. It deliberately does not
 * check `lock.signal` before writing, to play a holder whose write was already under way when it
 * was paused: only fencing stands between that write and a lost update.
 */
import { CacheError } from '@forno/core';
import { NodeRedisRepository } from '@forno/node-redis-driver';
import { RedisRepository } from '@forno/redis-driver';
import {
  DistributedLock,
  DistributedSemaphore,
  FairLock,
  Lock,
  LockLostError,
  LockTimeoutError,
  ReadWriteLock,
  type SemaphorePermit,
} from '../src/index.js';
import { HARNESS_KEY_PREFIX, HARNESS_LOCK_NAME } from './harness-redis.js';
import type { HoldInterval, ParentMessage, WorkerMessage, WorkerSettings } from './protocol.js';

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
const lockOptions = {
  timeout: settings.leaseMs,
  waitTimeout: '2s',
  retryDelay: '50ms',
  retryJitter: '20ms',
} as const;
const rw = new ReadWriteLock(repo, HARNESS_LOCK_NAME, lockOptions);
/** What this worker acquires: a fenced lock (plain, fair, or a side of the read-write lock), or a permit. */
const sources = {
  lock: () => ({ source: new DistributedLock(repo, HARNESS_LOCK_NAME, lockOptions), kind: 'exclusive' }),
  fair: () => ({ source: new FairLock(repo, HARNESS_LOCK_NAME, lockOptions), kind: 'exclusive' }),
  // One acquisition in three writes; the others read.
  'read-write': () =>
    Math.random() < 1 / 3
      ? { source: rw.writeLock(), kind: 'exclusive' }
      : { source: rw.readLock(), kind: 'shared' },
  semaphore: () => ({
    source: new DistributedSemaphore(repo, HARNESS_LOCK_NAME, { ...lockOptions, limit: settings.limit }),
    kind: 'permit',
  }),
} satisfies Record<string, () => { source: LeaseSource; kind: HoldInterval['kind'] }>;
type LeaseSource = { acquire(): Promise<Lock | SemaphorePermit> };
const pick = sources[settings.primitive];
const stats = { acquisitions: 0, lockTimeouts: 0, backendErrors: 0, lostSignals: 0 };
const now = () => performance.timeOrigin + performance.now();

/** Fenced read → jittered sleep → fenced write of read + 1 (a writer), or fenced read only (a reader). */
async function work(lock: Lock, kind: HoldInterval['kind']): Promise<void> {
  send({ type: 'acquired', fencingToken: lock.fencingToken });
  const read = await call({ type: 'read', fencingToken: lock.fencingToken });
  if (!read.ok) return;
  await sleep(Math.random() * settings.maxSleepMs);
  if (kind === 'exclusive') await call({ type: 'write', fencingToken: lock.fencingToken, base: read.value });
}

async function main(): Promise<void> {
  await repo.connect();
  send({ type: 'ready' });
  while (!stopping) {
    const { source, kind } = pick();
    let handle: Lock | SemaphorePermit;
    try {
      handle = await source.acquire();
    } catch (error) {
      if (LockTimeoutError.is(error)) stats.lockTimeouts++;
      else if (CacheError.is(error)) stats.backendErrors++;
      else throw error;
      await sleep(20);
      continue;
    }
    stats.acquisitions++;
    const start = now();
    try {
      // A permit has no fencing token: its holders only hold (the audit counts them at once).
      if (handle instanceof Lock) await work(handle, kind);
      else {
        send({ type: 'holding' });
        await sleep(Math.random() * settings.maxSleepMs);
      }
    } finally {
      if (LockLostError.is(handle.signal.reason)) stats.lostSignals++;
      send({ type: 'released', kind, start, end: now(), held: handle.isHeld });
      await handle.release();
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

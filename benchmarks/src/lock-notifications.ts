/**
 * Release notification fan-out: 1,000 keys, each with a waiter in one of 4 "processes" (a
 * repository each: its own subscriber connection), released once each. Counts the messages the
 * subscribers received per release: before, with the one shared channel every release went to
 * (`forno:lock-released`, each waiting process subscribed to it), and after, with `DistributedLock`'s
 * and `FairLock`'s key-scoped channels.
 *
 *   cd benchmarks && npx tsx src/lock-notifications.ts
 */
import { pathToFileURL } from 'node:url';
import type { LockBackend } from '@forno/core';
import { DistributedLock, FairLock, type Lock } from '@forno/lock';
import { RedisRepository } from '@forno/redis-driver';
import { startRedisServer } from '@forno/testing/servers';

const KEYS = 1_000;
const PROCESSES = 4;
const SHARED_CHANNEL = 'forno:lock-released';

/** Messages delivered per release, before and after. */
export interface NotificationResult {
  readonly sharedChannel: number;
  readonly keyScoped: number;
  /** The same with `FairLock` waiters (the queued locks announce on the key's channel too). */
  readonly fairKeyScoped: number;
}

/** A lock kind to wait on: `DistributedLock` or `FairLock`. */
type LockOf = (repo: LockBackend, key: string, wait: boolean) => { acquire(): Promise<Lock> };

const distributedLock: LockOf = (repo, key, wait) =>
  new DistributedLock(repo, key, wait ? { waitTimeout: '60s', retryDelay: '60s' } : {});
const fairLock: LockOf = (repo, key, wait) =>
  new FairLock(repo, key, wait ? { waitTimeout: '60s', retryDelay: '60s' } : {});

/**
 * Key k held by `holderRepo` and waited for in process k % 4, then released: messages the
 * waiting processes received per release.
 */
async function keyScopedFanOut(
  lockOf: LockOf,
  prefix: string,
  holderRepo: LockBackend,
  repos: readonly LockBackend[],
  counter: { n: number },
): Promise<number> {
  counter.n = 0;
  const held: Lock[] = [];
  for (let k = 0; k < KEYS; k++) held.push(await lockOf(holderRepo, `${prefix}:${k}`, false).acquire());
  const waiters = Array.from({ length: KEYS }, (_, k) =>
    lockOf(repos[k % PROCESSES]!, `${prefix}:${k}`, true)
      .acquire()
      .then((lock) => lock.release()),
  );
  // Let every waiter subscribe to its key's channel (a refused attempt, SUBSCRIBE, a re-check).
  await new Promise((r) => setTimeout(r, 3_000));
  for (const lock of held) await lock.release();
  await Promise.all(waiters);
  await settle(counter, KEYS);
  return counter.n / KEYS;
}

/** Counts every message a repository's subscriptions receive. */
function counting<R extends LockBackend>(repo: R, counter: { n: number }): R {
  const subscribe = repo.subscribe.bind(repo);
  repo.subscribe = (channel, listener, options) =>
    subscribe(
      channel,
      (message) => {
        counter.n++;
        listener(message);
      },
      options,
    );
  return repo;
}

async function settle(counter: { n: number }, expected: number): Promise<void> {
  for (let i = 0; i < 200 && counter.n < expected; i++) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 100)); // anything late
}

/** Runs both cases on one server. */
export async function runLockNotificationsBenchmark(): Promise<NotificationResult> {
  const server = await startRedisServer({ args: ['--save', '', '--appendonly', 'no'] });
  const counter = { n: 0 };
  const repos = await Promise.all(
    Array.from({ length: PROCESSES + 1 }, async (_, i) => {
      const repo = new RedisRepository({ port: server.port, healthCheckInterval: false });
      await repo.connect();
      return i < PROCESSES ? counting(repo, counter) : repo;
    }),
  );
  const holderRepo = repos[PROCESSES]!;
  try {
    // Before: every waiting process listens on the one channel; each release is sent to all.
    const unsubscribes = await Promise.all(
      repos.slice(0, PROCESSES).map((repo) => repo.subscribe(SHARED_CHANNEL, () => {})),
    );
    for (let k = 0; k < KEYS; k++) {
      await holderRepo.setIfAbsent(`before:${k}`, 't', '30s');
      await holderRepo.compareAndDelete(`before:${k}`, 't', { notify: SHARED_CHANNEL });
    }
    await settle(counter, KEYS * PROCESSES);
    const sharedChannel = counter.n / KEYS;
    await Promise.all(unsubscribes.map((unsubscribe) => unsubscribe()));

    // After: DistributedLock waiters, then FairLock waiters, key k waited for in process k % 4.
    const waiting = repos.slice(0, PROCESSES);
    const keyScoped = await keyScopedFanOut(distributedLock, 'after', holderRepo, waiting, counter);
    const fairKeyScoped = await keyScopedFanOut(fairLock, 'fair', holderRepo, waiting, counter);
    return { sharedChannel, keyScoped, fairKeyScoped };
  } finally {
    await Promise.all(repos.map((repo) => repo.disconnect()));
    await server.stop();
  }
}

/** The result as a Markdown table. */
export function formatNotificationsTable(result: NotificationResult): string {
  return [
    `Release notifications: ${KEYS} keys with a waiter each in ${PROCESSES} processes, messages delivered per release`,
    '',
    '| channel | messages per release |',
    '| --- | ---: |',
    `| one shared channel (\`${SHARED_CHANNEL}\`, before) | ${result.sharedChannel.toFixed(2)} |`,
    `| a channel per key (sharded on Cluster, now) | ${result.keyScoped.toFixed(2)} |`,
    `| a channel per key, \`FairLock\` waiters (now) | ${result.fairKeyScoped.toFixed(2)} |`,
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(formatNotificationsTable(await runLockNotificationsBenchmark()));
}

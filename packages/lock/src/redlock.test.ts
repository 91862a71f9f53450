import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeRepository } from '../test/fake.js';
import { DistributedLock } from './distributed-lock.js';
import { LockTimeoutError } from './index.js';
import { renewalScheduler } from './lease.js';

afterEach(() => {
  vi.useRealTimers();
  expect(renewalScheduler.size).toBe(0);
});

const three = () => [fakeRepository(), fakeRepository(), fakeRepository()];
/** Whether an instance granted the lock: its fencing token is a positive safe integer. */
const isGranted = (token: number | null) => token !== null && Number.isSafeInteger(token) && token > 0;

describe('Redlock mode (several independent repositories)', () => {
  it('takes the key on every instance and exposes one fencing token per instance', async () => {
    const repos = three();
    const mutex = new DistributedLock(repos, 'oven');
    expect(mutex.instances).toBe(3);
    const lock = await mutex.acquire();
    for (const repo of repos) expect(await repo.exists('oven')).toBe(true);
    // The decision is taken at the quorum: a grant that arrives later is kept but not listed.
    const [first, second] = lock.fencingTokens;
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(0);
    expect(lock.fencingToken).toBe(Math.max(...lock.fencingTokens.map((t) => t ?? 0)));
    expect(await lock.release()).toBe(true);
    for (const repo of repos) expect(await repo.exists('oven')).toBe(false);
  });

  it('acquires with a quorum when one instance never answers', async () => {
    const repos = three();
    vi.spyOn(repos[2]!, 'setIfAbsent').mockImplementation(() => new Promise(() => {}));
    const lock = await new DistributedLock(repos, 'oven').acquire();
    expect(lock.fencingTokens.map(isGranted)).toEqual([true, true, false]);
    expect(await lock.release()).toBe(true);
  });

  it('acquires with a quorum when one instance is down, and extends and releases on the others', async () => {
    const repos = three();
    await repos[0]!.disconnect();
    const lock = await new DistributedLock(repos, 'oven', { timeout: 3_000 }).acquire();
    expect(lock.fencingTokens.map(isGranted)).toEqual([false, true, true]);
    await lock.extend('1h');
    expect(await repos[1]!.ttl('oven')).toBeGreaterThan(3_000_000);
    expect(await lock.release()).toBe(true);
  });

  it('release reports true only when a quorum of instances still held the key', async () => {
    const repos = three();
    const lost = await new DistributedLock(repos, 'oven', { autoExtend: false }).acquire();
    // Two of three instances lost the key (expired, or restarted without persistence).
    await repos[0]!.delete('oven');
    await repos[1]!.delete('oven');
    expect(await lost.release()).toBe(false);
    await vi.waitFor(async () => expect(await repos[2]!.exists('oven')).toBe(false));

    const kept = await new DistributedLock(repos, 'oven', { autoExtend: false }).acquire();
    await repos[0]!.delete('oven');
    expect(await kept.release()).toBe(true);
  });

  it('fails with LockTimeoutError when a majority is down, leaving nothing behind', async () => {
    const repos = three();
    await repos[0]!.disconnect();
    await repos[1]!.disconnect();
    const error = await new DistributedLock(repos, 'oven', { waitTimeout: 300, retryDelay: 50 })
      .acquire()
      .catch((e: unknown) => e);
    expect(LockTimeoutError.is(error)).toBe(true);
    expect((error as LockTimeoutError).cause).toBeInstanceOf(AggregateError);
    expect(await repos[2]!.exists('oven')).toBe(false);
  });

  it('rolls back a minority grant when the majority is held by someone else', async () => {
    const repos = three();
    await repos[0]!.setIfAbsent('oven', 'other', '1h');
    await repos[1]!.setIfAbsent('oven', 'other', '1h');
    expect(await new DistributedLock(repos, 'oven').tryAcquire()).toBeNull();
    await vi.waitFor(async () => expect(await repos[2]!.exists('oven')).toBe(false));
  });

  it('undoes a grant that arrives after the decision', async () => {
    const repos = three();
    await repos[0]!.setIfAbsent('oven', 'other', '1h');
    await repos[1]!.setIfAbsent('oven', 'other', '1h');
    let late: () => void = () => {};
    const original = repos[2]!.setIfAbsent.bind(repos[2]!);
    vi.spyOn(repos[2]!, 'setIfAbsent').mockImplementation(
      (...args) => new Promise((resolve) => (late = () => resolve(original(...args)))),
    );
    expect(await new DistributedLock(repos, 'oven').tryAcquire()).toBeNull();
    late();
    await vi.waitFor(async () => expect(await repos[2]!.exists('oven')).toBe(false));
  });

  it('tells waiters to look again when a quorum may be free (the quorum-th shortest lease)', async () => {
    vi.useFakeTimers();
    const repos = three();
    await repos[0]!.setIfAbsent('oven', 'other', 200);
    await repos[1]!.setIfAbsent('oven', 'other', 400);
    await repos[2]!.setIfAbsent('oven', 'other', 5_000);
    const acquired = new DistributedLock(repos, 'oven', { retryDelay: '10s', waitTimeout: '1m' }).acquire();
    let done = false;
    acquired.then(() => (done = true));
    await vi.advanceTimersByTimeAsync(390);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(20);
    expect(done).toBe(true);
    const lock = await acquired;
    expect(lock.fencingTokens.map(isGranted)).toEqual([true, true, false]);
    await lock.release();
  });
});

import {
  HANDOFF_TOKEN,
  queueLockKeysOf,
  releaseChannelOf,
  semaphoreReservationOf,
  waitersKeyOf,
} from '@forno/core';
import { InMemoryStore } from '@forno/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeRepository, flush } from '../test/fake.js';
import { DistributedLock, type Lock } from './distributed-lock.js';
import { DistributedSemaphore } from './distributed-semaphore.js';
import { FairLock } from './fair-lock.js';
import { HANDOFF_MS } from './lease-store.js';
import { ReadWriteLock } from './read-write-lock.js';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

/** Two "processes": repositories on one store, as two clients on one server. */
function twoProcesses() {
  const store = new InMemoryStore({ activeExpiry: false });
  return [fakeRepository({ store }), fakeRepository({ store })] as const;
}

const waitForever = { retryDelay: '10s', retryJitter: 0, waitTimeout: '1m' } as const;

describe('fair handoff', () => {
  it('a holder that re-acquires at once queues behind the waiter of another process', async () => {
    const [a, b] = twoProcesses();
    const first = await new DistributedLock(a, 'oven').acquire();
    const order: string[] = [];
    const waiter = new DistributedLock(b, 'oven', waitForever).acquire().then((lock) => {
      order.push('b');
      return lock;
    });
    await vi.advanceTimersByTimeAsync(5); // b is subscribed and sleeping
    await first.release();
    const again = new DistributedLock(a, 'oven', waitForever).acquire().then((lock) => {
      order.push('a');
      return lock;
    });
    await vi.advanceTimersByTimeAsync(1);
    expect(order).toEqual(['b']); // the waiter got it, the releaser did not barge in
    const bLock = await waiter;
    expect(bLock.fencingToken).toBeGreaterThan(first.fencingToken);
    await vi.advanceTimersByTimeAsync(100);
    expect(order).toEqual(['b']); // a waits for b's release
    await bLock.release();
    await vi.advanceTimersByTimeAsync(1);
    expect(order).toEqual(['b', 'a']);
    await (await again).release();
  });

  it('reserves the key only when someone waits: without waiters a release deletes it', async () => {
    const [a] = twoProcesses();
    const lock = await new DistributedLock(a, 'oven').acquire();
    await lock.release();
    expect(await a.exists('oven')).toBe(false);
    expect(await new DistributedLock(a, 'oven').tryAcquire()).not.toBeNull();
  });

  it('a reservation nobody claims ends by itself within HANDOFF_MS', async () => {
    const [a, b] = twoProcesses();
    // A subscriber that no longer waits (it gave up) still counts once.
    const { channel } = releaseChannelOf('oven', b.keyPrefix);
    const unsubscribe = await b.subscribe(channel, () => {});
    const lock = await new DistributedLock(a, 'oven').acquire();
    await lock.release();
    expect(a.store.lookup('test:oven')?.value).toBe(HANDOFF_TOKEN);
    // Fresh attempts are refused while it lasts; a waiting acquire gets it when it ends.
    expect(await new DistributedLock(a, 'oven').tryAcquire()).toBeNull();
    const started = performance.now();
    const next = new DistributedLock(a, 'oven', waitForever).acquire();
    await vi.advanceTimersByTimeAsync(HANDOFF_MS + 5);
    const acquired: Lock = await next;
    expect(performance.now() - started).toBeLessThanOrEqual(HANDOFF_MS + 5);
    await acquired.release();
    await unsubscribe();
  });

  it('a release wakes only the waiters of its own key', async () => {
    const [a, b] = twoProcesses();
    const heard: string[] = [];
    await b.subscribe(releaseChannelOf('oven:1', b.keyPrefix).channel, (m) => heard.push(m));
    const other = await new DistributedLock(a, 'oven:2').acquire();
    await other.release();
    await flush();
    expect(heard).toEqual([]);
    const mine = await new DistributedLock(a, 'oven:1').acquire();
    await mine.release();
    await flush();
    expect(heard).toEqual(['test:oven:1']);
  });

  it('semaphore releases are announced on the key’s own channel too', async () => {
    const [a, b] = twoProcesses();
    const heard: string[] = [];
    await b.subscribe(releaseChannelOf('ovens', b.keyPrefix).channel, (m) => heard.push(m));
    const permit = await new DistributedSemaphore(a, 'ovens', { limit: 2 }).acquire();
    await permit.release();
    await flush();
    expect(heard).toEqual(['test:ovens']);
  });
});

describe('semaphore fair handoff', () => {
  it('a holder that re-acquires at once queues behind the waiter of another process', async () => {
    const [a, b] = twoProcesses();
    const ovens = new DistributedSemaphore(a, 'ovens', { limit: 2, ...waitForever });
    const [first, second] = [await ovens.acquire(), await ovens.acquire()];
    const order: string[] = [];
    const waiter = new DistributedSemaphore(b, 'ovens', { limit: 2, ...waitForever })
      .acquire()
      .then((permit) => {
        order.push('b');
        return permit;
      });
    await vi.advanceTimersByTimeAsync(5); // b is subscribed and sleeping
    await first.release();
    // The freed permit is reserved for b: a fresh acquirer counts it as held.
    expect(await a.zcard('ovens')).toBe(2);
    const again = ovens.acquire().then((permit) => {
      order.push('a');
      return permit;
    });
    await vi.advanceTimersByTimeAsync(1);
    expect(order).toEqual(['b']);
    await vi.advanceTimersByTimeAsync(100);
    expect(order).toEqual(['b']); // a waits for a release
    await (await waiter).release();
    await vi.advanceTimersByTimeAsync(1);
    expect(order).toEqual(['b', 'a']);
    await (await again).release();
    await second.release();
    expect(await a.exists('ovens')).toBe(false);
  });

  it('reserves a permit only when someone waits, and an unclaimed one ends within HANDOFF_MS', async () => {
    const [a, b] = twoProcesses();
    const ovens = new DistributedSemaphore(a, 'ovens', { limit: 1, ...waitForever });
    await (await ovens.acquire()).release();
    expect(await a.exists('ovens')).toBe(false);
    // A subscriber that no longer waits (it gave up) still counts once.
    const unsubscribe = await b.subscribe(releaseChannelOf('ovens', b.keyPrefix).channel, () => {});
    await (await ovens.acquire()).release();
    const members = a.store.lookup('test:ovens')?.value as Map<string, number>;
    expect([...members.keys()]).toEqual([expect.stringMatching(`^${HANDOFF_TOKEN}:`)]);
    expect(await ovens.tryAcquire()).toBeNull();
    const next = ovens.acquire();
    await vi.advanceTimersByTimeAsync(HANDOFF_MS + 5);
    await (await next).release();
    await unsubscribe();
  });
});

/** A lock and a semaphore of one permit on `repo`: a release of either wakes one waiting process. */
const wakeOneCases = [
  {
    primitive: 'DistributedLock',
    of: (repo: ReturnType<typeof fakeRepository>, options = {}) =>
      new DistributedLock(repo, 'oven', { ...waitForever, ...options }),
    attempt: 'setIfAbsent',
    release: 'compareAndDelete',
    reservation: `${HANDOFF_TOKEN}:`,
  },
  {
    primitive: 'DistributedSemaphore',
    of: (repo: ReturnType<typeof fakeRepository>, options = {}) =>
      new DistributedSemaphore(repo, 'oven', { limit: 1, ...waitForever, ...options }),
    attempt: 'acquireSemaphore',
    release: 'releaseSemaphore',
    reservation: semaphoreReservationOf(''),
  },
] as const;

describe.each(wakeOneCases)('a $primitive release wakes one waiting process', (primitive) => {
  /** Three "processes" on one store. */
  function threeProcesses() {
    const store = new InMemoryStore({ activeExpiry: false });
    return [fakeRepository({ store }), fakeRepository({ store }), fakeRepository({ store })] as const;
  }

  it('the one that has waited longest: the others are not woken and keep their place', async () => {
    const [a, b, c] = threeProcesses();
    const holder = await primitive.of(a).acquire();
    const order: string[] = [];
    const waitFor = (repo: typeof a, name: string) =>
      primitive
        .of(repo)
        .acquire()
        .then((lease) => {
          order.push(name);
          return lease;
        });
    const cLease = waitFor(c, 'c');
    await vi.advanceTimersByTimeAsync(5); // c waits, registered first
    const bLease = waitFor(b, 'b');
    await vi.advanceTimersByTimeAsync(5);
    const bAttempts = vi.spyOn(b, primitive.attempt);
    await holder.release();
    await vi.advanceTimersByTimeAsync(1);
    expect(order).toEqual(['c']);
    expect(bAttempts).not.toHaveBeenCalled(); // b slept through it
    const again = waitFor(a, 'a'); // the releaser queues behind b
    await vi.advanceTimersByTimeAsync(5);
    await (await cLease).release();
    await vi.advanceTimersByTimeAsync(1);
    expect(order).toEqual(['c', 'b']);
    expect(bAttempts).toHaveBeenCalledTimes(1); // woken once, claimed at once
    await (await bLease).release();
    await vi.advanceTimersByTimeAsync(1);
    expect(order).toEqual(['c', 'b', 'a']);
    await (await again).release();
    await vi.advanceTimersByTimeAsync(1);
    expect(await a.exists('oven')).toBe(false); // nobody waits: the key is gone, and so is the line
    expect(a.store.lookup(waitersKeyOf('test:oven', 'test:'))).toBeUndefined();
  });

  it('a process that stopped waiting hands the reservation it is told of to the next one', async () => {
    const [a, b, c] = threeProcesses();
    const holder = await primitive.of(a).acquire();
    // b waits and gives up; it stays registered, and its channel stays subscribed for a moment.
    const gaveUp = primitive.of(b, { waitTimeout: 10 }).acquire();
    const timedOut = expect(gaveUp).rejects.toMatchObject({ code: 'E_LOCK_TIMEOUT' });
    await vi.advanceTimersByTimeAsync(20);
    await timedOut;
    let acquired = false;
    const cLease = primitive
      .of(c)
      .acquire()
      .then((lease) => {
        acquired = true;
        return lease;
      });
    await vi.advanceTimersByTimeAsync(5);
    const handedOn = vi.spyOn(b, primitive.release);
    await holder.release();
    await vi.advanceTimersByTimeAsync(2); // far below HANDOFF_MS: b passed it on
    expect(acquired).toBe(true);
    expect(handedOn).toHaveBeenCalledExactlyOnceWith(
      'oven',
      expect.stringMatching(new RegExp(`^${primitive.reservation}`)),
      expect.objectContaining({ handoff: HANDOFF_MS }),
    );
    await (await cLease).release();
  });
});

describe('queued locks wake only the waiters of their own key', () => {
  it('a FairLock release of another key does not wake a waiter; its own key does, at once', async () => {
    const [a, b] = twoProcesses();
    const mine = await new FairLock(a, 'oven:1').acquire();
    const other = await new FairLock(a, 'oven:2').acquire();
    const attempts = vi.spyOn(b, 'acquireFairLock');
    const subscriptions = vi.spyOn(b, 'subscribe');
    let acquired = false;
    const waiter = new FairLock(b, 'oven:1', waitForever).acquire().then((lock) => {
      acquired = true;
      return lock;
    });
    await vi.advanceTimersByTimeAsync(5); // b is in line, subscribed and sleeping
    const before = attempts.mock.calls.length;
    await other.release();
    await vi.advanceTimersByTimeAsync(5);
    expect(attempts.mock.calls.length).toBe(before); // not woken by oven:2
    // b listens on oven:1's channel alone, so oven:2's releases are not even delivered to it.
    const { channel, sharded } = releaseChannelOf('oven:1', b.keyPrefix);
    expect(subscriptions.mock.calls.map(([name, , options]) => [name, options])).toEqual([
      [channel, { sharded }],
    ]);
    await mine.release();
    await vi.advanceTimersByTimeAsync(5); // far below the 10 s retry delay
    expect(acquired).toBe(true);
    await (await waiter).release();
  });

  it('ReadWriteLock releases (writer and reader) are announced on the key’s own channel', async () => {
    const [a, b] = twoProcesses();
    const heard: string[] = [];
    await b.subscribe(releaseChannelOf('menu', b.keyPrefix).channel, (m) => heard.push(m));
    const elsewhere = new ReadWriteLock(a, 'menu:2');
    await (await elsewhere.writeLock().acquire()).release();
    await (await elsewhere.readLock().acquire()).release();
    await flush();
    expect(heard).toEqual([]);
    const menu = new ReadWriteLock(a, 'menu');
    await (await menu.writeLock().acquire()).release();
    await (await menu.readLock().acquire()).release();
    await flush();
    expect(heard).toEqual(['test:menu', queueLockKeysOf('test:menu', 'test:').readers]);
  });
});

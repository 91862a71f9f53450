import { type CacheRepository, CacheUnavailableError, type LockBackend } from '@forno/core';
import { InMemoryCacheRepository, InMemoryStore, ManualClock } from '@forno/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { deferred, until } from '../test/world.js';
import type { InvalidationListener } from './bus/invalidation-source.js';
import { HybridCache } from './hybrid-cache.js';
import type { HybridCacheOptions } from './options.js';

/** What a HybridCache takes as its L2: the data commands and the lock backend. */
type L2Repository = CacheRepository & LockBackend;

const clock = new ManualClock(Date.now());
const store = new InMemoryStore({ clock, activeExpiry: false });
const open: HybridCache[] = [];
let prefixes = 0;

afterEach(async () => {
  await Promise.all(open.splice(0).map((cache) => cache.close()));
});

/** A repository whose `get` can be held, and whose subscription can be muted (messages dropped). */
function processOn(keyPrefix: string) {
  const repo = new InMemoryCacheRepository({ store, keyPrefix });
  const control = { muted: false, failPublish: false, gate: undefined as Promise<void> | undefined, held: 0 };
  const proxy = new Proxy(repo, {
    get(target, property) {
      if (property === 'get') {
        return async (key: string) => {
          const value = await target.get(key);
          if (control.gate !== undefined) {
            control.held++;
            await control.gate;
          }
          return value;
        };
      }
      if (property === 'publish') {
        return (channel: string, message: string) =>
          control.failPublish
            ? Promise.reject(new CacheUnavailableError('publish refused'))
            : target.publish(channel, message);
      }
      if (property === 'subscribe') {
        return (channel: string, listener: (message: string) => void) =>
          target.subscribe(channel, (message) => {
            if (!control.muted) listener(message);
          });
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { repository: proxy as L2Repository, control };
}

async function cacheOn(
  repository: L2Repository,
  options: Omit<HybridCacheOptions, 'repository' | 'clock'> = {},
) {
  const cache = new HybridCache({ repository, clock, namespace: 'menu', ...options });
  open.push(cache);
  if (options.bus !== false && options.invalidation === undefined) {
    await until(() => cache.stats().bus.state === 'healthy');
  }
  return cache;
}

function twoProcesses(options: Omit<HybridCacheOptions, 'repository' | 'clock'> = {}) {
  const prefix = `coherence${prefixes++}:`;
  const a = processOn(prefix);
  const b = processOn(prefix);
  return Promise.all([cacheOn(a.repository, options), cacheOn(b.repository, options)]).then(([ca, cb]) => ({
    a: ca,
    b: cb,
    controlA: a.control,
    controlB: b.control,
  }));
}

describe('per-key epochs', () => {
  it('a read that started before an invalidation of its key does not fill L1 with the older value', async () => {
    const { a, b, controlB } = await twoProcesses();
    await a.set('margherita', 'v1');
    const gate = deferred<void>();
    controlB.gate = gate.promise;
    const read = b.get('margherita'); // reads v1 from L2, then is held
    await until(() => controlB.held === 1);
    await a.set('margherita', 'v2'); // b hears of it while its read is held
    controlB.gate = undefined;
    gate.resolve();
    expect(await read).toBe('v1'); // concurrent with the write: either value is a fair answer
    expect(await b.get('margherita')).toBe('v2'); // but L1 did not keep v1
    expect(b.stats().l1Hits).toBe(0);
  });

  it('a factory whose key is written while it runs answers its callers but caches nothing (neither L1 nor L2)', async () => {
    const { a, b } = await twoProcesses();
    const slow = deferred<string>();
    let started = false;
    const loading = b.getOrSet('margherita', () => {
      started = true;
      return slow.promise;
    });
    await until(() => started);
    await a.set('margherita', 'fresh from a');
    await until(() => b.stats().bus.messagesIn >= 1);
    slow.resolve('old, read before the write');
    expect(await loading).toBe('old, read before the write');
    expect(await b.get('margherita')).toBe('fresh from a');
    expect(await a.get('margherita')).toBe('fresh from a');
  });
});

describe('the bus', () => {
  it('a lost message resets L1 of the process that missed it (sequence gap), within about a heartbeat', async () => {
    const { a, b, controlB } = await twoProcesses({ bus: { heartbeat: '50ms' } });
    await a.set('margherita', 'v1');
    expect(await b.get('margherita')).toBe('v1');
    expect(await b.get('margherita')).toBe('v1'); // L1
    const resets: string[] = [];
    b.on('bus-reset', (event) => resets.push(event.reason));
    controlB.muted = true;
    await a.set('margherita', 'v2'); // lost to b
    controlB.muted = false;
    expect(await b.get('margherita')).toBe('v1'); // b cannot know yet...
    await until(async () => (await b.get('margherita')) === 'v2'); // ...until the gap shows
    expect(resets).toContain('gap');
    expect(b.stats().bus.resets).toBeGreaterThanOrEqual(1);
  });

  it('a dead subscription makes L1 untrusted (reads go to L2); when it delivers again, L1 is cleared', async () => {
    const { a, b, controlB } = await twoProcesses({ bus: { heartbeat: '50ms' } });
    await a.set('margherita', 'v1');
    expect(await b.get('margherita')).toBe('v1');
    controlB.muted = true;
    await until(() => b.stats().bus.state === 'unhealthy');
    await a.set('margherita', 'v2'); // lost to b, but b no longer trusts its L1
    expect(await b.get('margherita')).toBe('v2');
    const hits = b.stats().l1Hits;
    expect(await b.get('margherita')).toBe('v2');
    expect(b.stats().l1Hits).toBe(hits); // still from L2 while unhealthy
    const resets: string[] = [];
    b.on('bus-reset', (event) => resets.push(event.reason));
    controlB.muted = false;
    await until(() => b.stats().bus.state === 'healthy');
    expect(resets).toContain('resubscribed');
    expect(b.stats().l1Entries).toBe(0);
  });

  it('publishes that fail (Redis refusing commands, the subscription still up) make the bus unhealthy too', async () => {
    const { a, controlA } = await twoProcesses({ bus: { heartbeat: '50ms' } });
    await a.set('margherita', 'v1');
    expect(await a.get('margherita')).toBe('v1');
    const errors: unknown[] = [];
    a.on('bus-error', (event) => errors.push(event.error));
    controlA.failPublish = true;
    await until(() => a.stats().bus.state === 'unhealthy');
    expect(errors[0]).toBeInstanceOf(CacheUnavailableError);
    const l1Hits = a.stats().l1Hits;
    expect(await a.get('margherita')).toBe('v1');
    expect(a.stats().l1Hits).toBe(l1Hits); // L1 not trusted: read from L2
    controlA.failPublish = false;
    await until(() => a.stats().bus.state === 'healthy');
  });

  it('without a bus, l1.maxTtl bounds how long another process’s write can go unseen', async () => {
    const { a, b } = await twoProcesses({ bus: false, l1: { maxTtl: '5s' } });
    await a.set('margherita', 'v1');
    expect(await b.get('margherita')).toBe('v1');
    await a.set('margherita', 'v2');
    expect(await b.get('margherita')).toBe('v1'); // L1, nobody told b
    clock.advance(5_000);
    expect(await b.get('margherita')).toBe('v2');
    expect(b.stats().bus.state).toBe('off');
  });
});

describe('an external invalidation source', () => {
  it('replaces the bus: its key changes evict L1, "everything changed" clears it, and nothing is published', async () => {
    let listener: InvalidationListener | undefined;
    const source = {
      async subscribe(l: InvalidationListener) {
        listener = l;
        return () => {
          listener = undefined;
        };
      },
    };
    const { repository } = processOn(`external${prefixes++}:`);
    let published = 0;
    const counting = new Proxy(repository, {
      get(target, property) {
        if (property === 'publish') return async () => ++published;
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const cache = await cacheOn(counting, { invalidation: source });
    await until(() => cache.stats().bus.state === 'healthy');
    await cache.set('margherita', 'v1');
    await cache.set('pepperoni', 'v1');
    await repository.set('menu:margherita', { v: 'v2', c: clock.now(), e: clock.now() + 60_000, g: 0 });
    expect(await cache.get('margherita')).toBe('v1');
    listener!.keysChanged(['menu:margherita']);
    expect(await cache.get('margherita')).toBe('v2');
    expect(cache.stats().l1Entries).toBe(2);
    listener!.everythingChanged();
    expect(cache.stats().l1Entries).toBe(0);
    expect(cache.stats().bus.resets).toBe(1);
    expect(published).toBe(0);
    await cache.close();
    expect(listener).toBeUndefined();
  });
});

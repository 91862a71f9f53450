import { CacheTimeoutError, isCacheError, seededRandom } from '@forno/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resilientFixture } from '../test/resilient-fixture.js';
import { TimeoutPolicy } from './timeout-policy.js';

afterEach(() => {
  vi.useRealTimers();
});

const OUTAGE_CODES = ['E_CACHE_UNAVAILABLE', 'E_CACHE_TIMEOUT', 'E_CIRCUIT_OPEN'];

describe('ResilientCacheRepository: writes', () => {
  it('keeps what set wrote once acknowledged, as a read would return it', async () => {
    const { repo, chaos } = resilientFixture();
    const order = { at: new Date(0), items: ['margherita'] };
    await repo.set('order:1', order);
    order.items.push('mutated after the write');
    chaos.failureRate = 1;
    // Through the serializer and back, as Redis would answer: the Date is a string with JSON.
    expect(await repo.get('order:1')).toEqual({ at: '1970-01-01T00:00:00.000Z', items: ['margherita'] });
  });

  it('keeps nothing for a set that was not applied (xx on a missing key)', async () => {
    const { repo, chaos } = resilientFixture();
    expect(await repo.set('k', 1, { xx: true })).toBe(false);
    chaos.failureRate = 1;
    await expect(repo.get('k')).rejects.toThrow();
  });

  it.each([
    ['hset', (r: Repo) => r.hset('k', 'f', 1)],
    ['hdel', (r: Repo) => r.hdel('k', 'f')],
    ['hincrby', (r: Repo) => r.hincrby('k', 'n', 1)],
    ['expire', (r: Repo) => r.expire('k', '1h')],
    ['persist', (r: Repo) => r.persist('k')],
    ['delete', (r: Repo) => r.delete('other', 'k')],
    ['delete (a list)', (r: Repo) => r.delete(['other', 'k'])],
  ])('%s drops the mirrored reads of its key', async (_name, write) => {
    const { repo, chaos } = resilientFixture();
    await repo.hset('k', { f: 0, n: 0 });
    await repo.hgetall('k');
    await repo.exists('k');
    await write(repo);
    chaos.failureRate = 1;
    await expect(repo.hgetall('k')).rejects.toThrow();
    await expect(repo.exists('k')).rejects.toThrow();
  });

  it('deletePattern drops the matching keys only; flushdb drops everything', async () => {
    const { repo, chaos } = resilientFixture();
    await repo.mset({ 'menu:1': 1, 'menu:2': 2, 'order:1': 3 });
    await repo.deletePattern('menu:*');
    chaos.failureRate = 1;
    await expect(repo.get('menu:1')).rejects.toThrow();
    expect(await repo.get('order:1')).toBe(3);
    chaos.failureRate = 0;
    await repo.flushdb();
    expect(repo.fallbackSize).toBe(0);
  });

  it('rejects a failed write with its typed error and forgets the key (it may have been applied)', async () => {
    const { repo, chaos, backend } = resilientFixture({}, { appliedRate: 1 });
    await repo.set('k', 'v1');
    chaos.failureRate = 1;
    const error = await repo.set('k', 'v2').catch((e: unknown) => e);
    expect(isCacheError(error) && OUTAGE_CODES.includes(error.code)).toBe(true);
    expect(await backend.get('k')).toBe('v2'); // applied, though the caller was told it failed
    await expect(repo.get('k')).rejects.toThrow(); // so v1 must not be served any more
  });

  it('never hangs: a write to a stuck backend rejects with CacheTimeoutError at the deadline', async () => {
    vi.useFakeTimers();
    const { repo } = resilientFixture({ timeout: new TimeoutPolicy('500ms') }, { latency: '1h' });
    const write = repo.set('k', 1).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(500);
    expect(CacheTimeoutError.is(await write)).toBe(true);
  });

  it('acknowledges or rejects every write with a typed error under seeded chaos', async () => {
    const { repo, backend } = resilientFixture(
      { timeout: '1s' },
      { seed: 99, failureRate: 0.3, appliedRate: 0.5, latency: { min: 0, max: 3 } },
    );
    const writes = Array.from({ length: 300 }, (_, i) =>
      repo.set(`order:${i}`, i).then(
        () => ({ i, outcome: 'acknowledged' }),
        (error: unknown) => ({ i, outcome: isCacheError(error) ? error.code : 'untyped' }),
      ),
    );
    const outcomes = await Promise.all(writes);
    const acknowledged = outcomes.filter((o) => o.outcome === 'acknowledged');
    expect(outcomes.every((o) => o.outcome === 'acknowledged' || OUTAGE_CODES.includes(o.outcome))).toBe(
      true,
    );
    expect(acknowledged.length).toBeGreaterThan(150);
    expect(acknowledged.length).toBeLessThan(300);
    for (const { i } of acknowledged) expect(await backend.get(`order:${i}`)).toBe(i);
  });

  it('never serves a copy that disagrees with the backend, after interleaved reads and writes', async () => {
    const { repo, chaos, backend } = resilientFixture(
      {},
      { seed: 7, failureRate: 0.2, appliedRate: 0.5, latency: { min: 0, max: 4 } },
    );
    const keys = ['a', 'b', 'c', 'd'];
    const random = seededRandom(11);
    const pick = () => keys[Math.floor(random() * keys.length)]!;
    const operation = (i: number): Promise<unknown> => {
      const roll = random();
      if (roll < 0.45) return repo.get(pick());
      if (roll < 0.75) return repo.set(pick(), i);
      if (roll < 0.85)
        return repo.mset([
          [pick(), i],
          [pick(), -i],
        ]);
      if (roll < 0.95) return repo.mget([pick(), pick()]);
      return repo.delete(pick());
    };
    // After each wave of 8 concurrent operations (finishing out of order, thanks to the chaos
    // latencies), every copy the mirror would serve must equal what the backend holds.
    let served = 0;
    for (let wave = 0; wave < 50; wave++) {
      await Promise.allSettled(Array.from({ length: 8 }, (_, i) => operation(wave * 8 + i)));
      chaos.failureRate = 1;
      for (const key of keys) {
        const copy = await repo.get(key).then(
          (value) => ({ value }),
          () => undefined,
        );
        if (copy === undefined) continue;
        served += 1;
        expect(copy.value, `${key} after wave ${wave}`).toEqual(await backend.get(key));
      }
      chaos.failureRate = 0.2;
    }
    expect(served).toBeGreaterThan(0);
  });
});

type Repo = ReturnType<typeof resilientFixture>['repo'];

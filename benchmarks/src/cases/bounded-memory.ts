import { ResilientCacheRepository } from '@forno/resilience';
import { InMemoryCacheRepository } from '@forno/testing';
import type { TableResult } from '../harness/report.js';

function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1_048_576;
}

const mb = (value: number) => value.toFixed(0);

/**
 * Memory that must not pile up, and a stats call that must not walk the store (issue #13):
 * - the fake with keys of a 10 ms TTL that nothing reads again (active expiry removes them);
 * - `getPerformanceSummary()` of the fake with many keys (a running counter, not a walk);
 * - the fallback mirror of `ResilientCacheRepository` after 60 writes of 8 MiB (bounded by bytes).
 * Needs `node --expose-gc` for precise heap figures.
 */
export async function boundedMemoryCase(quick: boolean): Promise<TableResult> {
  const expiring = quick ? 20_000 : 200_000;
  const statsKeys = quick ? 30_000 : 300_000;
  const bigWrites = quick ? 12 : 60;
  const rows: Array<[string, string]> = [];

  const base = heapMb();
  const fake = new InMemoryCacheRepository();
  for (let i = 0; i < expiring; i += 1_000) {
    const batch = Array.from(
      { length: 1_000 },
      (_, j) => [`session:${i + j}`, { cart: ['margherita'] }] as const,
    );
    await fake.mset(batch, { ttl: 10 });
  }
  const written = heapMb() - base;
  await new Promise((resolve) => setTimeout(resolve, quick ? 500 : 3_000));
  rows.push([
    `${expiring.toLocaleString('en-US')} keys with a 10 ms TTL, heap after writing (MB)`,
    mb(written),
  ]);
  rows.push([
    `… once expired, never read again (MB; keys left: ${fake.store.keyCount})`,
    mb(heapMb() - base),
  ]);

  const stats = new InMemoryCacheRepository({ enableMetrics: true });
  for (let i = 0; i < statsKeys; i += 1_000) {
    await stats.mset(Array.from({ length: 1_000 }, (_, j) => [`k${i + j}`, { i: i + j }] as const));
  }
  await stats.set('k1', 'changed');
  const started = performance.now();
  await stats.getPerformanceSummary();
  rows.push([
    `getPerformanceSummary() at ${statsKeys.toLocaleString('en-US')} keys (ms)`,
    (performance.now() - started).toFixed(2),
  ]);

  const mirrorBase = heapMb();
  const backend = new InMemoryCacheRepository();
  const resilient = new ResilientCacheRepository(backend);
  const big = 'x'.repeat(8 * 1_048_576);
  for (let i = 0; i < bigWrites; i++) {
    await resilient.set(`big:${i}`, `${i}${big}`);
    await backend.delete(`big:${i}`); // only the mirror's copies are measured
  }
  rows.push([
    `fallback mirror after ${bigWrites} writes of 8 MiB (MB; ${resilient.fallbackSize} kept)`,
    mb(heapMb() - mirrorBase),
  ]);
  return {
    title: 'Bounded memory and stats (in-memory fake, fallback mirror)',
    columns: ['measure', 'value'],
    rows,
    note: 'Before the fixes of issue #13, the same measures gave: the expired keys stayed (43 MB), the stats call walked the store (213 ms) and the mirror kept 512 MB.',
  };
}

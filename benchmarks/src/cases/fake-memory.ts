import { InMemoryCacheRepository } from '@forno/testing';
import type { TableResult } from '../harness/report.js';
import { MENU_ITEM } from './fixtures.js';

function heapUsed(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

/**
 * Heap used by the in-memory fake per cached entry: 100,000 menu items (`MENU_ITEM`)
 * written with `set` and a TTL. Needs `node --expose-gc` for a precise figure.
 */
export async function fakeMemoryCase(quick: boolean): Promise<TableResult> {
  const entries = quick ? 10_000 : 100_000;
  const before = heapUsed();
  const repo = new InMemoryCacheRepository({ keyPrefix: 'mem:' });
  for (let i = 0; i < entries; i++) await repo.set(`menu:item:${i}`, { ...MENU_ITEM, id: i }, { ttl: '1h' });
  const after = heapUsed();
  const payload = JSON.stringify({ ...MENU_ITEM, id: entries / 2 }).length;
  const total = after - before;
  const gcNote = (globalThis as { gc?: unknown }).gc ? '' : ' (run with --expose-gc for a precise figure)';
  await repo.disconnect();
  return {
    title: `In-memory fake: memory per cached entry (${entries.toLocaleString('en-US')} entries)`,
    columns: ['entries', 'heap used (MB)', 'bytes per entry', 'of which value JSON'],
    rows: [[entries, (total / 1_048_576).toFixed(1), Math.round(total / entries), payload]],
    note: `Keys are ~24 characters, values stored as their serialized text, each with a TTL${gcNote}.`,
  };
}

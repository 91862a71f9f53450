import { describe, expect, it } from 'vitest';
import type { CacheEntry } from '../entry.js';
import { L1Store } from './l1-store.js';

const entry = {
  held: { kind: 'frozen', value: 1 },
  createdAt: 0,
  expiresAt: 1,
  staleUntil: 1,
  tags: [],
} as CacheEntry;
const node = () => ({ entry, trustedUntil: 1, used: false });

describe('L1Store', () => {
  it('holds at most maxEntries, evicting the least recently used first (CLOCK: a hit gives a second chance)', () => {
    const l1 = new L1Store(3);
    l1.set('a', node());
    l1.set('b', node());
    l1.set('c', node());
    l1.get('a'); // used: survives the next eviction
    l1.set('d', node());
    expect(l1.size).toBe(3);
    expect(l1.peek('a')).toBeDefined();
    expect(l1.peek('b')).toBeUndefined();
    l1.set('e', node()); // c was not used since: out
    expect(l1.peek('c')).toBeUndefined();
    expect([l1.peek('a'), l1.peek('d'), l1.peek('e')].every(Boolean)).toBe(true);
  });

  it('drops a namespace and its children by prefix, nothing else', () => {
    const l1 = new L1Store(10);
    for (const key of ['menu:a', 'menu:drinks:b', 'menus:c', 'orders:d']) l1.set(key, node());
    l1.deletePrefix('menu:');
    expect(l1.size).toBe(2);
    expect(l1.peek('menus:c')).toBeDefined();
  });
});

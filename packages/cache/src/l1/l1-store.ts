import type { CacheEntry } from '../entry.js';

/** An entry in the in-process layer. */
export interface L1Node {
  readonly entry: CacheEntry;
  /** Wall time after which the node is no longer trusted as fresh without asking L2 (`l1.maxTtl`). */
  readonly trustedUntil: number;
  /** Recently used (second chance before eviction). */
  used: boolean;
}

/**
 * The in-process layer: a map bounded by `maxEntries`, evicting with the CLOCK approximation of
 * LRU — a hit only sets a flag (no reordering on the hot path); when full, the oldest entry is
 * evicted unless it was used since it was last looked at, in which case it gets a second chance.
 */
export class L1Store {
  readonly #nodes = new Map<string, L1Node>();
  readonly #maxEntries: number;

  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries;
  }

  /** Entries held. */
  get size(): number {
    return this.#nodes.size;
  }

  /** The node of `key`, marked as used. */
  get(key: string): L1Node | undefined {
    const node = this.#nodes.get(key);
    if (node !== undefined) node.used = true;
    return node;
  }

  /** The node of `key`, without marking it as used. */
  peek(key: string): L1Node | undefined {
    return this.#nodes.get(key);
  }

  set(key: string, node: L1Node): void {
    this.#nodes.delete(key);
    this.#nodes.set(key, node);
    if (this.#nodes.size > this.#maxEntries) this.#evict();
  }

  /** Drops `key`; whether it was held. */
  delete(key: string): boolean {
    return this.#nodes.delete(key);
  }

  /** Drops every entry whose key starts with `prefix` (a namespace and its children); how many. */
  deletePrefix(prefix: string): number {
    let dropped = 0;
    for (const key of this.#nodes.keys()) if (key.startsWith(prefix) && this.#nodes.delete(key)) dropped++;
    return dropped;
  }

  clear(): void {
    this.#nodes.clear();
  }

  #evict(): void {
    for (const [key, node] of this.#nodes) {
      if (this.#nodes.size <= this.#maxEntries) return;
      this.#nodes.delete(key);
      if (node.used) {
        node.used = false;
        this.#nodes.set(key, node);
      }
    }
  }
}

import type { Held } from './l1/handout.js';

/** A cached value with its timing, as both layers understand it. Times are wall-clock ms. */
export interface CacheEntry {
  readonly held: Held;
  /** When the value was produced (for a factory: when it started), as a {@link Stamper} stamp. */
  readonly createdAt: number;
  /** End of freshness (the TTL, jittered). */
  readonly expiresAt: number;
  /** End of grace: until then a stale value may still be served by the fail-safe. */
  readonly staleUntil: number;
  readonly tags: readonly string[];
}

/**
 * The value stored in L2 (through the repository's serializer): `v` the value, `c` created at,
 * `e` expires at, `g` grace in ms, `t` tags. Its Redis TTL is the rest of its TTL plus grace.
 */
export interface StoredEntry {
  readonly v: unknown;
  readonly c: number;
  readonly e: number;
  readonly g: number;
  readonly t?: readonly string[];
}

/** Whether `value` has the shape of a {@link StoredEntry} (anything else in the key is a miss). */
export function isStoredEntry(value: unknown): value is StoredEntry {
  if (value === null || typeof value !== 'object' || !('v' in value)) return false;
  const { c, e, g, t } = value as Record<string, unknown>;
  return (
    typeof c === 'number' &&
    typeof e === 'number' &&
    typeof g === 'number' &&
    (t === undefined || (Array.isArray(t) && t.every((tag) => typeof tag === 'string')))
  );
}

/** What the L2 copy of `entry` looks like. */
export function toStored(value: unknown, entry: CacheEntry): StoredEntry {
  const stored = { v: value, c: entry.createdAt, e: entry.expiresAt, g: entry.staleUntil - entry.expiresAt };
  return entry.tags.length === 0 ? stored : { ...stored, t: entry.tags };
}

/**
 * The Redis TTL of `entry` written at `now`: the rest of its TTL plus its grace, capped for tagged
 * entries by the tag retention (tag invalidations are forgotten after it, so an entry must not
 * outlive them). `0` when nothing is left.
 */
export function physicalTtlOf(entry: CacheEntry, now: number, tagRetentionMs: number): number {
  const left = Math.ceil(entry.staleUntil - now);
  return entry.tags.length === 0 ? Math.max(0, left) : Math.max(0, Math.min(left, tagRetentionMs));
}

/** Fresh: before its TTL; stale: within grace; dead: past both. */
export type EntryState = 'fresh' | 'stale' | 'dead';

export function stateOf(entry: CacheEntry, now: number): EntryState {
  if (now < entry.expiresAt) return 'fresh';
  return now < entry.staleUntil ? 'stale' : 'dead';
}

/** `entry`, no longer fresh from `at` on (kept for the rest of its grace). */
export function expiredAt(entry: CacheEntry, at: number): CacheEntry {
  if (entry.expiresAt <= at) return entry;
  const grace = entry.staleUntil - entry.expiresAt;
  return { ...entry, expiresAt: at, staleUntil: Math.min(entry.staleUntil, at + grace) };
}

/**
 * Issues strictly increasing wall-clock stamps: the clock's time, or a microsecond after the last
 * stamp when the clock has not moved. A write and a tag invalidation in the same millisecond are
 * thus ordered as they happened in this process.
 */
export class Stamper {
  readonly #now: () => number;
  #last = 0;

  constructor(now: () => number) {
    this.#now = now;
  }

  next(): number {
    const now = this.#now();
    this.#last = now > this.#last ? now : this.#last + 0.001;
    return this.#last;
  }
}

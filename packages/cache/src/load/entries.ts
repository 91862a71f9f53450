import { SerializationError, WrongTypeError } from '@forno/core';
import type { CacheRoot } from '../cache-root.js';
import type { CacheEntry, StoredEntry } from '../entry.js';
import { hold } from '../l1/handout.js';
import type { ResolvedEntryOptions } from '../options.js';

/** A TTL spread by up to ± `jitter` of itself (at least 1 ms). */
export function jittered(ttlMs: number, jitter: number): number {
  if (jitter === 0) return ttlMs;
  return Math.max(1, Math.round(ttlMs * (1 + (Math.random() * 2 - 1) * jitter)));
}

/**
 * A new entry for `value` (a copy is held: the caller keeps its object). `createdAt` orders it
 * against tag invalidations (a factory's start); its TTL runs from `now`.
 */
export function newEntry(
  root: CacheRoot,
  value: unknown,
  createdAt: number,
  options: Pick<ResolvedEntryOptions, 'ttlMs' | 'graceMs' | 'jitter' | 'tags'>,
): CacheEntry {
  const expiresAt = root.now() + jittered(options.ttlMs, options.jitter);
  return {
    held: hold(value, root.codec, false),
    createdAt,
    expiresAt,
    staleUntil: expiresAt + options.graceMs,
    tags: options.tags,
  };
}

/** The entry read from L2, with what its tags say (`null` when a tag deleted it). */
export async function entryFromL2(
  root: CacheRoot,
  namespace: string,
  stored: StoredEntry,
): Promise<CacheEntry | null> {
  const entry: CacheEntry = {
    held: hold(stored.v, root.codec, true),
    createdAt: stored.c,
    expiresAt: stored.e,
    staleUntil: stored.e + stored.g,
    tags: stored.t ?? [],
  };
  if (entry.tags.length === 0) return entry;
  const verdict = await root.tags.judge(namespace, entry, root.now());
  if (verdict === 'deleted') return null;
  // Expired by a tag: stale from now on, still kept for the rest of its grace.
  return verdict === 'expired' ? { ...entry, expiresAt: Math.min(entry.expiresAt, entry.createdAt) } : entry;
}

/**
 * Reads `entryKey` from L2 and puts what it found in L1 (unless the key was invalidated while the
 * read was in flight). `null` on a miss, a tag deletion, or a value that is not an entry (written
 * by something else, or corrupt: the next write overwrites it). Outages reject.
 */
export async function readEntry(
  root: CacheRoot,
  namespace: string,
  entryKey: string,
  withTtl: boolean,
): Promise<CacheEntry | null> {
  const reading = root.epochs.begin(entryKey);
  try {
    const stored = await root.l2!.read(entryKey, withTtl);
    const entry = stored === null ? null : await entryFromL2(root, namespace, stored);
    if (entry !== null && root.epochs.current(reading, entry.createdAt))
      root.fill(namespace, entryKey, entry);
    return entry;
  } catch (error) {
    if (!SerializationError.is(error) && !WrongTypeError.is(error)) throw error;
    root.l2Failed(namespace, 'get', error);
    return null;
  } finally {
    root.epochs.end(reading);
  }
}

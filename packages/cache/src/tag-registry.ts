import type { CacheRepository } from '@forno/core';
import type { CacheEntry } from './entry.js';
import { tagsKey } from './keys.js';

/** When a tag was last deleted and expired (0: never), and until when that knowledge is trusted. */
interface TagState {
  deletedAt: number;
  expiredAt: number;
  trustedUntil: number;
}

/** What tags say about an entry. */
export type TagVerdict = 'valid' | 'expired' | 'deleted';

/** Tag states kept in process at most. */
const MAX_STATES = 10_000;
/** Members examined per pruning of a namespace's tag set. */
const PRUNE_BATCH = 100;

/**
 * Tags by invalidation time: `deleteByTag(t)` / `expireByTag(t)` record *when* (a stamp) in the
 * namespace's sorted set `#<namespace>:tags` (`ZADD GT`, members `d:<tag>` / `x:<tag>`, one key: no
 * cross-slot command, no scan), and every read compares an entry's creation stamp with its tags'
 * times: created before a deletion → gone (never served, not even under grace: bentocache#71);
 * before an expiry → stale. The process keeps the times it has seen, updated at once by the bus,
 * and trusts them as long as L1 entries (`l1.maxTtl`); without L1 it asks L2 on every L2 read.
 * The set expires `tagRetention` after its last invalidation and is pruned of older members.
 */
export class TagRegistry {
  readonly #repository: CacheRepository | undefined;
  readonly #trustMs: number;
  readonly #retentionMs: number;
  readonly #states = new Map<string, TagState>();

  constructor(repository: CacheRepository | undefined, trustMs: number, retentionMs: number) {
    this.#repository = repository;
    this.#trustMs = repository === undefined ? Number.POSITIVE_INFINITY : trustMs;
    this.#retentionMs = retentionMs;
  }

  /**
   * What `entry`'s tags say, from what this process knows now; `undefined` when a tag's state is
   * not known (or no longer trusted): ask {@link judge} then. A deletion this process knows of
   * counts even when not trusted: times only move forward.
   */
  verdictNow(namespace: string, entry: CacheEntry, now: number): TagVerdict | undefined {
    let verdict: TagVerdict = 'valid';
    let unsure = false;
    for (const tag of entry.tags) {
      const state = this.#states.get(stateKey(namespace, tag));
      if (state === undefined) {
        if (this.#repository !== undefined) unsure = true;
        continue;
      }
      if (state.deletedAt >= entry.createdAt) return 'deleted';
      if (state.expiredAt >= entry.createdAt) verdict = 'expired';
      if (state.trustedUntil <= now) unsure = true;
    }
    return unsure ? undefined : verdict;
  }

  /** What `entry`'s tags say, reading from L2 the states this process does not know. */
  async judge(namespace: string, entry: CacheEntry, now: number): Promise<TagVerdict> {
    const known = this.verdictNow(namespace, entry, now);
    if (known !== undefined || this.#repository === undefined) return known ?? 'valid';
    const repository = this.#repository;
    const key = tagsKey(namespace);
    const states = await Promise.all(
      entry.tags.map(async (tag): Promise<TagState> => {
        const id = stateKey(namespace, tag);
        const state = this.#states.get(id);
        if (state !== undefined && state.trustedUntil > now) return state;
        const [deletedAt, expiredAt] = await Promise.all([
          repository.zscore(key, `d:${tag}`),
          repository.zscore(key, `x:${tag}`),
        ]);
        return this.#remember(id, deletedAt ?? 0, expiredAt ?? 0, now + this.#trustMs);
      }),
    );
    if (states.some((state) => state.deletedAt >= entry.createdAt)) return 'deleted';
    return states.some((state) => state.expiredAt >= entry.createdAt) ? 'expired' : 'valid';
  }

  /**
   * Records a tag invalidation seen here or on the bus (times only ever move forward). A tag not
   * known yet keeps the time as a floor, untrusted until its state is read from L2 (a read racing
   * this invalidation cannot bring back an older time).
   */
  note(namespace: string, tag: string, kind: 'd' | 'x', at: number): void {
    const id = stateKey(namespace, tag);
    const state = this.#states.get(id);
    if (state === undefined) {
      const trustedUntil =
        this.#repository === undefined ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
      this.#remember(id, kind === 'd' ? at : 0, kind === 'x' ? at : 0, trustedUntil);
      return;
    }
    if (kind === 'd') state.deletedAt = Math.max(state.deletedAt, at);
    else state.expiredAt = Math.max(state.expiredAt, at);
  }

  /** Writes a tag invalidation to L2 (then prunes members older than the retention). */
  async record(namespace: string, tag: string, kind: 'd' | 'x', at: number): Promise<void> {
    const repository = this.#repository;
    if (repository === undefined) return;
    const key = tagsKey(namespace);
    await repository.zadd(key, { member: `${kind}:${tag}`, score: at }, { gt: true });
    await repository.expire(key, this.#retentionMs);
    const old = await repository.zrangebyscore<string>(key, '-inf', at - this.#retentionMs, {
      offset: 0,
      count: PRUNE_BATCH,
    });
    if (old.length > 0) await repository.zrem(key, ...old);
  }

  /** Stops trusting what is known of a namespace's tags (they changed in ways not reported): read them again. */
  forgetNamespace(namespace: string): void {
    if (this.#repository === undefined) return;
    const prefix = `${namespace}\n`;
    for (const [id, state] of this.#states)
      if (id.startsWith(prefix)) state.trustedUntil = Number.NEGATIVE_INFINITY;
  }

  /** Stops trusting every tag state read from L2 (messages may have been lost): read them again. */
  forgetAll(): void {
    if (this.#repository === undefined) return;
    for (const state of this.#states.values()) state.trustedUntil = Number.NEGATIVE_INFINITY;
  }

  #remember(id: string, deletedAt: number, expiredAt: number, trustedUntil: number): TagState {
    const old = this.#states.get(id);
    const state = {
      deletedAt: Math.max(deletedAt, old?.deletedAt ?? 0),
      expiredAt: Math.max(expiredAt, old?.expiredAt ?? 0),
      trustedUntil,
    };
    this.#states.delete(id);
    this.#states.set(id, state);
    if (this.#states.size > MAX_STATES && this.#repository !== undefined) {
      this.#states.delete(this.#states.keys().next().value!);
    }
    return state;
  }
}

function stateKey(namespace: string, tag: string): string {
  return `${namespace}\n${tag}`;
}

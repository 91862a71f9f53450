import type {
  LexBound,
  MemberScanOptions,
  ScoreBound,
  ScoredMember,
  ZAddOptions,
  ZRangeByLexOptions,
  ZRangeByScoreOptions,
  ZRangeOptions,
} from './options.js';

/**
 * Sorted-set commands. Members go through the serializer; scores are numbers (±Infinity allowed).
 * Equal scores are ordered by the members' serialized bytes, as in Redis.
 */
export interface SortedSetCommands {
  /** Adds or updates members; returns how many were added (or changed, with `ch`). */
  zadd(key: string, entries: ScoredMember | readonly ScoredMember[], options?: ZAddOptions): Promise<number>;
  /** Members by rank from `start` to `stop` (inclusive, negative from the end). */
  zrange<T = unknown>(
    key: string,
    start: number,
    stop: number,
    options?: ZRangeOptions & { withScores?: false },
  ): Promise<T[]>;
  /** Members by rank with their scores. */
  zrange<T = unknown>(
    key: string,
    start: number,
    stop: number,
    options: ZRangeOptions & { withScores: true },
  ): Promise<ScoredMember<T>[]>;
  /** Members by rank, highest score first. */
  zrevrange<T = unknown>(
    key: string,
    start: number,
    stop: number,
    options?: { withScores?: false },
  ): Promise<T[]>;
  /** Members by rank, highest score first, with their scores. */
  zrevrange<T = unknown>(
    key: string,
    start: number,
    stop: number,
    options: { withScores: true },
  ): Promise<ScoredMember<T>[]>;
  /** Members with `min <= score <= max` (or exclusive bounds), lowest first. */
  zrangebyscore<T = unknown>(
    key: string,
    min: ScoreBound,
    max: ScoreBound,
    options?: ZRangeByScoreOptions & { withScores?: false },
  ): Promise<T[]>;
  /** Members in a score range with their scores. */
  zrangebyscore<T = unknown>(
    key: string,
    min: ScoreBound,
    max: ScoreBound,
    options: ZRangeByScoreOptions & { withScores: true },
  ): Promise<ScoredMember<T>[]>;
  /** Removes members; returns how many existed. */
  zrem(key: string, ...members: unknown[]): Promise<number>;
  /** Adds `increment` to a member's score (creating it) and returns the new score. */
  zincrby(key: string, increment: number, member: unknown): Promise<number>;
  /** Removes members ranked `start` to `stop`; returns how many. `0, -51` keeps the top 50. */
  zremrangebyrank(key: string, start: number, stop: number): Promise<number>;
  /** A member's score, or `null`. */
  zscore(key: string, member: unknown): Promise<number | null>;
  /** Number of members. */
  zcard(key: string): Promise<number>;
  /** Atomically removes and returns up to `count` (default 1) lowest-scored members. */
  zpopmin<T = unknown>(key: string, count?: number): Promise<ScoredMember<T>[]>;
  /** Atomically removes and returns up to `count` (default 1) highest-scored members. */
  zpopmax<T = unknown>(key: string, count?: number): Promise<ScoredMember<T>[]>;
  /** A member's rank (0 = lowest score), or `null` when it is not in the set. */
  zrank(key: string, member: unknown): Promise<number | null>;
  /** A member's rank from the highest score (0 = highest), or `null`. */
  zrevrank(key: string, member: unknown): Promise<number | null>;
  /** How many members have `min <= score <= max` (or exclusive bounds). */
  zcount(key: string, min: ScoreBound, max: ScoreBound): Promise<number>;
  /**
   * Members between two lexicographic bounds, for a set whose members all have the same score (an
   * autocomplete index). Members compare by their serialized bytes: use the raw serializer for
   * text that must sort as text.
   */
  zrangebylex<T = unknown>(
    key: string,
    min: LexBound,
    max: LexBound,
    options?: ZRangeByLexOptions,
  ): Promise<T[]>;
  /** Iterates a sorted set's members and scores with `ZSCAN`, a page at a time (not in score order). */
  zscan<T = unknown>(key: string, options?: MemberScanOptions): AsyncIterable<ScoredMember<T>>;
}

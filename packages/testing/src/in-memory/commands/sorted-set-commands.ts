import { CommandError, parseScore } from '@forno/core';
import type { RawLexBound, RawScored, RawSortedSetCommands } from '@forno/core/backend';
import { toByteString } from '../byte-codec.js';
import { type InMemoryContext, rankRange, type SyncCommands } from '../in-memory-context.js';

type Member = readonly [member: string, score: number];

const newZset = () => new Map<string, number>();

/** Members ordered as Redis orders them: by score, then by member bytes. */
function sorted(zset: Map<string, number> | undefined): Member[] {
  if (zset === undefined) return [];
  return [...zset].sort(([a, sa], [b, sb]) => (sa !== sb ? sa - sb : a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The member ZRANGE puts first among `members` (lowest score, then lowest member bytes), with its
 * score; `undefined` when there is none. One pass, no sort: for the fake's lock scripts, which
 * only ever need the first.
 */
export function firstInOrder(members: Iterable<Member>): Member | undefined {
  let first: Member | undefined;
  for (const entry of members) {
    if (first === undefined || entry[1] < first[1] || (entry[1] === first[1] && entry[0] < first[0])) {
      first = entry;
    }
  }
  return first;
}

/** A predicate for one side of a score range (`'5'`, `'(5'`, `'-inf'`). */
function bound(text: string, side: 'min' | 'max'): (score: number) => boolean {
  const exclusive = text.startsWith('(');
  // Redis reads bounds with strtod, so `(INF` and `(-Inf` are infinities too.
  const limit = parseScore((exclusive ? text.slice(1) : text).toLowerCase());
  if (side === 'min') return exclusive ? (score) => score > limit : (score) => score >= limit;
  return exclusive ? (score) => score < limit : (score) => score <= limit;
}

/** A predicate for one side of a lex range: `'-'`, `'+'`, or a member included or excluded. */
function lexBound(bound: RawLexBound, side: 'min' | 'max'): (member: string) => boolean {
  if (bound === '-') return () => side === 'min';
  if (bound === '+') return () => side === 'max';
  const limit = toByteString(bound.value);
  if (side === 'min') return bound.exclusive ? (m) => m > limit : (m) => m >= limit;
  return bound.exclusive ? (m) => m < limit : (m) => m <= limit;
}

/** Sorted-set commands, with Redis semantics (an emptied sorted set is deleted). */
export function sortedSetCommands(ctx: InMemoryContext): SyncCommands<RawSortedSetCommands> {
  const scored = (members: readonly Member[]): RawScored[] =>
    members.map(([m, s]) => [ctx.reply(m), s] as const);

  function byRank(key: string, start: number, stop: number, rev: boolean): Member[] {
    const members = sorted(ctx.store().read(key, 'zset')?.value);
    if (rev) members.reverse();
    const range = rankRange(start, stop, members.length);
    return range === undefined ? [] : members.slice(range[0], range[1] + 1);
  }

  function byScore(
    key: string,
    min: string,
    max: string,
    limit: { offset: number; count: number } | undefined,
  ) {
    const aboveMin = bound(min, 'min');
    const belowMax = bound(max, 'max');
    const members = sorted(ctx.store().read(key, 'zset')?.value).filter(
      ([, s]) => aboveMin(s) && belowMax(s),
    );
    if (limit === undefined) return members;
    return members.slice(limit.offset, limit.count < 0 ? undefined : limit.offset + limit.count);
  }

  function pop(key: string, count: number, end: 'min' | 'max'): RawScored[] {
    const store = ctx.store();
    const entry = store.read(key, 'zset');
    if (entry === undefined) return [];
    const members = sorted(entry.value);
    const taken = end === 'min' ? members.slice(0, count) : members.reverse().slice(0, count);
    for (const [member] of taken) entry.value.delete(member);
    store.deleteIfEmpty(key, entry);
    return scored(taken);
  }

  return {
    zadd(key, entries, options) {
      const store = ctx.store();
      const entry = store.readOrCreate(key, 'zset', newZset);
      let added = 0;
      let changed = 0;
      for (const [given, raw] of entries) {
        // Scores travel as text: `-0` is sent as "0" (String(-0)), so Redis stores 0.
        const score = given === 0 ? 0 : given;
        const member = toByteString(raw);
        const current = entry.value.get(member);
        if (current === undefined) {
          if (options.xx) continue;
          entry.value.set(member, score);
          added++;
        } else {
          if (options.nx || (options.gt && score <= current) || (options.lt && score >= current)) continue;
          if (score !== current) {
            entry.value.set(member, score);
            changed++;
          }
        }
      }
      store.deleteIfEmpty(key, entry);
      return options.ch ? added + changed : added;
    },

    zrange(key, start, stop, rev) {
      return byRank(key, start, stop, rev).map(([member]) => ctx.reply(member));
    },

    zrangeWithScores(key, start, stop, rev) {
      return scored(byRank(key, start, stop, rev));
    },

    zrangebyscore(key, min, max, limit) {
      return byScore(key, min, max, limit).map(([member]) => ctx.reply(member));
    },

    zrangebyscoreWithScores(key, min, max, limit) {
      return scored(byScore(key, min, max, limit));
    },

    zrem(key, members) {
      const store = ctx.store();
      const entry = store.read(key, 'zset');
      if (entry === undefined) return 0;
      let removed = 0;
      for (const member of members) if (entry.value.delete(toByteString(member))) removed++;
      store.deleteIfEmpty(key, entry);
      return removed;
    },

    zincrby(key, increment, raw) {
      const zset = ctx.store().readOrCreate(key, 'zset', newZset).value;
      const member = toByteString(raw);
      const score = (zset.get(member) ?? 0) + increment;
      if (Number.isNaN(score)) throw new CommandError('ERR resulting score is not a number (NaN)');
      zset.set(member, score);
      return score;
    },

    zremrangebyrank(key, start, stop) {
      const store = ctx.store();
      const entry = store.read(key, 'zset');
      if (entry === undefined) return 0;
      const members = sorted(entry.value);
      const range = rankRange(start, stop, members.length);
      if (range === undefined) return 0;
      for (const [member] of members.slice(range[0], range[1] + 1)) entry.value.delete(member);
      store.deleteIfEmpty(key, entry);
      return range[1] - range[0] + 1;
    },

    zscore(key, member) {
      return ctx.store().read(key, 'zset')?.value.get(toByteString(member)) ?? null;
    },

    zcard(key) {
      return ctx.store().read(key, 'zset')?.value.size ?? 0;
    },

    zpopmin(key, count) {
      return pop(key, count, 'min');
    },

    zpopmax(key, count) {
      return pop(key, count, 'max');
    },

    zrank(key, member, rev) {
      const members = sorted(ctx.store().read(key, 'zset')?.value);
      const index = members.findIndex(([m]) => m === toByteString(member));
      if (index < 0) return null;
      return rev ? members.length - 1 - index : index;
    },

    zcount(key, min, max) {
      return byScore(key, min, max, undefined).length;
    },

    zrangebylex(key, min, max, limit) {
      const aboveMin = lexBound(min, 'min');
      const belowMax = lexBound(max, 'max');
      const members = sorted(ctx.store().read(key, 'zset')?.value).filter(
        ([m]) => aboveMin(m) && belowMax(m),
      );
      const page =
        limit === undefined
          ? members
          : members.slice(limit.offset, limit.count < 0 ? undefined : limit.offset + limit.count);
      return page.map(([m]) => ctx.reply(m));
    },

    async *zscan(key, count) {
      const members = [...(ctx.store().read(key, 'zset')?.value ?? [])];
      for (let i = 0; i < members.length; i += count) yield scored(members.slice(i, i + count));
    },
  };
}

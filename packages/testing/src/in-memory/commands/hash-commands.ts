import { compileGlob } from '@forno/core';
import type { RawHashCommands } from '@forno/core/backend';
import { asRedisText, toByteString } from '../byte-codec.js';
import type { InMemoryContext, SyncCommands } from '../in-memory-context.js';
import { InMemoryHash } from '../in-memory-hash.js';
import { addFloat } from './float.js';
import { addInteger, parseStoredInteger } from './integer.js';

const newHash = () => new InMemoryHash();
/** Replies of the hash-field TTL commands for a field that is missing, or has no TTL. */
const NO_FIELD = -2;
const NO_TTL = -1;

/** Hash commands, with Redis semantics (an emptied hash is deleted, fields expire by their TTL). */
export function hashCommands(ctx: InMemoryContext): SyncCommands<RawHashCommands> {
  return {
    hset(key, entries) {
      const hash = ctx.store().readOrCreate(key, 'hash', newHash).value;
      let added = 0;
      for (const [name, value] of entries) {
        const field = asRedisText(name);
        if (!hash.has(field)) added++;
        hash.set(field, toByteString(value));
      }
      return added;
    },

    hget(key, field) {
      const value = ctx.store().read(key, 'hash')?.value.get(asRedisText(field));
      return value === undefined ? null : ctx.reply(value);
    },

    hgetall(key) {
      const hash = ctx.store().read(key, 'hash')?.value;
      return hash === undefined ? [] : [...hash].map(([field, value]) => [field, ctx.reply(value)] as const);
    },

    hdel(key, fields) {
      const store = ctx.store();
      const entry = store.read(key, 'hash');
      if (entry === undefined) return 0;
      let deleted = 0;
      for (const field of fields) if (entry.value.delete(asRedisText(field))) deleted++;
      store.deleteIfEmpty(key, entry);
      return deleted;
    },

    hincrby(key, name, increment) {
      const field = asRedisText(name);
      const hash = ctx.store().readOrCreate(key, 'hash', newHash).value;
      const current = parseStoredInteger(hash.get(field), 'ERR hash value is not an integer');
      const result = addInteger(current, increment);
      hash.update(field, result.toString());
      return Number(result);
    },

    hexists(key, field) {
      return ctx.store().read(key, 'hash')?.value.has(asRedisText(field)) ?? false;
    },

    hkeys(key) {
      return [...(ctx.store().read(key, 'hash')?.value.keys() ?? [])];
    },

    hincrbyfloat(key, name, increment) {
      const field = asRedisText(name);
      const hash = ctx.store().readOrCreate(key, 'hash', newHash).value;
      const result = addFloat(hash.get(field), increment, 'ERR hash value is not a float');
      hash.update(field, result);
      return Number(result);
    },

    async *hscan(key, match, count) {
      const matches = compileGlob(match);
      // Snapshot first, like a cursor: fields added during the iteration may be missed.
      const pairs = [...(ctx.store().read(key, 'hash')?.value ?? [])];
      for (let i = 0; i < pairs.length; i += count) {
        yield pairs
          .slice(i, i + count)
          .filter(([field]) => matches(field))
          .map(([field, value]) => [field, ctx.reply(value)] as const);
      }
    },

    hlen(key) {
      return ctx.store().read(key, 'hash')?.value.size ?? 0;
    },

    hpexpire(key, fields, ms) {
      const store = ctx.store();
      const entry = store.read(key, 'hash');
      if (entry === undefined) return fields.map(() => NO_FIELD);
      const expiresAt = store.clock.now() + ms;
      const replies = fields.map((field) =>
        entry.value.expireField(asRedisText(field), expiresAt) ? 1 : NO_FIELD,
      );
      if (replies.includes(1)) {
        store.changed(key);
        store.trackFieldExpiry(key);
      }
      return replies;
    },

    hpttl(key, fields) {
      const store = ctx.store();
      const now = store.clock.now();
      return fieldTimes(ctx, key, fields, (expiresAt) => expiresAt - now);
    },

    hpexpiretime(key, fields) {
      return fieldTimes(ctx, key, fields, (expiresAt) => expiresAt);
    },

    hpersist(key, fields) {
      const store = ctx.store();
      const hash = store.read(key, 'hash')?.value;
      const replies = fields.map((name) => {
        const field = asRedisText(name);
        if (hash === undefined || !hash.has(field)) return NO_FIELD;
        return hash.persistField(field) ? 1 : NO_TTL;
      });
      if (replies.includes(1)) store.changed(key);
      return replies;
    },
  };
}

/** Per field: `time(expiresAt)` for a field with a TTL, -1 for one without, -2 for a missing one. */
function fieldTimes(
  ctx: InMemoryContext,
  key: string,
  fields: readonly string[],
  time: (expiresAt: number) => number,
): number[] {
  const hash = ctx.store().read(key, 'hash')?.value;
  return fields.map((name) => {
    const field = asRedisText(name);
    if (hash === undefined || !hash.has(field)) return NO_FIELD;
    const expiresAt = hash.fieldExpiresAt(field);
    return expiresAt === undefined ? NO_TTL : time(expiresAt);
  });
}

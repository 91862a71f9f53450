import { compileGlob } from '@forno/core';
import type { RawHashCommands } from '@forno/core/backend';
import { asRedisText, toByteString } from '../byte-codec.js';
import type { InMemoryContext, SyncCommands } from '../in-memory-context.js';
import { addFloat } from './float.js';
import { addInteger, parseStoredInteger } from './integer.js';

const newHash = () => new Map<string, string>();

/** Hash commands, with Redis semantics (an emptied hash is deleted). */
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
      hash.set(field, result.toString());
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
      hash.set(field, result);
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
  };
}

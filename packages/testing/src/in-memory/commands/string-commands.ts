import type { RawStringCommands } from '@forno/core/backend';
import { toByteString } from '../byte-codec.js';
import type { InMemoryContext, SyncCommands } from '../in-memory-context.js';
import { addFloat } from './float.js';
import { addInteger, parseStoredInteger } from './integer.js';

/** Strings and key expiry, with Redis semantics. */
export function stringCommands(ctx: InMemoryContext): SyncCommands<RawStringCommands> {
  return {
    get(key) {
      const entry = ctx.store().read(key, 'string');
      return entry === undefined ? null : ctx.reply(entry.value);
    },

    set(key, value, options) {
      const store = ctx.store();
      const existing = store.lookup(key);
      if ((options.nx && existing) || (options.xx && !existing)) return false;
      const expiresAt =
        options.px !== undefined
          ? store.clock.now() + options.px
          : options.keepTtl
            ? existing?.expiresAt
            : undefined;
      store.write(key, 'string', toByteString(value), expiresAt);
      return true;
    },

    mget(keys) {
      const store = ctx.store();
      return keys.map((key) => {
        const entry = store.lookup(key);
        return entry?.type === 'string' ? ctx.reply(entry.value as string) : null;
      });
    },

    mset(entries, px) {
      const store = ctx.store();
      const expiresAt = px === undefined ? undefined : store.clock.now() + px;
      for (const [key, value] of entries) store.write(key, 'string', toByteString(value), expiresAt);
    },

    unlink(keys) {
      const store = ctx.store();
      let deleted = 0;
      // The fake's keys are always strings: a byte key can only name a key that is valid UTF-8.
      const names = keys.map((key) => (typeof key === 'string' ? key : Buffer.from(key).toString('utf8')));
      for (const key of new Set(names)) if (store.delete(key)) deleted++;
      return deleted;
    },

    exists(key) {
      return ctx.store().lookup(key) !== undefined;
    },

    pexpire(key, ms) {
      const store = ctx.store();
      const entry = store.lookup(key);
      if (entry === undefined) return false;
      store.expire(key, entry, store.clock.now() + ms);
      return true;
    },

    pttl(key) {
      const store = ctx.store();
      const entry = store.lookup(key);
      if (entry === undefined) return -2;
      return entry.expiresAt === undefined ? -1 : entry.expiresAt - store.clock.now();
    },

    persist(key) {
      const store = ctx.store();
      const entry = store.lookup(key);
      if (entry?.expiresAt === undefined) return false;
      store.expire(key, entry, undefined);
      return true;
    },

    incrby(key, increment) {
      const store = ctx.store();
      const entry = store.read(key, 'string');
      const current = parseStoredInteger(entry?.value, 'ERR value is not an integer or out of range');
      const result = addInteger(current, increment);
      if (entry === undefined) {
        store.write(key, 'string', result.toString());
      } else {
        entry.value = result.toString();
        store.changed(key);
      }
      return Number(result);
    },

    getdel(key) {
      const store = ctx.store();
      const entry = store.read(key, 'string');
      if (entry === undefined) return null;
      store.delete(key);
      return ctx.reply(entry.value);
    },

    getex(key, px, persist) {
      const store = ctx.store();
      const entry = store.read(key, 'string');
      if (entry === undefined) return null;
      if (px !== undefined) store.expire(key, entry, store.clock.now() + px);
      else if (persist) store.expire(key, entry, undefined);
      return ctx.reply(entry.value);
    },

    incrbyfloat(key, increment) {
      const store = ctx.store();
      const entry = store.read(key, 'string');
      const result = addFloat(entry?.value, increment, 'ERR value is not a valid float');
      if (entry === undefined) store.write(key, 'string', result);
      else {
        entry.value = result;
        store.changed(key);
      }
      return Number(result);
    },
  };
}

import type { RawListCommands } from '@forno/core/backend';
import { toByteString } from '../byte-codec.js';
import { type InMemoryContext, rankRange, type SyncCommands } from '../in-memory-context.js';

const newList = (): string[] => [];

/** List commands, with Redis semantics (an emptied list is deleted). */
export function listCommands(ctx: InMemoryContext): SyncCommands<RawListCommands> {
  function pop(key: string, end: 'head' | 'tail') {
    const store = ctx.store();
    const entry = store.read(key, 'list');
    if (entry === undefined) return null;
    const value = end === 'head' ? entry.value.shift() : entry.value.pop();
    store.deleteIfEmpty(key, entry);
    return value === undefined ? null : ctx.reply(value);
  }

  return {
    lpush(key, values) {
      const list = ctx.store().readOrCreate(key, 'list', newList).value;
      for (const value of values) list.unshift(toByteString(value));
      return list.length;
    },

    rpush(key, values) {
      const list = ctx.store().readOrCreate(key, 'list', newList).value;
      for (const value of values) list.push(toByteString(value));
      return list.length;
    },

    lpop(key) {
      return pop(key, 'head');
    },

    rpop(key) {
      return pop(key, 'tail');
    },

    lrange(key, start, stop) {
      const list = ctx.store().read(key, 'list')?.value ?? [];
      const range = rankRange(start, stop, list.length);
      return range === undefined ? [] : list.slice(range[0], range[1] + 1).map(ctx.reply);
    },

    llen(key) {
      return ctx.store().read(key, 'list')?.value.length ?? 0;
    },

    lmove(source, destination, from, to) {
      const store = ctx.store();
      const entry = store.read(source, 'list');
      if (entry === undefined) return null; // as Redis: a missing source answers null, whatever the destination
      store.read(destination, 'list'); // WRONGTYPE before anything is popped
      const value = from === 'left' ? entry.value.shift()! : entry.value.pop()!;
      store.deleteIfEmpty(source, entry);
      const target = store.readOrCreate(destination, 'list', newList).value;
      if (to === 'left') target.unshift(value);
      else target.push(value);
      return ctx.reply(value);
    },

    ltrim(key, start, stop) {
      const store = ctx.store();
      const entry = store.read(key, 'list');
      if (entry === undefined) return;
      const range = rankRange(start, stop, entry.value.length);
      entry.value = range === undefined ? [] : entry.value.slice(range[0], range[1] + 1);
      store.deleteIfEmpty(key, entry);
    },
  };
}

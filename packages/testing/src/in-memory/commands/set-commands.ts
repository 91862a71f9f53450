import type { RawSetCommands } from '@forno/core/backend';
import { toByteString } from '../byte-codec.js';
import type { InMemoryContext, SyncCommands } from '../in-memory-context.js';
import type { InMemoryStore } from '../in-memory-store.js';

const newSet = () => new Set<string>();

/** Set commands, with Redis semantics (an emptied set is deleted; missing keys are empty sets). */
export function setCommands(ctx: InMemoryContext): SyncCommands<RawSetCommands> {
  const membersOf = (store: InMemoryStore, keys: readonly string[]) =>
    keys.map((key) => store.read(key, 'set')?.value ?? newSet());

  const inter = (store: InMemoryStore, keys: readonly string[]) => {
    const [first, ...rest] = membersOf(store, keys);
    return [...(first ?? [])].filter((member) => rest.every((set) => set.has(member)));
  };
  const union = (store: InMemoryStore, keys: readonly string[]) => [
    ...new Set(membersOf(store, keys).flatMap((set) => [...set])),
  ];
  const diff = (store: InMemoryStore, keys: readonly string[]) => {
    const [first, ...rest] = membersOf(store, keys);
    return [...(first ?? [])].filter((member) => !rest.some((set) => set.has(member)));
  };
  const store = (destination: string, members: string[]) => {
    const db = ctx.store();
    db.delete(destination);
    if (members.length > 0) db.write(destination, 'set', new Set(members));
    return members.length;
  };

  return {
    sadd(key, members) {
      const set = ctx.store().readOrCreate(key, 'set', newSet).value;
      const before = set.size;
      for (const member of members) set.add(toByteString(member));
      return set.size - before;
    },

    srem(key, members) {
      const db = ctx.store();
      const entry = db.read(key, 'set');
      if (entry === undefined) return 0;
      let removed = 0;
      for (const member of members) if (entry.value.delete(toByteString(member))) removed++;
      db.deleteIfEmpty(key, entry);
      return removed;
    },

    smembers(key) {
      return [...(ctx.store().read(key, 'set')?.value ?? [])].map(ctx.reply);
    },

    sismember(key, member) {
      return ctx.store().read(key, 'set')?.value.has(toByteString(member)) ?? false;
    },

    scard(key) {
      return ctx.store().read(key, 'set')?.value.size ?? 0;
    },

    sinter(keys) {
      return inter(ctx.store(), keys).map(ctx.reply);
    },

    sunion(keys) {
      return union(ctx.store(), keys).map(ctx.reply);
    },

    sdiff(keys) {
      return diff(ctx.store(), keys).map(ctx.reply);
    },

    sinterstore(destination, keys) {
      return store(destination, inter(ctx.store(), keys));
    },

    sunionstore(destination, keys) {
      return store(destination, union(ctx.store(), keys));
    },

    async *sscan(key, count) {
      const members = [...(ctx.store().read(key, 'set')?.value ?? [])];
      for (let i = 0; i < members.length; i += count) yield members.slice(i, i + count).map(ctx.reply);
    },
  };
}

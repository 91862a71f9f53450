import { compileGlob } from '@forno/core';
import type { RawServerCommands } from '@forno/core/backend';
import type { InMemoryContext } from '../in-memory-context.js';

/** SCAN, PING and FLUSHDB over the fake's keyspace. */
export function serverCommands(ctx: InMemoryContext): RawServerCommands {
  return {
    async *scan(match, count, type) {
      const store = ctx.store();
      const matches = compileGlob(match);
      // Snapshot first, like a SCAN cursor: keys added during iteration may be missed.
      const keys = [...store.keys()];
      for (let i = 0; i < keys.length; i += count) {
        const batch = keys
          .slice(i, i + count)
          .filter((key) => matches(key) && (type === undefined || store.lookup(key)?.type === type));
        yield batch;
      }
    },

    async ping() {
      ctx.store();
    },

    async flushdb() {
      ctx.store().flush();
    },
  };
}

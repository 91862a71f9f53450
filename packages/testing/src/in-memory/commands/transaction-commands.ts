import type { RawCommands, RawTransactionCommands, RawWatch } from '@forno/core/backend';
import type { InMemoryContext } from '../in-memory-context.js';
import type { StoreWatch } from '../in-memory-store.js';

interface InMemoryWatch extends RawWatch {
  readonly watch: StoreWatch;
}

/**
 * `MULTI`/`EXEC` and `WATCH` on the fake. The queued raw calls run one after the other in one
 * synchronous step (the fake's commands do not yield), so no other command can interleave, as on
 * Redis; a call that fails (`WRONGTYPE`) does not stop the others. `WATCH` marks a watch as
 * changed on any write to its keys (deletion and expiry included), and `EXEC` then runs nothing.
 */
export function transactionCommands(ctx: InMemoryContext, raw: () => RawCommands): RawTransactionCommands {
  return {
    async exec(calls, _keys, watched) {
      const store = ctx.store();
      if (watched !== undefined) {
        const { watch } = watched as InMemoryWatch;
        for (const key of watched.keys) store.lookup(key); // a watched key that expired is a change
        watch.release();
        if (watch.changed) return null;
      }
      const commands = raw() as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
      const replies = calls.map(({ name, args }) => {
        try {
          return commands[name]!(...args);
        } catch (error) {
          return Promise.reject(error);
        }
      });
      return Promise.allSettled(replies);
    },

    async watch(keys) {
      const watch = ctx.store().watch(keys);
      const handle: InMemoryWatch = {
        keys,
        watch,
        release: async () => watch.release(),
      };
      return handle;
    },
  };
}

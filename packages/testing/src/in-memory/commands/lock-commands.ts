import type { RawCommands } from '@forno/core';
import type { InMemoryContext } from '../in-memory-context.js';
import { addInteger, parseStoredInteger } from './integer.js';

type LockCommands = Pick<
  RawCommands,
  'setIfAbsent' | 'compareAndDelete' | 'compareAndExpire' | 'publish' | 'subscribe'
>;

/**
 * The lock primitives and pub/sub, natively: each method runs without yielding, so it is as
 * atomic as the Lua script Redis runs. Tokens are compared as stored strings.
 */
export function lockCommands(ctx: InMemoryContext): LockCommands {
  return {
    async setIfAbsent(key, token, px, fenceKey) {
      const store = ctx.store();
      const holder = store.lookup(key);
      if (holder !== undefined) {
        const remainingTtl = holder.expiresAt === undefined ? -1 : holder.expiresAt - store.clock.now();
        return { acquired: false, remainingTtl };
      }
      let fencingToken: number | null = null;
      if (fenceKey !== undefined) {
        const fence = store.read(fenceKey, 'string');
        const next = addInteger(
          parseStoredInteger(fence?.value, 'ERR value is not an integer or out of range'),
          1,
        );
        store.write(fenceKey, 'string', next.toString(), fence?.expiresAt);
        fencingToken = Number(next);
      }
      store.write(key, 'string', token, store.clock.now() + px);
      return { acquired: true, fencingToken };
    },

    async compareAndDelete(key, token, notifyChannel) {
      const store = ctx.store();
      if (store.read(key, 'string')?.value !== token) return false;
      store.delete(key);
      if (notifyChannel !== undefined) store.publish(notifyChannel, key);
      return true;
    },

    async compareAndExpire(key, token, px) {
      const store = ctx.store();
      const entry = store.read(key, 'string');
      if (entry?.value !== token) return false;
      entry.expiresAt = store.clock.now() + px;
      return true;
    },

    async publish(channel, message) {
      return ctx.store().publish(channel, message);
    },

    async subscribe(channel, listener) {
      const unsubscribe = ctx.store().subscribe(ctx.client, channel, listener);
      return async () => unsubscribe();
    },
  };
}

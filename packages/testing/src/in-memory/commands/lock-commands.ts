import {
  CommandError,
  HANDOFF_TOKEN,
  semaphoreReservationOf,
  WAITERS_MIN_TTL_MS,
  waiterChannelOf,
} from '@forno/core';
import {
  MAX_WAITERS_TOLD,
  type RawLockCommands,
  type ReleaseNotice,
  type WaiterRegistration,
} from '@forno/core/backend';
import { fromByteString, toByteString } from '../byte-codec.js';
import type { InMemoryContext } from '../in-memory-context.js';
import type { Entry, InMemoryStore } from '../in-memory-store.js';
import { addInteger, parseStoredInteger } from './integer.js';
import { firstInOrder } from './sorted-set-commands.js';

/**
 * The semaphore at `key` with leases that ended by the store's clock (the fake's "server clock")
 * removed, as the Lua script's `ZREMRANGEBYSCORE -inf now` does; `undefined` once it is empty.
 */
export function liveSemaphore(store: InMemoryStore, key: string): Entry<'zset'> | undefined {
  const entry = store.read(key, 'zset');
  if (entry === undefined) return undefined;
  const now = store.clock.now();
  for (const [member, expiry] of entry.value) if (expiry <= now) entry.value.delete(member);
  store.deleteIfEmpty(key, entry);
  return entry.value.size === 0 ? undefined : entry;
}

/**
 * Records the new lease, and keeps the semaphore key alive exactly as long as its longest lease, as
 * the script's `PEXPIRE key max(1, last - now)` does. Lua passes a number to Redis as `%.17g` text,
 * so when the key also holds a foreign member scored beyond 1e17 or infinite, PEXPIRE rejects it:
 * the script fails after its writes, and so does this.
 */
export function expireWithLastLease(
  store: InMemoryStore,
  key: string,
  entry: Entry<'zset'>,
  now: number,
): void {
  store.changed(key);
  const last = Math.max(...entry.value.values());
  const ms = Math.max(1, last - now);
  if (!Number.isInteger(ms) || ms >= 1e17) {
    throw new CommandError('ERR value is not an integer or out of range');
  }
  store.expire(key, entry, now + ms);
}

/**
 * Whether `key` holds a handoff reservation that `waiter` may claim: the waiters' one (a string
 * equal to `HANDOFF_TOKEN`) or the one named for `waiter` (`HANDOFF_TOKEN:<waiter>`); any other
 * type is not one.
 */
function isClaimable(store: InMemoryStore, key: string, waiter: string | undefined): boolean {
  const entry = store.lookup(key);
  if (entry?.type !== 'string') return false;
  return (
    entry.value === toByteString(HANDOFF_TOKEN) ||
    (waiter !== undefined && entry.value === toByteString(`${HANDOFF_TOKEN}:${waiter}`))
  );
}

/** A refused registered waiter joins the waiters set (keeping its place) and keeps it alive, as the script's `refused` does. */
function registerWaiter(store: InMemoryStore, waiter: WaiterRegistration, px: number): void {
  const entry = store.readOrCreate(waiter.waitersKey, 'zset', () => new Map<string, number>());
  const member = toByteString(waiter.id);
  const now = store.clock.now();
  if (!entry.value.has(member)) entry.value.set(member, Math.floor(now));
  store.expire(waiter.waitersKey, entry, now + Math.max(2 * px, WAITERS_MIN_TTL_MS));
}

/** A granted registered waiter leaves the waiters set, as the script's `granted` does. */
function unregisterWaiter(store: InMemoryStore, waiter: WaiterRegistration | undefined): void {
  if (waiter === undefined) return;
  const entry = store.read(waiter.waitersKey, 'zset');
  if (entry?.value.delete(toByteString(waiter.id))) store.deleteIfEmpty(waiter.waitersKey, entry);
}

/** `ZPOPMIN`: the waiter with the lowest score (the smallest name on a tie), removed; `undefined` when none is left. */
function popOldestWaiter(store: InMemoryStore, waitersKey: string): string | undefined {
  const entry = store.read(waitersKey, 'zset');
  const oldest = entry && firstInOrder(entry.value);
  if (entry === undefined || oldest === undefined) return undefined;
  entry.value.delete(oldest[0]);
  store.deleteIfEmpty(waitersKey, entry);
  return fromByteString(oldest[0], 'text') as string;
}

/**
 * Pops the registered waiters of `notice` oldest first (at most `MAX_WAITERS_TOLD`) and publishes
 * `key` on the first one's own channel that has a subscriber, returning its id; `undefined` when
 * none heard. As the scripts' `tellOldestWaiter` does.
 */
function tellOldestWaiter(store: InMemoryStore, notice: ReleaseNotice, key: string): string | undefined {
  const waitersKey = notice.waitersKey ?? key;
  for (let told = 0; told < MAX_WAITERS_TOLD; told++) {
    const oldest = popOldestWaiter(store, waitersKey);
    if (oldest === undefined) return undefined;
    if (store.publish(waiterChannelOf(notice.channel, oldest), key) > 0) return oldest;
  }
  return undefined;
}

/**
 * The handoff reservation a claimer of `semaphore` takes, as the script picks it: the one named
 * for `waiter` (`semaphoreReservationOf`), else among the members named `HANDOFF_TOKEN:…` that are
 * not named for a waiter, the one ending first, the smallest name on a tie.
 */
function reservationOf(semaphore: Entry<'zset'> | undefined, waiter: string | undefined): string | undefined {
  const named = toByteString(semaphoreReservationOf(''));
  if (waiter !== undefined && semaphore?.value.has(named + toByteString(waiter))) {
    return named + toByteString(waiter);
  }
  const prefix = toByteString(`${HANDOFF_TOKEN}:`);
  const forEveryWaiter = [...(semaphore?.value ?? [])].filter(
    ([member]) => member.startsWith(prefix) && !member.startsWith(named),
  );
  return firstInOrder(forEveryWaiter)?.[0];
}

/**
 * A Lua number as Redis turns it into an integer reply: truncated, and (a C cast on x86-64) the
 * smallest 64-bit integer when out of range, for example the time left of a foreign member scored
 * 1e21.
 */
function luaInteger(value: number): number {
  return Number.isFinite(value) && Math.abs(value) < 2 ** 63 ? Math.trunc(value) : -(2 ** 63);
}

/**
 * Issues the next fencing token as the scripts do: max(last + 1, server time in µs), kept at
 * `fenceKey` as long as the lease (`px`). Throws, before writing, when the key holds no integer.
 */
export function nextFencingToken(store: InMemoryStore, fenceKey: string, px: number): number {
  const fence = store.read(fenceKey, 'string');
  const next = addInteger(parseStoredInteger(fence?.value, 'ERR value is not an integer or out of range'), 1);
  const nowUs = BigInt(Math.floor(store.clock.now() * 1000));
  const token = next > nowUs ? next : nowUs;
  store.write(fenceKey, 'string', token.toString(), store.clock.now() + px);
  return Number(token);
}

/**
 * The lock primitives and pub/sub, natively: each method runs without yielding, so it is as
 * atomic as the Lua script Redis runs. Tokens are stored and compared as their UTF-8 bytes, as on
 * Redis, so a lock key reads back like any other string and `set` + `compareAndDelete` agree.
 */
export function lockCommands(ctx: InMemoryContext): RawLockCommands {
  return {
    async setIfAbsent(key, token, px, fenceKey, claimHandoff, waiter) {
      const store = ctx.store();
      const holder = store.lookup(key);
      if (holder !== undefined && !(claimHandoff && isClaimable(store, key, waiter?.id))) {
        const remainingTtl = holder.expiresAt === undefined ? -1 : holder.expiresAt - store.clock.now();
        if (waiter !== undefined) registerWaiter(store, waiter, px);
        return { acquired: false, remainingTtl };
      }
      const fencingToken = fenceKey === undefined ? null : nextFencingToken(store, fenceKey, px);
      store.write(key, 'string', toByteString(token), store.clock.now() + px);
      unregisterWaiter(store, waiter);
      return { acquired: true, fencingToken };
    },

    async compareAndDelete(key, token, notice) {
      const store = ctx.store();
      if (store.read(key, 'string')?.value !== toByteString(token)) return false;
      store.delete(key);
      if (notice === undefined) return true;
      // One node: a sharded channel is an ordinary one. The fake's subscribers are its clients.
      const told = notice.handoffMs > 0 ? tellOldestWaiter(store, notice, key) : undefined;
      if (told !== undefined) {
        const reservation = toByteString(`${HANDOFF_TOKEN}:${told}`);
        store.write(key, 'string', reservation, store.clock.now() + notice.handoffMs);
        return true;
      }
      const heard = store.publish(notice.channel, key);
      if (heard > 0 && notice.handoffMs > 0) {
        store.write(key, 'string', toByteString(HANDOFF_TOKEN), store.clock.now() + notice.handoffMs);
      }
      return true;
    },

    async compareAndExpire(key, token, px) {
      const store = ctx.store();
      const entry = store.read(key, 'string');
      if (entry?.value !== toByteString(token)) return false;
      store.expire(key, entry, store.clock.now() + px);
      return true;
    },

    async acquireSemaphore(key, token, limit, px, claimHandoff, waiter) {
      const store = ctx.store();
      const member = toByteString(token);
      const live = liveSemaphore(store, key);
      const reserved = claimHandoff && !live?.value.has(member) ? reservationOf(live, waiter?.id) : undefined;
      if (reserved !== undefined) live!.value.delete(reserved);
      const holders = live?.value.size ?? 0;
      if (reserved === undefined && live !== undefined && !live.value.has(member) && holders >= limit) {
        const retryAfter = luaInteger(Math.min(...live.value.values()) - store.clock.now());
        if (waiter !== undefined) registerWaiter(store, waiter, px);
        return { acquired: false, holders, retryAfter };
      }
      const entry = live ?? store.readOrCreate(key, 'zset', () => new Map<string, number>());
      entry.value.set(member, store.clock.now() + px);
      expireWithLastLease(store, key, entry, store.clock.now());
      unregisterWaiter(store, waiter);
      return { acquired: true, holders: entry.value.size };
    },

    async releaseSemaphore(key, token, notice) {
      const store = ctx.store();
      const live = liveSemaphore(store, key);
      if (live === undefined || !live.value.delete(toByteString(token))) return false;
      const now = store.clock.now();
      store.deleteIfEmpty(key, live);
      // The oldest registered waiter that hears gets the permit alone; else, as before, every
      // waiter when the key's channel reached one.
      let reservation: string | undefined;
      if (notice !== undefined) {
        const told = notice.handoffMs > 0 ? tellOldestWaiter(store, notice, key) : undefined;
        if (told !== undefined) reservation = semaphoreReservationOf(told);
        else if (store.publish(notice.channel, key) > 0 && notice.handoffMs > 0) {
          reservation = `${HANDOFF_TOKEN}:${token}`;
        }
      }
      if (reservation !== undefined) {
        const entry = store.readOrCreate(key, 'zset', () => new Map<string, number>());
        entry.value.set(toByteString(reservation), now + notice!.handoffMs);
        expireWithLastLease(store, key, entry, now);
      } else if (live.value.size > 0) {
        // The key lives as long as its longest remaining lease, not the released one's.
        expireWithLastLease(store, key, live, now);
      }
      return true;
    },

    async extendSemaphore(key, token, px) {
      const store = ctx.store();
      const member = toByteString(token);
      const live = liveSemaphore(store, key);
      if (live === undefined || !live.value.has(member)) return false;
      live.value.set(member, store.clock.now() + px);
      expireWithLastLease(store, key, live, store.clock.now());
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

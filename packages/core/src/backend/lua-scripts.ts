import { WAITERS_MIN_TTL_MS } from '../keys.js';
import { HANDOFF_TOKEN, semaphoreReservationOf } from '../repository/options.js';
import type { ReleaseNotice } from '../repository/raw-commands.js';
import { QUEUE_LOCK_SCRIPTS } from './queue-lock-scripts.js';

/**
 * The lock primitives as Lua scripts, the same text for every driver: each one loads a script once
 * and calls it with EVALSHA, falling back to EVAL when the server answers NOSCRIPT (after a
 * restart or a failover). Every key a script touches is in KEYS, all in one hash slot.
 */

/** Most registered waiters a release tells in turn until one hears (the others are dropped). */
export const MAX_WAITERS_TOLD = 16;

/**
 * The registered waiters of a lock or semaphore (see `SetIfAbsentOptions.waiter`), for the
 * acquisition scripts: `claimable` tells whether the key holds a reservation the claimer may take
 * (the waiters' one, or the one named for `waiter`); a grant takes `waiter` out of the waiters
 * set, a refusal puts it in (scored by server ms, keeping its place if it is there already) and
 * keeps the set for twice the lease asked for (at least `WAITERS_MIN_TTL_MS`). An empty `waiter`
 * registers nothing. For the release scripts, `tellOldestWaiter` pops the registered waiters
 * oldest first (at most `MAX_WAITERS_TOLD`) and publishes the key on the first one's own channel
 * that has a subscriber, returning its id (or false when none heard; the ones popped on the way
 * are dropped).
 */
const WAITER_FUNCTIONS = `
local function claimable(lock, claim, waiter)
  if claim ~= '1' then return false end
  local value = redis.pcall('GET', lock)
  return value == '${HANDOFF_TOKEN}' or (waiter ~= '' and value == '${HANDOFF_TOKEN}:' .. waiter)
end
local function granted(waiters, waiter)
  if waiter ~= '' then redis.call('ZREM', waiters, waiter) end
end
local function refused(waiters, waiter, ms)
  if waiter == '' then return end
  local time = redis.call('TIME')
  local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  redis.call('ZADD', waiters, 'NX', now, waiter)
  redis.call('PEXPIRE', waiters, math.max(2 * tonumber(ms), ${WAITERS_MIN_TTL_MS}))
end
local function tellOldestWaiter(waiters, channel, publish, key)
  for _ = 1, ${MAX_WAITERS_TOLD} do
    local oldest = redis.call('ZPOPMIN', waiters)
    if oldest[1] == nil then return false end
    if redis.call(publish, channel .. ':' .. oldest[1], key) > 0 then return oldest[1] end
  end
  return false
end
`;

/**
 * KEYS[1] lock, KEYS[2] its waiters set (the lock key itself when no waiter is given: untouched);
 * ARGV[1] token, ARGV[2] ms, ARGV[3] '1' to claim a handoff reservation, ARGV[4] waiter id or '' →
 * {1, -1} granted, or {0, pttl} held by someone (or reserved for waiters, or for another waiter).
 */
export const SET_IF_ABSENT = `${WAITER_FUNCTIONS}
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  granted(KEYS[2], ARGV[4])
  return {1, -1}
end
if claimable(KEYS[1], ARGV[3], ARGV[4]) then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  granted(KEYS[2], ARGV[4])
  return {1, -1}
end
refused(KEYS[2], ARGV[4], ARGV[2])
return {0, redis.call('PTTL', KEYS[1])}
`;

/**
 * KEYS[1] lock, KEYS[2] last fencing token, KEYS[3] waiters set (same slot; the lock key itself
 * when no waiter is given); ARGV as above → {1, fence} or {0, pttl}. A claimed handoff reservation
 * is replaced like a free key: the claimer gets the next token.
 * The token is max(last + 1, server time in µs): strictly above the last one while it is stored,
 * and above every earlier one once it is lost (a restart without persistence, a failover, an
 * eviction), as long as the server clock does not step back (see the lock README). It stays below
 * 2^53, so it is exact as a Lua and a JavaScript number. The last token is kept as long as the
 * lease, so it never accumulates. INCR parses it (and fails before anything is written when it is
 * not an integer).
 */
export const SET_IF_ABSENT_FENCED = `${WAITER_FUNCTIONS}
if redis.call('EXISTS', KEYS[1]) == 1 and not claimable(KEYS[1], ARGV[3], ARGV[4]) then
  refused(KEYS[3], ARGV[4], ARGV[2])
  return {0, redis.call('PTTL', KEYS[1])}
end
local time = redis.call('TIME')
local fence = math.max(redis.call('INCR', KEYS[2]), tonumber(time[1]) * 1000000 + tonumber(time[2]))
redis.call('SET', KEYS[2], string.format('%d', fence), 'PX', ARGV[2])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
granted(KEYS[3], ARGV[4])
return {1, fence}
`;

/**
 * KEYS[1] lock, KEYS[2] its waiters set (same slot; the lock key itself when there is no notice);
 * ARGV[1] token, ARGV[2] channel or '', ARGV[3] '1' for a sharded channel, ARGV[4] handoff ms → 1
 * deleted (and published) or 0. With a handoff, the oldest registered waiter is popped and told on
 * its own channel (`<channel>:<waiter>`); when that reached a subscriber, the key is reserved for
 * it alone (`HANDOFF_TOKEN:<waiter>`), else the next one is tried (at most `MAX_WAITERS_TOLD`).
 * When none heard (or none is registered), as before: the notice goes to the key's channel, and
 * when it reached a subscriber (a process waits for this key) and ARGV[4] > 0, the key is reserved
 * for the waiters instead of deleted (fair handoff: a fresh acquisition cannot barge in).
 */
export const COMPARE_AND_DELETE = `${WAITER_FUNCTIONS}
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  if ARGV[2] ~= '' then
    local publish = ARGV[3] == '1' and 'SPUBLISH' or 'PUBLISH'
    local handoff = tonumber(ARGV[4])
    local told = handoff > 0 and tellOldestWaiter(KEYS[2], ARGV[2], publish, KEYS[1])
    if told then
      redis.call('SET', KEYS[1], '${HANDOFF_TOKEN}:' .. told, 'PX', ARGV[4])
      return 1
    end
    local heard = redis.call(publish, ARGV[2], KEYS[1])
    if heard > 0 and handoff > 0 then
      redis.call('SET', KEYS[1], '${HANDOFF_TOKEN}', 'PX', ARGV[4])
    end
  end
  return 1
end
return 0
`;

/** KEYS[1] lock; ARGV[1] token, ARGV[2] ms → 1 extended or 0. */
export const COMPARE_AND_EXPIRE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`;

/**
 * Server time in ms and the semaphore at KEYS[1] with ended leases pruned (score = expiry in ms).
 * Scripts are replicated by their effects (Redis ≥ 5), so reading TIME before writing is allowed.
 */
const SEMAPHORE_PRELUDE = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local function expireWithLastLease()
  local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  redis.call('PEXPIRE', KEYS[1], math.max(1, tonumber(last[2]) - now))
end
`;

/**
 * The semaphore's handoff reservation `waiter` (a waiter id or '') may claim, if any (members
 * scored by their end like leases): the one named for it (`semaphoreReservationOf`), else among
 * those for every waiter (`HANDOFF_TOKEN:<released token>`; never one named for another waiter)
 * the one ending first, the smallest name on a tie, so every backend picks the same.
 */
const SEMAPHORE_RESERVATION = `
local function reservation(waiter)
  local named = '${semaphoreReservationOf('')}'
  if waiter ~= '' and redis.call('ZSCORE', KEYS[1], named .. waiter) then return named .. waiter end
  local best, bestScore, cursor = false, nil, '0'
  repeat
    local page = redis.call('ZSCAN', KEYS[1], cursor, 'MATCH', '${HANDOFF_TOKEN}:*', 'COUNT', 128)
    cursor = page[1]
    for i = 1, #page[2], 2 do
      local member, score = page[2][i], tonumber(page[2][i + 1])
      if string.sub(member, 1, #named) ~= named
        and (not best or score < bestScore or (score == bestScore and member < best)) then
        best, bestScore = member, score
      end
    end
  until cursor == '0'
  return best
end
`;

/**
 * KEYS[1] semaphore, KEYS[2] its waiters set (same slot; the semaphore key itself when no waiter
 * is given: untouched); ARGV[1] token, ARGV[2] limit, ARGV[3] ms, ARGV[4] '1' to claim a handoff
 * reservation, ARGV[5] waiter id or '' → {1, holders, 0} granted, or {0, holders, ms until the
 * soonest lease ends}. A token that already holds a live lease is renewed. Reservations count as
 * holders, so a fresh acquirer is refused while a released permit is reserved for the waiters; a
 * claimer takes one's place. A grant unregisters the waiter, a refusal registers it.
 */
export const ACQUIRE_SEMAPHORE = `${WAITER_FUNCTIONS}${SEMAPHORE_PRELUDE}${SEMAPHORE_RESERVATION}
local reserved = ARGV[4] == '1' and not redis.call('ZSCORE', KEYS[1], ARGV[1]) and reservation(ARGV[5])
if reserved then redis.call('ZREM', KEYS[1], reserved) end
if reserved or redis.call('ZSCORE', KEYS[1], ARGV[1]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
  expireWithLastLease()
  granted(KEYS[2], ARGV[5])
  return {1, redis.call('ZCARD', KEYS[1]), 0}
end
refused(KEYS[2], ARGV[5], ARGV[3])
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, redis.call('ZCARD', KEYS[1]), tonumber(first[2]) - now}
`;

/**
 * KEYS[1] semaphore, KEYS[2] its waiters set (same slot; the semaphore key itself when there is no
 * notice); ARGV[1] token, ARGV[2] channel or '', ARGV[3] '1' for a sharded channel, ARGV[4]
 * handoff ms → 1 removed a live lease (and published) or 0. With a handoff, the oldest registered
 * waiter that hears on its own channel is told alone and the freed permit is reserved for it (a
 * member `semaphoreReservationOf(waiter)` that ends ARGV[4] ms from now), as the lock's release
 * does. When none heard (or none is registered), as before: the notice goes to the key's channel,
 * and when it reached a subscriber and ARGV[4] > 0, the permit is reserved for the waiters (a
 * member `HANDOFF_TOKEN:<token>`). The key then lives as long as its longest remaining lease (or
 * reservation), not the released one's.
 */
export const RELEASE_SEMAPHORE = `${WAITER_FUNCTIONS}${SEMAPHORE_PRELUDE}
if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then
  if ARGV[2] ~= '' then
    local publish = ARGV[3] == '1' and 'SPUBLISH' or 'PUBLISH'
    local handoff = tonumber(ARGV[4])
    local told = handoff > 0 and tellOldestWaiter(KEYS[2], ARGV[2], publish, KEYS[1])
    if told then
      redis.call('ZADD', KEYS[1], now + handoff, '${semaphoreReservationOf('')}' .. told)
    elseif redis.call(publish, ARGV[2], KEYS[1]) > 0 and handoff > 0 then
      redis.call('ZADD', KEYS[1], now + handoff, '${HANDOFF_TOKEN}:' .. ARGV[1])
    end
  end
  if redis.call('EXISTS', KEYS[1]) == 1 then expireWithLastLease() end
  return 1
end
return 0
`;

/** KEYS[1] semaphore; ARGV[1] token, ARGV[2] ms → 1 extended a live lease or 0. */
export const EXTEND_SEMAPHORE = `${SEMAPHORE_PRELUDE}
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])
  expireWithLastLease()
  return 1
end
return 0
`;

/** Each script with the number of KEYS it takes, by the name drivers register it under. */
export const LOCK_SCRIPTS = {
  ...QUEUE_LOCK_SCRIPTS,
  fornoSetIfAbsent: { lua: SET_IF_ABSENT, numberOfKeys: 2 },
  fornoSetIfAbsentFenced: { lua: SET_IF_ABSENT_FENCED, numberOfKeys: 3 },
  fornoCompareAndDelete: { lua: COMPARE_AND_DELETE, numberOfKeys: 2 },
  fornoCompareAndExpire: { lua: COMPARE_AND_EXPIRE, numberOfKeys: 1 },
  fornoAcquireSemaphore: { lua: ACQUIRE_SEMAPHORE, numberOfKeys: 2 },
  fornoReleaseSemaphore: { lua: RELEASE_SEMAPHORE, numberOfKeys: 2 },
  fornoExtendSemaphore: { lua: EXTEND_SEMAPHORE, numberOfKeys: 1 },
} as const;

/** The name of one of {@link LOCK_SCRIPTS}. */
export type LockScriptName = keyof typeof LOCK_SCRIPTS;

/**
 * The scripts' "sharded channel" argument for a release notice: `'1'` only where sharded pub/sub
 * means something, on Cluster (elsewhere SUBSCRIBE hears PUBLISH, and SPUBLISH may not exist).
 */
export function shardedArgOf(
  onCluster: boolean,
  notice: { readonly sharded: boolean } | undefined,
): '1' | '' {
  return onCluster && notice?.sharded === true ? '1' : '';
}

/**
 * The KEYS and ARGV of both release scripts (`fornoCompareAndDelete`, `fornoReleaseSemaphore`) for
 * `key`, `token` and its notice, as every driver sends them: the waiters set (the key itself when
 * there is none), then the channel, the sharded flag (see {@link shardedArgOf}) and the handoff.
 */
export function releaseScriptInput(
  key: string,
  token: string,
  notice: ReleaseNotice | undefined,
  onCluster: boolean,
): { keys: [key: string, waitersKey: string]; args: [string, string, '1' | '', number] } {
  return {
    keys: [key, notice?.waitersKey ?? key],
    args: [token, notice?.channel ?? '', shardedArgOf(onCluster, notice), notice?.handoffMs ?? 0],
  };
}

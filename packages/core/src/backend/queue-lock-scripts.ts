/**
 * The fair lock's and the read-write lock's atomic steps as Lua scripts, run like the other
 * `LOCK_SCRIPTS`. Every script takes the same five keys, all in the lock key's hash slot:
 * KEYS[1] lock (writer), KEYS[2] line (waiter → arrival), KEYS[3] line deadlines (waiter → server
 * ms), KEYS[4] readers (token → lease expiry, server ms), KEYS[5] last fencing token.
 */

/**
 * Server time, waiters whose deadline passed removed from the line, and the helpers every script
 * uses. Scripts are replicated by their effects (Redis ≥ 5), so reading TIME before writing is allowed.
 */
const PRELUDE = `
local time = redis.call('TIME')
local nowUs = tonumber(time[1]) * 1000000 + tonumber(time[2])
local now = math.floor(nowUs / 1000)
for _, gone in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)) do
  redis.call('ZREM', KEYS[2], gone)
  redis.call('ZREM', KEYS[3], gone)
end
local function keepFor(key, ms)
  if redis.call('PTTL', key) < ms then redis.call('PEXPIRE', key, ms) end
end
local function enqueue(waiter, queuePx)
  if not redis.call('ZSCORE', KEYS[2], waiter) then
    local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
    redis.call('ZADD', KEYS[2], last[2] and tonumber(last[2]) + 1 or 0, waiter)
  end
  redis.call('ZADD', KEYS[3], now + queuePx, waiter)
  keepFor(KEYS[2], queuePx)
  keepFor(KEYS[3], queuePx)
end
local function leave(waiter)
  redis.call('ZREM', KEYS[2], waiter)
  return redis.call('ZREM', KEYS[3], waiter)
end
local function liveReaders()
  redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now)
  return redis.call('ZCARD', KEYS[4])
end
local function fence(px)
  local token = math.max(redis.call('INCR', KEYS[5]), nowUs)
  redis.call('SET', KEYS[5], string.format('%d', token), 'PX', px)
  return token
end
`;

/**
 * ARGV[1] token, ARGV[2] waiter, ARGV[3] ms, ARGV[4] line ms → {1, fence} granted (the lock is free
 * and the waiter first in line, or the line empty), or {0, pttl of the holder or -1} in line.
 */
export const ACQUIRE_FAIR_LOCK = `${PRELUDE}
local pttl = redis.call('PTTL', KEYS[1])
if pttl ~= -2 then
  enqueue(ARGV[2], tonumber(ARGV[4]))
  return {0, pttl}
end
local head = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
if head and head ~= ARGV[2] then
  enqueue(ARGV[2], tonumber(ARGV[4]))
  return {0, -1}
end
leave(ARGV[2])
local token = fence(ARGV[3])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return {1, token}
`;

/**
 * ARGV[1] token, ARGV[2] ms → {1, fence} granted, or {0, pttl of the writer or -1} while a writer
 * holds the lock or waits for it (writer preference).
 */
export const ACQUIRE_READ_LOCK = `${PRELUDE}
local pttl = redis.call('PTTL', KEYS[1])
if pttl ~= -2 then return {0, pttl} end
if redis.call('ZCARD', KEYS[2]) > 0 then return {0, -1} end
liveReaders()
redis.call('ZADD', KEYS[4], now + tonumber(ARGV[2]), ARGV[1])
local last = redis.call('ZRANGE', KEYS[4], -1, -1, 'WITHSCORES')
redis.call('PEXPIRE', KEYS[4], math.max(1, tonumber(last[2]) - now))
return {1, fence(ARGV[2])}
`;

/**
 * ARGV[1] token, ARGV[2] waiter, ARGV[3] ms, ARGV[4] line ms → {1, fence} granted (no writer, no
 * live reader), or {0, ms until the holder's or the soonest reader's lease ends} with the waiter
 * in the writers' line.
 */
export const ACQUIRE_WRITE_LOCK = `${PRELUDE}
local pttl = redis.call('PTTL', KEYS[1])
if pttl ~= -2 then
  enqueue(ARGV[2], tonumber(ARGV[4]))
  return {0, pttl}
end
if liveReaders() > 0 then
  enqueue(ARGV[2], tonumber(ARGV[4]))
  local first = redis.call('ZRANGE', KEYS[4], 0, 0, 'WITHSCORES')
  return {0, tonumber(first[2]) - now}
end
leave(ARGV[2])
local token = fence(ARGV[3])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return {1, token}
`;

/**
 * ARGV[1] waiter, ARGV[2] channel or '', ARGV[3] '1' for a sharded channel → 1 left the line (and
 * published KEYS[1]) or 0.
 */
export const LEAVE_LOCK_QUEUE = `${PRELUDE}
if leave(ARGV[1]) == 1 then
  if ARGV[2] ~= '' then
    redis.call(ARGV[3] == '1' and 'SPUBLISH' or 'PUBLISH', ARGV[2], KEYS[1])
  end
  return 1
end
return 0
`;

/** The queued-lock scripts with the number of KEYS each takes, by the name drivers register them under. */
export const QUEUE_LOCK_SCRIPTS = {
  fornoAcquireFairLock: { lua: ACQUIRE_FAIR_LOCK, numberOfKeys: 5 },
  fornoAcquireReadLock: { lua: ACQUIRE_READ_LOCK, numberOfKeys: 5 },
  fornoAcquireWriteLock: { lua: ACQUIRE_WRITE_LOCK, numberOfKeys: 5 },
  fornoLeaveLockQueue: { lua: LEAVE_LOCK_QUEUE, numberOfKeys: 5 },
} as const;

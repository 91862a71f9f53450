import { describeValue } from './duration.js';
import { InvalidArgumentError } from './errors.js';
import type { QueueLockKeys } from './repository/queue-lock-primitives.js';
import { assertWellFormed } from './validation.js';

/**
 * Throws {@link InvalidArgumentError} unless `key` is a non-empty, well-formed string (no lone
 * UTF-16 surrogate, which Redis would store as U+FFFD). Called by every key operation before
 * anything is sent, so a bad key never reaches the server.
 */
export function assertKey(key: unknown, argument = 'key'): asserts key is string {
  if (typeof key !== 'string' || key.length === 0) {
    throw new InvalidArgumentError(argument, `expected a non-empty string, got ${describeValue(key)}`);
  }
  assertWellFormed(key, argument);
}

/**
 * The Redis Cluster hash tag of `key`: the text between the first `{` and the next `}`, when it is
 * not empty; otherwise `undefined` (the whole key is hashed). Follows the Redis specification.
 */
export function hashTagOf(key: string): string | undefined {
  const open = key.indexOf('{');
  if (open === -1) return undefined;
  const close = key.indexOf('}', open + 1);
  if (close === -1 || close === open + 1) return undefined;
  return key.slice(open + 1, close);
}

/** Number of hash slots of a Redis Cluster. */
const SLOTS = 16_384;
const encoder = new TextEncoder();
const CRC16_TABLE = ((): Uint16Array => {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
    table[byte] = crc & 0xffff;
  }
  return table;
})();

/** CRC16-CCITT (XMODEM), the checksum Redis Cluster hashes keys with. */
function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) & 0xffff) ^ CRC16_TABLE[((crc >> 8) ^ byte) & 0xff]!;
  return crc;
}

/** {@link crc16} of an ASCII string, without encoding it first. */
function crc16Ascii(text: string): number {
  let crc = 0;
  for (let i = 0; i < text.length; i++) {
    crc = ((crc << 8) & 0xffff) ^ CRC16_TABLE[((crc >> 8) ^ text.charCodeAt(i)) & 0xff]!;
  }
  return crc;
}

/**
 * The Redis Cluster hash slot (0-16383) of `key`, as `CLUSTER KEYSLOT` computes it: CRC16 of the
 * key's UTF-8 bytes, or of its hash tag when it has one, modulo 16384. A key may be given as its
 * bytes (a key that is not valid UTF-8, as `scan` yields it). The one slot function of Forno: the
 * drivers group multi-key commands with it, the fence key and the fault helpers use it too.
 */
export function hashSlotOf(key: string | Uint8Array): number {
  const bytes = typeof key === 'string' ? encoder.encode(key) : key;
  return crc16(hashedPartOf(bytes)) % SLOTS;
}

/** The bytes Redis hashes for a key: those of its hash tag (see {@link hashTagOf}) when it has one, else all. */
function hashedPartOf(bytes: Uint8Array): Uint8Array {
  const open = bytes.indexOf(0x7b); // '{'
  if (open === -1) return bytes;
  const close = bytes.indexOf(0x7d, open + 1); // '}'
  if (close === -1 || close === open + 1) return bytes;
  return bytes.subarray(open + 1, close);
}

let slotTags: string[] | undefined;

/**
 * A short hash tag (base-36 digits, no braces) that hashes to `slot`. The table of one tag per slot
 * is built on first use (every slot has a tag below `36^4`; building it takes ~170k CRCs of 1-4
 * bytes, a few milliseconds), only for keys that cannot be wrapped in braces (see {@link fenceKeyOf}).
 */
function tagForSlot(slot: number): string {
  if (slotTags === undefined) {
    const tags = new Array<string>(SLOTS);
    let missing = SLOTS;
    for (let n = 0; missing > 0; n++) {
      const tag = n.toString(36);
      const tagSlot = crc16Ascii(tag) % SLOTS;
      if (tags[tagSlot] === undefined) {
        tags[tagSlot] = tag;
        missing--;
      }
    }
    slotTags = tags;
  }
  return slotTags[slot]!;
}

/**
 * Name of the fencing key (the last fencing token) kept beside a lock key, as a full key. It always
 * lands in the same Cluster hash slot as the lock key, so one script can touch both. Given the
 * repository's `keyPrefix`, it lives under that prefix (so `SCAN prefix*` and
 * `deletePattern('*')` see it): see {@link slotCompanionOf}. Without a prefix (or with a prefix
 * that contains braces, which leaves no safe way to place a tag after it) it is the older form:
 * `a{tag}b` → `a{tag}b:fence`; `order_lock:1` → `{order_lock:1}:fence`; a key without a hash tag
 * that contains `}` gets a computed tag of the same slot: `{<tag>}:fence:a}b`. Two lock keys may
 * share it, which is harmless: each lock still sees its tokens increase. It expires with the
 * lease: tokens follow the server clock, so they keep increasing without it.
 */
export function fenceKeyOf(lockKey: string, keyPrefix = ''): string {
  return siblingKeyOf(lockKey, 'fence', keyPrefix);
}

/**
 * Name of a key kept beside a lock key (full keys), in the same Cluster hash slot, as
 * {@link fenceKeyOf} names the fencing key. Given the repository's `keyPrefix`, it lives under
 * that prefix (see {@link slotCompanionOf}): `app:order_lock:1` + `queue` →
 * `app:{app:order_lock:1}:queue`. Without a prefix (or with one that contains braces):
 * `order_lock:1` + `queue` → `{order_lock:1}:queue`.
 */
export function siblingKeyOf(lockKey: string, suffix: string, keyPrefix = ''): string {
  if (keyPrefix !== '' && lockKey.startsWith(keyPrefix)) {
    const companion = slotCompanionOf(lockKey.slice(keyPrefix.length), keyPrefix, suffix);
    if (companion !== undefined) return keyPrefix + companion;
  }
  if (hashTagOf(lockKey) !== undefined) return `${lockKey}:${suffix}`;
  if (!lockKey.includes('}')) return `{${lockKey}}:${suffix}`;
  return `{${tagForSlot(hashSlotOf(lockKey))}}:${suffix}:${lockKey}`;
}

/**
 * Name of the set of processes registered as waiting for the lock key `lockKey` (full keys; see
 * `SetIfAbsentOptions.waiter`): a sorted set of waiter ids scored by their first refusal (server
 * ms), beside the lock key as {@link siblingKeyOf} places it. It expires a while after the last
 * refusal (twice the lease asked for, at least {@link WAITERS_MIN_TTL_MS}), so it never outlives
 * its waiters by more than that.
 */
export function waitersKeyOf(lockKey: string, keyPrefix = ''): string {
  return siblingKeyOf(lockKey, 'waiters', keyPrefix);
}

/** The shortest time a waiters set (see {@link waitersKeyOf}) is kept after a refusal, in ms. */
export const WAITERS_MIN_TTL_MS = 5_000;

/**
 * The channel on which a release wakes the one registered waiter `waiter` (see
 * `SetIfAbsentOptions.waiter`): the key's release channel (see {@link releaseChannelOf}) with the
 * waiter's id appended, so it stays in the key's hash slot and can be sharded like it.
 */
export function waiterChannelOf(releaseChannel: string, waiter: string): string {
  return `${releaseChannel}:${waiter}`;
}

/**
 * The full keys of the fair or read-write lock at `lockKey` (full key), all in its hash slot and,
 * given the repository's `keyPrefix`, all under it (so `SCAN prefix*` and `deletePattern('*')`
 * see the waiting line, the readers and the fencing key too).
 */
export function queueLockKeysOf(lockKey: string, keyPrefix = ''): QueueLockKeys {
  return {
    lock: lockKey,
    queue: siblingKeyOf(lockKey, 'queue', keyPrefix),
    timeouts: siblingKeyOf(lockKey, 'queue-timeouts', keyPrefix),
    readers: siblingKeyOf(lockKey, 'readers', keyPrefix),
    fence: fenceKeyOf(lockKey, keyPrefix),
  };
}

/**
 * A name for something kept beside `key` (a fencing counter, a release channel): relative to
 * `keyPrefix`, like `key`, and in the same Cluster hash slot as `keyPrefix + key`, so a script on
 * the key can touch it and a sharded channel of that name lives on the key's shard. `undefined`
 * when `keyPrefix` contains a brace and the full key has no hash tag (no tag placed after such a
 * prefix is sure to be the one Redis reads).
 *
 * `{tag}x` → `{tag}x:<suffix>`; `order_lock:1` under `app:` → `{app:order_lock:1}:<suffix>` (its
 * full name `app:{app:order_lock:1}:<suffix>` hashes the whole lock key); a key containing `}` →
 * `{<computed tag of the slot>}:<suffix>:<key>`.
 */
export function slotCompanionOf(key: string, keyPrefix: string, suffix: string): string | undefined {
  const fullKey = keyPrefix + key;
  if (hashTagOf(fullKey) !== undefined) return `${key}:${suffix}`;
  if (keyPrefix.includes('{') || keyPrefix.includes('}')) return undefined;
  if (!fullKey.includes('}')) return `{${fullKey}}:${suffix}`;
  return `{${tagForSlot(hashSlotOf(fullKey))}}:${suffix}:${key}`;
}

/**
 * The channel on which releases of the lock (or semaphore) `key` are announced, relative to
 * `keyPrefix`: one channel per key, so a release wakes only that key's waiters. `sharded` is
 * `true` when the channel shares the key's hash slot, so on Redis Cluster it can be a sharded
 * channel (`SPUBLISH`/`SSUBSCRIBE`) served by the key's shard alone.
 */
export function releaseChannelOf(key: string, keyPrefix: string): { channel: string; sharded: boolean } {
  const companion = slotCompanionOf(key, keyPrefix, 'released');
  return companion === undefined
    ? { channel: `forno:released:${key}`, sharded: false }
    : { channel: companion, sharded: true };
}

import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../test/random.js';
import { isCacheError } from './errors.js';
import {
  assertKey,
  fenceKeyOf,
  hashSlotOf,
  hashTagOf,
  queueLockKeysOf,
  releaseChannelOf,
  slotCompanionOf,
} from './keys.js';

/** CRC16-CCITT (XMODEM), bit by bit, written independently of the table-driven one in keys.ts. */
function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  return crc;
}

/** Redis Cluster key slot per the spec: hash the tag (first `{` to next `}`, non-empty) or the key. */
function slotOf(key: string): number {
  const bytes = Buffer.from(key, 'utf8');
  const open = bytes.indexOf(0x7b);
  if (open !== -1) {
    const close = bytes.indexOf(0x7d, open + 1);
    if (close !== -1 && close !== open + 1) return crc16(bytes.subarray(open + 1, close)) % 16_384;
  }
  return crc16(bytes) % 16_384;
}

describe('assertKey', () => {
  it.each(['a', ' ', 'menu:item:1', '{tag}', 'é', '😀', '\n', 'x'.repeat(10_000)])('accepts %j', (key) => {
    expect(() => assertKey(key)).not.toThrow();
  });

  it.each([
    ['', '""'],
    [null, 'null'],
    [undefined, 'undefined'],
    [42, '42'],
    [{}, 'an object'],
    [['k'], 'an array of 1'],
    [Symbol('k'), 'a symbol'],
  ] as const)('rejects %j with E_INVALID_ARGUMENT', (key, described) => {
    let error: unknown;
    try {
      assertKey(key);
    } catch (e) {
      error = e;
    }
    expect(isCacheError(error, 'E_INVALID_ARGUMENT')).toBe(true);
    expect(error).toMatchObject({ argument: 'key' });
    expect((error as Error).message).toContain(described);
  });

  it.each(['\ud800', 'a\udc00b', `order:${'\ud83d'}`, '😀\ud83d'])(
    'rejects %j, a lone UTF-16 surrogate that Redis would store as U+FFFD',
    (key) => {
      expect(() => assertKey(key, 'keys[]')).toThrow(
        expect.objectContaining({ code: 'E_INVALID_ARGUMENT', argument: 'keys[]' }),
      );
      expect(() => assertKey(key)).toThrow(/lone UTF-16 surrogate/);
    },
  );

  it('names the argument it was given', () => {
    expect(() => assertKey('', 'keys[]')).toThrow(expect.objectContaining({ argument: 'keys[]' }));
    expect(() => assertKey('', 'keys[]')).toThrow(/^Invalid keys\[\]: expected a non-empty string/);
  });
});

describe('hashTagOf (Redis Cluster specification)', () => {
  it.each([
    ['{user1000}.following', 'user1000'],
    ['{user1000}.followers', 'user1000'],
    ['foo{}{bar}', undefined], // the first { is followed by }: no tag, the whole key is hashed
    ['foo{{bar}}zap', '{bar'], // text between the first { and the first } after it
    ['foo{bar}{zap}', 'bar'], // only the first tag counts
    ['plain', undefined],
    ['no{close', undefined],
    ['close}only', undefined],
    ['}{x}', 'x'],
    ['{}', undefined],
    ['{a}', 'a'],
    ['a{é}b', 'é'],
    ['{ }', ' '],
    ['{}}', undefined],
    ['x{{}', '{'],
  ])('%j → %j', (key, tag) => {
    expect(hashTagOf(key)).toBe(tag);
  });
});

describe('hashSlotOf', () => {
  it('uses CRC16/XMODEM, as the spec`s reference value shows', () => {
    expect(crc16(Buffer.from('123456789'))).toBe(0x31c3);
    expect(hashSlotOf('123456789')).toBe(0x31c3 % 16_384);
  });

  it.each([
    ['foo', 12_182],
    ['bar', 5_061],
    ['hello', 866],
    ['somekey', 11_058],
  ])('slot of %j is %i (values from the Redis documentation)', (key, slot) => {
    expect(hashSlotOf(key)).toBe(slot);
  });

  it('hashes only the tag when there is one', () => {
    expect(hashSlotOf('{user1000}.following')).toBe(hashSlotOf('{user1000}.followers'));
    expect(hashSlotOf('{user1000}.following')).toBe(hashSlotOf('user1000'));
    expect(hashSlotOf('foo{}{bar}')).toBe(crc16(Buffer.from('foo{}{bar}')) % 16_384);
  });

  it('hashes a key given as bytes like the same key as text, tag rules included', () => {
    for (const key of ['foo', '{user1000}.following', 'foo{}{bar}', 'a{é}b', 'x{', '{}']) {
      expect(hashSlotOf(Buffer.from(key))).toBe(hashSlotOf(key));
    }
    const notUtf8 = Buffer.from([0x7b, 0xff, 0x7d, 0x01]);
    expect(hashSlotOf(notUtf8)).toBe(crc16(Buffer.from([0xff])) % 16_384);
  });

  it('agrees with an independent implementation on random keys, UTF-8 included', () => {
    const random = new SeededRandom(16_384);
    const alphabet = ['a', 'b', '{', '}', ':', 'é', '😀', '0', '_'];
    for (let i = 0; i < 2000; i++) {
      const key = random.string(alphabet, 1, 12);
      expect(hashSlotOf(key), key).toBe(slotOf(key));
    }
  });

  it('gives a key given as its bytes the slot of the same key as a string, invalid UTF-8 included', () => {
    for (const key of ['foo', '{user1000}.following', 'foo{}{bar}', 'é{😀}x']) {
      expect(hashSlotOf(Buffer.from(key)), key).toBe(hashSlotOf(key));
    }
    const invalidUtf8 = Buffer.from([0xff, 0x7b, 0xfe, 0x7d, 0x41]); // \xff{\xfe}A
    expect(hashSlotOf(invalidUtf8)).toBe(crc16(Buffer.from([0xfe])) % 16_384);
  });
});

describe('fenceKeyOf', () => {
  it.each([
    ['order_lock:1', '{order_lock:1}:fence'],
    ['a{tag}b', 'a{tag}b:fence'],
    ['{user1000}.lock', '{user1000}.lock:fence'],
    ['mario_pizzeria:order_lock:42', '{mario_pizzeria:order_lock:42}:fence'],
    ['no{close', '{no{close}:fence'],
    ['é😀', '{é😀}:fence'],
  ])('%j → %j', (lockKey, fenceKey) => {
    expect(fenceKeyOf(lockKey)).toBe(fenceKey);
  });

  it.each([
    'order_lock:1',
    'a{tag}b',
    'foo{bar}{zap}',
    'foo{{bar}}zap',
    'no{close',
    '{',
    'é😀',
    // keys without a tag that contain `}`: wrapping them in braces would change the tag
    'a}b',
    '}',
    'foo{}{bar}',
    '{}',
    'x{}y',
    'a}b{c',
    'lock:}:{',
  ])('puts the fence of %j in the same slot as the lock', (lockKey) => {
    const fenceKey = fenceKeyOf(lockKey);
    expect(slotOf(fenceKey)).toBe(slotOf(lockKey));
    expect(fenceKey).not.toBe(lockKey);
    expect(fenceKey).toContain(lockKey);
    expect(fenceKeyOf(lockKey)).toBe(fenceKey); // deterministic
  });

  it('keeps the same slot for random keys, braces and UTF-8 included (seeded)', () => {
    const random = new SeededRandom(0xfe7ce);
    const alphabet = ['a', 'b', 'c', '{', '}', ':', 'é', '😀', '1'];
    for (let i = 0; i < 3000; i++) {
      const lockKey = random.string(alphabet, 1, 10);
      const fenceKey = fenceKeyOf(lockKey);
      expect(slotOf(fenceKey), `${lockKey} → ${fenceKey}`).toBe(slotOf(lockKey));
      expect(fenceKey).not.toBe(lockKey);
    }
  });

  it('may share one counter between `a` and `{a}` (tokens still increase for each lock)', () => {
    expect(fenceKeyOf('a')).toBe(fenceKeyOf('{a}'));
  });

  it('gives unwrappable keys of different slots different computed tags', () => {
    expect(fenceKeyOf('a}b')).toMatch(/^\{[0-9a-z]+\}:fence:a\}b$/);
    expect(fenceKeyOf('a}b')).not.toBe(fenceKeyOf('a}c'));
  });

  it('can reach every slot with the short tags it computes for unwrappable keys', () => {
    // fenceKeyOf searches base-36 tags below 36^4 for a slot; check that every slot has one.
    const covered = new Uint8Array(16_384);
    let remaining = covered.length;
    for (let n = 0; n < 36 ** 4 && remaining > 0; n++) {
      const slot = crc16(Buffer.from(n.toString(36))) % 16_384;
      if (covered[slot] === 0) {
        covered[slot] = 1;
        remaining--;
      }
    }
    expect(remaining).toBe(0);
  });
});

describe('fenceKeyOf with a keyPrefix, slotCompanionOf and releaseChannelOf', () => {
  const prefixes = ['', 'mario_pizzeria:', '{app}:', 'odd{'];
  const keys = ['order_lock:1', '{tagged}lock', 'a}b', 'x{}y', 'é{ü}'];

  it('keeps the fencing key under the prefix and in the lock key’s slot', () => {
    expect(fenceKeyOf('mario_pizzeria:order_lock:1', 'mario_pizzeria:')).toBe(
      'mario_pizzeria:{mario_pizzeria:order_lock:1}:fence',
    );
    for (const prefix of prefixes) {
      for (const key of keys) {
        const fenceKey = fenceKeyOf(prefix + key, prefix);
        expect(hashSlotOf(fenceKey)).toBe(hashSlotOf(prefix + key));
        // A prefix with a brace and no tag in the key leaves no safe place under it.
        if (!(prefix.includes('{') && hashTagOf(prefix + key) === undefined)) {
          expect(fenceKey.startsWith(prefix)).toBe(true);
        }
      }
    }
  });

  it('keeps every queued-lock key (line, deadlines, readers, fence) under the prefix and in the lock key’s slot', () => {
    expect(queueLockKeysOf('mario_pizzeria:oven:1', 'mario_pizzeria:')).toEqual({
      lock: 'mario_pizzeria:oven:1',
      queue: 'mario_pizzeria:{mario_pizzeria:oven:1}:queue',
      timeouts: 'mario_pizzeria:{mario_pizzeria:oven:1}:queue-timeouts',
      readers: 'mario_pizzeria:{mario_pizzeria:oven:1}:readers',
      fence: 'mario_pizzeria:{mario_pizzeria:oven:1}:fence',
    });
    for (const prefix of prefixes) {
      for (const key of keys) {
        const lockKey = prefix + key;
        const all = Object.values(queueLockKeysOf(lockKey, prefix));
        expect(new Set(all).size).toBe(5);
        for (const sibling of all) {
          expect(hashSlotOf(sibling)).toBe(hashSlotOf(lockKey));
          if (!(prefix.includes('{') && hashTagOf(lockKey) === undefined)) {
            expect(sibling.startsWith(prefix)).toBe(true);
          }
        }
      }
    }
  });

  it('gives each key its own release channel, in the key’s slot when sharded', () => {
    for (const prefix of prefixes) {
      for (const key of keys) {
        const { channel, sharded } = releaseChannelOf(key, prefix);
        if (sharded) expect(hashSlotOf(prefix + channel)).toBe(hashSlotOf(prefix + key));
        expect(releaseChannelOf(`${key}2`, prefix).channel).not.toBe(channel);
      }
    }
    expect(releaseChannelOf('order_lock:1', 'app:')).toEqual({
      channel: '{app:order_lock:1}:released',
      sharded: true,
    });
    expect(slotCompanionOf('k', 'odd{', 'fence')).toBeUndefined();
  });
});

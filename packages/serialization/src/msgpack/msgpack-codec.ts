import { describeValue } from '@forno/core';
import { Packr } from 'msgpackr';
import type { Codec } from '../codec.js';
import { assertNoReplacedSurrogates } from '../lone-surrogates.js';
import { assertNoPrototypeKeys, PROTO_KEY } from '../prototype-guard.js';
import { CODEC_IDS } from '../wire-format.js';

/**
 * msgpackr configuration, chosen for values stored in a shared cache:
 *
 * - `useRecords: true` without `structures`/`getStructures`/`sequential`: msgpackr writes each
 *   object shape once per value (a "record") and refers to it for the next objects of that shape,
 *   so a list of 20 line items names its keys once. Record definitions live inside the value, so
 *   every value decodes on its own in any process: nothing is shared or persisted.
 * - `mapsAsObjects: false`: records are plain objects, MessagePack maps are `Map`s, so both survive.
 * - `moreTypes: true`: `Set`, typed arrays, `Error`, `RegExp` and BigInts beyond 64 bits.
 * - `int64AsType: 'bigint'`: 64-bit integers decode as `BigInt` (numbers never use them).
 * - `structuredClone: false`: no cycles or shared references; decoding refuses them.
 * - `copyBuffers: true`: decoded Buffers do not keep the whole reply alive.
 * - `writeFunction` throws: a function is an error, not a silent `undefined`.
 */
const PACKR_OPTIONS = {
  useRecords: true,
  mapsAsObjects: false,
  moreTypes: true,
  int64AsType: 'bigint',
  structuredClone: false,
  copyBuffers: true,
  writeFunction: () => {
    throw new TypeError('MessagePack cannot represent a function');
  },
} as const;

/** msgpackr renames a `__proto__` key to this when decoding objects. */
const RENAMED_PROTO_KEY = '__proto_';

/**
 * MessagePack through msgpackr with records. Deterministic: the same value (same key order) gives
 * the same bytes in every process, which sets and sorted sets rely on.
 */
export function createMsgpackCodec(): Codec {
  const packr = new Packr({ ...PACKR_OPTIONS });
  const codec: Codec = {
    id: CODEC_IDS.msgpack,
    name: 'msgpack',
    alwaysFramed: true,
    encode(value) {
      if (value === undefined || typeof value === 'function' || typeof value === 'symbol') {
        throw new TypeError(`MessagePack cannot represent ${describeValue(value)}`);
      }
      let body: Buffer;
      try {
        // pack() returns a view of msgpackr's reusable buffer: copy before the next call.
        body = Buffer.from(packr.pack(value));
      } catch (error) {
        throw new TypeError(`MessagePack cannot represent this value: ${messageOf(error)}`, { cause: error });
      }
      // msgpackr writes a lone surrogate as U+FFFD: refuse rather than store a changed string.
      assertNoReplacedSurrogates(value, body);
      // Refuse to write what reading would refuse (a `__proto__` or `constructor.prototype` key).
      if (mentionsDangerousKey(body)) codec.decode(body);
      return body;
    },
    decode(body) {
      const value: unknown = packr.unpack(body);
      if (mentionsDangerousKey(body)) {
        assertNoPrototypeKeys(value, body.includes(PROTO_KEY) ? [PROTO_KEY, RENAMED_PROTO_KEY] : []);
      }
      return value;
    },
  };
  return codec;
}

/**
 * msgpackr renames `__proto__` keys to `__proto_`, which is safe but silently changes the data.
 * Values whose bytes mention `__proto__` or `constructor` are walked and refused instead, like the
 * JSON codec does; MessagePack strings are raw UTF-8, so no escape can hide the names.
 */
function mentionsDangerousKey(body: Buffer): boolean {
  return body.includes(PROTO_KEY) || body.includes('constructor');
}

function messageOf(error: unknown): string {
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    return 'circular or too deeply nested';
  }
  return error instanceof Error ? error.message : String(error);
}

import { SerializationError, type Serializer } from '@forno/core';
import { copyValue, kindOf } from './copy-value.js';

/**
 * How a value is kept in-process and handed out, so that no caller can change what the cache
 * holds:
 *
 * - `frozen`: a value made only of plain objects, arrays and primitives (bigint included) is
 *   deep-frozen once, when it enters L1, and every hit hands out that same value — no cost per hit;
 * - `copied`: JavaScript cannot freeze a `Date`, `Map`, `Set`, `Buffer` or typed array (their
 *   contents stay writable), so a value containing them is copied for each caller (a walk, see
 *   `copyValue`) — far cheaper than decoding again;
 * - `encoded`: anything else (a class instance a custom serializer revives...) is kept encoded and
 *   decoded afresh for each caller, through the repository's serializer or, without a repository,
 *   `structuredClone`.
 */
export interface Held {
  readonly kind: 'frozen' | 'copied' | 'encoded';
  readonly value: unknown;
}

/** Encodes values for {@link Held} and decodes them again. */
export interface ValueCodec {
  encode(value: unknown): unknown;
  decode(encoded: unknown): unknown;
}

/** A codec over a repository's serializer. */
export function serializerCodec(serializer: Serializer): ValueCodec {
  return {
    encode: (value) => serializer.serialize(value),
    decode: (encoded) => serializer.deserialize(encoded as string | Uint8Array),
  };
}

/** The codec of a cache without a repository. */
export const CLONE_CODEC: ValueCodec = {
  encode: (value) => {
    try {
      return structuredClone(value);
    } catch (error) {
      throw new SerializationError('the value cannot be cached (structuredClone refused it)', {
        cause: error,
      });
    }
  },
  decode: (encoded) => structuredClone(encoded),
};

/**
 * Holds `value`. With `owned`, `value` is a private copy (just decoded from L2) that may be frozen
 * in place; otherwise it belongs to the caller (a factory result, a `set` argument) and is copied
 * through the codec first — which also proves it can be stored.
 */
export function hold(value: unknown, codec: ValueCodec, owned: boolean): Held {
  if (value === null || typeof value !== 'object') return { kind: 'frozen', value };
  const encoded = codec.encode(value);
  const copy = owned ? value : codec.decode(encoded);
  switch (kindOf(copy)) {
    case 'plain':
      freezeIfPlain(copy);
      return { kind: 'frozen', value: copy };
    case 'copyable':
      return { kind: 'copied', value: copy };
    default:
      return { kind: 'encoded', value: encoded };
  }
}

/** The value for one caller. */
export function handOut(held: Held, codec: ValueCodec): unknown {
  if (held.kind === 'frozen') return held.value;
  return held.kind === 'copied' ? copyValue(held.value) : codec.decode(held.value);
}

/**
 * Deep-freezes `value` if it is made only of plain objects, arrays and primitives; returns whether
 * it was. On `false` the value may be partly frozen: callers discard it.
 */
export function freezeIfPlain(value: unknown): boolean {
  if (value === null || typeof value !== 'object')
    return typeof value !== 'function' && typeof value !== 'symbol';
  if (Object.isFrozen(value)) return isPlainFrozen(value);
  const proto = Object.getPrototypeOf(value);
  if (Array.isArray(value)) {
    if (proto !== Array.prototype) return false;
    for (const item of value) if (!freezeIfPlain(item)) return false;
  } else {
    if (proto !== Object.prototype && proto !== null) return false;
    for (const key in value) if (!freezeIfPlain((value as Record<string, unknown>)[key])) return false;
    if (Object.getOwnPropertySymbols(value).length > 0) return false;
  }
  Object.freeze(value);
  return true;
}

/** A value that was frozen by someone else: plain only if everything inside is frozen and plain. */
function isPlainFrozen(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  if (Array.isArray(value) ? proto !== Array.prototype : proto !== Object.prototype && proto !== null)
    return false;
  for (const item of Object.values(value)) {
    if (item !== null && typeof item === 'object' && !(Object.isFrozen(item) && isPlainFrozen(item)))
      return false;
    if (typeof item === 'function' || typeof item === 'symbol') return false;
  }
  return true;
}

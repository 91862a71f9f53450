import type { RawValue } from '@forno/core/backend';

/**
 * The fake stores every value as a "byte string": one UTF-16 code unit per byte (latin1), exactly
 * the bytes Redis would hold. Comparing two byte strings then compares bytes, which gives sets the
 * same membership and sorted sets the same tie order as Redis, whatever the serializer.
 */

const ASCII_ONLY = /^[\x20-\x7e]*$/;

/** Converts a value as a serializer produced it into the byte string the fake stores. */
export function toByteString(value: RawValue): string {
  if (typeof value === 'string') {
    return ASCII_ONLY.test(value) ? value : Buffer.from(value, 'utf8').toString('latin1');
  }
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('latin1');
}

const LONE_SURROGATE = /[\ud800-\udfff]/;

/**
 * A key, hash field or channel name as Redis holds it: its UTF-8 bytes, in which every lone
 * surrogate became U+FFFD. So `'a\ud800'` and `'a\udc00'` are one key on Redis, and here too.
 */
export function asRedisText(text: string): string {
  return LONE_SURROGATE.test(text) ? Buffer.from(text, 'utf8').toString('utf8') : text;
}

/** Converts a stored byte string back into a reply: text for text serializers, a Buffer otherwise. */
export function fromByteString(bytes: string, format: 'text' | 'binary'): RawValue {
  if (format === 'binary') return Buffer.from(bytes, 'latin1');
  return ASCII_ONLY.test(bytes) ? bytes : Buffer.from(bytes, 'latin1').toString('utf8');
}

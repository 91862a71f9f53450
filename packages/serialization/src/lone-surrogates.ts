import { isWellFormedText } from '@forno/core';

/** U+FFFD in UTF-8: what an encoder writes for a lone UTF-16 surrogate. */
const REPLACEMENT = Buffer.from([0xef, 0xbf, 0xbd]);

/**
 * Throws a `TypeError` when `value` holds a string with a lone UTF-16 surrogate that `encoded` (its
 * UTF-8 encoding) replaced with U+FFFD: stored, it would come back changed. The value is only
 * walked when the bytes contain U+FFFD, so ordinary values cost one byte search.
 */
export function assertNoReplacedSurrogates(value: unknown, encoded: Uint8Array): void {
  if (Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength).includes(REPLACEMENT)) {
    if (hasLoneSurrogate(value)) {
      throw new TypeError(
        'a string holds a lone UTF-16 surrogate, which UTF-8 cannot carry (it would come back as U+FFFD)',
      );
    }
  }
}

/** Whether any string in `value` (array items, object keys and values, Map and Set contents) is not well-formed. */
function hasLoneSurrogate(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (typeof current === 'string') {
      if (!isWellFormedText(current)) return true;
    } else if (Array.isArray(current)) {
      stack.push(...current);
    } else if (current instanceof Map) {
      for (const [key, item] of current) stack.push(key, item);
    } else if (current instanceof Set) {
      for (const item of current) stack.push(item);
    } else if (current !== null && typeof current === 'object' && !ArrayBuffer.isView(current)) {
      for (const [key, item] of Object.entries(current)) stack.push(key, item);
    }
  }
  return false;
}

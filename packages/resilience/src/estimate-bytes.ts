/** Bytes counted for a number, boolean, null or undefined, and for the punctuation around each entry. */
const SCALAR_BYTES = 8;
const ENTRY_BYTES = 2;

/**
 * About how many bytes `value` takes once serialized (close to its JSON length): string lengths,
 * byte lengths of Buffers and typed arrays, a few bytes per number and per entry. Used to bound the
 * fallback mirror without serializing every read result again; iterative, so deep values are safe,
 * and each object is counted once.
 */
export function estimateBytes(value: unknown): number {
  let bytes = 0;
  const seen = new Set<object>();
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const current = pending.pop();
    if (typeof current === 'string') {
      bytes += current.length + ENTRY_BYTES;
    } else if (current === null || typeof current !== 'object') {
      bytes += SCALAR_BYTES;
    } else if (ArrayBuffer.isView(current)) {
      bytes += current.byteLength;
    } else if (!seen.has(current)) {
      seen.add(current);
      if (Array.isArray(current)) {
        bytes += ENTRY_BYTES;
        pending.push(...current);
      } else if (current instanceof Map) {
        for (const [key, item] of current) pending.push(key, item);
      } else if (current instanceof Set) {
        pending.push(...current);
      } else {
        for (const [key, item] of Object.entries(current)) {
          bytes += key.length + ENTRY_BYTES;
          pending.push(item);
        }
      }
    }
  }
  return bytes;
}

import type { Entry } from './in-memory-store.js';
import { InMemoryStream } from './in-memory-stream.js';

/** Bytes Redis spends per key besides the key and value bytes (dict entry, object header, expiry). */
const PER_KEY = 64;
/** Bytes per element of a container besides its own bytes (list node, dict entry, score). */
const PER_ELEMENT = 16;

/**
 * Approximate bytes one key occupies: its name (UTF-8), its value's bytes (the fake stores byte
 * strings, one character per byte) and fixed overheads in the spirit of Redis' encodings. An
 * order-of-magnitude stand-in for `MEMORY USAGE`, not a model of Redis' allocator.
 */
export function estimateEntryBytes(key: string, entry: Entry): number {
  let bytes = PER_KEY + Buffer.byteLength(key, 'utf8');
  const { value } = entry;
  if (typeof value === 'string') return bytes + value.length;
  if (value instanceof InMemoryStream) return bytes + value.estimateBytes();
  if (Array.isArray(value)) {
    for (const element of value) bytes += PER_ELEMENT + element.length;
  } else if (value instanceof Set) {
    for (const member of value) bytes += PER_ELEMENT + member.length;
  } else {
    // Hashes (field → value) and sorted sets (member → score, 8 bytes).
    for (const [name, item] of value) {
      bytes += PER_ELEMENT + name.length + (typeof item === 'string' ? item.length : 8);
    }
  }
  return bytes;
}

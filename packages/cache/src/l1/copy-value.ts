/**
 * A copy of values made of plain objects, arrays, primitives, `Date`, `Map`, `Set`, `Buffer` and
 * typed arrays — the types MessagePack and JSON decode to — for handing out a fresh copy of an L1
 * value that cannot be frozen. A walk and a few allocations: much cheaper than decoding again.
 */

type Kind = 'plain' | 'copyable' | 'other';

/** What a value is made of: only plain parts, plain and copyable parts, or anything else. */
export function kindOf(value: unknown): Kind {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'function' || typeof value === 'symbol' ? 'other' : 'plain';
  }
  let kind: Kind = 'plain';
  const visit = (part: unknown) => {
    const inner = kindOf(part);
    if (inner === 'other') return false;
    if (inner === 'copyable') kind = 'copyable';
    return true;
  };
  const proto = Object.getPrototypeOf(value);
  if (Array.isArray(value)) {
    if (proto !== Array.prototype) return 'other';
    for (const item of value) if (!visit(item)) return 'other';
    return kind;
  }
  if (proto === Object.prototype || proto === null) {
    if (Object.getOwnPropertySymbols(value).length > 0) return 'other';
    for (const key in value) if (!visit((value as Record<string, unknown>)[key])) return 'other';
    return kind;
  }
  if (value instanceof Date || ArrayBuffer.isView(value)) return 'copyable';
  if (value instanceof Map) {
    for (const [key, item] of value) if (!visit(key) || !visit(item)) return 'other';
    return 'copyable';
  }
  if (value instanceof Set) {
    for (const item of value) if (!visit(item)) return 'other';
    return 'copyable';
  }
  return 'other';
}

/** A deep copy of a value whose {@link kindOf} is `plain` or `copyable`. */
export function copyValue(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(copyValue);
  if (value instanceof Date) return new Date(value.getTime());
  if (Buffer.isBuffer(value)) return Buffer.from(value);
  if (ArrayBuffer.isView(value)) {
    const view = value as unknown as { slice(): unknown };
    return typeof view.slice === 'function'
      ? view.slice()
      : new DataView((value as DataView).buffer.slice(0));
  }
  if (value instanceof Map) {
    const copy = new Map();
    for (const [key, item] of value) copy.set(copyValue(key), copyValue(item));
    return copy;
  }
  if (value instanceof Set) {
    const copy = new Set();
    for (const item of value) copy.add(copyValue(item));
    return copy;
  }
  const copy: Record<string, unknown> = Object.getPrototypeOf(value) === null ? Object.create(null) : {};
  for (const key in value) copy[key] = copyValue((value as Record<string, unknown>)[key]);
  return copy;
}

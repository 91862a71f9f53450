import { InputTooLargeError, InvalidInputError } from '../domain/errors.js';

/**
 * Bounds on what a client may send, beyond what a JSON schema can say. Free-form JSON (a
 * session's `preferences`) is the one place where a client chooses the shape: without bounds it
 * could be nested 20,000 levels deep (the serializer then overflows its stack), hold `1e999`
 * (JSON.parse makes it Infinity, which JSON cannot store) or a lone UTF-16 surrogate (stored as
 * U+FFFD), or simply be large enough to fill the cache.
 */

/** Largest request body accepted, in bytes (Fastify's default is 1 MiB). */
export const BODY_LIMIT_BYTES = 16 * 1024;
/** Largest `preferences` object, serialized as JSON, in bytes. */
export const PREFERENCES_MAX_BYTES = 4 * 1024;
/** Deepest nesting of objects and arrays in `preferences` (the object itself is level 1). */
export const PREFERENCES_MAX_DEPTH = 4;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Throws `InvalidInputError` (400) naming the first offending path when `value` nests containers
 * deeper than `maxDepth`, holds a non-finite number or a string (or key) with a lone surrogate;
 * `InputTooLargeError` (413) when its JSON is larger than `maxBytes`. Walks at most `maxDepth`
 * levels, so a hostile depth costs nothing.
 */
export function assertBoundedJson(
  value: unknown,
  field: string,
  limits: { readonly maxDepth: number; readonly maxBytes: number },
): void {
  walk(value, field, 1, limits.maxDepth);
  if (Buffer.byteLength(JSON.stringify(value)) > limits.maxBytes) {
    throw new InputTooLargeError(field, limits.maxBytes);
  }
}

function walk(value: unknown, path: string, depth: number, maxDepth: number): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidInputError(path, 'must be a finite number');
    return;
  }
  if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value)) throw new InvalidInputError(path, 'must be well-formed Unicode');
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (depth > maxDepth) throw new InvalidInputError(path, `must not nest more than ${maxDepth} levels`);
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) walk(item, `${path}[${i}]`, depth + 1, maxDepth);
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    if (LONE_SURROGATE.test(key)) throw new InvalidInputError(path, 'must have well-formed Unicode keys');
    walk(item, `${path}.${key}`, depth + 1, maxDepth);
  }
}

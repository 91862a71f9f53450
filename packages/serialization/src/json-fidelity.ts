import { describeValue } from '@forno/core';

/**
 * Strict JSON: finds what `JSON.stringify` would silently drop or change. Without this check a
 * `Map` is stored as `{}`, a `Set` as `{}`, a function-valued property disappears and `NaN` becomes
 * `null`, and the loss is only noticed when the value is read back.
 *
 * Allowed, because JSON has a clear convention for them: objects with `toJSON` (a `Date` becomes its
 * ISO string, a `Buffer` `{ type, data }`), properties holding `undefined` (left out), class
 * instances (their own enumerable properties).
 */

const LOSSY_CLASSES: ReadonlyArray<abstract new (...args: never[]) => object> = [
  Map,
  Set,
  WeakMap,
  WeakSet,
  RegExp,
  Error,
  Promise,
  ArrayBuffer,
];

/**
 * Throws a `TypeError` naming the first value, at any depth, that JSON cannot represent faithfully.
 * Call it after `JSON.stringify` succeeded: the value is then known to be acyclic along the paths
 * this walk follows (the same paths `JSON.stringify` follows).
 */
export function assertJsonFaithful(value: unknown): void {
  if (!hasLoss(value, 0)) return;
  const [problem, path] = locateLoss(value);
  throw new TypeError(`JSON cannot represent ${problem} at ${path}`);
}

/** Beyond this depth the recursive check hands over to the iterative one (no stack overflow). */
const MAX_RECURSION = 128;
const OBJECT_PROTOTYPE = Object.prototype;
const ARRAY_PROTOTYPE = Array.prototype;

/**
 * The fast check: recursive, no allocation, plain objects and arrays walked inline (most values
 * are nothing else). `JSON.stringify` already succeeded, so the value is acyclic.
 */
function hasLoss(value: unknown, depth: number): boolean {
  if (typeof value !== 'object') return lossOf(value) !== undefined;
  if (value === null) return false;
  if (depth > MAX_RECURSION) return lossOf(value) !== undefined || hasLossInside(value);
  const proto = Object.getPrototypeOf(value);
  if (proto === ARRAY_PROTOTYPE) {
    const items = value as unknown[];
    for (let i = 0; i < items.length; i++) if (hasLoss(items[i], depth + 1)) return true;
    return false;
  }
  if (proto === OBJECT_PROTOTYPE || proto === null) {
    for (const key in value) if (hasLoss((value as Record<string, unknown>)[key], depth + 1)) return true;
    return false;
  }
  if (lossOf(value) !== undefined) return true;
  if (!isContainer(value)) return false;
  for (const item of Object.values(value)) if (hasLoss(item, depth + 1)) return true;
  return false;
}

/** The iterative walk: no paths, primitives checked without being pushed. */
function hasLossInside(root: unknown): boolean {
  const stack: object[] = [];
  if (isContainer(root)) stack.push(root);
  for (let current = stack.pop(); current !== undefined; current = stack.pop()) {
    const children: unknown[] = Array.isArray(current) ? current : Object.values(current);
    for (const child of children) {
      if (lossOf(child) !== undefined) return true;
      if (isContainer(child)) stack.push(child);
    }
  }
  return false;
}

/** The slow walk, run only to name the culprit: same order, with paths. */
function locateLoss(root: unknown): [problem: string, path: string] {
  const stack: Array<readonly [unknown, string]> = [[root, '$']];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [current, path] = next;
    const problem = lossOf(current);
    if (problem !== undefined) return [problem, path];
    if (!isContainer(current)) continue;
    if (Array.isArray(current)) {
      for (let i = 0; i < current.length; i++) stack.push([current[i], `${path}[${i}]`]);
    } else {
      for (const [key, item] of Object.entries(current)) stack.push([item, `${path}.${key}`]);
    }
  }
  return ['this value', '$'];
}

/** An array or object whose contents `JSON.stringify` walks (no `toJSON`). */
function isContainer(value: unknown): value is object {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { toJSON?: unknown }).toJSON !== 'function'
  );
}

function lossOf(value: unknown): string | undefined {
  switch (typeof value) {
    case 'function':
    case 'symbol':
    case 'bigint':
      return describeValue(value);
    case 'number':
      return Number.isFinite(value) ? undefined : String(value);
    case 'object': {
      if (value === null) return undefined;
      const proto = Object.getPrototypeOf(value);
      if (proto === Object.prototype || proto === Array.prototype || proto === null) return undefined;
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return undefined;
      if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
      const lossy = LOSSY_CLASSES.find((type) => value instanceof type);
      return lossy === undefined ? undefined : `a ${lossy.name}`;
    }
    default:
      return undefined;
  }
}

/**
 * Refuses decoded data that could pollute prototypes once the application merges it somewhere.
 *
 * `JSON.parse` and msgpackr never pollute by themselves: a `__proto__` key becomes an own property
 * (JSON) or is renamed `__proto_` (msgpackr). But an own `__proto__` property, or a `constructor`
 * object with a `prototype` key, turns a naive deep merge or `Object.assign` into a prototype
 * pollution. Forno refuses such payloads instead of handing them over: the guard only walks a value
 * when its bytes mention one of the dangerous names, so ordinary values cost a substring search.
 */

/** Keys that reach a prototype when used as a property name. */
export const PROTO_KEY = '__proto__';

/** Where a dangerous key was found, e.g. `$.items[2].__proto__`. */
export class PrototypeKeyError extends Error {
  constructor(readonly path: string) {
    super(`refusing a payload with a prototype-polluting key at ${path}`);
    this.name = 'PrototypeKeyError';
  }
}

type Pending = readonly [value: unknown, path: string];

/**
 * Throws {@link PrototypeKeyError} when a plain object anywhere in `value` has one of `protoKeys` as
 * an own key, or a `constructor` key holding an object with a `prototype` key. Walks arrays, plain
 * objects, and the values and keys of Maps and Sets; iterative, so deep values cannot overflow.
 */
export function assertNoPrototypeKeys(value: unknown, protoKeys: readonly string[] = [PROTO_KEY]): void {
  const stack: Pending[] = [[value, '$']];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [current, path] = next;
    if (current === null || typeof current !== 'object') continue;
    if (Array.isArray(current)) {
      for (let i = 0; i < current.length; i++) stack.push([current[i], `${path}[${i}]`]);
    } else if (current instanceof Map) {
      for (const [key, item] of current) stack.push([key, `${path}<key>`], [item, `${path}<value>`]);
    } else if (current instanceof Set) {
      for (const item of current) stack.push([item, `${path}<member>`]);
    } else if (isPlainObject(current)) {
      checkObject(current, path, protoKeys, stack);
    }
  }
}

function checkObject(object: object, path: string, protoKeys: readonly string[], stack: Pending[]): void {
  // Every alias (msgpackr's `__proto_`) stands for `__proto__` in the stored bytes.
  if (protoKeys.some((key) => Object.hasOwn(object, key)))
    throw new PrototypeKeyError(`${path}.${PROTO_KEY}`);
  if (Object.hasOwn(object, 'constructor')) {
    const ctor = (object as { constructor: unknown }).constructor;
    if (ctor !== null && typeof ctor === 'object' && Object.hasOwn(ctor, 'prototype')) {
      throw new PrototypeKeyError(`${path}.constructor.prototype`);
    }
  }
  for (const key of Object.keys(object)) {
    stack.push([(object as Record<string, unknown>)[key], `${path}.${key}`]);
  }
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

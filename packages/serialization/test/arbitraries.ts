import fc from 'fast-check';

/**
 * fast-check arbitraries shared by the serializer tests. Keys that the prototype guard refuses
 * (`__proto__`, msgpackr's `__proto_`, and `constructor`, which could hold a `prototype`) are left
 * out here and tested on their own.
 */

const REFUSED_KEYS = new Set(['__proto__', '__proto_', 'constructor']);

/** Object keys, biased towards tricky strings, minus the ones the guard refuses. */
export const key = fc.string({ maxLength: 12 }).filter((k) => !REFUSED_KEYS.has(k));

/** Well-formed strings with any code point (UTF-8 cannot carry lone surrogates). */
export const text = fc.string({ unit: 'grapheme', maxLength: 40 });

/** Any JSON value (finite numbers, no `-0`: JSON writes it as `0`). */
export const jsonValue: fc.Arbitrary<unknown> = fc
  .jsonValue({ maxDepth: 4 })
  .map((value) => JSON.parse(JSON.stringify(value)) as unknown)
  .filter((value) => !hasRefusedKey(value));

/** A realistic record, the shape most cached values have. */
export const orderLike = fc.record(
  {
    id: fc.uuid(),
    customer: fc.record({ name: text, phone: fc.string({ maxLength: 15 }) }, { noNullPrototype: true }),
    items: fc.array(
      fc.record(
        {
          name: text,
          price: fc.double({ min: 0, max: 100, noNaN: true }),
          toppings: fc.array(text, { maxLength: 5 }),
        },
        { noNullPrototype: true },
      ),
      { maxLength: 25 },
    ),
    total: fc.integer(),
    paid: fc.boolean(),
  },
  { noNullPrototype: true },
);

const number = fc.double().map((n) => (Object.is(n, -0) ? 0 : n));
const bigint = fc.oneof(
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc.bigInt({ min: -(2n ** 200n), max: 2n ** 200n }),
);
const date = fc.date({ noInvalidDate: true });
const bytes = fc.uint8Array({ maxLength: 40 });
const scalar = fc.oneof(text, fc.integer(), number, fc.boolean(), fc.constant(null), bigint, date);

/** Values MessagePack carries: JSON plus Date, BigInt, Map, Set, Buffer, typed arrays, undefined. */
export const richValue: fc.Arbitrary<unknown> = fc
  .letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      scalar,
      fc.constant(undefined),
      bytes,
      bytes.map((b) => Buffer.from(b)),
      fc.float64Array({ maxLength: 8 }),
      fc.array(tie('value'), { maxLength: 5 }),
      fc.dictionary(key, tie('value'), { maxKeys: 5, noNullPrototype: true }),
      fc
        .array(fc.tuple(fc.oneof(text, fc.integer()), tie('value')), { maxLength: 4 })
        .map((entries) => new Map(entries)),
      fc
        .array(fc.oneof(text, fc.integer(), fc.boolean()), { maxLength: 5 })
        .map((members) => new Set(members)),
    ),
  }))
  .value.filter((value) => value !== undefined);

function hasRefusedKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasRefusedKey);
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([k, v]) => REFUSED_KEYS.has(k) || hasRefusedKey(v));
}

import { InvalidConfigError, PayloadTooLargeError, SerializationError } from '@forno/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonValue, orderLike } from '../test/arbitraries.js';
import { JsonSerializer } from './json-serializer.js';

const json = new JsonSerializer();

describe('JsonSerializer', () => {
  it('is a text serializer named json', () => {
    expect(json.name).toBe('json');
    expect(json.format).toBe('text');
  });

  it('round-trips every JSON value, from text and from bytes', () => {
    fc.assert(
      fc.property(jsonValue, (value) => {
        const text = json.serialize(value);
        expect(json.deserialize(text)).toStrictEqual(value);
        expect(json.deserialize(Buffer.from(text))).toStrictEqual(value);
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic: the same value gives the same text', () => {
    fc.assert(
      fc.property(orderLike, (order) => {
        expect(json.serialize(order)).toBe(json.serialize(structuredClone(order)));
        expect(new JsonSerializer().serialize(order)).toBe(json.serialize(order));
      }),
      { numRuns: 100 },
    );
  });

  it('stores plain JSON with no header, so INCRBY and other clients keep working', () => {
    expect(json.serialize(5)).toBe('5');
    expect(json.serialize('margherita')).toBe('"margherita"');
    expect(json.serialize({ a: [1, null] })).toBe('{"a":[1,null]}');
    expect(json.deserialize('6')).toBe(6);
  });

  it('stores a Date as its ISO string and reads the string back (no extended types)', () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    expect(json.deserialize(json.serialize({ at }))).toEqual({ at: '2026-01-02T03:04:05.678Z' });
  });

  it.each([
    ['undefined', undefined],
    ['a function', () => 1],
    ['a symbol', Symbol('s')],
    ['a BigInt', 10n],
    ['a nested BigInt', { n: [1n] }],
  ])('refuses %s', (_, value) => {
    expect(() => json.serialize(value)).toThrow(SerializationError);
  });

  it('refuses circular structures', () => {
    const order: Record<string, unknown> = { id: 1 };
    order.self = order;
    expect(() => json.serialize(order)).toThrow(/circular/i);
    expect(() => json.serialize([{ deep: [order] }])).toThrow(SerializationError);
  });

  it.each([
    ['a Map', { m: new Map([[1, 2]]) }, /a Map at \$\.m/],
    ['a Set', [new Set([1])], /a Set at \$\[0\]/],
    ['a nested function', { a: { onClick: () => 1 } }, /function at \$\.a\.onClick/],
    ['a nested symbol', { s: Symbol('x') }, /symbol at \$\.s/],
    ['NaN', { price: Number.NaN }, /NaN at \$\.price/],
    ['Infinity', [Number.POSITIVE_INFINITY], /Infinity/],
    ['a typed array', { bytes: new Uint16Array(2) }, /Uint16Array/],
    ['a top-level Map', new Map(), /a Map at \$/],
  ])('strict mode refuses %s that JSON would silently change', (_, value, message) => {
    expect(() => json.serialize(value)).toThrow(message);
  });

  it('strict mode keeps JSON conventions: toJSON, Buffers, undefined properties, class instances', () => {
    class Pizza {
      constructor(readonly name: string) {}
      bake() {}
    }
    const value = { when: new Date(0), buf: Buffer.from('a'), skip: undefined, pizza: new Pizza('diavola') };
    expect(JSON.parse(json.serialize(value))).toEqual(JSON.parse(JSON.stringify(value)));
  });

  it('strict: false gives plain JSON.stringify semantics', () => {
    const loose = new JsonSerializer({ strict: false });
    expect(loose.serialize({ m: new Map([[1, 2]]), n: Number.NaN, f: () => 1 })).toBe('{"m":{},"n":null}');
    expect(() => loose.serialize(undefined)).toThrow(SerializationError);
  });

  it('throws on text that is not JSON, never returning it as a string', () => {
    for (const bad of ['hello', '', '{"a":', '[1,2', '{"a":1}x', 'undefined', "{'a':1}"]) {
      expect(() => json.deserialize(bad)).toThrow(SerializationError);
    }
  });

  it('throws on every truncation of an object or array', () => {
    fc.assert(
      fc.property(fc.oneof(orderLike, fc.array(jsonValue, { minLength: 1 })), fc.nat(), (value, cut) => {
        const text = json.serialize(value);
        const prefix = text.slice(0, cut % text.length);
        expect(() => json.deserialize(prefix)).toThrow(SerializationError);
      }),
      { numRuns: 200 },
    );
  });

  it('says so when it meets a value framed by a binary serializer', () => {
    const framed = Buffer.from([0xc1, 0x02, 0x00, 0x90]);
    expect(() => json.deserialize(framed)).toThrow(/binary header/);
    expect(() => json.deserialize(framed.toString('utf8'))).toThrow(/binary header/);
  });

  it('checks maxPayloadBytes on the UTF-8 bytes before returning', () => {
    const small = new JsonSerializer({ maxPayloadBytes: 10 });
    expect(small.serialize('12345678')).toBe('"12345678"');
    expect(() => small.serialize('123456789')).toThrow(PayloadTooLargeError);
    // 4 characters, but 12 bytes of UTF-8 plus quotes.
    expect(() => small.serialize('€€€€')).toThrow(/14 bytes, over maxPayloadBytes \(10 bytes\)/);
  });

  it('validates its options', () => {
    expect(() => new JsonSerializer({ maxPayloadBytes: 0 })).toThrow(/maxPayloadBytes/);
    expect(() => new JsonSerializer({ maxPayloadBytes: 1.5 })).toThrow(InvalidConfigError);
    expect(() => new JsonSerializer({ strict: 'yes' } as never)).toThrow(/strict/);
    expect(() => new JsonSerializer({ stirct: true } as never)).toThrow(/unknown option/);
    expect(new JsonSerializer().maxPayloadBytes).toBe(64 * 1024 * 1024);
  });
});

describe('errors are typed when the serializer is used on its own', () => {
  it('bad values and corrupt text throw SerializationError (E_SERIALIZATION)', () => {
    const json = new JsonSerializer();
    expect(() => json.serialize(undefined)).toThrow(expect.objectContaining({ code: 'E_SERIALIZATION' }));
    expect(() => json.deserialize('{"truncated":')).toThrow(
      expect.objectContaining({ code: 'E_SERIALIZATION' }),
    );
    expect(() => json.deserialize('{"truncated":')).toThrow(SerializationError);
  });
});

describe('strict JSON on deeply nested values', () => {
  it('checks values nested deeper than the recursive walk goes, and still finds what JSON would lose', () => {
    const json = new JsonSerializer();
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 1_000; i++) deep = { child: deep };
    expect(json.deserialize(json.serialize(deep))).toEqual(deep);
    let lossy: Record<string, unknown> = { leaf: new Map([[1, 2]]) };
    for (let i = 0; i < 1_000; i++) lossy = { child: lossy };
    expect(() => json.serialize(lossy)).toThrow(expect.objectContaining({ code: 'E_SERIALIZATION' }));
  });
});

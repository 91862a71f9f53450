import { InvalidConfigError, PayloadTooLargeError, SerializationError } from '@forno/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonValue, orderLike, richValue } from '../../test/arbitraries.js';
import { JsonSerializer } from '../json-serializer.js';
import { MsgpackSerializer } from './msgpack-serializer.js';

const msgpack = new MsgpackSerializer();
const roundTrip = (value: unknown, serializer = msgpack) =>
  serializer.deserialize(serializer.serialize(value));

describe('MsgpackSerializer', () => {
  it('is a binary serializer named msgpack', () => {
    expect(msgpack.name).toBe('msgpack');
    expect(msgpack.format).toBe('binary');
  });

  it('round-trips values with Date, BigInt, Map, Set, Buffer, typed arrays and undefined', () => {
    fc.assert(
      fc.property(richValue, (value) => {
        expect(roundTrip(value)).toStrictEqual(value);
      }),
      { numRuns: 250 },
    );
  });

  it('refuses strings with lone surrogates anywhere in the value, which UTF-8 would turn into U+FFFD', () => {
    for (const value of ['a\ud800b', { note: ['x\udc00'] }, { 'k\ud800': 1 }, new Map([['\udfff', 1]])]) {
      expect(() => msgpack.serialize(value)).toThrow(SerializationError);
      expect(() => msgpack.serialize(value)).toThrow(/lone UTF-16 surrogate/);
    }
    // A real U+FFFD, or a well-formed surrogate pair, is data.
    expect(roundTrip({ note: 'a\ufffdb', emoji: '😀' })).toEqual({ note: 'a\ufffdb', emoji: '😀' });
  });

  it('round-trips every JSON value', () => {
    fc.assert(
      fc.property(jsonValue, (value) => {
        expect(roundTrip(value)).toStrictEqual(value);
      }),
    );
  });

  it('is deterministic across instances, calls and processes that share nothing', () => {
    fc.assert(
      fc.property(fc.oneof(richValue, orderLike), (value) => {
        const bytes = Buffer.from(msgpack.serialize(value));
        expect(Buffer.from(new MsgpackSerializer().serialize(value))).toEqual(bytes);
        expect(Buffer.from(msgpack.serialize(value))).toEqual(bytes);
        // A fresh reader, with no record definitions seen before, decodes it on its own.
        expect(new MsgpackSerializer().deserialize(bytes)).toStrictEqual(value);
      }),
      { numRuns: 120 },
    );
  });

  it('keeps records self-contained when one value has many shapes', () => {
    const shapes = Array.from({ length: 300 }, (_, i) => ({
      [`k${i}`]: i,
      [`j${i % 7}`]: 'v',
      nested: { [`n${i % 90}`]: [i] },
    }));
    const bytes = msgpack.serialize(shapes);
    expect(new MsgpackSerializer().deserialize(bytes)).toStrictEqual(shapes);
    expect(Buffer.from(new MsgpackSerializer().serialize(shapes))).toEqual(Buffer.from(bytes));
    expect(roundTrip({ small: 1 })).toEqual({ small: 1 });
  });

  it('keeps the types JSON loses', () => {
    const value = {
      at: new Date('2026-01-02T03:04:05.678Z'),
      big: 2n ** 64n + 1n,
      small: -5n,
      menu: new Map<unknown, unknown>([
        ['margherita', 8.5],
        [42, { vegan: false }],
      ]),
      tags: new Set(['hot', 'new']),
      image: Buffer.from([0xff, 0x00]),
      weights: new Float32Array([0.5, 1.5]),
      missing: undefined,
      nan: Number.NaN,
      inf: Number.NEGATIVE_INFINITY,
      safe: Number.MAX_SAFE_INTEGER,
    };
    expect(roundTrip(value)).toStrictEqual(value);
  });

  it('frames its values as 0xC1 0x02 0x00 followed by MessagePack', () => {
    expect(Buffer.from(msgpack.serialize(1))).toEqual(Buffer.from([0xc1, 0x02, 0x00, 0x01]));
    expect(Buffer.from(msgpack.serialize('a'))).toEqual(Buffer.from([0xc1, 0x02, 0x00, 0xa1, 0x61]));
  });

  it('reads values JsonSerializer wrote, so a repository can switch from JSON', () => {
    const json = new JsonSerializer();
    fc.assert(
      fc.property(fc.oneof(jsonValue, orderLike), (value) => {
        expect(msgpack.deserialize(Buffer.from(json.serialize(value)))).toStrictEqual(value);
      }),
    );
    expect(msgpack.deserialize(Buffer.from('5'))).toBe(5); // written by INCRBY
  });

  it('reads raw values other clients wrote: strings as strings, other bytes as Buffers', () => {
    expect(msgpack.deserialize(Buffer.from('hello'))).toBe('hello');
    expect(msgpack.deserialize(Buffer.from(''))).toBe('');
    expect(msgpack.deserialize(Buffer.from('{not json'))).toBe('{not json');
    expect(msgpack.deserialize(Buffer.from('42 pizzas'))).toBe('42 pizzas');
    expect(msgpack.deserialize(Buffer.from([0xff, 0xfe, 0x00]))).toEqual(Buffer.from([0xff, 0xfe, 0x00]));
    expect(msgpack.deserialize('plain string reply')).toBe('plain string reply');
  });

  it.each([
    ['undefined', undefined],
    ['a function', () => 1],
    ['a symbol', Symbol('s')],
    ['a nested function', { a: [{ f: () => 1 }] }],
    ['a nested symbol', { s: Symbol('x') }],
  ])('refuses %s', (_, value) => {
    expect(() => msgpack.serialize(value)).toThrow(SerializationError);
  });

  it('refuses circular structures and keeps working afterwards', () => {
    const order: Record<string, unknown> = { id: 1 };
    order.items = [{ order }];
    expect(() => msgpack.serialize(order)).toThrow(/circular or too deeply nested/);
    expect(roundTrip({ id: 2, items: [] })).toEqual({ id: 2, items: [] });
  });

  it('throws on every truncation of a value', () => {
    fc.assert(
      fc.property(fc.oneof(richValue, orderLike), fc.nat(), (value, cut) => {
        const bytes = Buffer.from(msgpack.serialize(value));
        // Cutting the whole header leaves an empty payload: a raw empty string, by design.
        expect(() => msgpack.deserialize(bytes.subarray(0, 1 + (cut % (bytes.length - 1))))).toThrow(Error);
      }),
      { numRuns: 300 },
    );
  });

  it('corrupt bytes give a value or a SerializationError, never another error, a crash or a hang', () => {
    let rejected = 0;
    fc.assert(
      fc.property(
        orderLike,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        (value, flips) => {
          const bytes = Buffer.from(msgpack.serialize(value));
          for (const [at, byte] of flips) bytes[3 + (at % (bytes.length - 3))] = byte;
          let error: unknown;
          try {
            msgpack.deserialize(bytes);
          } catch (thrown) {
            error = thrown;
          }
          if (error === undefined) return;
          rejected++;
          expect(SerializationError.is(error), String(error)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
    // MessagePack has no checksum: many flips still decode. Some must not, or nothing was tested.
    expect(rejected).toBeGreaterThan(0);
  });

  it.each([
    ['unknown extension', [0xd4, 0x05, 0x00]],
    ['structured-clone reference', [0xd6, 0x70, 0, 0, 0, 1]],
    ['trailing bytes', [0x01, 0x02]],
    ['array longer than the data', [0xdd, 0x7f, 0xff, 0xff, 0xff]],
    ['record definition cut short', [0xd4, 0x72, 0x40]],
  ])('throws on a crafted body: %s', (_, body) => {
    expect(() => msgpack.deserialize(Buffer.from([0xc1, 0x02, 0x00, ...body]))).toThrow(Error);
  });

  it('throws on hostile nesting instead of overflowing the stack, and keeps working', () => {
    const deep = Buffer.alloc(200_000, 0x91);
    deep.set([0xc1, 0x02, 0x00], 0);
    expect(() => msgpack.deserialize(deep)).toThrow(Error);
    expect(roundTrip([1])).toEqual([1]);
  });

  it('checks maxPayloadBytes on the framed bytes before returning', () => {
    const small = new MsgpackSerializer({ maxPayloadBytes: 8 });
    expect(small.serialize('abcd')).toHaveLength(8);
    expect(() => small.serialize('abcde')).toThrow(PayloadTooLargeError);
  });

  it('validates its options', () => {
    expect(() => new MsgpackSerializer({ maxPayloadBytes: -1 })).toThrow(InvalidConfigError);
    expect(() => new MsgpackSerializer({ records: false } as never)).toThrow(InvalidConfigError);
  });
});

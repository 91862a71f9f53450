import { InvalidConfigError, PayloadTooLargeError } from '@forno/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RawSerializer } from './raw-serializer.js';

const asString = new RawSerializer();
const asBuffer = new RawSerializer({ as: 'buffer' });

describe('RawSerializer', () => {
  it('reads strings as a text serializer, Buffers as a binary one', () => {
    expect([asString.name, asString.format]).toEqual(['raw', 'text']);
    expect([asBuffer.name, asBuffer.format]).toEqual(['raw', 'binary']);
  });

  it('stores strings as they are and round-trips them', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (value) => {
        expect(asString.serialize(value)).toBe(value);
        expect(asString.deserialize(value)).toBe(value);
        expect(asString.deserialize(Buffer.from(value))).toBe(value);
      }),
      { numRuns: 300 },
    );
  });

  it('stores bytes as they are and round-trips them with as: buffer', () => {
    fc.assert(
      fc.property(fc.uint8Array(), (bytes) => {
        const stored = asBuffer.serialize(bytes);
        expect(stored).toBe(bytes);
        expect(asBuffer.deserialize(stored)).toEqual(Buffer.from(bytes));
      }),
      { numRuns: 300 },
    );
    expect(asBuffer.deserialize('héllo')).toEqual(Buffer.from('héllo'));
  });

  it('adds no quoting and no header, so other clients read exactly what was written', () => {
    expect(asString.serialize('hello')).toBe('hello');
    expect(asString.serialize('42')).toBe('42');
    expect(asBuffer.serialize(Buffer.from([0xc1, 0x02]))).toEqual(Buffer.from([0xc1, 0x02]));
  });

  it.each([
    ['a number', 5],
    ['an object', { a: 1 }],
    ['null', null],
    ['undefined', undefined],
    ['a function', () => 1],
    ['a symbol', Symbol('s')],
  ])('refuses %s', (_, value) => {
    expect(() => asString.serialize(value)).toThrow(/strings and Buffers/);
  });

  it('refuses strings with lone surrogates, which UTF-8 would replace', () => {
    expect(() => asString.serialize('a\ud800b')).toThrow(/lone surrogates/);
  });

  it('checks maxPayloadBytes', () => {
    const small = new RawSerializer({ maxPayloadBytes: 4 });
    expect(small.serialize('abcd')).toBe('abcd');
    expect(() => small.serialize('abcde')).toThrow(PayloadTooLargeError);
    expect(() => small.serialize('ééé')).toThrow(PayloadTooLargeError);
    expect(() => small.serialize(Buffer.alloc(5))).toThrow(PayloadTooLargeError);
  });

  it('validates its options', () => {
    expect(() => new RawSerializer({ as: 'bytes' } as never)).toThrow(InvalidConfigError);
    expect(() => new RawSerializer({ encoding: 'latin1' } as never)).toThrow(InvalidConfigError);
  });
});

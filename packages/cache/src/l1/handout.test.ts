import { MsgpackSerializer } from '@forno/serialization/msgpack';
import { describe, expect, it } from 'vitest';
import { CLONE_CODEC, freezeIfPlain, handOut, hold, serializerCodec } from './handout.js';

describe('what L1 hands out', () => {
  it('deep-freezes plain values once; every hit hands out the same frozen value', () => {
    const held = hold({ a: [1, { b: 2n }], c: null }, CLONE_CODEC, false);
    const first = handOut(held, CLONE_CODEC) as { a: [number, { b: bigint }] };
    expect(Object.isFrozen(first) && Object.isFrozen(first.a) && Object.isFrozen(first.a[1])).toBe(true);
    expect(handOut(held, CLONE_CODEC)).toBe(first);
  });

  it('copies values JavaScript cannot freeze (Date, Map, Set, Buffer) for each caller', () => {
    const codec = serializerCodec(new MsgpackSerializer());
    const value = { at: new Date(0), tags: new Set(['a']), bytes: Buffer.from([1]) };
    const held = hold(value, codec, false);
    expect(held.kind).toBe('copied');
    const one = handOut(held, codec) as typeof value;
    const two = handOut(held, codec) as typeof value;
    expect(one).toEqual(value);
    expect(one).not.toBe(two);
    one.tags.add('b');
    one.at.setFullYear(2000);
    one.bytes[0] = 9;
    const three = handOut(held, codec) as typeof value;
    expect(three).toEqual(value);
    expect(Buffer.isBuffer(three.bytes)).toBe(true);
  });

  it('keeps anything else encoded, and decodes it for each caller', () => {
    const held = hold({ pattern: /^pizza/i }, CLONE_CODEC, false);
    expect(held.kind).toBe('encoded');
    const one = handOut(held, CLONE_CODEC) as { pattern: RegExp };
    expect(one.pattern.test('Pizza!')).toBe(true);
    expect(handOut(held, CLONE_CODEC)).not.toBe(one);
  });

  it('a caller’s object is copied, never frozen in place', () => {
    const mine = { price: 1 };
    const held = hold(mine, CLONE_CODEC, false);
    mine.price = 2;
    expect(Object.isFrozen(mine)).toBe(false);
    expect(handOut(held, CLONE_CODEC)).toEqual({ price: 1 });
  });

  it('plain: objects with the Object or null prototype, arrays, primitives; nothing else', () => {
    expect(freezeIfPlain(Object.create(null))).toBe(true);
    expect(freezeIfPlain([1, 'a', true, null, 1n])).toBe(true);
    expect(freezeIfPlain(new Date())).toBe(false);
    expect(freezeIfPlain({ nested: new Map() })).toBe(false);
    expect(freezeIfPlain(new (class Pizza {})())).toBe(false);
    expect(freezeIfPlain({ f: () => 1 })).toBe(false);
  });
});

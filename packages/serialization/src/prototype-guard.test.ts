import type { Serializer } from '@forno/core';
import { Packr } from 'msgpackr';
import { afterEach, describe, expect, it } from 'vitest';
import { compressed } from './compressed-serializer.js';
import { JsonSerializer } from './json-serializer.js';
import { MsgpackSerializer } from './msgpack/msgpack-serializer.js';
import { assertNoPrototypeKeys } from './prototype-guard.js';

const POLLUTING_JSON = [
  '{"__proto__":{"polluted":true}}',
  '{"a":[{"b":{"__proto__":{"polluted":true}}}]}',
  '{"\\u005f_proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '[{"x":{"constructor":{"prototype":{"polluted":true}}}}]',
];

/** Readers that see the JSON text: strict JSON, the multi-codec fallback, and a compressed reader. */
const jsonReaders: Array<[string, (text: string) => unknown]> = [
  ['JsonSerializer', (text) => new JsonSerializer().deserialize(text)],
  ['MsgpackSerializer (JSON fallback)', (text) => new MsgpackSerializer().deserialize(Buffer.from(text))],
  ['compressed JSON', (text) => compressed(new JsonSerializer()).deserialize(Buffer.from(text))],
];

function hostile(): Record<string, unknown> {
  return JSON.parse('{"name":"x","__proto__":{"polluted":true}}') as Record<string, unknown>;
}

afterEach(() => {
  expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  expect(Object.prototype).not.toHaveProperty('polluted');
});

describe('prototype pollution', () => {
  describe.each(jsonReaders)('%s', (_, read) => {
    it.each(POLLUTING_JSON)('refuses %s', (text) => {
      expect(() => read(text)).toThrow(/prototype-polluting key/);
    });

    it('accepts harmless uses of the names', () => {
      expect(read('{"constructor":"Bob","prototype":1,"__proto":2}')).toEqual({
        constructor: 'Bob',
        prototype: 1,
        __proto: 2,
      });
      expect(read('{"tags":["__proto__","constructor"]}')).toEqual({ tags: ['__proto__', 'constructor'] });
    });
  });

  describe.each<[string, Serializer]>([
    ['json', new JsonSerializer()],
    ['msgpack', new MsgpackSerializer()],
    ['compressed msgpack', compressed(new MsgpackSerializer(), { threshold: 0 })],
  ])('%s', (_, serializer) => {
    it('refuses to write a value it would refuse to read', () => {
      expect(() => serializer.serialize(hostile())).toThrow(/prototype-polluting key at \$\.__proto__/);
      expect(() => serializer.serialize({ list: [{ constructor: { prototype: {} } }] })).toThrow(
        /\$\.list\[0\]\.constructor\.prototype/,
      );
    });
  });

  it('refuses MessagePack records with a __proto__ key, which msgpackr would rename silently', () => {
    // Written by a msgpackr that has no guard, e.g. another service.
    const body = new Packr({ useRecords: true, mapsAsObjects: false }).pack(hostile());
    const framed = Buffer.concat([Buffer.from([0xc1, 0x02, 0x00]), body]);
    expect(() => new MsgpackSerializer().deserialize(framed)).toThrow(
      /prototype-polluting key at \$\.__proto__/,
    );
  });

  it('reads standard MessagePack maps as Maps, whose keys cannot reach a prototype', () => {
    // { "__proto__": { "polluted": true } } as a standard map, written by another MessagePack client.
    const map = Buffer.from([
      0x81,
      0xa9,
      ...Buffer.from('__proto__'),
      0x81,
      0xa8,
      ...Buffer.from('polluted'),
      0xc3,
    ]);
    const framed = Buffer.concat([Buffer.from([0xc1, 0x02, 0x00]), map]);
    expect(new MsgpackSerializer().deserialize(framed)).toEqual(
      new Map([['__proto__', new Map([['polluted', true]])]]),
    );
  });

  it('lets MessagePack keep a Map with a __proto__ key: Map keys cannot reach a prototype', () => {
    const msgpack = new MsgpackSerializer();
    const value = new Map([['__proto__', { polluted: true }]]);
    expect(msgpack.deserialize(msgpack.serialize(value))).toEqual(value);
  });

  it('walks deep values without overflowing the stack', () => {
    let deep: unknown = { __proto_: 1 };
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => assertNoPrototypeKeys(deep, ['__proto_'])).toThrow(/prototype-polluting key/);
  });
});

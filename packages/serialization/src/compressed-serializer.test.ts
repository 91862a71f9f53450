import { createHash } from 'node:crypto';
import { InvalidConfigError, PayloadTooLargeError, SerializationError } from '@forno/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonValue, orderLike, richValue } from '../test/arbitraries.js';
import type { CodecSerializer } from './codec.js';
import { compressed } from './compressed-serializer.js';
import { type CompressionAlgorithm, isZstdSupported } from './compression.js';
import { describePayload } from './describe-payload.js';
import { JsonSerializer } from './json-serializer.js';
import { MsgpackSerializer } from './msgpack/msgpack-serializer.js';
import { RawSerializer } from './raw-serializer.js';

const algorithms: CompressionAlgorithm[] = isZstdSupported()
  ? ['gzip', 'brotli', 'zstd']
  : ['gzip', 'brotli'];
const inners: Array<[string, () => CodecSerializer, fc.Arbitrary<unknown>]> = [
  ['json', () => new JsonSerializer(), fc.oneof(jsonValue, orderLike)],
  ['msgpack', () => new MsgpackSerializer(), fc.oneof(richValue, orderLike)],
  [
    'raw',
    () => new RawSerializer({ as: 'buffer' }),
    fc.uint8Array({ maxLength: 3000 }).map((b) => Buffer.from(b)),
  ],
];
/** Whether a stored value starts with the wire format's header (0xC1, codec, algorithm). */
const isFramedReply = (stored: string | Uint8Array) => typeof stored !== 'string' && stored[0] === 0xc1;
/** Replies as the driver gives them to a binary serializer. */
const reply = (stored: string | Uint8Array) => Buffer.from(stored as Uint8Array);
const manyItems = (n: number) => ({
  items: Array.from({ length: n }, (_, i) => ({ i, name: 'quattro formaggi' })),
});

describe.each(algorithms)('compressed(..., { algorithm: %s })', (algorithm) => {
  it.each(inners)('round-trips %s values, above and below the threshold', (_, inner, values) => {
    const serializer = compressed(inner(), { algorithm, threshold: 64 });
    fc.assert(
      fc.property(values, (value) => {
        expect(serializer.deserialize(reply(serializer.serialize(value)))).toStrictEqual(value);
      }),
      { numRuns: 150 },
    );
  });

  it('is deterministic', () => {
    const serializer = compressed(new MsgpackSerializer(), { algorithm, threshold: 0 });
    fc.assert(
      fc.property(orderLike, (order) => {
        expect(reply(serializer.serialize(order))).toEqual(
          reply(serializer.serialize(structuredClone(order))),
        );
      }),
    );
  });

  it('frames compressed values as 0xC1, the inner codec id, the algorithm id', () => {
    const ids = { gzip: 0x01, brotli: 0x02, zstd: 0x03 };
    const stored = reply(compressed(new JsonSerializer(), { algorithm }).serialize(manyItems(100)));
    expect([...stored.subarray(0, 3)]).toEqual([0xc1, 0x01, ids[algorithm]]);
    expect(describePayload(stored)).toMatchObject({ framed: true, codec: 'json', compression: algorithm });
  });

  it('throws on every truncation of a compressed value', () => {
    const serializer = compressed(new JsonSerializer(), { algorithm });
    const stored = reply(serializer.serialize(manyItems(200)));
    for (let cut = 1; cut < stored.length; cut += Math.max(1, Math.floor(stored.length / 97))) {
      expect(() => serializer.deserialize(stored.subarray(0, cut))).toThrow(Error);
    }
  });

  it('corrupt compressed bytes give a value or a SerializationError, never another error or a hang', () => {
    const serializer = compressed(new MsgpackSerializer(), { algorithm, threshold: 0 });
    let rejected = 0;
    fc.assert(
      fc.property(orderLike, fc.nat(), fc.integer({ min: 1, max: 255 }), (order, at, delta) => {
        const stored = reply(serializer.serialize(order));
        const i = 3 + (at % (stored.length - 3));
        stored[i] = (stored[i]! + delta) % 256; // always a different byte
        let error: unknown;
        try {
          serializer.deserialize(stored);
        } catch (thrown) {
          error = thrown;
        }
        if (error === undefined) return;
        rejected++;
        expect(SerializationError.is(error), String(error)).toBe(true);
      }),
      { numRuns: 300 },
    );
    expect(rejected).toBeGreaterThan(0);
  });
});

describe('compressed()', () => {
  it('stores values below the threshold exactly as the inner serializer does', () => {
    const serializer = compressed(new JsonSerializer(), { threshold: 1024 });
    expect(serializer.serialize({ small: true })).toBe('{"small":true}');
    expect(serializer.serialize(5)).toBe('5');
    expect(serializer.deserialize(Buffer.from('5'))).toBe(5);
    const msgpack = compressed(new MsgpackSerializer());
    expect(reply(msgpack.serialize('a'))).toEqual(Buffer.from([0xc1, 0x02, 0x00, 0xa1, 0x61]));
  });

  it('compares the threshold with the UTF-8 length of the encoding, from that length on', () => {
    const value = 'é'.repeat(200); // JSON: 402 bytes of UTF-8, 202 UTF-16 units
    const framed = (threshold: number) =>
      isFramedReply(compressed(new JsonSerializer(), { threshold }).serialize(value));
    expect(framed(300)).toBe(true);
    expect(framed(402)).toBe(true);
    expect(framed(403)).toBe(false);
    expect(compressed(new JsonSerializer(), { threshold: 403 }).serialize(value)).toBe(JSON.stringify(value));
  });

  it('rejects a framed value cut inside its header with a SerializationError', () => {
    const serializer = compressed(new JsonSerializer());
    for (const cut of [Buffer.from([0xc1]), Buffer.from([0xc1, 0x01])]) {
      expect(() => serializer.deserialize(cut)).toThrow(SerializationError);
      expect(() => serializer.deserialize(cut)).toThrow(/truncated header/);
    }
  });

  it('stores a value uncompressed when compression would not make it smaller', () => {
    const serializer = compressed(new RawSerializer({ as: 'buffer' }), { threshold: 0 });
    const noise = Buffer.concat(
      Array.from({ length: 64 }, (_, i) => createHash('sha512').update(`${i}`).digest()),
    );
    expect(reply(serializer.serialize(noise))).toEqual(noise);
  });

  it('frames raw bytes that start with the magic byte, so they are not misread as a header', () => {
    const serializer = compressed(new RawSerializer({ as: 'buffer' }));
    const bytes = Buffer.from([0xc1, 0x01, 0x01, 0xff]);
    const stored = reply(serializer.serialize(bytes));
    expect([...stored]).toEqual([0xc1, 0x03, 0x00, 0xc1, 0x01, 0x01, 0xff]);
    expect(serializer.deserialize(stored)).toEqual(bytes);
  });

  it('reads values written with another algorithm or threshold, and without compression', () => {
    const value = manyItems(100);
    const writers = [
      ...algorithms.map((algorithm) => compressed(new JsonSerializer(), { algorithm })),
      new JsonSerializer(),
    ];
    for (const reader of algorithms.map((algorithm) =>
      compressed(new JsonSerializer(), { algorithm, threshold: 10 }),
    )) {
      for (const writer of writers) expect(reader.deserialize(reply(writer.serialize(value)))).toEqual(value);
    }
  });

  it('checks maxPayloadBytes on the uncompressed encoding before compressing', () => {
    const serializer = compressed(new JsonSerializer(), { maxPayloadBytes: 2000 });
    // 1999 characters and two quotes: 2001 bytes before compression, about 40 after.
    expect(() => serializer.serialize('x'.repeat(1999))).toThrow(PayloadTooLargeError);
    expect(reply(serializer.serialize('x'.repeat(1998))).length).toBeLessThan(100);
  });

  it('inherits the inner serializer limit by default', () => {
    expect(compressed(new JsonSerializer({ maxPayloadBytes: 5000 })).maxPayloadBytes).toBe(5000);
  });

  it.each(algorithms)(
    'refuses to decompress more than maxPayloadBytes with %s (decompression bombs)',
    (name) => {
      // 10 MB of spaces compress to a few kB with every algorithm: the frame is 0xC1, JSON, algorithm.
      const writer = compressed(new JsonSerializer(), { algorithm: name, threshold: 0 });
      const bomb = reply(writer.serialize(' '.repeat(10_000_000)));
      expect(bomb.length).toBeLessThan(20_000);
      const serializer = compressed(new JsonSerializer(), { algorithm: name, maxPayloadBytes: 1_000_000 });
      expect(() => serializer.deserialize(bomb)).toThrow(PayloadTooLargeError);
      expect(() => new MsgpackSerializer({ maxPayloadBytes: 1_000_000 }).deserialize(bomb)).toThrow(
        PayloadTooLargeError,
      );
    },
  );

  it('names the algorithm and level in its properties', () => {
    const serializer = compressed(new MsgpackSerializer(), { algorithm: 'brotli' });
    expect(serializer).toMatchObject({
      name: 'msgpack+brotli',
      format: 'binary',
      algorithm: 'brotli',
      level: 4,
      threshold: 1024,
    });
    expect(compressed(new JsonSerializer()).name).toBe('json+gzip');
  });

  it.runIf(!isZstdSupported())('refuses zstd clearly where node:zlib has no zstd', () => {
    expect(() => compressed(new JsonSerializer(), { algorithm: 'zstd' })).toThrow(InvalidConfigError);
    expect(() => compressed(new JsonSerializer(), { algorithm: 'zstd' })).toThrow(
      /zstd needs zlib\.zstdCompressSync/,
    );
    const zstdFramed = Buffer.from([0xc1, 0x01, 0x03, 0x28, 0xb5, 0x2f, 0xfd]);
    expect(() => compressed(new JsonSerializer()).deserialize(zstdFramed)).toThrow(/no zstd/);
  });

  it('validates its options and its inner serializer', () => {
    const json = new JsonSerializer();
    expect(() => compressed(json, { algorithm: 'lz4' as never })).toThrow(InvalidConfigError);
    expect(() => compressed(json, { level: 10 })).toThrow(/level/);
    expect(() => compressed(json, { algorithm: 'brotli', level: 12 })).toThrow(/from 0 to 11/);
    expect(() => compressed(json, { threshold: -1 })).toThrow(/threshold/);
    expect(() => compressed(json, { treshold: 10 } as never)).toThrow(/unknown option/);
    expect(() => compressed(compressed(json) as never)).toThrow(InvalidConfigError);
    expect(() =>
      compressed({ name: 'custom', format: 'text', serialize: String, deserialize: String } as never),
    ).toThrow(InvalidConfigError);
  });
});

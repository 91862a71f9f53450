import { isUtf8 } from 'node:buffer';
import { describeValue, isWellFormedText } from '@forno/core';
import type { Codec } from './codec.js';
import { CODEC_IDS } from './wire-format.js';

/**
 * How raw bytes are handed back: `'string'` decodes UTF-8, `'buffer'` returns the bytes, and
 * `'auto'` (used by the multi-codec readers) returns a string when the bytes are valid UTF-8 and a
 * Buffer otherwise, so nothing is lost either way.
 */
export type RawReadMode = 'string' | 'buffer' | 'auto';

/** Strings and bytes as they are. Encoding refuses other values and strings UTF-8 cannot carry. */
export function createRawCodec(mode: RawReadMode): Codec {
  return {
    id: CODEC_IDS.raw,
    name: 'raw',
    alwaysFramed: false,
    encode: encodeRaw,
    decode: (body) => decodeRaw(body, mode),
  };
}

/** Returns strings and byte arrays unchanged; throws a `TypeError` for anything else. */
export function encodeRaw(value: unknown): string | Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value !== 'string') {
    throw new TypeError(
      `the raw serializer stores strings and Buffers as they are, got ${describeValue(value)}; use JsonSerializer or MsgpackSerializer for other values`,
    );
  }
  if (!isWellFormedText(value)) {
    throw new TypeError(
      'the raw serializer cannot store a string with lone surrogates: UTF-8 cannot carry them',
    );
  }
  return value;
}

/** Hands raw bytes back according to `mode`. */
export function decodeRaw(bytes: Buffer, mode: RawReadMode): string | Buffer {
  if (mode === 'buffer' || (mode === 'auto' && !isUtf8(bytes))) return Buffer.from(bytes);
  return bytes.toString('utf8');
}

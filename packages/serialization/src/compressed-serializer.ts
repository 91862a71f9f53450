import {
  assertKnownOptions,
  InvalidConfigError,
  integerOption,
  type Serializer,
  toSerializationError,
} from '@forno/core';
import { type Codec, type CodecSerializer, isCodecSerializer } from './codec.js';
import { type CompressionAlgorithm, type Compressor, compressorFor } from './compression.js';
import { assertPayloadSize, maxPayloadBytesOption } from './payload-size.js';
import { HEADER_LENGTH, uncompressedForm, writeFrame } from './wire-format.js';
import { WireReader } from './wire-reader.js';

/** Options of {@link compressed}. */
export interface CompressionOptions {
  /** Values whose encoding is smaller than this many bytes are stored uncompressed. Default 1024. */
  readonly threshold?: number | undefined;
  /** `'gzip'` (default), `'brotli'`, or `'zstd'` where `node:zlib` has it (Node 22.15+). */
  readonly algorithm?: CompressionAlgorithm | undefined;
  /** Compression level: gzip 1-9 (default 6), brotli 0-11 (default 4), zstd 1-19 (default 3). */
  readonly level?: number | undefined;
  /**
   * Largest value in bytes before compression; bigger ones throw `PayloadTooLargeError`. Reads
   * never decompress more than this (decompression bombs). Default: the inner serializer's.
   */
  readonly maxPayloadBytes?: number | undefined;
}

const OPTIONS = {
  threshold: 'number',
  algorithm: 'string',
  level: 'number',
  maxPayloadBytes: 'number',
} as const;
const DEFAULT_THRESHOLD = 1024;

/**
 * Wraps a serializer with compression: values at or above `threshold` bytes are compressed and
 * framed (`0xC1 codec algorithm body`); smaller ones, and values compression would not shrink, are
 * stored exactly as the inner serializer stores them. Reads accept every algorithm and both forms,
 * so the threshold and the algorithm can change without making stored values unreadable.
 *
 * ```ts
 * const serializer = compressed(new JsonSerializer(), { algorithm: 'brotli', threshold: 2048 });
 * ```
 */
export function compressed(inner: CodecSerializer, options?: CompressionOptions): CompressedSerializer {
  return new CompressedSerializer(inner, options);
}

/** A serializer that compresses large values; built by {@link compressed}. Always `binary`. */
export class CompressedSerializer implements Serializer {
  /** Inner name and algorithm, e.g. `'json+gzip'`. */
  readonly name: string;
  /** `'binary'`: compressed bytes are not text. */
  readonly format = 'binary';
  /** The wrapped serializer. */
  readonly inner: CodecSerializer;
  /** Algorithm used for writing. */
  readonly algorithm: CompressionAlgorithm;
  /** Smallest encoding, in bytes, that is compressed. */
  readonly threshold: number;
  /** Compression level used for writing. */
  readonly level: number;
  /** Largest value in bytes before compression; also the decompression bound. */
  readonly maxPayloadBytes: number;
  readonly #codec: Codec;
  readonly #compressor: Compressor;
  readonly #reader: WireReader;

  constructor(inner: CodecSerializer, options: CompressionOptions = {}) {
    if (!isCodecSerializer(inner)) {
      throw new InvalidConfigError(
        'inner',
        'expected an uncompressed Forno serializer (JsonSerializer, RawSerializer or MsgpackSerializer)',
      );
    }
    assertKnownOptions(options, OPTIONS);
    this.#compressor = compressorFor(options.algorithm ?? 'gzip');
    const { minLevel, maxLevel, defaultLevel } = this.#compressor;
    this.inner = inner;
    this.algorithm = this.#compressor.algorithm;
    this.name = `${inner.name}+${this.algorithm}`;
    this.threshold = integerOption(options.threshold, 'threshold', 0, DEFAULT_THRESHOLD);
    this.level = integerOption(options.level, 'level', minLevel, defaultLevel, undefined, maxLevel);
    this.maxPayloadBytes = maxPayloadBytesOption(options.maxPayloadBytes, inner.maxPayloadBytes);
    this.#codec = inner.codec;
    this.#reader = new WireReader({
      codec: inner.codec,
      plain: (payload) => inner.deserialize(payload),
      maxPayloadBytes: this.maxPayloadBytes,
    });
  }

  /**
   * Encodes with the inner codec, checks the size limit on the uncompressed encoding, then
   * compresses when the encoding reaches `threshold` and compression actually saves bytes.
   */
  serialize(value: unknown): string | Uint8Array {
    try {
      const body = this.#codec.encode(value);
      const plain = uncompressedForm(this.#codec, body);
      assertPayloadSize(plain, this.maxPayloadBytes, this.name);
      // Most values are small strings: skip the UTF-8 copy when even 3 bytes a unit stay below.
      if (typeof plain === 'string' && plain.length * 3 < this.threshold) return plain;
      const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
      const plainLength = typeof plain === 'string' ? bytes.byteLength : plain.byteLength;
      if (plainLength < this.threshold) return plain;
      const packed = this.#compressor.compress(bytes, this.level);
      if (HEADER_LENGTH + packed.byteLength >= plainLength) return plain;
      return writeFrame(this.#codec.id, this.#compressor.id, packed);
    } catch (error) {
      throw toSerializationError(error, `${this.name} cannot serialize`);
    }
  }

  /** Reads compressed and uncompressed values of any algorithm; plain ones via the inner serializer. */
  deserialize(payload: string | Uint8Array): unknown {
    try {
      return this.#reader.read(payload);
    } catch (error) {
      throw toSerializationError(error, `${this.name} cannot deserialize`);
    }
  }
}

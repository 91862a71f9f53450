import { assertKnownOptions, choiceOption, toSerializationError } from '@forno/core';
import type { Codec, CodecSerializer } from './codec.js';
import { assertPayloadSize, maxPayloadBytesOption } from './payload-size.js';
import { createRawCodec } from './raw-codec.js';
import { asBuffer } from './wire-format.js';

/** Options of {@link RawSerializer}. */
export interface RawSerializerOptions {
  /**
   * What reads return: `'string'` (default; a `text` serializer, UTF-8 decoded) or `'buffer'`
   * (a `binary` serializer, the bytes as they are).
   */
  readonly as?: 'string' | 'buffer' | undefined;
  /** Largest value in bytes; larger ones throw `PayloadTooLargeError`. Default 64 MiB. */
  readonly maxPayloadBytes?: number | undefined;
}

const OPTIONS = { as: 'string', maxPayloadBytes: 'number' } as const;

/**
 * Strings and Buffers stored exactly as they are, with no header and no quoting, for interop with
 * other Redis clients (a string written by another service is read as that string, and the other
 * service reads what Forno wrote). Other values throw a `TypeError`.
 */
export class RawSerializer implements CodecSerializer {
  /** `'raw'`. */
  readonly name = 'raw';
  /** `'text'` when reading strings, `'binary'` when reading Buffers. */
  readonly format: 'text' | 'binary';
  /** The raw codec, for {@link compressed}. */
  readonly codec: Codec;
  /** Largest value in bytes. */
  readonly maxPayloadBytes: number;
  readonly #asBuffer: boolean;

  constructor(options: RawSerializerOptions = {}) {
    assertKnownOptions(options, OPTIONS);
    const as = choiceOption(options.as, 'as', ['string', 'buffer'] as const, 'string');
    this.#asBuffer = as === 'buffer';
    this.format = this.#asBuffer ? 'binary' : 'text';
    this.maxPayloadBytes = maxPayloadBytesOption(options.maxPayloadBytes);
    this.codec = createRawCodec(as);
  }

  /** Returns a string or byte array unchanged. Throws for other values or over the size limit. */
  serialize(value: unknown): string | Uint8Array {
    try {
      const raw = this.codec.encode(value);
      assertPayloadSize(raw, this.maxPayloadBytes, this.name);
      return raw;
    } catch (error) {
      throw toSerializationError(error, `${this.name} cannot serialize`);
    }
  }

  /** Returns the stored value as a string, or as a Buffer with `as: 'buffer'`. */
  deserialize(payload: string | Uint8Array): string | Buffer {
    try {
      if (this.#asBuffer)
        return typeof payload === 'string' ? Buffer.from(payload, 'utf8') : asBuffer(payload);
      return typeof payload === 'string' ? payload : asBuffer(payload).toString('utf8');
    } catch (error) {
      throw toSerializationError(error, `${this.name} cannot deserialize`);
    }
  }
}

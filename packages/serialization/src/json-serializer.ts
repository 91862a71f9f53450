import { assertKnownOptions, toSerializationError } from '@forno/core';
import type { Codec, CodecSerializer } from './codec.js';
import { createJsonCodec, parseJson } from './json-codec.js';
import { assertPayloadSize, maxPayloadBytesOption } from './payload-size.js';
import { asBuffer, WIRE_MAGIC } from './wire-format.js';

/** Options of {@link JsonSerializer}. */
export interface JsonSerializerOptions {
  /** Largest encoded value in bytes; larger ones throw `PayloadTooLargeError`. Default 64 MiB. */
  readonly maxPayloadBytes?: number | undefined;
  /**
   * Refuse values JSON would silently change: `Map`, `Set`, typed arrays, functions, symbols,
   * `NaN` and `±Infinity`, at any depth. Default `true`; `false` saves the extra walk (about 20% of
   * `serialize` time) and gives plain `JSON.stringify` semantics.
   */
  readonly strict?: boolean | undefined;
}

const OPTIONS = { maxPayloadBytes: 'number', strict: 'boolean' } as const;

/**
 * The default serializer: values as plain JSON text with no header, readable by `redis-cli` and any
 * other client; `INCRBY` and `HINCRBY` keep working on numbers (5 is stored as the text `5`).
 *
 * It is strict both ways: values JSON cannot represent throw a `TypeError` (the repository turns it
 * into a `SerializationError` naming the key), and stored text that is not JSON fails to parse
 * rather than being returned as a string. It carries no extended types: a `Date` is stored as its
 * ISO string and read back as that string. Use `MsgpackSerializer` for `Date`, `Map`, `Set`,
 * `BigInt` and binary data.
 */
export class JsonSerializer implements CodecSerializer {
  /** `'json'`. */
  readonly name = 'json';
  /** `'text'`: replies are read as strings, the fast path. */
  readonly format = 'text';
  /** The JSON codec, for {@link compressed}. */
  readonly codec: Codec;
  /** Largest encoded value in bytes. */
  readonly maxPayloadBytes: number;

  constructor(options: JsonSerializerOptions = {}) {
    assertKnownOptions(options, OPTIONS);
    this.maxPayloadBytes = maxPayloadBytesOption(options.maxPayloadBytes);
    this.codec = createJsonCodec(options.strict ?? true);
  }

  /** Encodes `value` as JSON text. Throws for values JSON cannot represent or over the size limit. */
  serialize(value: unknown): string {
    try {
      const text = this.codec.encode(value) as string;
      assertPayloadSize(text, this.maxPayloadBytes, this.name);
      return text;
    } catch (error) {
      throw toSerializationError(error, `${this.name} cannot serialize`);
    }
  }

  /** Parses JSON text (or its UTF-8 bytes). Throws on anything else, including framed values. */
  deserialize(payload: string | Uint8Array): unknown {
    try {
      const text = typeof payload === 'string' ? payload : asBuffer(payload).toString('utf8');
      try {
        return parseJson(text);
      } catch (error) {
        if (!looksFramed(text)) throw error;
        throw new Error(
          'stored value has a Forno binary header (0xC1): it was written by MsgpackSerializer or compressed(); ' +
            'configure the same serializer to read it',
          { cause: error },
        );
      }
    } catch (error) {
      throw toSerializationError(error, `${this.name} cannot deserialize`);
    }
  }
}

/** A framed value read as text: 0xC1 is invalid UTF-8, so the reply starts with U+FFFD. */
function looksFramed(text: string): boolean {
  const first = text.charCodeAt(0);
  return first === 0xfffd || first === WIRE_MAGIC;
}

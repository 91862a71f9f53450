import { assertKnownOptions, toSerializationError } from '@forno/core';
import type { Codec, CodecSerializer } from '../codec.js';
import { assertPayloadSize, maxPayloadBytesOption } from '../payload-size.js';
import { decodeJsonOrRaw } from '../plain-fallback.js';
import { COMPRESSION_IDS, writeFrame } from '../wire-format.js';
import { WireReader } from '../wire-reader.js';
import { createMsgpackCodec } from './msgpack-codec.js';

/** Options of {@link MsgpackSerializer}. */
export interface MsgpackSerializerOptions {
  /**
   * Largest encoded value in bytes; larger ones throw `PayloadTooLargeError`. Also bounds how far a
   * compressed value is decompressed when read. Default 64 MiB.
   */
  readonly maxPayloadBytes?: number | undefined;
}

const OPTIONS = { maxPayloadBytes: 'number' } as const;

/**
 * MessagePack through msgpackr: carries `Date`, `Map`, `Set`, `BigInt`, `Buffer`, typed arrays,
 * `undefined` and `NaN`, and is smaller and faster than JSON for records with repeated shapes.
 * Values are framed `0xC1 0x02 0x00 <msgpack>`.
 *
 * It reads everything Forno writes: its own values, compressed ones (any algorithm, bounded by
 * `maxPayloadBytes`), JSON written by `JsonSerializer` before the switch, and raw strings written by
 * other clients (returned as strings, or Buffers when not UTF-8). So a repository can move from
 * JSON to MessagePack without migrating its data.
 *
 * Import it from `@forno/serialization/msgpack`; `msgpackr` is an optional peer dependency.
 */
export class MsgpackSerializer implements CodecSerializer {
  /** `'msgpack'`. */
  readonly name = 'msgpack';
  /** `'binary'`: replies are read as Buffers. */
  readonly format = 'binary';
  /** The MessagePack codec, for `compressed()`. */
  readonly codec: Codec;
  /** Largest encoded value in bytes; also the decompression bound. */
  readonly maxPayloadBytes: number;
  readonly #reader: WireReader;

  constructor(options: MsgpackSerializerOptions = {}) {
    assertKnownOptions(options, OPTIONS);
    this.maxPayloadBytes = maxPayloadBytesOption(options.maxPayloadBytes);
    this.codec = createMsgpackCodec();
    this.#reader = new WireReader({
      codec: this.codec,
      plain: decodeJsonOrRaw,
      maxPayloadBytes: this.maxPayloadBytes,
    });
  }

  /** Encodes `value` as framed MessagePack. Throws for values it cannot represent or over the limit. */
  serialize(value: unknown): Uint8Array {
    try {
      const framed = writeFrame(this.codec.id, COMPRESSION_IDS.none, this.codec.encode(value));
      assertPayloadSize(framed, this.maxPayloadBytes, this.name);
      return framed;
    } catch (error) {
      throw toSerializationError(error, `${this.name} cannot serialize`);
    }
  }

  /** Decodes any Forno value (see the class description). Throws on corrupt framed input. */
  deserialize(payload: string | Uint8Array): unknown {
    try {
      return this.#reader.read(payload);
    } catch (error) {
      throw toSerializationError(error, `${this.name} cannot deserialize`);
    }
  }
}

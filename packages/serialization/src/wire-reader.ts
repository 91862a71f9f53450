import type { Codec } from './codec.js';
import { decompress } from './compression.js';
import { createJsonCodec } from './json-codec.js';
import { createRawCodec } from './raw-codec.js';
import { asBuffer, COMPRESSION_IDS, codecNameOf, hex, isFramed, readFrame } from './wire-format.js';

/** How a {@link WireReader} decodes framed values and what it does with the rest. */
export interface WireReaderOptions {
  /** The serializer's own codec. JSON and raw (strings, or Buffers when not UTF-8) are always known. */
  readonly codec: Codec;
  /** Decodes a payload that has no header (plain JSON text, a raw string...). */
  readonly plain: (payload: string | Buffer) => unknown;
  /** Bound on decompressed bodies, so a small value cannot expand into gigabytes. */
  readonly maxPayloadBytes: number;
}

/**
 * Reads what any Forno serializer wrote: a framed value is decompressed (bounded) and decoded by
 * the codec its header names; anything else goes to the `plain` decoder. Binary serializers share
 * it, which is what lets a repository read values written before its serializer was changed.
 */
export class WireReader {
  readonly #codecs: ReadonlyMap<number, Codec>;
  readonly #plain: (payload: string | Buffer) => unknown;
  readonly #maxPayloadBytes: number;

  constructor(options: WireReaderOptions) {
    const codecs = [createJsonCodec(true), createRawCodec('auto'), options.codec];
    this.#codecs = new Map(codecs.map((codec) => [codec.id, codec]));
    this.#plain = options.plain;
    this.#maxPayloadBytes = options.maxPayloadBytes;
  }

  /** Decodes a stored value. Throws on corrupt framed input; never executes code. */
  read(payload: string | Uint8Array): unknown {
    if (typeof payload === 'string') return this.#plain(payload);
    const bytes = asBuffer(payload);
    if (!isFramed(bytes)) return this.#plain(bytes);
    const { codecId, compressionId, body } = readFrame(bytes);
    const codec = this.#codecs.get(codecId);
    if (codec === undefined) throw unknownCodec(codecId);
    const decoded =
      compressionId === COMPRESSION_IDS.none ? body : decompress(compressionId, body, this.#maxPayloadBytes);
    return codec.decode(decoded);
  }
}

function unknownCodec(id: number): Error {
  const name = codecNameOf(id);
  if (name === 'msgpack') {
    return new Error(
      'stored value was written by MsgpackSerializer; read it with MsgpackSerializer from @forno/serialization/msgpack',
    );
  }
  return new Error(`unknown codec id ${hex(id)} in header (written by a newer Forno, or not a Forno value)`);
}

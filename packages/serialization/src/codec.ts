import type { Serializer } from '@forno/core';

/**
 * A value encoding (JSON, MessagePack, raw) with its wire-format id. Serializers are built on a
 * codec; {@link compressed} and the multi-codec readers use it to frame bodies and to decode the
 * body of a framed value by its codec id.
 */
export interface Codec {
  /** Codec id written in byte 1 of the header (see the package README). */
  readonly id: number;
  /** Short name used in error messages, e.g. `'json'`. */
  readonly name: string;
  /**
   * True when stored values always carry a header. Binary encodings need one: their first byte
   * could otherwise be read as text (MessagePack `0x7b` is the number 123 and also `{`).
   */
  readonly alwaysFramed: boolean;
  /** Encodes a value into its body. Throws a `TypeError` for values it cannot represent. */
  encode(value: unknown): string | Uint8Array;
  /** Decodes a body (already decompressed). Throws on corrupt input; never executes code. */
  decode(body: Buffer): unknown;
}

/**
 * A {@link Serializer} that exposes its {@link Codec}, so it can be wrapped by {@link compressed}.
 * `JsonSerializer`, `RawSerializer` and `MsgpackSerializer` are codec serializers.
 */
export interface CodecSerializer extends Serializer {
  /** The encoding this serializer writes. */
  readonly codec: Codec;
  /** Largest encoded value, in bytes, this serializer writes (and decompresses when reading). */
  readonly maxPayloadBytes: number;
}

/** True when `value` looks like a {@link CodecSerializer} (duck-typed, so it works across copies). */
export function isCodecSerializer(value: unknown): value is CodecSerializer {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as Partial<CodecSerializer>;
  return (
    typeof candidate.serialize === 'function' &&
    typeof candidate.deserialize === 'function' &&
    typeof candidate.maxPayloadBytes === 'number' &&
    typeof candidate.codec?.encode === 'function' &&
    typeof candidate.codec.decode === 'function' &&
    typeof candidate.codec.id === 'number'
  );
}

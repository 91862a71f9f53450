/**
 * Turns values into the bytes stored in Redis and back. Values (string values, hash field values,
 * list elements, set and sorted-set members) go through it; keys, field names and scores never do.
 *
 * Set and sorted-set members are compared by their serialized bytes, so a serializer must be
 * deterministic: the same value must always produce the same bytes.
 */
export interface Serializer {
  /** Short identifier, e.g. `'json'` or `'msgpack'`, used in errors and metrics. */
  readonly name: string;
  /**
   * `'text'` serializers produce and read strings (the driver then reads replies as strings, which
   * is faster); `'binary'` ones produce bytes and read Buffers.
   */
  readonly format: 'text' | 'binary';
  /** Encodes a value. Throws for values it cannot represent (the repository wraps the error). */
  serialize(value: unknown): string | Uint8Array;
  /** Decodes what {@link Serializer.serialize} produced. Throws on corrupt input; never executes code. */
  deserialize(payload: string | Uint8Array): unknown;
}

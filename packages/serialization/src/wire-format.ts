import type { Codec } from './codec.js';

/**
 * The Forno wire format: how a stored value says which codec wrote it and how it is compressed.
 *
 * Plain JSON text and raw strings are stored as they are, with no header, so other Redis clients,
 * `redis-cli` and `INCRBY` keep working on them. Everything else starts with a 3-byte header:
 *
 * | byte | meaning                                                                  |
 * | ---- | ------------------------------------------------------------------------ |
 * | 0    | `0xC1`, the magic byte                                                   |
 * | 1    | codec: `0x01` JSON, `0x02` MessagePack, `0x03` raw                       |
 * | 2    | compression: `0x00` none, `0x01` gzip, `0x02` brotli, `0x03` zstd         |
 * | 3... | the body: the codec's bytes, compressed with the named algorithm         |
 *
 * `0xC1` can never start UTF-8 text (so never JSON, nor a string another client wrote) and is the
 * one byte MessagePack never uses, so a header cannot be mistaken for anything else.
 */

/** First byte of every framed value. Invalid as a UTF-8 lead byte and unused by MessagePack. */
export const WIRE_MAGIC = 0xc1;
/** Length of the header: magic, codec id, compression id. */
export const HEADER_LENGTH = 3;

/** Codec ids (header byte 1). */
export const CODEC_IDS = { json: 0x01, msgpack: 0x02, raw: 0x03 } as const;
/** Name of a codec the wire format knows. */
export type CodecName = keyof typeof CODEC_IDS;

/** Compression ids (header byte 2). */
export const COMPRESSION_IDS = { none: 0x00, gzip: 0x01, brotli: 0x02, zstd: 0x03 } as const;
/** Name of a compression the wire format knows (`'none'` included). */
export type CompressionName = keyof typeof COMPRESSION_IDS;

/** A framed value split into its parts. */
export interface Frame {
  readonly codecId: number;
  readonly compressionId: number;
  /** The body, a view into the payload (no copy). */
  readonly body: Buffer;
}

/** True when `bytes` starts with the magic byte and must be read as a framed value. */
export function isFramed(bytes: Uint8Array): boolean {
  return bytes.length > 0 && bytes[0] === WIRE_MAGIC;
}

/** Builds `magic, codec, compression, body` in one allocation. */
export function writeFrame(codecId: number, compressionId: number, body: string | Uint8Array): Buffer {
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  const out = Buffer.allocUnsafe(HEADER_LENGTH + length);
  out[0] = WIRE_MAGIC;
  out[1] = codecId;
  out[2] = compressionId;
  if (typeof body === 'string') out.write(body, HEADER_LENGTH, 'utf8');
  else out.set(body, HEADER_LENGTH);
  return out;
}

/** Splits a framed value. Throws when the header is cut short. */
export function readFrame(bytes: Buffer): Frame {
  if (bytes.length < HEADER_LENGTH) {
    throw new Error(`truncated header: ${bytes.length} byte(s), expected at least ${HEADER_LENGTH}`);
  }
  return { codecId: bytes[1]!, compressionId: bytes[2]!, body: bytes.subarray(HEADER_LENGTH) };
}

/** Name of a codec id, or `undefined` for an id this version does not know. */
export function codecNameOf(id: number): CodecName | undefined {
  return nameOf(CODEC_IDS, id);
}

/** Name of a compression id, or `undefined` for an id this version does not know. */
export function compressionNameOf(id: number): CompressionName | undefined {
  return nameOf(COMPRESSION_IDS, id);
}

function nameOf<T extends Record<string, number>>(ids: T, id: number): keyof T | undefined {
  for (const name in ids) if (ids[name] === id) return name;
  return undefined;
}

/** Formats a byte as `0x0a`, for error messages. */
export function hex(byte: number): string {
  return `0x${byte.toString(16).padStart(2, '0')}`;
}

/** Views any byte array as a Buffer without copying. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The uncompressed stored form of a codec's body: as it is when the codec stores plain values
 * (JSON text, raw strings), framed with compression `none` when the codec always frames
 * (MessagePack) or when raw bytes happen to start with the magic byte and would be misread.
 */
export function uncompressedForm(codec: Codec, body: string | Uint8Array): string | Uint8Array {
  const needsFrame = codec.alwaysFramed || (typeof body !== 'string' && isFramed(body));
  return needsFrame ? writeFrame(codec.id, COMPRESSION_IDS.none, body) : body;
}

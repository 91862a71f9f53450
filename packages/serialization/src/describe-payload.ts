import {
  asBuffer,
  type CodecName,
  type CompressionName,
  codecNameOf,
  compressionNameOf,
  HEADER_LENGTH,
  isFramed,
} from './wire-format.js';

/** What {@link describePayload} found in a stored value. */
export interface PayloadDescription {
  /** True when the value starts with the Forno header (`0xC1 codec compression`). */
  readonly framed: boolean;
  /**
   * Codec named by the header; `'plain'` for a value without header (JSON text or a raw value),
   * `'unknown'` for an id this version does not know.
   */
  readonly codec: CodecName | 'plain' | 'unknown';
  /** Compression named by the header (`'none'` when there is no header). */
  readonly compression: CompressionName | 'unknown';
  /** Size of the body, header excluded. */
  readonly bodyBytes: number;
}

/**
 * Tells how a stored value is encoded, without decoding it: for debugging, migrations, and
 * tests that check what actually reached Redis.
 */
export function describePayload(payload: string | Uint8Array): PayloadDescription {
  const bytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : asBuffer(payload);
  if (!isFramed(bytes))
    return { framed: false, codec: 'plain', compression: 'none', bodyBytes: bytes.length };
  if (bytes.length < HEADER_LENGTH)
    return { framed: true, codec: 'unknown', compression: 'unknown', bodyBytes: 0 };
  return {
    framed: true,
    codec: codecNameOf(bytes[1]!) ?? 'unknown',
    compression: compressionNameOf(bytes[2]!) ?? 'unknown',
    bodyBytes: bytes.length - HEADER_LENGTH,
  };
}

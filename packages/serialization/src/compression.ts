import * as zlib from 'node:zlib';
import { InvalidConfigError } from '@forno/core';
import { tooLarge } from './payload-size.js';
import { COMPRESSION_IDS, hex } from './wire-format.js';

/** Compression algorithms: gzip and brotli on every Node version, zstd where `node:zlib` has it. */
export type CompressionAlgorithm = 'gzip' | 'brotli' | 'zstd';

/** One algorithm with its wire id, level range and bounded decompression. */
export interface Compressor {
  readonly algorithm: CompressionAlgorithm;
  /** Compression id written in byte 2 of the header. */
  readonly id: number;
  readonly minLevel: number;
  readonly maxLevel: number;
  readonly defaultLevel: number;
  compress(body: Uint8Array, level: number): Buffer;
  /** Decompresses, refusing to produce more than `maxOutputLength` bytes (decompression bombs). */
  decompress(body: Buffer, maxOutputLength: number): Buffer;
}

/** zstd in `node:zlib` (Node 22.15+/23.8+), typed here because @types/node 20 does not know it. */
interface ZstdZlib {
  zstdCompressSync?(body: Uint8Array, options: { params: Record<number, number> }): Buffer;
  zstdDecompressSync?(body: Uint8Array, options: { maxOutputLength: number }): Buffer;
  constants: { ZSTD_c_compressionLevel?: number; ZSTD_c_checksumFlag?: number };
}

const zstdZlib = zlib as unknown as ZstdZlib;

/** True when this Node.js has zstd in `node:zlib` (it does not before 22.15). */
export function isZstdSupported(): boolean {
  return typeof zstdZlib.zstdCompressSync === 'function' && typeof zstdZlib.zstdDecompressSync === 'function';
}

const gzip: Compressor = {
  algorithm: 'gzip',
  id: COMPRESSION_IDS.gzip,
  minLevel: 1,
  maxLevel: 9,
  defaultLevel: 6,
  compress: (body, level) => zlib.gzipSync(body, { level }),
  decompress: (body, maxOutputLength) => zlib.gunzipSync(body, { maxOutputLength }),
};

const brotli: Compressor = {
  algorithm: 'brotli',
  id: COMPRESSION_IDS.brotli,
  minLevel: 0,
  maxLevel: 11,
  // Quality 11 (zlib's default) compresses ~50x slower than 4 for a few percent less size.
  defaultLevel: 4,
  compress: (body, level) =>
    zlib.brotliCompressSync(body, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: level,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
      },
    }),
  decompress: (body, maxOutputLength) => zlib.brotliDecompressSync(body, { maxOutputLength }),
};

const zstd: Compressor = {
  algorithm: 'zstd',
  id: COMPRESSION_IDS.zstd,
  minLevel: 1,
  maxLevel: 19,
  defaultLevel: 3,
  compress: (body, level) => {
    const { ZSTD_c_compressionLevel = 100, ZSTD_c_checksumFlag = 201 } = zstdZlib.constants;
    return zstdZlib.zstdCompressSync!(body, {
      params: { [ZSTD_c_compressionLevel]: level, [ZSTD_c_checksumFlag]: 1 },
    });
  },
  decompress: (body, maxOutputLength) => {
    if (!isZstdSupported()) {
      throw new Error(`value is zstd-compressed but Node.js ${process.version} has no zstd in node:zlib`);
    }
    return zstdZlib.zstdDecompressSync!(body, { maxOutputLength });
  },
};

const BY_ID = new Map<number, Compressor>([gzip, brotli, zstd].map((c) => [c.id, c]));
const BY_NAME = new Map<string, Compressor>([gzip, brotli, zstd].map((c) => [c.algorithm, c]));

/** The compressor for a configured algorithm. Throws {@link InvalidConfigError} if unavailable. */
export function compressorFor(algorithm: string): Compressor {
  const compressor = BY_NAME.get(algorithm);
  if (compressor === undefined) {
    throw new InvalidConfigError(
      'options.algorithm',
      `expected 'gzip', 'brotli' or 'zstd', got ${String(algorithm)}`,
    );
  }
  if (compressor === zstd && !isZstdSupported()) {
    throw new InvalidConfigError(
      'options.algorithm',
      `zstd needs zlib.zstdCompressSync, which Node.js ${process.version} does not have (added in 22.15/23.8); use 'gzip' or 'brotli'`,
    );
  }
  return compressor;
}

/**
 * Decompresses the body of a framed value. Output over `maxOutputLength` bytes throws
 * `PayloadTooLargeError`; corrupt or truncated input throws an `Error`.
 */
export function decompress(compressionId: number, body: Buffer, maxOutputLength: number): Buffer {
  const compressor = BY_ID.get(compressionId);
  if (compressor === undefined) throw new Error(`unknown compression id ${hex(compressionId)} in header`);
  try {
    return compressor.decompress(body, maxOutputLength);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw tooLarge(
        `${compressor.algorithm} value decompresses to more than ${maxOutputLength} bytes`,
        maxOutputLength,
        error,
      );
    }
    throw new Error(`corrupt ${compressor.algorithm} body: ${(error as Error).message}`, { cause: error });
  }
}

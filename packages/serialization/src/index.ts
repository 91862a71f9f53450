export type { Codec, CodecSerializer } from './codec.js';
export { CompressedSerializer, type CompressionOptions, compressed } from './compressed-serializer.js';
export { type CompressionAlgorithm, isZstdSupported } from './compression.js';
export { describePayload, type PayloadDescription } from './describe-payload.js';
export { JsonSerializer, type JsonSerializerOptions } from './json-serializer.js';
export { DEFAULT_MAX_PAYLOAD_BYTES } from './payload-size.js';
export { RawSerializer, type RawSerializerOptions } from './raw-serializer.js';
export type { CodecName, CompressionName } from './wire-format.js';

import { SerializationError } from '@forno/core';

/**
 * What a serializer throws when its encode or decode step fails: `SerializationError`s (and
 * subclasses such as `PayloadTooLargeError`) as they are, anything else wrapped in one. The
 * repository then adds the key it was working on.
 */
export function toSerializationError(
  error: unknown,
  serializer: string,
  step: 'serialize' | 'deserialize',
): Error {
  if (SerializationError.is(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new SerializationError(`${serializer} cannot ${step}: ${message}`, { cause: error });
}

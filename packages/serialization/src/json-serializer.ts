import type { Serializer } from '@forno/core';

/**
 * The default serializer: values as JSON text, readable by any Redis client. Values JSON cannot
 * represent (`undefined`, functions, symbols, BigInt, circular structures) are rejected.
 */
export class JsonSerializer implements Serializer {
  readonly name = 'json';
  readonly format = 'text';

  serialize(value: unknown): string {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError(`JSON cannot represent ${typeof value}`);
    return text;
  }

  deserialize(payload: string | Uint8Array): unknown {
    return JSON.parse(typeof payload === 'string' ? payload : Buffer.from(payload).toString('utf8'));
  }
}

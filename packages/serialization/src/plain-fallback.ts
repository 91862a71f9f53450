import { checkParsedJson } from './json-codec.js';
import { decodeRaw } from './raw-codec.js';

/** First characters JSON text can start with: `{ [ " - 0-9 t f n` and whitespace. */
const JSON_START = /^[\s{["\-0-9tfn]/;

/**
 * Decodes a value without header for the multi-codec readers: JSON written by `JsonSerializer`
 * (or by another client) is parsed; anything else is a raw value another client wrote and comes
 * back as a string, or as a Buffer when it is not valid UTF-8. So `hello` reads as `'hello'`, `5`
 * as `5`, and `{"a":1}` as `{ a: 1 }`. JSON with a prototype-polluting key still throws.
 */
export function decodeJsonOrRaw(payload: string | Buffer): unknown {
  const text = typeof payload === 'string' ? payload : decodeRaw(payload, 'auto');
  if (typeof text !== 'string' || !JSON_START.test(text)) return text;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text;
  }
  return checkParsedJson(text, value);
}

import { describeValue } from '@forno/core';
import type { Codec } from './codec.js';
import { assertJsonFaithful } from './json-fidelity.js';
import { assertNoPrototypeKeys, PROTO_KEY } from './prototype-guard.js';
import { CODEC_IDS } from './wire-format.js';

/**
 * JSON text, no header. Parsing goes through {@link parseJson}, which refuses prototype-polluting
 * keys; encoding refuses what parsing would refuse, so every value written can be read back.
 */
export function createJsonCodec(strict: boolean): Codec {
  return {
    id: CODEC_IDS.json,
    name: 'json',
    alwaysFramed: false,
    encode: (value) => encodeJson(value, strict),
    decode: (body) => parseJson(body.toString('utf8')),
  };
}

/** `JSON.stringify` that throws a `TypeError` instead of returning `undefined` or losing data. */
export function encodeJson(value: unknown, strict: boolean): string {
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') {
    throw new TypeError(`JSON cannot represent ${describeValue(value)}`);
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new TypeError(`JSON cannot represent this value: ${(error as Error).message}`, { cause: error });
  }
  if (text === undefined)
    throw new TypeError(`JSON cannot represent ${describeValue(value)} (toJSON returned nothing)`);
  if (strict) assertJsonFaithful(value);
  if (mayHidePrototypeKey(text)) assertNoPrototypeKeys(JSON.parse(text));
  return text;
}

/** `JSON.parse` that refuses `__proto__` and `constructor.prototype` keys (see prototype-guard). */
export function parseJson(text: string): unknown {
  return checkParsedJson(text, JSON.parse(text));
}

/** Runs the prototype guard on `value`, parsed from `text`, when the text needs it. */
export function checkParsedJson(text: string, value: unknown): unknown {
  if (mayHidePrototypeKey(text)) assertNoPrototypeKeys(value);
  return value;
}

/**
 * Cheap pre-check: only text that mentions `__proto__` or `constructor`, or has a `\u` escape that
 * could spell them, needs the walk.
 */
export function mayHidePrototypeKey(text: string): boolean {
  return text.includes(PROTO_KEY) || text.includes('constructor') || text.includes('\\u');
}
